"""The demo dataset: the seed deal in full and a history around it, loaded idempotently."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from deals import demo_data
from deals.models import FundingRound, Metric, Organization, Relationship

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", rates="demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("deals").get_models()}


def test_the_dataset_is_consistent():
    assert demo_data.validate() == []


def test_loading_twice_leaves_the_same_rows_and_writes_no_new_history():
    load()
    first = row_counts()
    load()
    assert row_counts() == first
    assert first["Organization"] >= 30
    assert first["FundingRound"] >= 60


def test_the_seed_deal_is_entered_in_full():
    load()
    round_ = FundingRound.objects.get(ref="demo:openai-2026-in-talks")
    assert round_.target.name == "OpenAI"
    assert round_.status == "in_talks"
    assert (round_.amount.qualifier, round_.amount.high, round_.amount.currency) == ("up_to", 60 * BN, "EUR")
    assert (round_.post_money_valuation.qualifier, round_.post_money_valuation.low) == ("at_least", 800 * BN)
    amounts = {p.investor.slug: p.amount for p in round_.participations.select_related("investor")}
    assert amounts["nvidia"].qualifier == "up_to" and amounts["nvidia"].high == 30 * BN
    assert amounts["microsoft"].qualifier == "exact" and amounts["microsoft"].value == 10 * BN
    assert (amounts["amazon"].low, amounts["amazon"].high) == (10 * BN, 20 * BN)
    amazon = round_.participations.get(investor__slug="amazon")
    assert {c.kind for c in amazon.conditions.all()} == {"cloud_usage", "distribution"}
    assert Organization.objects.get(slug="aws").parent.slug == "amazon"
    assert round_.sources.filter(outlet="Handelsblatt", published_on="2026-01-30").exists()
    suppliers = set(Relationship.objects.filter(client=round_.target).values_list("provider__slug", flat=True))
    assert {"nvidia", "microsoft", "aws"} <= suppliers
    assert Metric.objects.get(organization__slug="microsoft", kind="rpo_share").percent == 45
    opex = Metric.objects.get(organization__slug="openai", kind="operating_expenses", period_year=2026)
    assert opex.value.value == 14 * BN and opex.is_forecast


def test_every_round_cites_a_source_by_outlet_and_date():
    load()
    assert not FundingRound.objects.filter(citations=None).exists()
