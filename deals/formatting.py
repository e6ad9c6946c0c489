"""Estimates in words: "up to €60bn", "€10–20bn", "at least €800bn" — and in German, "bis zu 60 Mrd. €"; dates
at the precision they are known to: "Jan. 30, 2026", "Jan. 2026", "2026".

Pure functions (no Django imports) shared by the admin, the web UI and CSV exports. Rounding happens here,
once, at display; stored figures keep their full precision.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹"}
# (threshold, English suffix, German suffix)
_SCALES = [
    (Decimal(10) ** 12, "tn", "Bio."),
    (Decimal(10) ** 9, "bn", "Mrd."),
    (Decimal(10) ** 6, "m", "Mio."),
    (Decimal(10) ** 3, "k", "Tsd."),
]
_PHRASES = {
    "en": {"approximately": "about {}", "up_to": "up to {}", "at_least": "at least {}", "undisclosed": "undisclosed"},
    "de": {
        "approximately": "rund {}",
        "up_to": "bis zu {}",
        "at_least": "mindestens {}",
        "undisclosed": "nicht bekannt",
    },
}


class EstimateLike(Protocol):
    @property
    def qualifier(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def low(self) -> Decimal | None: ...
    @property
    def high(self) -> Decimal | None: ...


def _lang(language: str | None) -> str:
    return "de" if (language or "en").lower().startswith("de") else "en"


def _number(value: Decimal, language: str, significant: int = 3) -> str:
    """``value`` with at most ``significant`` significant digits, trailing zeros dropped."""
    if value == 0:
        return "0"
    exponent = value.adjusted() - significant + 1
    rounded = value.quantize(Decimal(1).scaleb(min(exponent, 0)), rounding=ROUND_HALF_EVEN)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if language == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def _scale(value: Decimal) -> tuple[Decimal, str, str]:
    for threshold, en, de in _SCALES:
        if abs(value) >= threshold:
            return threshold, en, de
    return Decimal(1), "", ""


def compact_money(value: Decimal, currency: str | None, language: str | None = "en") -> str:
    """€60bn / 60 Mrd. €."""
    return _money_range(value, None, currency, _lang(language))


def _money_range(low: Decimal, high: Decimal | None, currency: str | None, lang: str) -> str:
    top = high if high is not None else low
    threshold, en, de = _scale(top)
    numbers = _number(low / threshold, lang)
    if high is not None and high != low:
        numbers = f"{numbers}–{_number(high / threshold, lang)}"
    code = currency or ""
    if lang == "de":
        unit = f" {de}" if de else ""
        symbol = SYMBOLS.get(code, code)
        return f"{numbers}{unit} {symbol}".strip()
    if code in SYMBOLS:
        return f"{SYMBOLS[code]}{numbers}{en}"
    return f"{code} {numbers}{en}".strip()


def _percent_range(low: Decimal, high: Decimal | None, lang: str) -> str:
    hundred = Decimal(100)
    text = _number(low * hundred, lang)
    if high is not None and high != low:
        text = f"{text}–{_number(high * hundred, lang)}"
    return f"{text}\u202f%" if lang == "de" else f"{text}%"


def describe(
    estimate: EstimateLike | None, currency: str | None = None, *, language: str | None = "en", percent: bool = False
) -> str:
    """An Estimate in words. ``percent`` formats a ratio (0.0375) as a percentage (3.75%)."""
    if estimate is None:
        return "—"
    lang = _lang(language)
    phrases = _PHRASES[lang]
    qualifier = str(estimate.qualifier)
    currency = currency or getattr(estimate, "currency", None)
    if qualifier == "undisclosed":
        return phrases["undisclosed"]

    def fmt(low: Decimal, high: Decimal | None = None) -> str:
        return _percent_range(low, high, lang) if percent else _money_range(low, high, currency, lang)

    if qualifier == "between" or (estimate.value is None and estimate.low is not None and estimate.high is not None):
        assert estimate.low is not None and estimate.high is not None  # noqa: S101 (an Estimate's invariant)
        return fmt(estimate.low, estimate.high)
    if estimate.value is None:
        if estimate.high is not None:
            return phrases["up_to"].format(fmt(estimate.high))
        if estimate.low is not None:
            return phrases["at_least"].format(fmt(estimate.low))
        return phrases["undisclosed"]
    if qualifier in phrases:
        return phrases[qualifier].format(fmt(estimate.value))
    return fmt(estimate.value)


#: The Django date format (a localized format's name, or a pattern of translated names) of each precision, long
#: and short. A month reads "Jan. 2026" in both languages, abbreviated as lists need it; the localized
#: YEAR_MONTH_FORMAT would spell it out ("January 2026").
_DATE_FORMATS = {
    "day": ("DATE_FORMAT", "SHORT_DATE_FORMAT"),
    "month": ("N Y", "N Y"),
    "year": ("Y", "Y"),
}


def date_format_for(precision: str | None, *, short: bool = False) -> str:
    """The Django date format that shows a date known to ``precision`` (day when unknown) without inventing the
    parts it does not know."""
    long_format, short_format = _DATE_FORMATS.get(str(precision or "day"), _DATE_FORMATS["day"])
    return short_format if short else long_format


def iso_date(value: datetime.date, precision: str | None) -> str:
    """The date as far as it is known, as HTML's ``<time datetime>`` takes it: 2026-01-30, 2026-01 or 2026."""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
