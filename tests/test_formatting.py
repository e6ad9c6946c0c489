"""Estimates in words and dates at their precision, in English and German."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from deals.formatting import compact_money, describe, iso_date
from deals.templatetags.deals_ui import date_at, date_at_precision, short_date_at

BN = Decimal(10) ** 9


@dataclass
class E:
    qualifier: str
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@pytest.mark.parametrize(
    ("estimate", "currency", "language", "expected"),
    [
        (E("up_to", 60 * BN, None, 60 * BN), "EUR", "en", "up to €60bn"),
        (E("between", None, 10 * BN, 20 * BN), "EUR", "en", "€10–20bn"),
        (E("at_least", 800 * BN, 800 * BN, None), "EUR", "en", "at least €800bn"),
        (E("exact", Decimal("6.6") * BN, Decimal("6.6") * BN, Decimal("6.6") * BN), "USD", "en", "$6.6bn"),
        (E("approximately", Decimal("400000000")), "GBP", "en", "about £400m"),
        (E("undisclosed"), "EUR", "en", "undisclosed"),
        (E("up_to", 60 * BN, None, 60 * BN), "EUR", "de", "bis zu 60 Mrd. €"),
        (E("between", None, 10 * BN, 20 * BN), "EUR", "de", "10–20 Mrd. €"),
        (E("at_least", 800 * BN, 800 * BN, None), "EUR", "de", "mindestens 800 Mrd. €"),
        (E("exact", Decimal("1.25") * BN), "CHF", "en", "CHF 1.25bn"),
    ],
)
def test_estimates_read_as_words(estimate, currency, language, expected):
    assert describe(estimate, currency, language=language) == expected


def test_stakes_read_as_percentages():
    assert describe(E("up_to", Decimal("0.0375"), None, Decimal("0.0375")), percent=True) == "up to 3.75%"
    assert describe(E("between", None, Decimal("0.0125"), Decimal("0.025")), percent=True) == "1.25–2.5%"
    german = describe(E("up_to", Decimal("0.0375"), None, Decimal("0.0375")), percent=True, language="de")
    assert german == "bis zu 3,75\u202f%"


def test_compact_money_rounds_once_at_display():
    assert compact_money(Decimal("157000000000"), "USD") == "$157bn"
    assert compact_money(Decimal("1234567"), "EUR", "de") == "1,23 Mio. €"
    assert compact_money(Decimal("950"), "EUR") == "€950"


def test_nothing_known_reads_as_a_dash():
    assert describe(None, "EUR") == "—"


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (datetime.date(2026, 1, 30), "day", "2026-01-30"),
        (datetime.date(2026, 1, 1), "month", "2026-01"),
        (datetime.date(2025, 1, 1), "year", "2025"),
        (datetime.date(2026, 1, 30), None, "2026-01-30"),
    ],
)
def test_a_machine_readable_date_stops_at_its_precision(value, precision, expected):
    assert iso_date(value, precision) == expected


@pytest.mark.parametrize(
    ("value", "precision", "language", "short", "expected"),
    [
        (datetime.date(2026, 1, 30), "day", "en", False, "Jan. 30, 2026"),
        (datetime.date(2026, 1, 30), "day", "de", False, "30. Januar 2026"),
        (datetime.date(2026, 1, 30), "day", "en", True, "01/30/2026"),
        (datetime.date(2026, 1, 30), "day", "de", True, "30.01.2026"),
        (datetime.date(2026, 1, 1), "month", "en", False, "Jan. 2026"),
        (datetime.date(2026, 1, 1), "month", "de", True, "Jan. 2026"),
        (datetime.date(2025, 3, 1), "month", "en", True, "March 2025"),
        (datetime.date(2025, 3, 1), "month", "de", False, "März 2025"),
        (datetime.date(2025, 1, 1), "year", "en", True, "2025"),
        (datetime.date(2025, 1, 1), "year", "de", False, "2025"),
    ],
)
def test_a_date_shows_only_what_is_known_in_the_readers_language(value, precision, language, short, expected):
    with translation.override(language):
        assert date_at_precision(value, precision, short=short) == expected


def test_the_template_filters_wrap_the_date_in_a_time_element():
    with translation.override("en"):
        assert date_at(datetime.date(2026, 1, 1), "month") == '<time datetime="2026-01">Jan. 2026</time>'
        assert short_date_at(datetime.date(2026, 1, 30), "day") == '<time datetime="2026-01-30">01/30/2026</time>'
        assert date_at(None, "day") == "—"
