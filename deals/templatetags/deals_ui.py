"""Template filters of the web UI: Estimates in words in the active language, percentages, dates at their
precision, status labels."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from deals import messages
from deals.formatting import EstimateLike, compact_money, date_format_for, describe, iso_date

register = template.Library()


@register.filter
def estimate(value: EstimateLike | None, currency: str | None = None) -> str:
    """``{{ round.amount|estimate }}`` → "up to €60bn" / "bis zu 60 Mrd. €"."""
    return describe(value, currency, language=get_language())


@register.filter
def message(value: Any) -> str:
    """A stored reason, warning or label (a code with parameters) in the active language."""
    return messages.text(value)


@register.filter
def message_list(values: Any) -> str:
    """Stored messages in the active language, joined with "; "."""
    return "; ".join(messages.texts(values or ()))


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


def date_at_precision(value: datetime.date | None, precision: str | None, *, short: bool = False) -> str:
    """A date in the active language, only as precisely as it is known: "Jan. 30, 2026", "Jan. 2026", "2026"."""
    if value is None:
        return "—"
    return formats.date_format(value, date_format_for(precision, short=short))


def _time(value: datetime.date | None, precision: str | None, short: bool) -> SafeString | str:
    if value is None:
        return "—"
    text = date_at_precision(value, precision, short=short)
    return format_html('<time datetime="{}">{}</time>', iso_date(value, precision), text)


@register.filter
def date_at(value: datetime.date | None, precision: str | None) -> SafeString | str:
    """``{{ round.closed_on|date_at:round.closed_on_precision }}`` → ``<time datetime="2026-01">Jan. 2026</time>``."""
    return _time(value, precision, short=False)


@register.filter
def short_date_at(value: datetime.date | None, precision: str | None) -> SafeString | str:
    """As :func:`date_at`, in the short form lists use for a day ("01/30/2026", "30.01.2026")."""
    return _time(value, precision, short=True)


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], key: str) -> str:
    """The ``ordering`` value a column header links to: ascending first, then descending."""
    current = context["request"].GET.get("ordering", "")
    return f"-{key}" if current == key else key
