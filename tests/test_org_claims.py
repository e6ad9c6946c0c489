"""The organization page's claims: its own metrics' and relationships' claims side by side, and the disputed
fields of its rounds and of its investments, each linking to the round page's claims; in a fixed number of
queries."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals import claims
from deals.engine.estimates import Estimate
from deals.models import Metric, Organization
from deals.models.estimates import as_columns
from deals.pipeline.services import dirty_drain
from tests.factories import (
    FundingRoundFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

BN = Decimal(10) ** 9
SAID_ON = datetime.date(2026, 1, 30)


def eur(value: str) -> Estimate:
    return Estimate.exact(Decimal(value) * BN, "EUR")


def page(client, org: Organization, **headers) -> str:
    response = client.get(reverse("deals:organization_detail", args=[org.slug]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    """The claims section of an organization page ("" when there is none)."""
    match = re.search(r'<section class="card" id="claims".*?</section>', html, re.S)
    return match.group(0) if match else ""


def row_of(html: str, text: str) -> str:
    """The table row of ``html`` that contains ``text``."""
    rows = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if text in row]
    assert len(rows) == 1, (text, rows)
    return rows[0]


def expenses(org: Organization) -> Metric:
    return Metric.objects.create(
        organization=org,
        kind="operating_expenses",
        period_year=2026,
        is_forecast=True,
        **as_columns("value", eur("14")),
    )


def dispute_metric(metric: Metric) -> None:
    """Two sources whose figures do not overlap: a report, and the more reliable company statement."""
    report = SourceFactory(outlet="Handelsblatt", published_on=SAID_ON, reliability="report")
    official = SourceFactory(
        outlet="Company release",
        title="Annual plan",
        url="https://example.com/plan",
        published_on=datetime.date(2026, 2, 3),
        reliability="official",
    )
    claims.claim_record(record=metric, field="value", value=eur("14"), source=report, stated_on=SAID_ON)
    claims.claim_record(record=metric, field="value", value=eur("17"), source=official)


def dispute_round_amount(round_) -> None:
    claims.claim_record(record=round_, field="amount", value=eur("1.7"), source=SourceFactory(outlet="Outlet A"))
    claims.claim_record(record=round_, field="amount", value=eur("0.01"), source=SourceFactory(outlet="Outlet B"))


def test_a_metric_whose_sources_disagree_is_marked_disputed_with_both_sources_and_the_accepted_one(viewer):
    org = OrganizationFactory(slug="spender", name="Spender")
    dispute_metric(expenses(org))

    claims_html = section(page(viewer, org))
    assert "Claims" in claims_html and "Operating expenses 2026 (forecast) <strong" in claims_html
    assert "disputed" in row_of(claims_html, "Handelsblatt")
    report, official = row_of(claims_html, "Handelsblatt"), row_of(claims_html, "Company release")
    assert "Jan. 30, 2026" in report and "€14bn" in report and "not accepted" in report
    assert "Feb. 3, 2026" in official and "€17bn" in official
    assert "<strong>accepted</strong>" in official, "the company's own statement is more reliable than a report"
    assert '<a href="https://example.com/plan" rel="noopener noreferrer">Annual plan</a>' in official
    assert "table-wrap" in claims_html, "the table scrolls inside its card, as on the round page"


def test_a_relationship_it_is_party_to_shows_its_claims_on_both_sides(viewer):
    provider, client = OrganizationFactory(name="Cloud Co"), OrganizationFactory(name="Model Co")
    relationship = RelationshipFactory(provider=provider, client=client, kind="cloud")
    claims.claim_record(record=relationship, field="annual_value", value=eur("2"), source=SourceFactory(outlet="X"))

    seller = section(page(viewer, provider))
    assert "Provides Cloud to Model Co: annual value" in seller and "€2bn" in seller
    assert "Buys Cloud from Cloud Co: annual value" in section(page(viewer, client))
    assert "disputed" not in seller, "one source disputes nothing"


def test_its_rounds_and_investments_with_disputed_figures_link_to_the_round_claims(viewer):
    target, investor = OrganizationFactory(slug="target"), OrganizationFactory(slug="backer", name="Backer")
    disputed_round = FundingRoundFactory(target=target, round_type="series_c", reported_on=datetime.date(2025, 9, 9))
    calm_round = FundingRoundFactory(target=target, round_type="seed")
    claims.claim_record(record=calm_round, field="amount", value=eur("0.1"), source=SourceFactory())
    dispute_round_amount(disputed_round)
    participation = ParticipationFactory(round=disputed_round, investor=investor)
    claims.claim_record(record=participation, field="amount", value=eur("1.3"), source=SourceFactory(outlet="C"))
    claims.claim_record(record=participation, field="amount", value=eur("0.5"), source=SourceFactory(outlet="D"))

    html = section(page(viewer, target))
    link = reverse("deals:round_detail", args=[disputed_round.pk]) + "#claims-h"
    assert "Disputed figures in its rounds" in html
    assert re.search(rf'<a href="{re.escape(link)}">Series C · [^:]*2025.*?</a>:\s*amount', html)
    assert "2 sources disagree" in html
    assert reverse("deals:round_detail", args=[calm_round.pk]) not in html, "its other round is not disputed"
    round_page = viewer.get(reverse("deals:round_detail", args=[disputed_round.pk])).content.decode()
    assert 'id="claims-h"' in round_page, "the link's anchor is the round page's claims"

    invested = section(page(viewer, investor))
    assert f'<a href="{link}">Its part in {target.name}\'s Series C' in invested
    assert "2 sources disagree" in invested
    assert "Its part in" not in html, "the target's page lists its own rounds, not its investors' parts"


def test_without_claims_or_disputes_there_is_no_section(viewer):
    org = OrganizationFactory(slug="quiet")
    expenses(org)
    round_ = FundingRoundFactory(target=org)
    claims.claim_record(record=round_, field="amount", value=eur("0.1"), source=SourceFactory())
    assert 'id="claims"' not in page(viewer, org)
    assert claims.organization_claims(organization=org).rounds == []


def test_the_german_page_has_the_german_headings(viewer):
    org = OrganizationFactory(slug="spender")
    dispute_metric(expenses(org))
    dispute_round_amount(FundingRoundFactory(target=org))
    html = section(page(viewer, org, HTTP_ACCEPT_LANGUAGE="de"))
    for german in ("Aussagen", "Was die Quellen zu seinen Kennzahlen sagen", "Umstrittene Angaben in seinen Runden"):
        assert german in html
    assert "umstritten" in html and "2 Quellen widersprechen sich" in html and "übernommen" in html
    for english in ("Claims", "Disputed figures", "sources disagree", "What the sources say"):
        assert english not in html


def count_queries(client, org: Organization) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, org)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_disputes(viewer):
    target, investor = OrganizationFactory(slug="target"), OrganizationFactory(slug="backer")
    provider = OrganizationFactory()

    def more(n: int) -> None:
        for i in range(n):
            round_ = FundingRoundFactory(target=target, reported_on=datetime.date(2024, 1, 1 + i))
            dispute_round_amount(round_)
            part = ParticipationFactory(round=round_, investor=investor)
            claims.claim_record(record=part, field="amount", value=eur("1"), source=SourceFactory())
            claims.claim_record(record=part, field="amount", value=eur("3"), source=SourceFactory())
            metric = Metric.objects.create(
                organization=target, kind="revenue", period_year=2000 + i, **as_columns("value", eur("1"))
            )
            dispute_metric(metric)
            relationship = RelationshipFactory(provider=provider, client=target)
            claims.claim_record(record=relationship, field="annual_value", value=eur("1"), source=SourceFactory())
        dirty_drain()

    more(1)
    before = {org.slug: count_queries(viewer, org) for org in (target, investor)}
    more(4)
    after = {org.slug: count_queries(viewer, org) for org in (target, investor)}
    assert after == before
    found = claims.organization_claims(organization=target)
    assert len(found.rounds) == 5 and len(found.records) == 10 and all(d.sources == 2 for d in found.rounds)
    assert len(claims.organization_claims(organization=investor).investments) == 5


def test_the_demo_mistral_and_openai_pages_show_their_disputes(viewer):
    call_command("load_demo", rates="demo", stdout=io.StringIO())
    mistral = section(page(viewer, Organization.objects.get(slug="mistral-ai")))
    assert "Disputed figures in its rounds" in mistral and "pre-money valuation" in mistral
    assert "2 sources disagree" in mistral, "EUR 10bn and the misprinted EUR 10 million; the hand entry is no source"
    openai = section(page(viewer, Organization.objects.get(slug="openai")))
    assert "Disputed figures in its rounds" in openai and "amount" in openai
