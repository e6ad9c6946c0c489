"""What rounds imply: post-money, stakes, dilution, positions — hand-computed cases and properties."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from deals.engine.estimates import CONTEXT, Estimate, Qualifier
from deals.engine.valuation import ParticipationIn, RoundIn, compute_positions, compute_round

D = datetime.date
BN = Decimal(10) ** 9
M = Decimal(10) ** 6
NVIDIA, MICROSOFT, AMAZON, FUND = 2, 3, 4, 5


def up_to(v: Decimal) -> Estimate:
    return Estimate.build(qualifier="up_to", value=v, currency="EUR")


def between(lo: Decimal, hi: Decimal) -> Estimate:
    return Estimate.build(qualifier="between", low=lo, high=hi, currency="EUR")


def exact(v: Decimal) -> Estimate:
    return Estimate.exact(v, "EUR")


def seed_round(post: Estimate, status: str = "in_talks") -> RoundIn:
    return RoundIn(
        id=1,
        target_id=1,
        status=status,
        date=D(2026, 1, 30),
        amount=up_to(60 * BN),
        pre_money=None,
        post_money=post,
        currency="EUR",
        participations=[
            ParticipationIn(11, NVIDIA, up_to(30 * BN), "proposed"),
            ParticipationIn(12, MICROSOFT, exact(10 * BN), "proposed"),
            ParticipationIn(13, AMAZON, between(10 * BN, 20 * BN), "proposed"),
        ],
    )


class TestSeedDeal:
    def test_with_post_money_at_least_800bn_stakes_are_upper_bounds(self):
        out = compute_round(seed_round(Estimate.build(qualifier="at_least", value=800 * BN, currency="EUR")))
        nvidia, microsoft, amazon = out.stakes[11], out.stakes[12], out.stakes[13]
        assert (nvidia.qualifier, nvidia.high) == (Qualifier.UP_TO, Decimal("0.0375"))
        assert (microsoft.value, microsoft.high) == (Decimal("0.0125"), Decimal("0.0125"))
        assert amazon.high == Decimal("0.025")
        assert out.pro_forma and out.counted
        assert out.warnings == ()

    def test_with_post_money_exactly_800bn_amazon_holds_1_25_to_2_5_percent(self):
        out = compute_round(seed_round(exact(800 * BN)))
        assert (out.stakes[13].low, out.stakes[13].high) == (Decimal("0.0125"), Decimal("0.025"))
        assert out.stakes[12] == Estimate.exact(Decimal("0.0125"))
        assert out.pre_money is not None and (out.pre_money.low, out.pre_money.high) == (740 * BN, 800 * BN)

    def test_commitments_above_the_rounds_high_are_a_warning(self):
        r = seed_round(exact(800 * BN))
        # Microsoft's 10bn and Amazon's at least 10bn already exceed a round of at most 15bn.
        r = RoundIn(**{**r.__dict__, "amount": up_to(15 * BN)})
        assert [w["code"] for w in compute_round(r).warnings] == ["commitments_exceed_amount"]

    def test_an_abandoned_round_gives_no_stakes_and_does_not_count(self):
        out = compute_round(seed_round(exact(800 * BN), status="abandoned"))
        assert not out.counted and out.stakes == {}

    def test_a_withdrawn_participation_gets_no_stake(self):
        r = seed_round(exact(800 * BN))
        parts = [*r.participations[:2], ParticipationIn(13, AMAZON, between(10 * BN, 20 * BN), "withdrawn")]
        out = compute_round(RoundIn(**{**r.__dict__, "participations": parts}))
        assert 13 not in out.stakes


class TestImpliedValuation:
    def test_pre_money_plus_amount_gives_post_money(self):
        r = RoundIn(1, 1, "closed", D(2024, 1, 1), exact(100 * M), exact(400 * M), None, "EUR")
        assert compute_round(r).post_money == exact(500 * M)

    def test_price_per_share_times_shares_gives_pre_money(self):
        r = RoundIn(
            1,
            1,
            "closed",
            D(2024, 1, 1),
            exact(100 * M),
            None,
            None,
            "EUR",
            price_per_share=Decimal("20"),
            shares_outstanding_pre=Decimal(20 * M),
        )
        out = compute_round(r)
        assert out.pre_money == exact(400 * M) and out.post_money == exact(500 * M)


def chain() -> list[RoundIn]:
    """Seed: FUND puts 10m into 40m post (25 %). Series A: NVIDIA 30m at 120m post (pre 90m, step-up 2.25×).
    Series B: MICROSOFT 100m at 500m post (pre 400m)."""
    return [
        RoundIn(
            1,
            1,
            "closed",
            D(2020, 1, 1),
            exact(10 * M),
            None,
            exact(40 * M),
            "EUR",
            [ParticipationIn(1, FUND, exact(10 * M))],
        ),
        RoundIn(
            2,
            1,
            "closed",
            D(2021, 1, 1),
            exact(30 * M),
            None,
            exact(120 * M),
            "EUR",
            [ParticipationIn(2, NVIDIA, exact(30 * M))],
        ),
        RoundIn(
            3,
            1,
            "announced",
            D(2022, 1, 1),
            exact(100 * M),
            None,
            exact(500 * M),
            "EUR",
            [ParticipationIn(3, MICROSOFT, exact(100 * M))],
        ),
    ]


class TestPositions:
    def test_stakes_are_diluted_by_every_later_round(self):
        positions = {p.investor_id: p for p in compute_positions(chain())}
        # 25 % × (90/120) × (400/500) = 15 %; NVIDIA 25 % × 0.8 = 20 %; Microsoft 20 %.
        assert positions[FUND].stake == Estimate.exact(Decimal("0.15"))
        assert positions[NVIDIA].stake == Estimate.exact(Decimal("0.2"))
        assert positions[MICROSOFT].stake == Estimate.exact(Decimal("0.2"))

    def test_mark_value_and_moic_follow_the_share_price(self):
        fund = next(p for p in compute_positions(chain()) if p.investor_id == FUND)
        # 15 % of 500m = 75m on a cost of 10m.
        assert fund.mark_value == exact(75 * M)
        assert fund.cost == exact(10 * M)
        assert fund.moic == Estimate.exact(Decimal("7.5"))
        assert fund.step_up == Estimate.exact(CONTEXT.divide(Decimal("400"), Decimal("120")))

    def test_pending_rounds_count_only_in_the_pro_forma_view(self):
        rounds = [*chain(), seed_round(exact(800 * BN))]
        factual = {p.investor_id for p in compute_positions(rounds)}
        pro_forma = compute_positions(rounds, include_pro_forma=True)
        assert NVIDIA in factual and AMAZON not in factual
        assert AMAZON in {p.investor_id for p in pro_forma}
        assert all(p.pro_forma for p in pro_forma)

    def test_an_abandoned_round_dilutes_nobody(self):
        abandoned = RoundIn(
            9,
            1,
            "abandoned",
            D(2023, 1, 1),
            exact(500 * M),
            None,
            exact(1000 * M),
            "EUR",
            [ParticipationIn(9, AMAZON, exact(500 * M))],
        )
        with_it = {p.investor_id: p.stake for p in compute_positions([*chain(), abandoned])}
        without = {p.investor_id: p.stake for p in compute_positions(chain())}
        assert with_it == without

    def test_a_single_investment_is_marked_at_its_cost(self):
        (position,) = compute_positions([chain()[0]])
        assert position.mark_value == exact(10 * M) and position.moic == Estimate.exact(Decimal(1))


amounts = st.integers(min_value=1, max_value=10_000).map(lambda n: Decimal(n) * M)


@st.composite
def rounds(draw: st.DrawFn) -> RoundIn:
    n = draw(st.integers(min_value=1, max_value=4))
    parts = []
    for i in range(n):
        lo, hi = sorted([draw(amounts), draw(amounts)])
        amount = draw(st.sampled_from([exact(lo), up_to(hi), between(lo, hi)]))
        parts.append(ParticipationIn(i + 1, 100 + i, amount))
    post_lo = draw(amounts) * 100
    post = draw(
        st.sampled_from(
            [
                exact(post_lo),
                between(post_lo, post_lo * 2),
                Estimate.build(qualifier="at_least", value=post_lo, currency="EUR"),
            ]
        )
    )
    return RoundIn(1, 1, draw(st.sampled_from(["in_talks", "closed"])), D(2025, 1, 1), None, None, post, "EUR", parts)


def valid(e: Estimate | None) -> bool:
    if e is None:
        return True
    rebuilt = Estimate.build(qualifier=e.qualifier, value=e.value, low=e.low, high=e.high, currency=e.currency)
    return rebuilt == e


@given(rounds())
def test_every_figure_satisfies_low_le_value_le_high(r):
    out = compute_round(r)
    assert all(valid(e) for e in [out.pre_money, out.post_money, out.amount, *out.stakes.values()])
    for p in compute_positions([r], include_pro_forma=True):
        assert all(valid(e) for e in [p.stake, p.cost, p.mark_value, p.moic])


@given(rounds())
def test_computing_twice_gives_the_same_result(r):
    assert compute_round(r) == compute_round(r)


@given(rounds(), st.randoms())
def test_the_order_of_participations_does_not_change_the_result(r, rng):
    shuffled = list(r.participations)
    rng.shuffle(shuffled)
    other = RoundIn(**{**r.__dict__, "participations": shuffled})
    assert compute_round(other).stakes == compute_round(r).stakes
    assert compute_positions([other]) == compute_positions([r])
