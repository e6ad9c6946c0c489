"""The recompute pipeline: triggers mark targets dirty in the same transaction, the recompute stores figures
from the engine, claims never overlap, and many edits coalesce into few recomputes."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction

from deals.engine.estimates import Estimate
from deals.models import (
    Condition,
    DirtyTarget,
    FundingRound,
    FxRate,
    Organization,
    ParticipationFigures,
    Position,
    RoundFigures,
)
from deals.models.estimates import as_columns, column_names, read_columns
from deals.models.rounds import round_date_expression
from deals.pipeline import services
from deals.pipeline.recompute import recompute_targets
from tests.factories import FundingRoundFactory, OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9
M = Decimal(10) ** 6


def dirty_ids() -> set[int]:
    return set(DirtyTarget.objects.values_list("target_id", flat=True))


def estimate(prefix: str, qualifier: str, value=None, low=None, high=None, currency="EUR") -> dict:
    data = {"qualifier": qualifier, "value": value, "low": low, "high": high, "currency": currency}
    if qualifier == "exact":
        data.update(low=value, high=value)
    elif qualifier == "up_to":
        data.update(high=value)
    elif qualifier == "at_least":
        data.update(low=value)
    return {f"{prefix}_{k}": v for k, v in data.items()}


@pytest.fixture
def seed_round():
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    round_ = FundingRound.objects.create(
        target=openai,
        round_type="corporate_round",
        status="in_talks",
        reported_on=datetime.date(2026, 1, 30),
        **estimate("amount", "up_to", 60 * BN),
        **estimate("post_money_valuation", "at_least", 800 * BN),
    )
    for slug, amount in [
        ("nvidia", estimate("amount", "up_to", 30 * BN)),
        ("microsoft", estimate("amount", "exact", 10 * BN)),
        ("amazon", estimate("amount", "between", low=10 * BN, high=20 * BN)),
    ]:
        ParticipationFactory(round=round_, investor=OrganizationFactory(name=slug.title(), slug=slug), **amount)
    FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.19"))
    return round_


def stakes(round_: FundingRound) -> dict[str, ParticipationFigures]:
    rows = ParticipationFigures.objects.filter(participation__round=round_).select_related("participation__investor")
    return {row.participation.investor.slug: row for row in rows}


class TestRecompute:
    def test_the_seed_deals_stakes_are_stored(self, seed_round):
        recompute_targets(target_ids=[seed_round.target_id])
        figures = stakes(seed_round)
        assert (figures["nvidia"].stake_qualifier, figures["nvidia"].stake_high) == ("up_to", Decimal("0.0375"))
        assert figures["microsoft"].stake_high == Decimal("0.0125")
        assert figures["amazon"].stake_high == Decimal("0.025")
        round_figures = RoundFigures.objects.get(round=seed_round)
        assert round_figures.pro_forma and round_figures.counted
        assert (round_figures.post_money_qualifier, round_figures.post_money_low) == ("at_least", 800 * BN)

    def test_figures_are_converted_into_the_reporting_currency_at_the_rate_on_or_before_the_date(self, settings):
        settings.REPORTING_CURRENCY = "USD"
        target = OrganizationFactory()
        FxRate.objects.create(date=datetime.date(2026, 1, 1), base="EUR", quote="USD", rate=Decimal("1.10"))
        FxRate.objects.create(date=datetime.date(2026, 2, 1), base="EUR", quote="USD", rate=Decimal("1.30"))
        round_ = FundingRoundFactory(target=target, reported_on=datetime.date(2026, 1, 30))  # EUR 100m exact
        recompute_targets(target_ids=[target.pk])
        figures = RoundFigures.objects.get(round=round_)
        assert figures.amount_reporting_value == Decimal("110000000")
        assert (figures.fx_rate, figures.fx_rate_date) == (Decimal("1.10"), datetime.date(2026, 1, 1))

    def test_a_missing_rate_is_a_warning_and_no_converted_figure(self, settings):
        settings.REPORTING_CURRENCY = "JPY"
        round_ = FundingRoundFactory()
        recompute_targets(target_ids=[round_.target_id])
        figures = RoundFigures.objects.get(round=round_)
        assert figures.amount_reporting_qualifier is None
        assert any(w["code"] == "no_rate" and w["params"]["to"] == "JPY" for w in figures.warnings)

    def test_dilution_over_several_rounds_lands_in_positions(self):
        target, fund, later = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
        first = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2020, 1, 1),
            **estimate("post_money_valuation", "exact", 40 * M),
            **estimate("amount", "exact", 10 * M),
        )
        ParticipationFactory(round=first, investor=fund, **estimate("amount", "exact", 10 * M))
        second = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2021, 1, 1),
            **estimate("post_money_valuation", "exact", 120 * M),
            **estimate("amount", "exact", 30 * M),
        )
        ParticipationFactory(round=second, investor=later, **estimate("amount", "exact", 30 * M))
        recompute_targets(target_ids=[target.pk])
        position = Position.objects.get(investor=fund, target=target, pro_forma=False)
        assert position.stake_value == Decimal("0.1875")  # 25 % × 90/120
        assert position.mark_value_value == Decimal("22500000")  # 18.75 % of 120m
        assert position.moic_value == Decimal("2.25")

    def test_recomputing_twice_changes_nothing(self, seed_round):
        def snapshot():
            rows = list(RoundFigures.objects.values()) + list(ParticipationFigures.objects.values())
            rows += list(Position.objects.values())
            return sorted(
                (str(sorted((k, v) for k, v in row.items() if k not in {"computed_at", "id"}))) for row in rows
            )

        recompute_targets(target_ids=[seed_round.target_id])
        first = snapshot()
        recompute_targets(target_ids=[seed_round.target_id])
        assert snapshot() == first


class TestKindsOfMoney:
    """The engine's rules on the kind of money, end to end: from the rows through recompute into stored rows."""

    def seeded(self) -> tuple[Organization, Organization]:
        """A target whose first round gave FUND 10 % (EUR 10m at EUR 100m post-money)."""
        target, fund = OrganizationFactory(), OrganizationFactory()
        first = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2020, 1, 1),
            **estimate("post_money_valuation", "exact", 100 * M),
            **estimate("amount", "exact", 10 * M),
        )
        ParticipationFactory(round=first, investor=fund, **estimate("amount", "exact", 10 * M))
        return target, fund

    def test_a_debt_participation_stores_no_stake_and_dilutes_nobody(self):
        target, fund = self.seeded()
        lender = OrganizationFactory()
        debt = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2021, 1, 1),
            **estimate("pre_money_valuation", "exact", 200 * M),
            **estimate("amount", "exact", 50 * M),
        )
        loan = ParticipationFactory(
            round=debt, investor=lender, instrument="debt", **estimate("amount", "exact", 50 * M)
        )
        recompute_targets(target_ids=[target.pk])
        assert ParticipationFigures.objects.get(participation=loan).stake_qualifier is None
        figures = RoundFigures.objects.get(round=debt)
        assert (figures.post_money_value, figures.amount_reporting_value) == (200 * M, 50 * M)
        assert Position.objects.get(investor=fund, target=target, pro_forma=False).stake_value == Decimal("0.1")
        assert not Position.objects.filter(investor=lender).exists()

    def test_a_price_per_share_in_dollars_is_converted_before_it_prices_the_positions(self, settings):
        # USD 20 × 20m shares = USD 400m pre-money, + USD 100m = USD 500m; at 1.25 USD per EUR, EUR 400m post.
        # FUND's USD 100m is EUR 80m: 80 / 400 = 20 % (with the pre-money taken as EUR 400m it was 80 / 480).
        settings.REPORTING_CURRENCY = "EUR"
        FxRate.objects.create(date=datetime.date(2026, 1, 1), base="EUR", quote="USD", rate=Decimal("1.25"))
        target, fund = OrganizationFactory(), OrganizationFactory()
        round_ = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2026, 1, 30),
            price_per_share=Decimal(20),
            shares_outstanding_pre=Decimal(20 * M),
            **estimate("amount", "exact", 100 * M, currency="USD"),
        )
        ParticipationFactory(round=round_, investor=fund, **estimate("amount", "exact", 100 * M, currency="USD"))
        recompute_targets(target_ids=[target.pk])
        figures = RoundFigures.objects.get(round=round_)
        assert (figures.pre_money_value, figures.pre_money_currency) == (400 * M, "USD")
        assert (figures.post_money_reporting_value, figures.post_money_reporting_currency) == (400 * M, "EUR")
        position = Position.objects.get(investor=fund, target=target, pro_forma=False)
        assert (position.stake_value, position.cost_value, position.cost_currency) == (Decimal("0.2"), 80 * M, "EUR")

    def test_a_pending_condition_is_stored_as_pro_forma_and_a_failed_one_counts_zero(self):
        target, fund = self.seeded()
        amazon = OrganizationFactory(name="Amazon", slug="amazon")
        round_ = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2021, 1, 1),
            **estimate("post_money_valuation", "exact", 200 * M),
            **estimate("amount", "exact", 50 * M),
        )
        part = ParticipationFactory(round=round_, investor=amazon, **estimate("amount", "exact", 50 * M))
        aws = Condition.objects.create(participation=part, kind="cloud_usage", description="OpenAI uses AWS")
        recompute_targets(target_ids=[target.pk])
        figures = ParticipationFigures.objects.get(participation=part)
        assert figures.stake_value == Decimal("0.25")  # 50m / 200m, if the condition is met
        assert figures.pending_conditions == [{"id": aws.pk, "kind": "cloud_usage", "description": "OpenAI uses AWS"}]
        warning = {"code": "pending_condition", "params": {"conditions": "OpenAI uses AWS"}}
        assert warning in RoundFigures.objects.get(round=round_).warnings
        assert not Position.objects.filter(investor=amazon, pro_forma=False).exists()
        assert Position.objects.get(investor=amazon, pro_forma=True).stake_value == Decimal("0.25")
        # FUND: 10 % × (1 − 50/200) = 7.5 % in both views: the round's money dilutes as reported.
        assert Position.objects.get(investor=fund, pro_forma=False).stake_value == Decimal("0.075")

        aws.status = "failed"
        aws.save()
        recompute_targets(target_ids=[target.pk])
        figures = ParticipationFigures.objects.get(participation=part)
        assert (figures.stake_qualifier, figures.pending_conditions) == (None, [])
        assert not Position.objects.filter(investor=amazon).exists()


class TestCodec:
    """The one Estimate ↔ columns codec every reader and writer uses."""

    def test_columns_round_trip_and_computed_figures_round_outward(self):
        third = Estimate.build(qualifier="between", low=Decimal(1) / 3, high=Decimal(2) / 3)
        columns = as_columns("stake", third, ratio=True, fitted=True)
        assert columns == {
            "stake_value": None,
            "stake_low": Decimal("0.3333333333333333"),
            "stake_high": Decimal("0.6666666666666667"),
            "stake_qualifier": "between",
        }
        assert read_columns(columns, "stake", ratio=True) == third.quantized(16)
        money = Estimate.exact(Decimal(10) ** 19, "EUR")  # beyond the columns' room: stored as unknown
        assert as_columns("cost", money, fitted=True)["cost_qualifier"] == "undisclosed"
        assert as_columns("cost", None) == dict.fromkeys(column_names("cost"))

    def test_a_rounds_date_is_the_same_in_python_and_sql(self):
        round_ = FundingRoundFactory(reported_on=datetime.date(2025, 1, 1), announced_on=datetime.date(2025, 2, 1))
        annotated = FundingRound.objects.annotate(when=round_date_expression()).get(pk=round_.pk)
        assert round_.date == annotated.when == datetime.date(2025, 2, 1)


class TestTriggers:
    def test_an_orm_save_marks_the_target_dirty(self):
        round_ = FundingRoundFactory()
        assert round_.target_id in dirty_ids()

    def test_queryset_update_and_raw_sql_mark_the_target_dirty(self):
        round_, investor = FundingRoundFactory(), OrganizationFactory()
        DirtyTarget.objects.all().delete()
        FundingRound.objects.filter(pk=round_.pk).update(notes="bulk")
        assert dirty_ids() == {round_.target_id}
        DirtyTarget.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE deals_participation SET is_lead = true WHERE round_id = %s", [round_.pk])
            cursor.execute(
                "INSERT INTO deals_participation (round_id, investor_id, is_lead, instrument, status, "
                "created_at, updated_at) VALUES (%s, %s, false, 'equity', 'proposed', now(), now())",
                [round_.pk, investor.pk],
            )
        assert dirty_ids() == {round_.target_id}

    def test_an_fx_rate_marks_targets_with_figures_in_that_currency_on_or_after_its_date(self):
        before = FundingRoundFactory(reported_on=datetime.date(2025, 1, 1))
        after = FundingRoundFactory(reported_on=datetime.date(2026, 2, 1))
        in_gbp = FundingRoundFactory(reported_on=datetime.date(2026, 2, 1), amount_currency="GBP")
        DirtyTarget.objects.all().delete()
        FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.19"))
        assert dirty_ids() == {after.target_id}
        assert before.target_id not in dirty_ids() and in_gbp.target_id not in dirty_ids()

    def test_rates_written_together_mark_each_currency_from_its_earliest_date_in_every_figure_column(self):
        def round_in(figure: str, currency: str, day: datetime.date) -> FundingRound:
            values: dict[str, Any] = {"amount_currency": "CHF", f"{figure}_currency": currency}
            if figure != "amount":
                values |= {f"{figure}_{part}": Decimal(1000) for part in ("value", "low", "high")}
                values[f"{figure}_qualifier"] = "exact"
            return FundingRoundFactory(reported_on=day, **values)

        late_gbp = round_in("post_money_valuation", "GBP", datetime.date(2026, 3, 1))
        early_gbp = round_in("pre_money_valuation", "GBP", datetime.date(2025, 12, 1))
        jpy = round_in("amount", "JPY", datetime.date(2026, 1, 15))
        early_jpy = round_in("amount", "JPY", datetime.date(2025, 6, 1))
        undated = FundingRoundFactory(reported_on=None, amount_currency="JPY")
        DirtyTarget.objects.all().delete()
        FxRate.objects.bulk_create(
            [
                FxRate(date=datetime.date(2026, 2, 1), base="EUR", quote="GBP", rate=Decimal("0.85")),
                FxRate(date=datetime.date(2026, 1, 1), base="EUR", quote="JPY", rate=Decimal("160")),
                FxRate(date=datetime.date(2026, 2, 15), base="GBP", quote="JPY", rate=Decimal("190")),
            ]
        )
        assert dirty_ids() == {late_gbp.target_id, jpy.target_id}
        assert not {early_gbp.target_id, early_jpy.target_id, undated.target_id} & dirty_ids()
        DirtyTarget.objects.all().delete()
        FxRate.objects.filter(quote="GBP").update(date=datetime.date(2025, 11, 1))  # the old date and the new
        assert dirty_ids() == {late_gbp.target_id, early_gbp.target_id}
        DirtyTarget.objects.all().delete()
        FxRate.objects.filter(quote="JPY", base="EUR").delete()
        assert dirty_ids() == {jpy.target_id}

    def test_a_relationship_marks_both_parties_and_their_group(self):
        parent = OrganizationFactory()
        subsidiary, client = OrganizationFactory(parent=parent), OrganizationFactory()
        DirtyTarget.objects.all().delete()
        from deals.models import Relationship

        Relationship.objects.create(provider=subsidiary, client=client, kind="cloud")
        assert {parent.pk, subsidiary.pk, client.pk} <= dirty_ids()

    def test_a_rolled_back_edit_leaves_nothing_dirty(self):
        round_ = FundingRoundFactory()
        DirtyTarget.objects.all().delete()
        with pytest.raises(RuntimeError), transaction.atomic():
            FundingRound.objects.filter(pk=round_.pk).update(notes="never")
            raise RuntimeError
        assert dirty_ids() == set()


class TestClaiming:
    def test_a_hundred_edits_to_one_target_coalesce_into_one_recompute(self):
        round_ = FundingRoundFactory()
        for i in range(100):
            FundingRound.objects.filter(pk=round_.pk).update(notes=f"edit {i}")
        assert DirtyTarget.objects.get(target=round_.target).version > 100
        batches = []
        while claimed := services.dirty_recompute_batch():
            batches.append(claimed)
        assert batches == [[round_.target_id]]
        assert RoundFigures.objects.filter(round=round_).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_process_the_same_target():
    # bulk_create sends no signals, so nothing is recomputed before the two workers start.
    orgs = Organization.objects.bulk_create(Organization(name=f"Target {i}", slug=f"target-{i}") for i in range(30))
    FundingRound.objects.bulk_create(FundingRound(target=org, status="closed") for org in orgs)
    targets = [org.pk for org in orgs]
    claimed: list[list[int]] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        try:
            while batch := services.dirty_recompute_batch(batch_size=3):
                claimed.append(batch)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    processed = [target for batch in claimed for target in batch]
    assert sorted(processed) == sorted(set(processed)), "a target was processed twice"
    assert set(processed) == set(targets)
    assert not DirtyTarget.objects.exists()


def test_the_order_of_edits_does_not_change_the_result():
    """The same three edits applied in every order leave the same stored figures."""
    import itertools

    target = OrganizationFactory()
    round_ = FundingRoundFactory(target=target, **estimate("post_money_valuation", "exact", 500 * M))
    investors = [OrganizationFactory() for _ in range(2)]
    edits = [
        lambda: FundingRound.objects.filter(pk=round_.pk).update(**estimate("post_money_valuation", "exact", 800 * M)),
        lambda: ParticipationFactory(round=round_, investor=investors[0], **estimate("amount", "up_to", 30 * M)),
        lambda: ParticipationFactory(round=round_, investor=investors[1], **estimate("amount", "exact", 10 * M)),
    ]

    def figures() -> list[tuple]:
        return sorted(
            ParticipationFigures.objects.filter(participation__round=round_).values_list(
                "participation__investor_id", "stake_qualifier", "stake_value", "stake_low", "stake_high"
            )
        )

    results = set()
    for order in itertools.permutations(range(3)):
        sid = transaction.savepoint()
        for i in order:
            edits[i]()
            services.dirty_recompute_batch()
        results.add(tuple(figures()))
        transaction.savepoint_rollback(sid)
    assert len(results) == 1
    (only,) = results
    assert [row[1:] for row in only] == [
        ("up_to", Decimal("0.0375"), None, Decimal("0.0375")),
        ("exact", Decimal("0.0125"), Decimal("0.0125"), Decimal("0.0125")),
    ]
