"""The web UI, server side: access, content, filters, CSV, German, and query counts that don't grow with rows."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals.models import Condition, FundingRound, Organization, RoundStatusChange
from deals.pipeline.services import dirty_drain, dirty_drain_figures, dirty_drain_flags
from tests.factories import (
    FundingRoundFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> FundingRound:
    call_command("load_demo", rates="demo", stdout=io.StringIO())
    dirty_drain()
    return FundingRound.objects.get(ref="demo:openai-2026-in-talks")


def pages(seed: FundingRound) -> list[str]:
    return [
        reverse("deals:dashboard"),
        reverse("deals:round_list"),
        reverse("deals:round_detail", args=[seed.pk]),
        reverse("deals:organization_list"),
        reverse("deals:organization_detail", args=[seed.target.slug]),
        reverse("deals:network"),
        reverse("deals:search") + "?q=openai",
    ]


def test_every_page_needs_a_login(demo, client):
    for url in [*pages(demo), reverse("deals:round_export")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_public_read_opens_the_pages_to_everyone(demo, client, settings):
    settings.PUBLIC_READ = True
    for url in pages(demo):
        assert client.get(url).status_code == 200, url


def test_pages_are_read_only(demo, viewer):
    assert viewer.post(reverse("deals:round_list")).status_code == 405


def test_the_seed_round_page_reads_in_words(demo, viewer):
    html = viewer.get(reverse("deals:round_detail", args=[demo.pk])).content.decode()
    assert "up to €60bn" in html
    assert "at least €800bn" in html
    assert "pro forma" in html
    for name in ("NVIDIA", "Microsoft", "Amazon"):
        assert f">{name}</a>" in html
    assert html.count('class="participant"') == 3
    assert "related party" in html
    assert "Handelsblatt" in html
    assert "Status timeline" in html and "In talks" in html
    assert "Money cycles" in html
    # Amazon's stake: EUR 10-20bn into at least EUR 800bn post-money is at most 2.5%.
    assert "up to 2.5%" in html
    # Viewers can't edit, so no link to the admin.
    assert reverse("admin:deals_fundinground_change", args=[demo.pk]) not in html


def test_editors_get_an_edit_link(demo, client):
    user = User.objects.create_user(username="editor", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Data entry"))
    client.force_login(user)
    html = client.get(reverse("deals:round_detail", args=[demo.pk])).content.decode()
    assert reverse("admin:deals_fundinground_change", args=[demo.pk]) in html


def test_the_organization_page_shows_both_roles(demo, viewer):
    openai = viewer.get(reverse("deals:organization_detail", args=["openai"])).content.decode()
    assert "Funding history" in openai and "Estimated cap table" in openai
    assert '<svg class="chart"' in openai and 'class="band"' in openai
    assert "Commercial relationships" in openai
    nvidia = viewer.get(reverse("deals:organization_detail", args=["nvidia"])).content.decode()
    assert "Portfolio" in nvidia and "Co-investors" in nvidia
    assert ">OpenAI</a>" in nvidia
    amazon = viewer.get(reverse("deals:organization_detail", args=["amazon"])).content.decode()
    assert ">Amazon Web Services</a>" in amazon  # its subsidiary
    assert viewer.get(reverse("deals:organization_detail", args=["no-such-org"])).status_code == 404


def test_the_network_page_highlights_the_seed_deal_cycles(demo, viewer):
    html = viewer.get(reverse("deals:network")).content.decode()
    assert '<svg class="network"' in html
    assert "edge-cycle" in html
    assert 'NVIDIA</strong> <span aria-hidden="true">→</span>' in html
    focused = viewer.get(reverse("deals:network") + "?focus=amazon").content.decode()
    assert "Network around Amazon" in focused
    assert ">Amazon Web Services</text>" in focused
    assert viewer.get(reverse("deals:network") + "?focus=nobody").status_code == 404


def test_the_deals_list_filters_sorts_and_keeps_the_filter_in_links(demo, viewer):
    url = reverse("deals:round_list")
    html = viewer.get(url, {"status": "in_talks"}).content.decode()
    assert "1 deal<" in html
    assert reverse("deals:round_detail", args=[demo.pk]) in html
    assert "status=in_talks" in html  # the CSV link carries the filter
    # A form sends its blank fields too; they don't filter.
    blank = {"q": "", "status": "in_talks", "round_type": "", "date_from": "", "amount_min": "", "amount_currency": ""}
    assert viewer.get(url, blank).context["page"].paginator.count == 1
    by_amount = viewer.get(url, {"ordering": "-amount", "status": ["closed", "announced"]}).context["page"]
    highs = [r.figures.amount_reporting_high for r in by_amount.object_list if r.figures.amount_reporting_high]
    assert highs == sorted(highs, reverse=True) and len(highs) > 5
    investor = viewer.get(url, {"investor_slug": "amazon"}).context["page"].object_list
    assert investor and all(any(p.investor.slug == "amazon" for p in r.participations.all()) for r in investor)


def test_htmx_requests_get_only_the_results(demo, viewer):
    url = reverse("deals:round_list")
    partial = viewer.get(url, {"status": "in_talks"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<html" not in partial.content and b'id="results"' in partial.content
    assert "HX-Request" in partial["Vary"]
    # A history restore (back button with nothing cached) gets the whole page.
    restore = viewer.get(url, {"status": "in_talks"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert b"<html" in restore.content


def test_bad_filters_get_a_clear_message(demo, viewer):
    response = viewer.get(reverse("deals:round_list"), {"amount_min": "lots", "status": "nonsense"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "amount_min" in html and "status" in html
    export = viewer.get(reverse("deals:round_export"), {"date_from": "yesterday"})
    assert export.status_code == 400 and "date_from" in export.json()["errors"]


def test_csv_export_follows_the_current_filter(demo, viewer):
    response = viewer.get(reverse("deals:round_export"), {"target_slug": "openai"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == FundingRound.objects.filter(target__slug="openai").count()
    seed = next(row for row in rows if row["id"] == str(demo.pk))
    assert seed["amount"] == "up to €60bn" and Decimal(seed["amount_high"]) == 60 * 10**9
    assert set(seed["investors"].split("; ")) == {"Amazon", "Microsoft", "NVIDIA"}


def test_the_dashboard_shows_what_is_new(demo, viewer):
    response = viewer.get(reverse("deals:dashboard"))
    html = response.content.decode()
    assert "Latest deals" in html and "Largest rounds" in html and "Rounds by status" in html
    assert '<svg class="chart"' in html
    quarters = response.context["quarters"]
    assert quarters and all(bar.value > 0 for bar, _n in quarters)
    assert reverse("deals:round_detail", args=[demo.pk]) in html


def test_empty_states(viewer):
    html = viewer.get(reverse("deals:dashboard")).content.decode()
    assert "No deals yet" in html
    assert "No deals match" in viewer.get(reverse("deals:round_list")).content.decode()
    assert "No money cycles found" in viewer.get(reverse("deals:network")).content.decode()
    assert "No organization matches" in viewer.get(reverse("deals:search"), {"q": "zzz"}).content.decode()


def test_search_finds_organizations_by_alias_and_rounds_by_investor(demo, viewer):
    html = viewer.get(reverse("deals:search"), {"q": "nvidia"}).content.decode()
    assert reverse("deals:organization_detail", args=["nvidia"]) in html
    assert reverse("deals:round_detail", args=[demo.pk]) in html
    options = viewer.get(reverse("deals:organization_suggest"), {"investor_slug": "micro"}).content.decode()
    assert '<option value="microsoft">Microsoft</option>' in options


def test_german(demo, viewer):
    response = viewer.get(reverse("deals:round_detail", args=[demo.pk]), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "bis zu 60 Mrd. €" in html and "mindestens 800 Mrd. €" in html
    assert "Beteiligte" in html and "Quellen" in html
    assert "30.01.2026" in html or "30. Januar 2026" in html
    for english in ("Participants", "Sources", "Status timeline", "Change history"):
        assert english not in html
    dashboard = viewer.get(reverse("deals:dashboard"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neueste Deals" in dashboard and "Mrd. €" in dashboard


def test_the_language_switcher_remembers_the_choice(demo, viewer):
    url = reverse("deals:round_list")
    response = viewer.post(reverse("set_language"), {"language": "de", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert "Deals" in viewer.get(url).content.decode() and "Filter anwenden" in viewer.get(url).content.decode()


# --- query counts -----------------------------------------------------------------------------------------


def grow(target: Organization, investors: list[Organization], rounds: int) -> FundingRound:
    """``rounds`` more rounds of ``target``, each with every investor, a condition, sources and a status
    change; suppliers that are also investors (cycles); then recompute."""
    source = SourceFactory()
    last = None
    start = FundingRound.objects.filter(target=target).count()
    for i in range(start, start + rounds):
        last = FundingRoundFactory(
            target=target,
            reported_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * i),
            post_money_valuation_qualifier="between",
            post_money_valuation_low=Decimal(10**9) * (i + 1),
            post_money_valuation_high=Decimal(10**9) * (i + 2),
            post_money_valuation_currency="EUR",
        )
        last.sources.add(source)
        RoundStatusChange.objects.create(round=last, changed_on=last.reported_on, to_status="closed", source=source)
        for investor in investors:
            p = ParticipationFactory(round=last, investor=investor)
            Condition.objects.create(
                participation=p, kind="cloud_usage", description="Use its cloud", counterparty=investor
            )
    for investor in investors:
        RelationshipFactory(provider=investor, client=target)
    dirty_drain()
    assert last is not None
    return last


def count_queries(client: Client, url: str) -> int:
    cache.clear()  # count the dashboard's aggregates too
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow_with_the_rows_shown(viewer):
    target = OrganizationFactory(slug="target-co", name="Target Co")
    investors = [OrganizationFactory() for _ in range(3)]
    first = grow(target, investors, 3)
    urls = [
        reverse("deals:dashboard"),
        reverse("deals:round_list"),
        reverse("deals:round_list") + "?ordering=-amount&status=closed",
        reverse("deals:round_export"),
        reverse("deals:round_detail", args=[first.pk]),
        reverse("deals:organization_list"),
        reverse("deals:organization_detail", args=[target.slug]),
        reverse("deals:organization_detail", args=[investors[0].slug]),
        reverse("deals:network"),
        reverse("deals:network") + f"?focus={target.slug}",
        reverse("deals:search") + "?q=co",
    ]
    before = {url: count_queries(viewer, url) for url in urls}
    more_investors = [*investors, *[OrganizationFactory() for _ in range(3)]]
    last = grow(target, more_investors, 6)
    urls[4] = reverse("deals:round_detail", args=[last.pk])  # a round with twice the participants
    after = {url: count_queries(viewer, url) for url in urls}
    assert list(after.values()) == list(before.values()), (before, after)


# --- the busiest organizations and the largest lists ------------------------------------------------------


def test_the_organization_page_shows_the_latest_rounds_and_links_to_all(viewer, monkeypatch):
    from deals.views import browse

    monkeypatch.setattr(browse, "ORG_ROUNDS_SHOWN", 3)
    target = OrganizationFactory(slug="busy-co", name="Busy Co")
    grow(target, [OrganizationFactory()], 5)
    response = viewer.get(reverse("deals:organization_detail", args=["busy-co"]))
    html = response.content.decode()
    shown = [r.pk for r in response.context["funding"]]
    newest = FundingRound.objects.filter(target=target).order_by("-reported_on", "-id")
    assert shown == [r.pk for r in newest[:3]]
    assert "Latest 3 of 5 rounds" in html
    link = reverse("deals:round_list") + "?target_slug=busy-co"
    assert f'href="{link}">All 5 rounds in the deals list' in html
    # The link lists every round of the target, and the chart still plots all five valuations.
    assert viewer.get(link).context["page"].paginator.count == 5
    assert html.count('<circle class="point"') == 5
    german = viewer.get(reverse("deals:organization_detail", args=["busy-co"]), HTTP_ACCEPT_LANGUAGE="de")
    assert "Alle 5 Runden in der Deals-Liste" in german.content.decode()


def test_the_organization_page_caps_its_other_lists(viewer, monkeypatch):
    from deals import selectors
    from deals.views import browse

    monkeypatch.setattr(browse, "ORG_LIST_LIMIT", 2)
    monkeypatch.setattr(selectors, "CO_INVESTOR_WINDOW", 2)
    target, investor = OrganizationFactory(slug="big-target"), OrganizationFactory(slug="big-investor")
    grow(target, [investor, OrganizationFactory()], 3)  # also three relationships of the investors
    for _ in range(2):
        RelationshipFactory(provider=OrganizationFactory(), client=target)
    html = viewer.get(reverse("deals:organization_detail", args=["big-target"])).content.decode()
    assert "The 2 most recent are shown." in html
    investing = viewer.get(reverse("deals:organization_detail", args=["big-investor"])).content.decode()
    assert "Counted over its latest 2 rounds." in investing
    small = viewer.get(reverse("deals:organization_detail", args=[target.slug])).context
    assert len(small["relationships"]) == 2 and small["more_relationships"]


def test_the_deals_list_counts_only_up_to_its_cap(demo, viewer, monkeypatch):
    from deals.views import browse

    total = FundingRound.objects.count()
    assert total > 6
    monkeypatch.setattr(browse, "COUNT_CAP", 4)
    monkeypatch.setattr(browse, "PAGE_SIZE", 2)
    url = reverse("deals:round_list")
    first = viewer.get(url)
    html = first.content.decode()
    assert "More than 4 deals" in html and "Page 1 of more than 2" in html
    assert "last" not in html.split('class="pagination"')[1].split("</nav>")[0]
    last = viewer.get(url, {"page": 2}).content.decode()
    assert "Only the first 4 deals can be paged through" in last
    # Under the cap the count is exact, and so is the paging.
    exact = viewer.get(url, {"status": "in_talks"}).content.decode()
    assert "1 deal<" in exact and "More than" not in exact


# --- dates at their precision, stale figures, the favicon ---------------------------------------------------


def test_round_dates_show_only_what_is_known_on_every_page(viewer):
    target = OrganizationFactory(slug="month-co", name="Month Co")
    month = FundingRoundFactory(target=target, reported_on=datetime.date(2025, 9, 1), reported_on_precision="month")
    FundingRoundFactory(target=target, reported_on=datetime.date(2021, 1, 1), reported_on_precision="year")
    dirty_drain()
    pages = [
        reverse("deals:dashboard"),
        reverse("deals:round_list"),
        reverse("deals:organization_detail", args=[target.slug]),
        reverse("deals:search") + "?q=month",
    ]
    for url in pages:
        html = viewer.get(url).content.decode()
        assert '<time datetime="2025-09">Sept. 2025</time>' in html, url
        assert '<time datetime="2021">2021</time>' in html, url
        assert "09/01/2025" not in html and "01/01/2021" not in html, url
    round_page = viewer.get(reverse("deals:round_detail", args=[month.pk])).content.decode()
    assert '<time datetime="2025-09">Sept. 2025</time>' in round_page
    german = viewer.get(reverse("deals:round_list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<time datetime="2025-09">Sept. 2025</time>' in german and "01.09.2025" not in german


def test_the_round_page_marks_figures_and_flags_that_wait_for_the_recompute(viewer):
    round_ = FundingRoundFactory()
    url = reverse("deals:round_detail", args=[round_.pk])
    # The new round marked its target dirty: figures first, then related-party flags.
    html = viewer.get(url).content.decode()
    assert "Figures are being recomputed" in html and "Related-party flags are being recomputed" in html
    dirty_drain_figures()
    html = viewer.get(url).content.decode()
    assert "Figures are being recomputed" not in html
    assert "Related-party flags are being recomputed" in html and "related-party flags pending" in html
    german = viewer.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Kennzeichen nahestehender Parteien werden neu berechnet" in german
    dirty_drain_flags()
    html = viewer.get(url).content.decode()
    assert "being recomputed" not in html and "pending" not in html


def test_favicon_ico_points_at_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
