"""What the kind of money does to the figures: debt, grants, secondary sales and conditions, hand-computed.

Every case starts from the same seed round: FUND puts EUR 10m into a post-money of EUR 100m, 10 %.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deals.choices import ConditionStatus, Instrument, RoundStatus, RoundType
from deals.engine.estimates import CONTEXT, Estimate
from deals.engine.valuation import (
    NO_SHARE_INSTRUMENTS,
    NO_SHARES,
    PENDING,
    SECONDARY,
    ConditionIn,
    ParticipationIn,
    PositionOut,
    RoundIn,
    compute_positions,
    compute_round,
)
from tests.engine.test_valuation import amounts, rounds

D = datetime.date
M = Decimal(10) ** 6
FUND, LENDER, BUYER, NVIDIA, MICROSOFT, AMAZON = range(2, 8)
AWS = ConditionIn(1, "cloud_usage", "OpenAI uses AWS")


def exact(v: Decimal) -> Estimate:
    return Estimate.exact(v, "EUR")


def between(lo: Decimal, hi: Decimal) -> Estimate:
    return Estimate.build(qualifier="between", low=lo, high=hi, currency="EUR")


def seed() -> RoundIn:
    return RoundIn(
        1,
        1,
        "closed",
        D(2020, 1, 1),
        exact(10 * M),
        None,
        exact(100 * M),
        "EUR",
        [ParticipationIn(1, FUND, exact(10 * M))],
    )


def later(
    round_type: str,
    participations: list[ParticipationIn],
    *,
    pre: Estimate | None = None,
    amount: Estimate | None = None,
    status: str = "closed",
) -> RoundIn:
    return RoundIn(2, 1, status, D(2021, 1, 1), amount, pre, None, "EUR", participations, round_type=round_type)


def positions(rounds: list[RoundIn], *, pro_forma: bool = False) -> dict[int, PositionOut]:
    return {p.investor_id: p for p in compute_positions(rounds, include_pro_forma=pro_forma)}


def test_the_engines_kinds_of_money_are_spelt_as_the_choices():
    assert set(RoundType.values) >= NO_SHARES | SECONDARY
    assert set(Instrument.values) >= NO_SHARE_INSTRUMENTS
    assert set(PENDING) <= set(RoundStatus.values)
    assert {"failed", "pending"} <= set(ConditionStatus.values)


class TestDebt:
    def test_a_debt_participation_gets_no_stake_and_dilutes_nobody(self):
        # The issue's case: EUR 50m of debt at a EUR 200m pre-money once gave 20 % and cut FUND to 8 %.
        debt = later("series_a", [ParticipationIn(2, LENDER, exact(50 * M), instrument="debt")], pre=exact(200 * M))
        out = compute_round(debt)
        assert out.stakes == {}
        assert out.amount == exact(50 * M)  # the money still counts in the round's amount
        assert out.post_money == exact(200 * M)  # pre-money + no new equity
        held = positions([seed(), debt])
        assert held[FUND].stake == Estimate.exact(Decimal("0.1"))
        assert LENDER not in held

    def test_equity_beside_debt_is_diluted_by_the_equity_alone(self):
        # EUR 30m of equity and EUR 20m of debt at EUR 200m pre: post 230m, new stake 30/230, FUND 10 % × 200/230.
        mixed = later(
            "series_a",
            [ParticipationIn(2, BUYER, exact(30 * M)), ParticipationIn(3, LENDER, exact(20 * M), instrument="debt")],
            pre=exact(200 * M),
            amount=exact(50 * M),
        )
        out = compute_round(mixed)
        assert out.post_money == exact(230 * M)
        assert out.stakes == {2: Estimate.exact(CONTEXT.divide(Decimal(30), Decimal(230)))}
        held = positions([seed(), mixed])
        stake = held[FUND].stake
        assert stake is not None and stake.quantized(16) == Estimate.exact(Decimal("0.0869565217391304"))  # 2/23

    @pytest.mark.parametrize("round_type", ["debt_financing", "post_ipo_debt", "grant", "non_equity_assistance"])
    def test_rounds_that_issue_no_shares_give_no_stakes_and_keep_the_mark(self, round_type):
        # EUR 5m with no valuation: FUND keeps 10 %, and its 10m stays marked at cost (nothing repriced it).
        money = later(round_type, [ParticipationIn(2, LENDER, exact(5 * M))])
        out = compute_round(money)
        assert out.stakes == {} and out.amount == exact(5 * M) and out.counted
        held = positions([seed(), money])
        assert held[FUND].stake == Estimate.exact(Decimal("0.1"))
        assert held[FUND].mark_value == exact(10 * M)
        assert LENDER not in held


class TestSecondary:
    @pytest.mark.parametrize("round_type", ["secondary_market", "post_ipo_secondary"])
    def test_the_buyer_holds_amount_over_valuation_and_nobody_is_diluted(self, round_type):
        # BUYER pays EUR 20m for shares at a EUR 200m valuation: 10 %; the post-money stays 200m, not 220m.
        sale = later(round_type, [ParticipationIn(2, BUYER, exact(20 * M))], pre=exact(200 * M))
        out = compute_round(sale)
        assert out.post_money == exact(200 * M) and out.pre_money == exact(200 * M)
        assert out.stakes == {2: Estimate.exact(Decimal("0.1"))}
        held = positions([seed(), sale])
        assert held[FUND].stake == Estimate.exact(Decimal("0.1"))
        assert held[BUYER].stake == Estimate.exact(Decimal("0.1"))
        assert held[FUND].mark_value == exact(20 * M)  # 200m / 100m = 2×


def seed_deal(amazon: ConditionIn, status: str = "closed") -> RoundIn:
    """The seed deal at exactly EUR 800bn post-money, Amazon's part on the AWS condition."""
    return RoundIn(
        3,
        1,
        status,
        D(2026, 1, 30),
        None,
        None,
        exact(800_000 * M),
        "EUR",
        [
            ParticipationIn(11, NVIDIA, exact(30_000 * M)),
            ParticipationIn(12, MICROSOFT, exact(10_000 * M)),
            ParticipationIn(13, AMAZON, between(10_000 * M, 20_000 * M), conditions=(amazon,)),
        ],
    )


class TestConditions:
    def test_a_failed_condition_counts_zero(self):
        out = compute_round(seed_deal(ConditionIn(1, "cloud_usage", "OpenAI uses AWS", "failed")))
        assert 13 not in out.stakes and out.conditional == {}
        assert out.amount == exact(40_000 * M)  # NVIDIA's 30bn and Microsoft's 10bn, not Amazon's
        assert AMAZON not in positions([seed_deal(ConditionIn(1, "x", "y", "failed"))], pro_forma=True)

    def test_a_withdrawn_participation_counts_zero(self):
        r = seed_deal(AWS)
        withdrawn = [*r.participations[:2], ParticipationIn(13, AMAZON, between(10_000 * M, 20_000 * M), "withdrawn")]
        out = compute_round(RoundIn(**{**r.__dict__, "participations": withdrawn}))
        assert 13 not in out.stakes and out.amount == exact(40_000 * M)

    def test_a_pending_condition_keeps_the_stake_pro_forma_and_says_so(self):
        out = compute_round(seed_deal(AWS))
        # 10bn / 800bn = 1.25 % to 20bn / 800bn = 2.5 %, held only if OpenAI uses AWS.
        assert out.stakes[13] == Estimate.build(qualifier="between", low=Decimal("0.0125"), high=Decimal("0.025"))
        assert out.conditional == {13: (AWS,)}
        assert {"code": "pending_condition", "params": {"conditions": "OpenAI uses AWS"}} in out.warnings
        assert AMAZON not in positions([seed_deal(AWS)])
        pro_forma = positions([seed_deal(AWS)], pro_forma=True)
        assert AMAZON in pro_forma and pro_forma[AMAZON].pro_forma

    def test_a_met_condition_counts_as_fact(self):
        out = compute_round(seed_deal(ConditionIn(1, "cloud_usage", "OpenAI uses AWS", "met")))
        assert out.conditional == {} and 13 in out.stakes
        assert AMAZON in positions([seed_deal(ConditionIn(1, "x", "y", "met"))])


@given(rounds(), st.sampled_from(sorted(NO_SHARES | SECONDARY)), amounts)
def test_money_that_issues_no_shares_changes_no_earlier_holders_stake(r, round_type, amount):
    # The sale is priced at the earlier round's post-money, so a secondary has a valuation to divide by.
    money = RoundIn(
        99,
        r.target_id,
        "closed",
        D(2030, 1, 1),
        exact(amount),
        r.post_money,
        None,
        "EUR",
        [ParticipationIn(999, 999, exact(amount))],
        round_type=round_type,
    )
    before = {p.investor_id: p.stake for p in compute_positions([r])}
    after = {p.investor_id: p.stake for p in compute_positions([r, money]) if p.investor_id != 999}
    assert after == before
