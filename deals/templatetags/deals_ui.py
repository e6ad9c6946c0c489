"""Template filters of the web UI: Estimates in words in the active language, percentages, status labels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from deals.formatting import EstimateLike, compact_money, describe

register = template.Library()


@register.filter
def estimate(value: EstimateLike | None, currency: str | None = None) -> str:
    """``{{ round.amount|estimate }}`` → "up to €60bn" / "bis zu 60 Mrd. €"."""
    return describe(value, currency, language=get_language())


@register.filter
def ratio(value: EstimateLike | None) -> str:
    """A stake or multiple stored as a ratio, as a percentage: "1.25–2.5%"."""
    return describe(value, language=get_language(), percent=True)


@register.filter
def multiple(value: EstimateLike | None) -> str:
    """A multiple on invested capital: "1.5×", "1.2–1.8×"."""
    if value is None:
        return "—"
    text = describe(value, "", language=get_language()).strip()
    return text if str(value.qualifier) == "undisclosed" else f"{text}×"


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    """A plain amount, compact: "€60bn" / "60 Mrd. €"."""
    if value is None:
        return "—"
    return compact_money(Decimal(value), currency, get_language())


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return describe(_Exact(Decimal(value) / 100), language=get_language(), percent=True)


class _Exact:
    qualifier = "exact"

    def __init__(self, value: Decimal) -> None:
        self.value = self.low = self.high = value


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], key: str) -> str:
    """The ``ordering`` value a column header links to: ascending first, then descending."""
    current = context["request"].GET.get("ordering", "")
    return f"-{key}" if current == key else key
