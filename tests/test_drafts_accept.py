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
    reviewed.participations.append(ReviewedParticipation(investor=OrgRef("AWS")))  # typed: a known alias
    result = draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    [created] = result.organizations_created
    assert created.name == "Brand New Capital" and created.slug == "brand-new-capital"
    assert Participation.objects.get(investor=created).is_lead
    assert Participation.objects.filter(investor=known["AWS"]).exists()
    draft_accept(reviewed=reviewed, source=SOURCE, language="de")
    assert Organization.objects.filter(name="Brand New Capital").count() == 1


# --- The admin's "Paste a report" page -----------------------------------------------------------------------

PASTE = {
    "text": SEED_DE,
    "language": "de",
    "outlet": "Example Zeitung",
    "title": "Milliardenrunde",
    "published_on": "2026-01-30",
    "url": "",
}


def _review_post(page) -> dict[str, str]:
    """The review form's fields as the browser would send them back, unchanged."""
    import re

    html = page.content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in {"csrfmiddlewaretoken", "accept", "reject"}:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox":
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    import html as html_lib

    return {k: html_lib.unescape(v) for k, v in data.items()}


def test_the_paste_page_highlights_the_findings_and_accepts_the_reviewed_draft(admin_client, known):
    assert "Paste a report" in admin_client.get("/admin/deals/fundinground/").content.decode()
    assert admin_client.get("/admin/deals/fundinground/paste/").status_code == 200
    before = counts()
    page = admin_client.post("/admin/deals/fundinground/paste/", PASTE)
    assert page.status_code == 200 and counts() == before
    html = page.content.decode()
    assert '<mark class="finding finding-money" title="money">bis zu 60 Milliarden Euro</mark>' in html
    assert "<script" not in html.split('id="content-main"')[1].split("</form>")[0]
    data = _review_post(page)
    assert data["round-target"] == "OpenAI" and data["round-amount"] == "up to €60bn"
    data["round-amount"] = "bis zu 65 Mrd. Euro"  # the reviewer corrects a figure, typed as a report writes it
    data["accept"] = "1"
    response = admin_client.post("/admin/deals/fundinground/paste/", data)
    round = FundingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/deals/fundinground/{round.pk}/change/"
    assert round.amount == up_to(65 * BN) and round.status == "in_talks"
    assert {p.investor.name for p in round.participations.all()} == {"NVIDIA", "Microsoft", "Amazon"}
    amount = Claim.objects.get(round=round, field="amount")
    assert amount.source.outlet == "Example Zeitung" and "Kapitalspritze" in amount.quote
    assert Condition.objects.get().participation.investor.name == "Amazon"


def test_the_paste_page_rejects_and_reports_errors_without_writing(admin_client, known):
    page = admin_client.post("/admin/deals/fundinground/paste/", PASTE)
    data = _review_post(page)
    before = counts()
    response = admin_client.post("/admin/deals/fundinground/paste/", {**data, "reject": "1"})
    assert response.status_code == 302 and counts() == before
    unreadable = admin_client.post("/admin/deals/fundinground/paste/", {**data, "round-amount": "lots", "accept": "1"})
    assert unreadable.status_code == 200 and "does not read as one amount" in unreadable.content.decode()
    own = {**data, "participations-0-investor": "OpenAI", "accept": "1"}
    broken = admin_client.post("/admin/deals/fundinground/paste/", own)
    assert broken.status_code == 200 and "cannot invest in its own round" in broken.content.decode()
    assert counts() == before


def test_the_paste_page_needs_the_right_to_add_rounds(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/deals/fundinground/paste/").status_code == 403
