"""The orders a list of rounds can be shown in: the same six in the API (``?ordering=``) and the web UI.

Each is a sort key and the round's id after it, so that rounds with the same key keep one order and a cursor can
say exactly where a page ended. Rounds without a date or an amount sort as the lowest value: last when newest or
largest come first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Expression, F, OrderBy, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from deals.models.rounds import round_sort_date

#: The name under which a list's sort key is added to its query.
KEY = "ordering_key"

#: Where a round without an amount in the reporting currency sorts: below every amount.
NO_AMOUNT = Decimal(-1)
#: No stored amount reaches this; a cursor's amount beyond it is no position of a row.
MAX_AMOUNT = Decimal(10) ** 40


def round_sort_amount(prefix: str = "") -> Coalesce:
    """The round's amount in the reporting currency (the top of a range, else its bottom), or :data:`NO_AMOUNT`."""
    return Coalesce(
        f"{prefix}figures__amount_reporting_high",
        f"{prefix}figures__amount_reporting_low",
        Value(NO_AMOUNT, output_field=DecimalField(max_digits=30, decimal_places=4)),
    )


@dataclass(frozen=True)
class RoundOrder:
    """One way to order rounds: by ``key`` (None: by id alone), ascending or descending, then by id."""

    key: str | None
    descending: bool

    def expression(self) -> Expression | None:
        if self.key == "date":
            return round_sort_date()
        if self.key == "amount":
            return round_sort_amount()
        return None

    def order_by(self, *, reverse: bool = False) -> tuple[OrderBy, ...]:
        """The ORDER BY of a query that has this order's key under :data:`KEY` (see :meth:`keyed`)."""
        descending = self.descending != reverse
        names = ([KEY] if self.key else []) + ["id"]
        return tuple(F(name).desc() if descending else F(name).asc() for name in names)

    def keyed(self, rows: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        """``rows`` with this order's key under :data:`KEY`, ordered by it."""
        expression = self.expression()
        if expression is not None:
            rows = rows.annotate(**{KEY: expression})
        return rows.order_by(*self.order_by())

    def position(self, row: Any) -> str:
        """Where ``row`` (a model instance or a dict read through :meth:`keyed`) stands in this order, as text."""
        value = (lambda name: row[name]) if isinstance(row, dict) else (lambda name: getattr(row, name))
        return f"{value(KEY)}|{value('id')}" if self.key else str(value("id"))

    def after(self, position: str, *, reverse: bool = False) -> Q:
        """The rows that come after ``position`` (before it, with ``reverse``): the key at most (or at least)
        the position's, so that the index is entered at the position, and past it by the id among equal keys.
        A malformed position raises ``ValueError``."""
        key_text, _, id_text = position.rpartition("|")
        pk = int(id_text)
        if abs(pk) >= 2**63:  # beyond any id (PostgreSQL's bigint)
            raise ValueError(position)
        downwards = self.descending != reverse
        further = "lt" if downwards else "gt"
        if not self.key:
            return Q(**{f"id__{further}": pk})
        key: Any = datetime.date.fromisoformat(key_text) if self.key == "date" else Decimal(key_text)
        if self.key == "amount" and (not key.is_finite() or abs(key) >= MAX_AMOUNT):
            raise ValueError(position)
        return Q(**{f"{KEY}__{further}e": key}) & (Q(**{f"{KEY}__{further}": key}) | Q(**{f"id__{further}": pk}))


ROUND_ORDERS: dict[str, RoundOrder] = {
    "-date": RoundOrder("date", descending=True),
    "date": RoundOrder("date", descending=False),
    "-amount": RoundOrder("amount", descending=True),
    "amount": RoundOrder("amount", descending=False),
    "-id": RoundOrder(None, descending=True),
    "id": RoundOrder(None, descending=False),
}

#: Every list of rounds is newest first unless asked otherwise.
DEFAULT_ROUND_ORDER = "-date"

ROUND_ORDER_CHOICES = [
    ("-date", _("Newest first")),
    ("date", _("Oldest first")),
    ("-amount", _("Largest first")),
    ("amount", _("Smallest first")),
    ("-id", _("Last entered first")),
    ("id", _("First entered first")),
]


def ordered_rounds(rounds: QuerySet[Any, Any], name: str = DEFAULT_ROUND_ORDER) -> QuerySet[Any, Any]:
    """``rounds`` in the order called ``name`` (one of :data:`ROUND_ORDERS`)."""
    return ROUND_ORDERS[name].keyed(rounds)
