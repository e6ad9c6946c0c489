"""Cursor pagination on a stable order, so a deep page costs what the first one does."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from deals import ordering


class StableCursorPagination(CursorPagination):
    """Newest first by id (``?ordering=id`` for oldest first); ``page_size`` up to 500."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ALLOWED = {"id": ("id",), "-id": ("-id",)}

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": [f"A whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return self.ALLOWED.get(request.query_params.get("ordering", ""), ("-id",))


class RoundCursorPagination(StableCursorPagination):
    """Rounds in any of the orders of :data:`deals.ordering.ROUND_ORDERS` (newest first by date unless
    ``?ordering=`` says otherwise). The cursor holds the last row's sort key and id, and the next page starts
    right after it: an index walk from that point, however deep (keyset pagination)."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        name = request.query_params.get("ordering") or ordering.DEFAULT_ROUND_ORDER
        if name not in ordering.ROUND_ORDERS:
            raise ValidationError({"ordering": [f"Use one of {', '.join(sorted(ordering.ROUND_ORDERS))}."]})
        self.order = ordering.ROUND_ORDERS[name]
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        rows = self.order.keyed(queryset)
        if reverse:
            rows = rows.order_by(*self.order.order_by(reverse=True))
        if self.cursor is not None and self.cursor.position is not None:
            try:
                rows = rows.filter(self.order.after(str(self.cursor.position), reverse=reverse))
            except (ValueError, ArithmeticError):
                raise NotFound(self.invalid_cursor_message) from None
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
        self.positions = [self.order.position(row) for row in page]
        for row in page:  # the key is the cursor's business, not the representation's
            if isinstance(row, dict):
                row.pop(ordering.KEY, None)
        # Going forwards, there is a page before this one if we came by a cursor; backwards, one after it.
        self.has_next = more if not reverse else self.cursor is not None
        self.has_previous = self.cursor is not None if not reverse else more
        self.page = page
        return page

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.positions:
            return None
        last: Any = self.positions[-1]  # text ("2026-01-30|42"), where DRF's own cursors hold one value
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=last))

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.positions:
            return None
        first: Any = self.positions[0]
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=first))
