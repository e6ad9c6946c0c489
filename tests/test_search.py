"""Search against the real database: what people type (spacing, plurals, typos) finds its organization, German
and English words find notes, results are grouped and ranked, and matches are marked safely."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals import search, selectors
from deals.models import FundingRound, Organization
from deals.models import rounds as rounds_module
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
    assert "organization_search_key_trgm" in plan or "organization_search_key_gist" in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
@pytest.mark.parametrize("text", ["Antropic", "Open AI", "zz"])
def test_the_bounded_search_reads_only_through_indexes(market, monkeypatch, text):
    """Each read of a bounded search, the tiers of the most alike names included, is an index read."""
    monkeypatch.setattr(search, "ORG_CANDIDATES", 1)  # so that "Open AI" reads the tiers too
    with CaptureQueriesContext(connection) as captured:
        list(Organization.objects.search(text, best=1))
    reads = [q["sql"] for q in captured if q["sql"].startswith(("SELECT", "(SELECT")) and "deals_org" in q["sql"]]
    assert len(reads) >= (3 if text == "Open AI" else 1), reads
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is tiny: scanning it would be cheaper
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan" not in plan, plan


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
def test_the_bounded_search_puts_the_trigram_threshold_back(market, monkeypatch):
    monkeypatch.setattr(search, "ORG_CANDIDATES", 1)
    Organization.objects.search("Open AI", best=1).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold'), current_setting('enable_seqscan')")
        assert cursor.fetchone() == ("0.6", "on")


@pytest.mark.parametrize(
    "text", ["Open AI", "openai", "NVIDIAs", "aws", "Amazon Web Service", "Claude", "istra", "micro", "zzzz"]
)
def test_a_bounded_search_finds_what_the_full_one_finds_when_every_candidate_fits(market, text):
    full = list(Organization.objects.search(text).values_list("slug", flat=True))
    assert list(Organization.objects.search(text, best=3).values_list("slug", flat=True)) == full


@pytest.mark.services
@pytest.mark.usefixtures("with_trigrams")
def test_a_bounded_search_breaks_ties_beyond_its_bound_among_its_candidates(market, monkeypatch):
    """When more names tie than each index gives, the exact name still comes first and the others shown rank as
    high as the ties of the full search (which of the tied names is shown may differ)."""
    for i in range(12):
        OrganizationFactory(name=f"Open Analytics {i}", slug=f"open-analytics-{i}")
    monkeypatch.setattr(search, "ORG_CANDIDATES", 2)
    full = list(Organization.objects.search("Open AI")[:5])
    bounded = list(Organization.objects.search("Open AI", best=5)[:5])
    assert bounded[0].slug == full[0].slug == "openai"
    assert [o.search_rank for o in bounded] == pytest.approx([o.search_rank for o in full])
    assert len(Organization.objects.search("Open AI", best=5)) < len(Organization.objects.search("Open AI"))


def test_a_short_bounded_search_finds_names_by_their_start(market):
    """Under three letters no trigram index helps: the bounded search finds names that start with the letters
    (and whole words), the full one every name containing them."""
    assert list(Organization.objects.search("mi", best=5).values_list("slug", flat=True)) == ["mistral"]
    assert "mistral" not in Organization.objects.search("is", best=5).values_list("slug", flat=True)
    assert "mistral" in Organization.objects.search("is").values_list("slug", flat=True)


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


def test_a_deal_lists_its_investors_lead_first_as_the_round_page_does(market, viewer):
    round_ = FundingRoundFactory(target=market["openai"], notes="")
    ParticipationFactory(round=round_, investor=market["nvidia"], is_lead=False)
    ParticipationFactory(round=round_, investor=market["amazon"], is_lead=True)
    html = viewer.get(reverse("deals:search"), {"q": "openai"}).content.decode()
    deals = html.split('id="rounds-h"')[1]
    expected = [p.investor.name for p in round_.participations.all()]
    assert expected == ["Amazon", "NVIDIA"]
    assert '<span class="investors">Amazon, NVIDIA</span>' in deals
    assert 'class="passage"' not in deals  # no notes, no passage


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


def newest_first(text: str, newest: int | None = None) -> list[int]:
    found = FundingRound.objects.search(text, newest=newest).order_by(*selectors.NEWEST_FIRST)
    return list(found.values_list("pk", flat=True)[: newest or None])


@pytest.fixture
def deals_of_nvidia(market) -> list[FundingRound]:
    """Rounds NVIDIA raised (two of them on one day), invested in (twice in one round, with a subsidiary of the same
    name) or whose notes name chips, on dates that interleave, some on the same day, one undated."""
    subsidiary = OrganizationFactory(name="NVIDIA Ventures", slug="nvidia-ventures")
    rounds = []
    for day in range(1, 13):
        date = datetime.date(2024, 1, 1 + day // 2) if day != 12 else None
        if day % 3 == 0:
            r = FundingRoundFactory(target=market["nvidia"], reported_on=date)
        elif day % 3 == 1:
            r = ParticipationFactory(investor=market["nvidia"], round__reported_on=date).round
            ParticipationFactory(investor=subsidiary, round=r)
        else:
            r = FundingRoundFactory(reported_on=date, notes="NVIDIA sells the chips.")
        rounds.append(r)
    # Raised on the same day as another of NVIDIA's rounds: the newest of a target are ordered by id then.
    rounds.append(FundingRoundFactory(target=market["nvidia"], reported_on=datetime.date(2024, 1, 2)))
    FundingRoundFactory(reported_on=datetime.date(2030, 1, 1))  # newer, and matching nothing
    return rounds


@pytest.mark.parametrize("newest", [1, 3, 5, 12, 20])
def test_the_newest_few_are_the_first_of_all_matches(deals_of_nvidia, newest):
    every = newest_first("nvidia")
    assert sorted(every) == sorted(r.pk for r in deals_of_nvidia)
    assert newest_first("nvidia", newest) == every[:newest]
    assert newest_first("zzzz", newest) == []  # no organization, no notes


@pytest.mark.parametrize(("few", "walk"), [(1000, 2000), (2, 2000), (2, 3), (2, 1)])
def test_each_way_of_reading_the_notes_gives_the_same_newest(deals_of_nvidia, monkeypatch, few, walk):
    """All matches sorted (few), the newest rounds walked (many, and recent), the walk giving up (many, old)."""
    monkeypatch.setattr(rounds_module, "NOTES_FEW", few)
    monkeypatch.setattr(rounds_module, "NOTES_WALK", walk)
    every = newest_first("chips")
    assert len(every) == 4
    for newest in (1, 3, 4, 6):
        assert newest_first("chips", newest) == every[:newest]


def test_the_page_reads_in_a_fixed_number_of_queries(market, deals_of_nvidia, viewer):
    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            html = viewer.get(reverse("deals:search"), {"q": "nvidia"}).content.decode()
        return html, len(captured)

    page()  # the session and the extension check, once
    html, few = page()
    assert html.count("<mark>NVIDIA</mark> sells the") == 4
    for _ in range(50):
        ParticipationFactory(investor=market["nvidia"], round__reported_on=None)
    for i in range(50):
        FundingRoundFactory(notes=f"NVIDIA chips, part {i}.", reported_on=None)
    html, many = page()
    # Undated, after the 12 dated rounds; the later of them first.
    assert html.count("<mark>NVIDIA</mark> chips, part") == 8
    assert many == few, (few, many)
