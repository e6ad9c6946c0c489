"""Figures in report text: amounts of money with their qualifier, scale and currency, percentages and dates.

Every parsed figure keeps the character span it was read from, and its numbers are the digits of that span
times the scale word written there: nothing is computed that the text does not state.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from deals.engine.estimates import Estimate, EstimateError, Qualifier

LANGUAGES = ("en", "de")

# Scale words, lower-cased. A German "Billion" is 10^12 (an English billion is a German Milliarde).
_SCALES_COMMON: dict[str, int] = {
    "k": 3,
    "m": 6,
    "mn": 6,
    "mln": 6,
    "mio": 6,
    "mio.": 6,
    "b": 9,
    "bn": 9,
    "mrd": 9,
    "mrd.": 9,
    "tn": 12,
    "tsd": 3,
    "tsd.": 3,
}
SCALES: dict[str, dict[str, int]] = {
    "en": {
        **_SCALES_COMMON,
        "thousand": 3,
        "million": 6,
        "millions": 6,
        "billion": 9,
        "billions": 9,
        "trillion": 12,
        "trillions": 12,
    },
    "de": {
        **_SCALES_COMMON,
        "tausend": 3,
        "million": 6,
        "millionen": 6,
        "milliarde": 9,
        "milliarden": 9,
        "billion": 12,
        "billionen": 12,
    },
}
#: Scale words short enough to be something else ("5 m" of cable): they need a currency beside them.
SHORT_SCALES = frozenset({"k", "m", "mn", "mln", "b", "bn", "tn"})

CURRENCY_WORDS: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "us-dollar": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "pfund": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "chf": "CHF",
    "franken": "CHF",
    "swiss francs": "CHF",
    "¥": "JPY",
    "jpy": "JPY",
    "yen": "JPY",
    "cny": "CNY",
    "yuan": "CNY",
    "cad": "CAD",
    "aud": "AUD",
    "sek": "SEK",
    "inr": "INR",
}

_CUR_PRE = r"(?:(?:US\$|\$|€|£|¥|\b(?:EUR|USD|GBP|CHF|JPY|CNY|CAD|AUD|SEK|INR))\s?)"
_CUR_POST = (
    r"(?:\s?(?:€|\$|£|¥)|\s?(?:EUR|USD|GBP|CHF|JPY|CNY|CAD|AUD|SEK|INR)\b|"
    r"\s(?:US-Dollar|US dollars|Dollars?|dollars?|Euros?|euros?|Pfund|pounds?|Franken|Swiss francs|"
    r"Yen|yen|Yuan|yuan)\b)"
)
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE_WORDS = sorted({w for scales in SCALES.values() for w in scales}, key=len, reverse=True)
_SCALE = r"(?:\s?(?:" + "|".join(re.escape(w) for w in _SCALE_WORDS) + r")(?![A-Za-zÄÖÜäöüß]))"
_AMOUNT = rf"(?P<{{p}}pre>{_CUR_PRE})?(?P<{{p}}num>{_NUM})(?P<{{p}}scale>{_SCALE})?(?P<{{p}}post>{_CUR_POST})?"


def _amount(prefix: str) -> str:
    return _AMOUNT.replace("{p}", prefix)


QUALIFIER_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "up to": "up_to",
        "as much as": "up_to",
        "of up to": "up_to",
        "a maximum of": "up_to",
        "more than": "at_least",
        "over": "at_least",
        "above": "at_least",
        "in excess of": "at_least",
        "exceeding": "at_least",
        "at least": "at_least",
        "no less than": "at_least",
        "about": "approximately",
        "around": "approximately",
        "roughly": "approximately",
        "some": "approximately",
        "nearly": "approximately",
        "almost": "approximately",
        "approximately": "approximately",
        "close to": "approximately",
        "an estimated": "approximately",
        "between": "between",
    },
    "de": {
        "bis zu": "up_to",
        "maximal": "up_to",
        "höchstens": "up_to",
        "über": "at_least",
        "mehr als": "at_least",
        "mindestens": "at_least",
        "wenigstens": "at_least",
        "rund": "approximately",
        "etwa": "approximately",
        "knapp": "approximately",
        "fast": "approximately",
        "fast schon": "approximately",
        "ungefähr": "approximately",
        "circa": "approximately",
        "ca.": "approximately",
        "gut": "approximately",
        "zwischen": "between",
    },
}
FURTHER_WORDS = {
    "en": ("a further", "another", "an additional", "additional", "a fresh", "fresh"),
    "de": ("weitere", "weiteren", "weiterer", "zusätzliche", "zusätzlichen", "nochmals", "weitere rund"),
}
_RANGE_SEP = {"en": r"\s?(?:–|—|-|to)\s?", "de": r"\s?(?:–|—|-|bis)\s?"}
_BETWEEN_SEP = {"en": r"\s(?:and)\s", "de": r"\s(?:und)\s"}


def _words(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _money_regex(language: str) -> re.Pattern[str]:
    qual = _words(list(QUALIFIER_WORDS[language]))
    further = _words(FURTHER_WORDS[language])
    return re.compile(
        rf"(?:(?P<qual>\b(?:{qual}))\s)?(?:(?P<further>\b(?:{further}))\s)?"
        rf"{_amount('a_')}"
        rf"(?:(?P<sep>{_RANGE_SEP[language]}|{_BETWEEN_SEP[language]}){_amount('b_')})?",
        re.IGNORECASE,
    )


_MONEY = {language: _money_regex(language) for language in LANGUAGES}
_PERCENT = re.compile(rf"(?P<num>{_NUM})\s?(?:%|percent\b|per cent\b|Prozent\b)", re.IGNORECASE)

MONTHS = {
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    "de": [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
}
_MONTH_NAMES = {name: i + 1 for names in MONTHS.values() for i, name in enumerate(names)}
_MONTH_NAMES.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9})
_MONTH_NAMES.update({"oct": 10, "nov": 11, "dec": 12, "okt": 10, "dez": 12, "jänner": 1})
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DATES = [
    ("day", re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})\b")),
    ("day", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("day", re.compile(rf"\b(?P<mn>{_MONTH})\.?\s(?P<d>\d{{1,2}}),?\s(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE)),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s(?P<mn>{_MONTH})\.?\s(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?P<mn>{_MONTH})\s(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE)),
    (
        "end",
        re.compile(
            r"\b(?:(?:the\s)?end of|Ende|late|bis Ende|Ende des Jahres)\s(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE
        ),
    ),
]


@dataclass(frozen=True)
class Money:
    """An amount read from ``text[start:end]``: its Estimate, and whether it is new money on a stake."""

    start: int
    end: int
    text: str
    estimate: Estimate
    further: bool = False
    currency_written: bool = True


@dataclass(frozen=True)
class Percent:
    start: int
    end: int
    text: str
    value: Decimal


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: datetime.date
    precision: str  # day, month, year


def parse_number(raw: str, language: str) -> Decimal:
    """Digits with the language's decimal mark: "1,5" in German and "1.5" in English are 1.5; a separator
    followed by exactly three digits in a longer group ("1.500" de, "1,500" en) is a thousands separator."""
    decimal_mark, group_mark = (",", ".") if language == "de" else (".", ",")
    parts = raw.replace(group_mark, "\0").split("\0")
    groups = parts[1:] if decimal_mark not in parts[-1] else parts[1:-1]
    if len(parts) > 1 and all(len(p) == 3 for p in groups):
        raw = "".join(parts)
    elif len(parts) == 2:
        raw = f"{parts[0]}{decimal_mark}{parts[1]}"  # "1.5" in a German text: a decimal point after all
    return Decimal(raw.replace(decimal_mark, "."))


def _scale(word: str | None, language: str) -> tuple[int, str | None]:
    if not word:
        return 0, None
    key = word.strip().lower()
    exponent = SCALES[language].get(key, SCALES["en" if language == "de" else "de"].get(key, 0))
    return exponent, key


def _scaled(number: Decimal, exponent: int) -> Decimal:
    """``number`` × 10^exponent as plain digits (60000000000, not 6.0E+10)."""
    return Decimal(format(number.scaleb(exponent), "f"))


def _currency(word: str | None) -> str | None:
    if not word:
        return None
    return CURRENCY_WORDS.get(word.strip().lower())


def _strip_trailing(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " \u00a0":
        end -= 1
    return end


@dataclass(frozen=True)
class _Read:
    end: int
    qualifier: str | None
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    currency: str | None


def _read(m: re.Match[str], text: str, language: str) -> _Read | None:
    """The amount or range of one match, or None when it is not money (a year, "5 m" of cable)."""
    try:
        a = parse_number(m["a_num"], language)
        b = parse_number(m["b_num"], language) if m["b_num"] else None
    except InvalidOperation:
        return None
    a_exp, a_word = _scale(m["a_scale"], language)
    b_exp, b_word = _scale(m["b_scale"], language)
    a_cur = _currency(m["a_pre"]) or _currency(m["a_post"])
    b_cur = _currency(m["b_pre"]) or _currency(m["b_post"])
    qualifier = QUALIFIER_WORDS[language].get((m["qual"] or "").lower())
    sep = (m["sep"] or "").strip().lower()
    if b is not None and (b_exp or b_cur) and (sep not in ("and", "und") or qualifier == "between"):
        if (b_word in SHORT_SCALES or (a_word in SHORT_SCALES and not b_word)) and not (a_cur or b_cur):
            return None
        low, high = _scaled(a, a_exp or b_exp), _scaled(b, b_exp or a_exp)
        if low > high:
            return None
        return _Read(_strip_trailing(text, m.end()), "between", None, low, high, b_cur or a_cur)
    # The first amount alone ("$10bn and $20bn" are two).
    end = _strip_trailing(text, max(m.end("a_num"), m.end("a_scale"), m.end("a_post")))
    if not (a_exp or a_cur) or (a_word in SHORT_SCALES and not a_cur) or qualifier == "between":
        return _Read(end, None, None, None, None, None)
    return _Read(end, qualifier, _scaled(a, a_exp), None, None, a_cur)


def find_money(text: str, language: str, *, masked: list[tuple[int, int]] | None = None) -> list[Money]:
    """Every amount of money in ``text``. A bare number is not money: it needs a currency or a long scale word
    (a short one such as "m" needs a currency); a currency-less amount takes the currency of the amount before
    it in the text (``currency_written`` False) so that "14 Milliarden" after "60 Milliarden Euro" reads."""
    found: list[Money] = []
    last_currency: str | None = None
    pattern, pos = _MONEY[language], 0
    while (m := pattern.search(text, pos)) is not None:
        pos = m.end()
        read = _read(m, text, language)
        if read is None:
            continue
        pos = read.end
        start = m.start()
        if masked and any(s < read.end and start < e for s, e in masked):
            continue
        if read.value is None and read.low is None:
            continue
        currency = read.currency or last_currency
        if currency is None:
            continue
        last_currency = currency
        try:
            estimate = Estimate.build(
                qualifier=read.qualifier or "exact", value=read.value, low=read.low, high=read.high, currency=currency
            )
        except EstimateError:
            continue
        found.append(
            Money(
                start=start,
                end=read.end,
                text=text[start : read.end],
                estimate=estimate,
                further=bool(m["further"]),
                currency_written=read.currency is not None,
            )
        )
    return found


def find_percents(text: str, language: str) -> list[Percent]:
    found = []
    for m in _PERCENT.finditer(text):
        try:
            value = parse_number(m["num"], language)
        except InvalidOperation:
            continue
        found.append(Percent(m.start(), m.end(), m.group(0), value))
    return found


def find_dates(text: str) -> list[DateMention]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for precision, pattern in _DATES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            groups = m.groupdict()
            year = int(groups["y"])
            month = int(groups["m"]) if groups.get("m") else _MONTH_NAMES.get((groups.get("mn") or "").lower(), 12)
            day = int(groups["d"]) if groups.get("d") else 31 if precision == "end" else 1
            if precision == "end":
                month, day, kind = 12, 31, "year"
            elif precision == "month":
                kind = "month"
            else:
                kind = "day"
            try:
                date = datetime.date(year, month, day)
            except ValueError:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), date, kind))
    return sorted(found, key=lambda d: d.start)


class UnreadableEstimate(ValueError):
    """A text that does not read as one amount; never guessed at."""


def parse_estimate(text: str, language: str | None = None) -> Estimate:
    """One amount written as a person would: "up to €60bn", "10–20 Mrd. €", "at least 800bn EUR".

    The whole text must be that amount, with its currency written; anything else raises
    :class:`UnreadableEstimate`. Without ``language`` both are tried, English first."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UnreadableEstimate("The text is empty.")
    candidates: list[Estimate] = []
    for lang in (language,) if language else LANGUAGES:
        for money in find_money(cleaned, lang):
            if money.start == 0 and money.end == len(cleaned.rstrip(" .")) and money.currency_written:
                candidates.append(money.estimate)
                break
        if candidates:
            break
    if not candidates:
        raise UnreadableEstimate(f"“{text}” does not read as one amount with its currency.")
    return candidates[0]


__all__ = [
    "LANGUAGES",
    "DateMention",
    "Money",
    "Percent",
    "Qualifier",
    "UnreadableEstimate",
    "find_dates",
    "find_money",
    "find_percents",
    "parse_estimate",
    "parse_number",
]
