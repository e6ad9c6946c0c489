"""Estimate rules and interval arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deals.engine.estimates import CONTEXT, Estimate, EstimateError, Qualifier, total

BN = Decimal(10) ** 9


class TestRules:
    def test_exact_fills_both_bounds(self):
        e = Estimate.build(qualifier="exact", value=10 * BN, currency="EUR")
        assert (e.low, e.value, e.high) == (10 * BN, 10 * BN, 10 * BN)

    def test_up_to_fills_its_high_bound(self):
        assert Estimate.build(qualifier="up_to", value=60 * BN, currency="EUR").high == 60 * BN

    def test_at_least_fills_its_low_bound_and_has_no_high(self):
        e = Estimate.build(qualifier="at_least", value=800 * BN, currency="EUR")
        assert (e.low, e.high) == (800 * BN, None)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"qualifier": "between", "low": 20, "high": 10}, "high"),
            ({"qualifier": "exact", "value": -5}, "value"),
            ({"qualifier": "at_least", "value": 30, "high": 40}, "high"),
            ({"qualifier": "between", "low": 10}, "high"),
            ({"qualifier": "undisclosed", "value": 1}, "value"),
            ({"qualifier": "up_to"}, "value"),
            ({"qualifier": "exact", "value": 5, "low": 4}, "low"),
            ({"qualifier": "up_to", "value": 5, "high": 6}, "high"),
            ({"qualifier": "roughly", "value": 5}, "qualifier"),
            ({"qualifier": "exact", "value": 5, "currency": "XYZ"}, "currency"),
            ({"qualifier": "approximately", "value": 5, "low": 6}, "low"),
            ({"qualifier": "exact", "value": "lots"}, "value"),
        ],
    )
    def test_it_rejects_contradictions_naming_the_field(self, kwargs, field):
        with pytest.raises(EstimateError) as info:
            Estimate.build(**kwargs)
        assert info.value.field == field
        assert info.value.message.endswith(".")

    def test_round_trips_through_a_dict_with_decimal_strings(self):
        e = Estimate.build(qualifier="between", low=10 * BN, high=20 * BN, currency="EUR")
        data = e.to_dict()
        assert data == {
            "value": None,
            "low": "10000000000",
            "high": "20000000000",
            "qualifier": "between",
            "currency": "EUR",
        }
        assert Estimate.from_dict(data) == e


class TestArithmetic:
    def test_the_seed_deal_commitments_add_up_to_at_most_60bn(self):
        nvidia = Estimate.build(qualifier="up_to", value=30 * BN, currency="EUR")
        microsoft = Estimate.exact(10 * BN, "EUR")
        amazon = Estimate.build(qualifier="between", low=10 * BN, high=20 * BN, currency="EUR")
        s = total([nvidia, microsoft, amazon])
        assert s is not None
        # NVIDIA's low is unknown (0), so the sum is between 20bn and 60bn.
        assert (s.qualifier, s.low, s.high) == (Qualifier.BETWEEN, 20 * BN, 60 * BN)

    def test_a_stake_is_lowest_at_low_amount_over_high_post_money(self):
        amount = Estimate.build(qualifier="between", low=10 * BN, high=20 * BN, currency="EUR")
        post = Estimate.build(qualifier="between", low=800 * BN, high=1000 * BN, currency="EUR")
        stake = amount / post
        assert (stake.low, stake.high, stake.currency) == (Decimal("0.01"), Decimal("0.025"), None)

    def test_dividing_by_an_open_ended_figure_leaves_only_an_upper_bound(self):
        stake = Estimate.exact(10 * BN, "EUR") / Estimate.build(qualifier="at_least", value=800 * BN, currency="EUR")
        assert (stake.qualifier, stake.value, stake.high) == (Qualifier.UP_TO, Decimal("0.0125"), Decimal("0.0125"))

    def test_subtraction_never_goes_below_zero(self):
        small = Estimate.build(qualifier="up_to", value=Decimal(5), currency="EUR")
        big = Estimate.exact(Decimal(10), "EUR")
        assert (small - big).qualifier == Qualifier.EXACT and (small - big).value == 0

    def test_approximate_inputs_give_approximate_points(self):
        e = Estimate.build(qualifier="approximately", value=Decimal(4), currency="GBP") * Decimal(2)
        assert (e.qualifier, e.value) == (Qualifier.APPROXIMATELY, Decimal(8))

    def test_quantizing_rounds_bounds_outward(self):
        e = Estimate(Qualifier.BETWEEN, None, Decimal("0.123456"), Decimal("0.654321"), None).quantized(3)
        assert (e.low, e.high) == (Decimal("0.123"), Decimal("0.655"))


amounts = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def estimates(draw: st.DrawFn) -> Estimate:
    q = draw(st.sampled_from(list(Qualifier)))
    a, b = sorted([draw(amounts), draw(amounts)])
    if q == Qualifier.UNDISCLOSED:
        return Estimate.build(qualifier=q, currency="EUR")
    if q == Qualifier.BETWEEN:
        return Estimate.build(qualifier=q, low=a, high=b, value=draw(st.sampled_from([None, a, b])), currency="EUR")
    if q == Qualifier.APPROXIMATELY:
        return Estimate.build(qualifier=q, value=a, currency="EUR")
    return Estimate.build(qualifier=q, value=b, currency="EUR")


def assert_valid(e: Estimate) -> None:
    again = Estimate.build(qualifier=e.qualifier, value=e.value, low=e.low, high=e.high, currency=e.currency)
    assert again == e
    if e.low is not None and e.value is not None:
        assert e.low <= e.value
    if e.value is not None and e.high is not None:
        assert e.value <= e.high


def contains(e: Estimate, x: Decimal) -> bool:
    lo, hi = e.bounds
    return lo <= x and (hi is None or x <= hi)


def points(e: Estimate) -> list[Decimal]:
    lo, hi = e.bounds
    return [lo] + ([hi] if hi is not None else [lo * 2 + 1])


@given(estimates(), estimates())
def test_every_result_satisfies_low_le_value_le_high(a, b):
    for result in (a + b, a - b, a * b):
        assert_valid(result)
    if b.bounds[0] > 0 or b.bounds[1]:
        assert_valid(a / b)


@given(estimates(), estimates())
def test_sums_and_quotients_contain_every_result_of_points_inside_the_inputs(a, b):
    for x in points(a):
        for y in points(b):
            assert contains(a + b, x + y)
            assert contains(a * b, x * y)
            if y > 0:
                assert contains(a / b, CONTEXT.divide(x, y))


@given(estimates(), estimates())
def test_bounds_of_monotone_formulas_are_attained_by_the_input_bounds(a, b):
    a_lo, a_hi = a.bounds
    b_lo, b_hi = b.bounds
    s_lo, s_hi = (a + b).bounds
    assert s_lo == a_lo + b_lo
    assert s_hi == (None if a_hi is None or b_hi is None else a_hi + b_hi)
