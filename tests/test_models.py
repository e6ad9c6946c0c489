"""Invariants of the domain model: field-level messages from clean(), and named database constraints that
refuse invalid rows even when clean() is bypassed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from deals.models import FundingRound, FxRate, Metric, Organization, Participation, Relationship
from tests.factories import FundingRoundFactory, OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

BN = Decimal(10) ** 9


def estimate(prefix: str, qualifier: str | None, value=None, low=None, high=None, currency="EUR"):
    return {
        f"{prefix}_qualifier": qualifier,
        f"{prefix}_value": value,
        f"{prefix}_low": low,
        f"{prefix}_high": high,
        f"{prefix}_currency": currency,
    }


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


def new_round(**fields) -> FundingRound:
    target = OrganizationFactory()
    return FundingRound(target=target, round_type="corporate_round", status="in_talks", **fields)


class TestEstimateValidation:
    def test_up_to_fills_its_high_bound(self):
        round_ = new_round(**estimate("amount", "up_to", value=60 * BN))
        round_.full_clean()
        assert round_.amount_high == 60 * BN
        assert round_.amount.qualifier == "up_to"

    def test_exact_fills_both_bounds(self):
        round_ = new_round(**estimate("amount", "exact", value=10 * BN))
        round_.full_clean()
        assert (round_.amount_low, round_.amount_high) == (10 * BN, 10 * BN)

    def test_it_rejects_low_above_high(self):
        round_ = new_round(**estimate("amount", "between", low=20 * BN, high=10 * BN))
        errors = errors_of(round_)
        assert any(key.startswith("amount_") for key in errors)

    def test_it_rejects_negative_amounts(self):
        round_ = new_round(**estimate("amount", "exact", value=Decimal(-5)))
        assert any(key.startswith("amount_") for key in errors_of(round_))

    def test_at_least_with_a_high_bound_is_an_error_on_high(self):
        round_ = new_round(**estimate("post_money_valuation", "at_least", value=800 * BN, high=900 * BN))
        assert "post_money_valuation_high" in errors_of(round_)

    def test_it_rejects_a_currency_that_is_not_iso_4217(self):
        round_ = new_round(**estimate("amount", "exact", value=BN, currency="XYZ"))
        assert "amount_currency" in errors_of(round_)

    def test_between_needs_both_bounds(self):
        round_ = new_round(**estimate("amount", "between", low=10 * BN))
        assert any(key.startswith("amount_") for key in errors_of(round_))

    def test_undisclosed_carries_no_numbers(self):
        round_ = new_round(**estimate("amount", "undisclosed", value=BN))
        assert any(key.startswith("amount_") for key in errors_of(round_))

    def test_figures_without_a_qualifier_are_an_error_on_the_qualifier(self):
        round_ = new_round(amount_value=BN, amount_currency="EUR")
        assert "amount_qualifier" in errors_of(round_)

    def test_a_trillion_euros_fits(self):
        round_ = new_round(**estimate("post_money_valuation", "exact", value=Decimal("1500") * BN))
        round_.full_clean()
        round_.save()
        round_.refresh_from_db()
        assert round_.post_money_valuation_value == Decimal("1500") * BN


class TestDatabaseConstraints:
    """Rows that bypass clean() are refused by PostgreSQL itself."""

    @pytest.mark.parametrize(
        "columns",
        [
            {"amount_qualifier": "between", "amount_low": 20 * BN, "amount_high": 10 * BN, "amount_value": None},
            {"amount_value": Decimal(-1), "amount_low": Decimal(-1), "amount_high": Decimal(-1)},
            {"amount_qualifier": "at_least", "amount_value": BN, "amount_low": BN, "amount_high": 2 * BN},
            {"amount_qualifier": "undisclosed", "amount_value": BN, "amount_low": None, "amount_high": None},
            {"amount_qualifier": "bogus"},
            {"amount_currency": "eur"},
            {"amount_qualifier": None},
        ],
        ids=[
            "low-above-high",
            "negative",
            "at-least-with-high",
            "undisclosed-with-number",
            "unknown-qualifier",
            "lowercase-currency",
            "numbers-without-qualifier",
        ],
    )
    def test_queryset_update_cannot_store_an_invalid_estimate(self, columns):
        round_ = FundingRoundFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            FundingRound.objects.filter(pk=round_.pk).update(**columns)

    def test_raw_sql_cannot_store_an_invalid_estimate(self):
        round_ = FundingRoundFactory()
        with (
            pytest.raises(IntegrityError, match="fundinground_amount_low_le_high"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE deals_fundinground SET amount_qualifier = 'between', amount_value = NULL, "
                "amount_low = 5, amount_high = 1 WHERE id = %s",
                [round_.pk],
            )

    def test_a_round_cannot_close_before_it_was_announced(self):
        round_ = FundingRoundFactory()
        with pytest.raises(IntegrityError, match="round_announced_before_closed"), transaction.atomic():
            FundingRound.objects.filter(pk=round_.pk).update(
                announced_on=datetime.date(2026, 2, 1), closed_on=datetime.date(2026, 1, 1)
            )

    def test_an_investor_takes_part_once_per_round(self):
        participation = ParticipationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.create(round=participation.round, investor=participation.investor)

    def test_organization_names_are_unique_regardless_of_case(self):
        Organization.objects.create(name="OpenAI", slug="openai")
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.create(name="openai", slug="openai-2")

    def test_fx_rates_are_positive_and_unique_per_day(self):
        FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.19"))
        with pytest.raises(IntegrityError), transaction.atomic():
            FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.2"))
        with pytest.raises(IntegrityError), transaction.atomic():
            FxRate.objects.create(date=datetime.date(2026, 1, 31), base="EUR", quote="USD", rate=Decimal("0"))

    def test_a_relationship_needs_two_parties(self):
        org = OrganizationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Relationship.objects.create(provider=org, client=org, kind="cloud")

    def test_a_metric_has_an_amount_or_a_percentage_not_both(self):
        org = OrganizationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Metric.objects.create(
                organization=org,
                kind="rpo_share",
                period_year=2026,
                percent=Decimal(45),
                **estimate("value", "exact", BN, BN, BN),
            )


class TestFieldMessages:
    def test_an_unknown_country_is_a_country_error(self):
        org = Organization(name="Example", slug="example", country="XX")
        assert "country" in errors_of(org)

    def test_an_organization_cannot_be_its_own_ancestor(self):
        parent = OrganizationFactory()
        child = OrganizationFactory(parent=parent)
        parent.parent = child
        assert "parent" in errors_of(parent)

    def test_closing_before_announcing_is_a_closed_on_error(self):
        round_ = new_round(announced_on=datetime.date(2026, 2, 1), closed_on=datetime.date(2026, 1, 1))
        assert "closed_on" in errors_of(round_)

    def test_a_percentage_above_100_is_a_percent_error(self):
        metric = Metric(organization=OrganizationFactory(), kind="rpo_share", period_year=2026, percent=Decimal(145))
        assert "percent" in errors_of(metric)

    def test_roles_follow_from_the_data(self):
        participation = ParticipationFactory()
        orgs = {o.pk: o for o in Organization.objects.with_roles()}
        investor, target = orgs[participation.investor_id], orgs[participation.round.target_id]
        assert (investor.is_investor, investor.is_target) == (True, False)
        assert (target.is_investor, target.is_target) == (False, True)
