"""Cursor pagination on a stable order, so a deep page costs what the first one does."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class StableCursorPagination(CursorPagination):
    """Newest first by id (``?ordering=id`` for oldest first); ``page_size`` up to 500."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ALLOWED = {"id": ("id",), "-id": ("-id",)}

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return self.ALLOWED.get(request.query_params.get("ordering", ""), ("-id",))
