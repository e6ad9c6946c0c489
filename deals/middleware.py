"""Request middleware: the audit context of each request, and the limits every request is held to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from pghistory.middleware import HistoryMiddleware

from deals.api.parsers import unstorable_text_problem


class AuditContextMiddleware(HistoryMiddleware):
    """Attach the user's name (not only the id) and the path to every audit event of a request."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["username"] = user.get_username()
        return context


def _error(request: HttpRequest, status: int, errors: dict[str, Any]) -> HttpResponse:
    """JSON for the API (shaped as its other errors), plain text for the pages."""
    if request.path.startswith("/api/"):
        return JsonResponse(errors, status=status)
    text = "\n".join(f"{name}: {' '.join([m] if isinstance(m, str) else m)}" for name, m in errors.items())
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def query_errors(request: HttpRequest) -> dict[str, list[str]]:
    """Query parameters whose names or values cannot reach the database (NUL, lone surrogates)."""
    errors: dict[str, list[str]] = {}
    for name, values in request.GET.lists():
        problem = next(filter(None, map(unstorable_text_problem, (name, *values))), None)
        if problem:
            # A name that is itself unstorable cannot be echoed back either.
            errors[name if unstorable_text_problem(name) is None else "query"] = [problem]
    return errors


class RequestLimitsMiddleware:
    """Turns requests no view can serve into clear 4xx answers before any view runs.

    - a query string with a NUL or a lone surrogate: 400 naming the parameter (PostgreSQL would refuse the
      text with an error, a 500);
    - a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (file uploads aside, as Django counts): 413, also when
      Django itself finds it too big while reading a form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._too_large(request):
            return self._too_large_response(request)
        errors = query_errors(request)
        if errors:
            return _error(request, 400, errors)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return self._too_large_response(request)
        return None

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        if (request.content_type or "").startswith("multipart/"):
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def _too_large_response(request: HttpRequest) -> HttpResponse:
        message = _("The request body is larger than %(limit)s bytes.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
        return _error(request, 413, {"detail": message})
