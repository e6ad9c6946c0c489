"""Amounts, percentages and dates read from report text (pure, no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from deals.extraction.money import (
    UnreadableEstimate,
    find_dates,
    find_money,
    find_percents,
    parse_estimate,
    parse_number,
)

BN = Decimal(10) ** 9


def one(text: str, language: str) -> dict:
    found = find_money(text, language)
    assert len(found) == 1, found
    return found[0].estimate.to_dict()


@pytest.mark.parametrize(
    ("text", "language", "qualifier", "value", "low", "high", "currency"),
    [
        ("up to $30bn", "en", "up_to", 30 * BN, None, 30 * BN, "USD"),
        ("bis zu 60 Milliarden Euro", "de", "up_to", 60 * BN, None, 60 * BN, "EUR"),
        ("more than €800bn", "en", "at_least", 800 * BN, 800 * BN, None, "EUR"),
        ("above EUR 800 billion", "en", "at_least", 800 * BN, 800 * BN, None, "EUR"),
        ("über 800 Milliarden Euro", "de", "at_least", 800 * BN, 800 * BN, None, "EUR"),
        ("mehr als 5 Mrd. US-Dollar", "de", "at_least", 5 * BN, 5 * BN, None, "USD"),
        ("at least 800bn EUR", "en", "at_least", 800 * BN, 800 * BN, None, "EUR"),
        ("mindestens 2 Milliarden Pfund", "de", "at_least", 2 * BN, 2 * BN, None, "GBP"),
        ("about £250m", "en", "approximately", 250 * 10**6, None, None, "GBP"),
        ("rund 1,5 Milliarden Franken", "de", "approximately", Decimal("1.5") * BN, None, None, "CHF"),
        ("knapp 900 Millionen Euro", "de", "approximately", 900 * 10**6, None, None, "EUR"),
        ("between €10bn and €20bn", "en", "between", None, 10 * BN, 20 * BN, "EUR"),
        ("zwischen 10 und 20 Milliarden Euro", "de", "between", None, 10 * BN, 20 * BN, "EUR"),
        ("10 bis 20 Milliarden Euro", "de", "between", None, 10 * BN, 20 * BN, "EUR"),
        ("$10bn-$20bn", "en", "between", None, 10 * BN, 20 * BN, "USD"),
        ("10–20 Mrd. €", "de", "between", None, 10 * BN, 20 * BN, "EUR"),
        ("$1.5 trillion", "en", "exact", Decimal("1.5") * 10**12, None, None, "USD"),
        ("1,2 Billionen Euro", "de", "exact", Decimal("1.2") * 10**12, None, None, "EUR"),  # a German Billion
        ("¥500bn", "en", "exact", 500 * BN, None, None, "JPY"),
        ("CHF 40 Mio.", "de", "exact", 40 * 10**6, None, None, "CHF"),
        ("$500k", "en", "exact", 500 * 10**3, None, None, "USD"),
        ("300 Tsd. Euro", "de", "exact", 300 * 10**3, None, None, "EUR"),
    ],
)
def test_amounts_with_qualifier_scale_and_currency(text, language, qualifier, value, low, high, currency):
    e = one(text, language)
    exact = qualifier == "exact"
    assert e["qualifier"] == qualifier
    assert e["currency"] == currency
    if value is not None:
        assert Decimal(e["value"]) == value
    if low is not None or exact:
        assert Decimal(e["low"]) == (value if exact else low)
    if high is not None or exact:
        assert Decimal(e["high"]) == (value if exact else high)


def test_the_span_is_the_text_of_the_amount():
    text = "OpenAI will raise up to €60bn this year."
    [m] = find_money(text, "en")
    assert text[m.start : m.end] == m.text == "up to €60bn"


def test_decimal_mark_by_language():
    assert parse_number("1,5", "de") == Decimal("1.5")
    assert parse_number("1.500", "de") == Decimal(1500)
    assert parse_number("1.5", "en") == Decimal("1.5")
    assert parse_number("1,500", "en") == Decimal(1500)
    assert parse_number("1,500.25", "en") == Decimal("1500.25")
    assert parse_number("1.500,25", "de") == Decimal("1500.25")


def test_further_money_is_marked_new():
    [m] = find_money("Microsoft könnte weitere 10 Milliarden Euro zuschießen.", "de")
    assert m.further and m.estimate.value == 10 * BN
    [m] = find_money("Microsoft would add a further $10bn.", "en")
    assert m.further


def test_bare_numbers_years_and_lengths_are_not_money():
    assert find_money("In 2026 it laid 5 m of cable and hired 300 people from 2020 to 2025.", "en") == []
    assert find_money("zwischen 2020 und 2025", "de") == []


def test_two_amounts_joined_by_and_are_two():
    found = find_money("It raised $10bn and $20bn.", "en")
    assert [m.text for m in found] == ["$10bn", "$20bn"]


def test_a_currency_less_amount_takes_the_currency_before_it():
    found = find_money("60 Milliarden Euro, davon 14 Milliarden für Rechenzentren", "de")
    assert [m.estimate.currency for m in found] == ["EUR", "EUR"]
    assert [m.currency_written for m in found] == [True, False]


def test_percentages():
    assert [p.value for p in find_percents("45 % und 3,75 Prozent, 12.5 percent", "de")][:2] == [
        Decimal(45),
        Decimal("3.75"),
    ]


def test_dates():
    found = find_dates("am 30.01.2026, January 30, 2026, 30. Januar 2026, Ende 2026 and end of 2027")
    assert [(d.date, d.precision) for d in found] == [
        (datetime.date(2026, 1, 30), "day"),
        (datetime.date(2026, 1, 30), "day"),
        (datetime.date(2026, 1, 30), "day"),
        (datetime.date(2026, 12, 31), "year"),
        (datetime.date(2027, 12, 31), "year"),
    ]


class TestParseEstimate:
    def test_reads_the_data_entry_spellings(self):
        assert parse_estimate("up to €60bn").to_dict() == {
            "value": "60000000000",
            "low": None,
            "high": "60000000000",
            "qualifier": "up_to",
            "currency": "EUR",
        }
        e = parse_estimate("10–20 Mrd. €")
        assert (e.qualifier, e.low, e.high, e.currency) == ("between", 10 * BN, 20 * BN, "EUR")
        e = parse_estimate("at least 800bn EUR")
        assert (e.qualifier, e.value, e.currency) == ("at_least", 800 * BN, "EUR")
        assert parse_estimate("bis zu 30 Milliarden Euro", "de").value == 30 * BN

    @pytest.mark.parametrize("text", ["", "soon", "60bn", "up to 60", "€60bn and more text", "5 m", "1 Mrd"])
    def test_unreadable_text_is_an_error_not_a_guess(self, text):
        with pytest.raises(UnreadableEstimate):
            parse_estimate(text)
