"""Accepting a reviewed draft: the source, the records and their claims with quotes, in one transaction."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from deals.drafts import OrgRef, ReviewedParticipation, SourceInfo, build_draft, draft_accept, reviewed_from
from deals.engine.estimates import Estimate
from deals.models import (
    Citation,
    Claim,
    Condition,
    FundingRound,
    Metric,
    Organization,
    Participation,
    Relationship,
    RoundStatusChange,
    Source,
)
from tests.extraction.test_draft import SEED_DE
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TABLES = (
    Organization,
    FundingRound,
    Participation,
    Condition,
    Relationship,
    Metric,
    Source,
    Citation,
    Claim,
    RoundStatusChange,
)
SOURCE = SourceInfo(
    outlet="Example Zeitung", title="Milliardenrunde", published_on=datetime.date(2026, 1, 30), url="https://x.test/a"
)
BN = Decimal(10) ** 9


def up_to(value: Decimal) -> Estimate:
    return Estimate.build(qualifier="up_to", value=value, currency="EUR")


@pytest.fixture
def known():
    orgs = {
        "OpenAI": OrganizationFactory(name="OpenAI", slug="openai"),
        "NVIDIA": OrganizationFactory(name="NVIDIA", slug="nvidia", aliases=["Nvidia"]),
        "Microsoft": OrganizationFactory(name="Microsoft", slug="microsoft"),
        "Amazon": OrganizationFactory(name="Amazon", slug="amazon"),
        "Google": OrganizationFactory(name="Google", slug="google"),
    }
    orgs["AWS"] = OrganizationFactory(name="Amazon Web Services", slug="aws", aliases=["AWS"], parent=orgs["Amazon"])
    return orgs


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_the_german_seed_report_becomes_the_reviewed_records_and_claims(known):
    reviewed = reviewed_from(build_draft(SEED_DE, "de", SOURCE))
    before = counts()
    result = draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    after = counts()
    delta = {name: after[name] - before[name] for name in after}

    round = FundingRound.objects.get(pk=result.round.pk)
    assert result.round_created
    assert round.target == known["OpenAI"] and round.status == "in_talks"
    assert round.reported_on == SOURCE.published_on
    assert round.amount == up_to(60 * BN)
    assert round.post_money_valuation.qualifier == "at_least" and round.post_money_valuation.value == 800 * BN

    source = Source.objects.get(pk=result.source.pk)
    assert (source.outlet, source.title, source.language, source.url) == (
        "Example Zeitung",
        "Milliardenrunde",
        "de",
        "https://x.test/a",
    )
    tickets = {p.investor.name: p for p in round.participations.select_related("investor")}
    assert set(tickets) == {p.investor.name for p in reviewed.participations}
    assert tickets["NVIDIA"].amount == up_to(30 * BN)
    assert tickets["Microsoft"].amount.value == 10 * BN
    assert (tickets["Amazon"].amount.low, tickets["Amazon"].amount.high) == (10 * BN, 20 * BN)
    [condition] = tickets["Amazon"].conditions.all()
    assert condition.kind == "cloud_usage" and "AWS" in condition.description
    expenses = Metric.objects.get(organization=known["OpenAI"], kind="operating_expenses")
    assert expenses.value.value == 14 * BN and expenses.period_year == 2026
    assert Metric.objects.get(organization=known["Microsoft"], kind="rpo_share").percent == 45

    # exactly the reviewed records: one round, its tickets, one condition, the reviewed ties and metrics
    assert delta["Source"] == 1 and delta["FundingRound"] == 1
    assert delta["Participation"] == len(reviewed.participations)
    assert delta["Condition"] == sum(len(p.conditions) for p in reviewed.participations) == 1
    assert delta["Metric"] == len(reviewed.metrics)
    assert delta["Relationship"] == len([x for x in reviewed.relationships if x.client is not None])
    assert delta["Organization"] == 0  # every organization of the report is known

    # every claim is the report's, dated by it, with the sentence and span it was read from
    mine = Claim.objects.filter(source=source)
    assert delta["Claim"] == mine.count() == result.claims_created
    amount = mine.get(round=round, field="amount")
    assert SEED_DE[amount.span_start : amount.span_end] == "bis zu 60 Milliarden Euro"
    assert "Kapitalspritze" in amount.quote
    nvidia = mine.get(participation=tickets["NVIDIA"], field="amount")
    assert SEED_DE[nvidia.span_start : nvidia.span_end] == "bis zu 30 Milliarden Euro"
    assert mine.get(metric=expenses, field="value").quote.startswith("Für 2026")
    assert "abhängig machen" in mine.get(condition=condition, field="status").quote
    figure_claims = mine.filter(field__in=["amount", "post_money_valuation", "value"])
    assert figure_claims.count() == 1 + 1 + 3 + 1  # round, valuation, three tickets, the expenses
    assert all(c.quote and c.span_start is not None for c in figure_claims)
    assert not Claim.objects.exclude(source=source).exists()


def test_accepting_the_same_draft_twice_adds_nothing(known):
    reviewed = reviewed_from(build_draft(SEED_DE, "de", SOURCE))
    first = draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    before = counts()
    second = draft_accept(reviewed=reviewed_from(build_draft(SEED_DE, "de", SOURCE)), source=SOURCE, language="de")
    assert counts() == before
    assert second.round == first.round and not second.round_created and second.claims_created == 0


def test_a_later_report_on_a_pending_round_adds_claims_to_it_instead_of_a_duplicate(known):
    draft_accept(reviewed=reviewed_from(build_draft(SEED_DE, "de", SOURCE)), source=SOURCE, language="de")
    round = FundingRound.objects.get()
    later = SourceInfo(outlet="Example Wire", title="OpenAI round grows", published_on=datetime.date(2026, 2, 20))
    reviewed = reviewed_from(build_draft(SEED_DE, "de", later))
    reviewed.amount = up_to(70 * BN)
    reviewed.status = "term_sheet"
    before = counts()
    result = draft_accept(reviewed=reviewed, source=later, language="en")
    after = counts()
    assert not result.round_created and result.round == round
    assert after["FundingRound"] == before["FundingRound"] and after["Participation"] == before["Participation"]
    assert after["Condition"] == before["Condition"] and after["Metric"] == before["Metric"]
    assert after["Source"] == before["Source"] + 1
    new = Claim.objects.filter(source=result.source)
    assert new.filter(round=round, field="amount").get().estimate == up_to(70 * BN)
    assert new.filter(round=round, field="status").get().stated_value == "term_sheet"
    # the other figures are the same report's again: a second source stating them, one claim each
    assert new.filter(participation__investor=known["NVIDIA"], field="amount").count() == 1
    round.refresh_from_db()
    assert round.status == "term_sheet"  # the later statement of a moving field is the one believed
    assert Citation.objects.filter(round=round, source=result.source).exists()


def test_a_draft_with_one_invalid_item_writes_nothing(known):
    reviewed = reviewed_from(build_draft(SEED_DE, "de", SOURCE))
    reviewed.participations.append(ReviewedParticipation(investor=OrgRef("Brand New Capital")))
    # OpenAI cannot invest in its own round: the last item breaks a rule after everything else was written
    reviewed.participations.append(
        dataclasses.replace(reviewed.participations[0], investor=OrgRef("OpenAI", known["OpenAI"].pk))
    )
    before = counts()
    with pytest.raises(ValidationError):
        draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    assert counts() == before
    assert not Organization.objects.filter(name="Brand New Capital").exists()


def test_a_new_organization_is_created_once(known):
    reviewed = reviewed_from(build_draft(SEED_DE, "de", SOURCE))
    reviewed.participations.append(ReviewedParticipation(investor=OrgRef("Brand New Capital"), is_lead=True))
    result = draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    [created] = result.organizations_created
    assert created.name == "Brand New Capital" and created.slug == "brand-new-capital"
    assert Participation.objects.get(investor=created).is_lead
    draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    assert Organization.objects.filter(name="Brand New Capital").count() == 1
