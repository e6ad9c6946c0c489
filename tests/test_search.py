"""Search against the real database: what people type (spacing, plurals, typos) finds its organization, German
and English words find notes, results are grouped and ranked, and matches are marked safely."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from deals import search
from deals.models import FundingRound, Organization
from tests.factories import FundingRoundFactory, OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def market() -> dict[str, Organization]:
    orgs = {
        "openai": OrganizationFactory(name="OpenAI", slug="openai", aliases=["OpenAI Global LLC"]),
        "nvidia": OrganizationFactory(name="NVIDIA", slug="nvidia", aliases=["NVIDIA Corporation"]),
        "anthropic": OrganizationFactory(name="Anthropic", slug="anthropic", description="Makes the Claude models."),
        "amazon": OrganizationFactory(name="Amazon", slug="amazon", aliases=["AWS", "Amazon Web Services"]),
        "open-source": OrganizationFactory(name="Open Source Fund", slug="open-source"),
        "mistral": OrganizationFactory(name="Mistral AI", slug="mistral"),
    }
    for i in range(30):  # Unrelated names that a loose match would let in.
        OrganizationFactory(name=f"Northwind Logistics {i}", slug=f"northwind-{i}")
    return orgs


@pytest.fixture
def with_trigrams() -> None:
    if not search.has_trigrams():
        pytest.skip("this PostgreSQL has no pg_trgm extension")


def found(text: str, limit: int = 3) -> list[str]:
    return list(Organization.objects.search(text).values_list("slug", flat=True))[:limit]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Open AI", "openai"),
        ("openai", "openai"),
        ("OPENAI", "openai"),
        ("NVIDIAs", "nvidia"),
        ("Nvidia's", "nvidia"),
        ("aws", "amazon"),
        ("Amazon Web Service", "amazon"),
        ("Claude", "anthropic"),
        ("micro", None),
    ],
)
def test_it_finds_what_people_type_first(market, text, slug):
    results = found(text)
    if slug is None:
        assert results == []
    else:
        assert results[0] == slug, results


# Typo tolerance needs pg_trgm, which the embedded server of ``make test`` lacks: the tests marked ``services``
# run in ``make test-services`` against the machine's PostgreSQL.
@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
@pytest.mark.parametrize(("text", "slug"), [("Antropic", "anthropic"), ("anthropik", "anthropic")])
def test_it_forgives_typos_first(market, text, slug):
    assert found(text)[0] == slug


def test_substrings_still_match_and_unrelated_names_stay_out(market):
    assert found("istra") == ["mistral"]
    assert "northwind-1" not in found("Antropic", limit=50)
    assert found("zzzz") == []


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
def test_an_exact_name_ranks_above_a_longer_one(market):
    assert found("Open AI", limit=2) == ["openai", "open-source"]


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
def test_the_search_uses_the_trigram_and_text_indexes(market):
    """The conditions must be the index expressions of migration 0012, or large tables are scanned row by row."""
    sql, params = Organization.objects.search("Antropic").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is tiny: scanning it would be cheaper
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "organization_search_key_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_rounds_are_found_by_target_investor_and_words_of_their_notes(market):
    openai_round = FundingRoundFactory(target=market["openai"], notes="Die Finanzierungsrunde wurde verlängert.")
    investment = ParticipationFactory(investor=market["nvidia"]).round
    chips = FundingRoundFactory(target=market["mistral"], notes="The money pays for chips and data centres.")
    assert set(FundingRound.objects.search("Open AI")) == {openai_round}
    assert set(FundingRound.objects.search("NVIDIAs")) == {investment}
    assert set(FundingRound.objects.search("chip")) == {chips}  # English stemming
    assert set(FundingRound.objects.search("Finanzierungsrunden")) == {openai_round}  # German stemming
    assert FundingRound.objects.search("Antropic").count() == 0


def test_the_page_groups_results_and_marks_matches(market, viewer):
    ParticipationFactory(investor=market["nvidia"], round__target=market["openai"], round__notes="NVIDIA leads.")
    html = viewer.get(reverse("deals:search"), {"q": "nvidia"}).content.decode()
    organizations, deals = html.split('id="rounds-h"')
    assert "<mark>NVIDIA</mark>" in organizations
    assert reverse("deals:organization_detail", args=["nvidia"]) in organizations
    assert "<mark>NVIDIA</mark> leads" in deals
    assert reverse("deals:round_detail", args=[FundingRound.objects.get().pk]) in deals


def test_an_alias_match_is_named(market, viewer):
    html = viewer.get(reverse("deals:search"), {"q": "aws"}).content.decode()
    assert "also known as <mark>AWS</mark>" in html


def test_marks_are_escaped(viewer):
    OrganizationFactory(name="<b>Evil</b> & Co", slug="evil")
    FundingRoundFactory(notes="<script>alert(1)</script> evil plans for R&D")
    html = viewer.get(reverse("deals:search"), {"q": "evil"}).content.decode()
    assert "&lt;b&gt;<mark>Evil</mark>&lt;/b&gt; &amp; Co" in html
    assert "<script>alert" not in html
    assert "<mark>evil</mark> plans for R&amp;D" in html


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
def test_suggestions_put_the_best_match_first(market, viewer):
    options = viewer.get(reverse("deals:organization_suggest"), {"q": "Antropic"}).content.decode()
    assert options.startswith('<option value="anthropic">Anthropic</option>')
