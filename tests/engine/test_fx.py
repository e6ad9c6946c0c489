"""Dated FX conversion: the latest rate on or before the date, never an invented one."""

from __future__ import annotations

import datetime
from decimal import Decimal

from deals.engine.estimates import Estimate, Qualifier
from deals.engine.fx import Rate, RateTable, convert

D = datetime.date
BN = Decimal(10) ** 9
TABLE = RateTable(
    [
        Rate(D(2026, 1, 1), "EUR", "USD", Decimal("1.17")),
        Rate(D(2026, 1, 30), "EUR", "USD", Decimal("1.19")),
        Rate(D(2026, 2, 2), "EUR", "USD", Decimal("1.20")),
        Rate(D(2026, 1, 15), "EUR", "GBP", Decimal("0.87")),
    ]
)


def test_it_uses_the_latest_rate_on_or_before_the_date():
    rate = TABLE.lookup("EUR", "USD", D(2026, 1, 31))
    assert rate is not None and (rate.rate, rate.date) == (Decimal("1.19"), D(2026, 1, 30))


def test_a_rate_on_the_figures_date_applies():
    rate = TABLE.lookup("EUR", "USD", D(2026, 1, 30))
    assert rate is not None and rate.rate == Decimal("1.19")


def test_it_uses_the_inverse_pair():
    rate = TABLE.lookup("USD", "EUR", D(2026, 1, 30))
    assert rate is not None
    assert abs(rate.rate * Decimal("1.19") - 1) < Decimal("1e-30")


def test_it_crosses_through_a_pivot_dated_by_the_older_leg():
    rate = TABLE.lookup("GBP", "USD", D(2026, 1, 31))
    assert rate is not None
    assert rate.date == D(2026, 1, 15)
    assert abs(rate.rate - Decimal("1.19") / Decimal("0.87")) < Decimal("1e-25")


def test_a_missing_rate_is_a_warning_never_one():
    before_any = convert(Estimate.exact(BN, "EUR"), "USD", D(2025, 12, 31), TABLE)
    assert before_any.estimate is None and before_any.rate is None
    assert before_any.warning == {"code": "no_rate", "params": {"source": "EUR", "to": "USD", "on": "2025-12-31"}}
    unknown_pair = convert(Estimate.exact(BN, "EUR"), "JPY", D(2026, 1, 30), TABLE)
    assert unknown_pair.estimate is None and unknown_pair.warning


def test_the_seed_round_in_usd_at_the_reports_date():
    amount = Estimate.build(qualifier="up_to", value=60 * BN, currency="EUR")
    result = convert(amount, "USD", D(2026, 1, 30), TABLE)
    assert result.estimate is not None
    assert (result.estimate.qualifier, result.estimate.high, result.estimate.currency) == (
        Qualifier.UP_TO,
        Decimal("71.4") * BN,
        "USD",
    )
    assert (result.rate, result.rate_date) == (Decimal("1.19"), D(2026, 1, 30))


def test_the_same_currency_converts_at_one_dated_on_the_figure():
    result = convert(Estimate.exact(BN, "EUR"), "EUR", D(2026, 1, 30), TABLE)
    assert result.estimate == Estimate.exact(BN, "EUR") and result.rate == 1
