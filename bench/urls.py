"""The project's URLs plus ``/bench/bare/``: a bare Django view returning fixed JSON, the API's yardstick."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

BARE = {"ok": True, "items": [{"id": i, "name": f"item {i}"} for i in range(5)]}


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BARE)


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("dealtracker.urls")),
]
