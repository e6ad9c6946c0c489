"""``?as_of=`` on the round page and the deals list: after later edits, the page as of a moment between shows the
same figures, participants, claims and story as the page showed then, today's page the new ones; a round not
recorded yet is a 404 and a malformed moment a 400, with a message; the banner is translated; the query count
does not grow with the participants."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals import services
from deals.engine.estimates import Estimate
from deals.models import FundingRound, Organization
from deals.models.estimates import as_columns
from deals.pipeline.services import dirty_drain
from tests.factories import OrganizationFactory, SourceFactory

# Each write its own transaction, so that the audit rows are apart in time (their time is the transaction's).
pytestmark = pytest.mark.django_db(transaction=True)

M = Decimal(10) ** 6


class _Text(HTMLParser):
    """The text of the element with the id ``wanted``, its whitespace collapsed."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.found = wanted, 0, False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    parser = _Text(element_id)
    parser.feed(html)
    assert parser.found, f"no element #{element_id}"
    return " ".join(" ".join(parser.parts).split())


class _Row(_Text):
    """The text of the deals list's row of one round (``<tr data-round="…">``)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif tag == "tr" and dict(attrs).get("data-round") == self.wanted:
            self.depth, self.found = 1, True


def row_of(html: str, pk: int) -> str | None:
    parser = _Row(str(pk))
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()) if parser.found else None


SECTIONS = ("round-status", "round-figures", "round-participants", "round-claims", "round-story")


def viewer() -> Client:
    user = User.objects.create_user(username="viewer", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    client = Client()
    client.force_login(user)
    return client


def money(name: str, millions: int) -> dict[str, Any]:
    """The columns of the Estimate ``name``: EUR ``millions`` m, exactly."""
    return as_columns(name, Estimate.exact(millions * M, "EUR"))


def a_round(target: Any, investor: Any) -> FundingRound:
    source = SourceFactory(outlet="Handelsblatt")
    round_ = services.round_create(
        values={
            "target": target,
            "round_type": "series_b",
            "status": "in_talks",
            "reported_on": datetime.date(2026, 1, 10),
            **money("amount", 100),
            **money("post_money_valuation", 1000),
        },
        sources=[source],
    )
    services.participation_create(
        values={"round": round_, "investor": investor, **money("amount", 50), "status": "committed", "is_lead": True}
    )
    dirty_drain()
    return round_


def later_edits(round_: FundingRound, investor: Any) -> None:
    """A new amount, a new status and a new participant, each through the services."""
    services.round_update(round=FundingRound.objects.get(pk=round_.pk), values=money("amount", 200))
    services.round_change_status(
        round=FundingRound.objects.get(pk=round_.pk), to_status="closed", changed_on=datetime.date(2026, 2, 1)
    )
    services.participation_create(
        values={"round": round_, "investor": investor, **money("amount", 80), "status": "committed"}
    )
    dirty_drain()


def test_the_round_page_as_of_a_moment_shows_what_it_showed_then():
    client = viewer()
    target, first, second = (OrganizationFactory(name=n) for n in ("Target Co", "First Fund", "Second Fund"))
    round_ = a_round(target, first)
    url = reverse("deals:round_detail", args=[round_.pk])
    before = client.get(url).content.decode()
    shown = {section: text_of(before, section) for section in SECTIONS}
    assert "€100m" in shown["round-figures"] and "€900m" in shown["round-figures"]  # pre-money derived
    assert "5%" in shown["round-participants"] and "First Fund" in shown["round-participants"]
    moment = timezone.now().isoformat()

    later_edits(round_, second)
    today = client.get(url).content.decode()
    assert text_of(today, "round-status") == "Closed" != shown["round-status"]
    assert "€200m" in text_of(today, "round-figures") and "Second Fund" in text_of(today, "round-participants")
    assert text_of(today, "round-story") != shown["round-story"]
    assert 'id="as-of-banner"' not in today

    response = client.get(url, {"as_of": moment})
    assert response.status_code == 200
    then = response.content.decode()
    assert {section: text_of(then, section) for section in SECTIONS} == shown
    assert "As believed on" in text_of(then, "as-of-banner") and f'href="{url}"' in then
    assert "Money cycles and related-party marks are not reconstructed" in text_of(then, "as-of-banner")
    assert "Computed for" in text_of(then, "figures-as-of")
    # The change history lists only what had happened by then: today's page lists the new participant.
    assert "Second Fund" in today.split('id="history-h"')[1]
    assert "Second Fund" not in then.split('id="history-h"')[1]


def test_a_round_not_recorded_yet_is_a_404_and_a_malformed_moment_a_400():
    client = viewer()
    round_ = a_round(OrganizationFactory(), OrganizationFactory())
    url = reverse("deals:round_detail", args=[round_.pk])
    missing = client.get(url, {"as_of": "2000-01-01"})
    assert missing.status_code == 404
    assert "had not been recorded yet" in text_of(missing.content.decode(), "as-of-problem")
    for page in (url, reverse("deals:round_list")):
        malformed = client.get(page, {"as_of": "yesterday"})
        assert malformed.status_code == 400
        assert "“yesterday” is not a date" in text_of(malformed.content.decode(), "as-of-problem")
    # A day is the end of that day: the round recorded today is on today's as-of page.
    assert client.get(url, {"as_of": timezone.localdate().isoformat()}).status_code == 200


def test_the_banner_speaks_german():
    client = viewer()
    round_ = a_round(OrganizationFactory(), OrganizationFactory())
    url = reverse("deals:round_detail", args=[round_.pk])
    html = client.get(url, {"as_of": "2099-01-30"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    banner = text_of(html, "as-of-banner")
    assert "Kenntnisstand vom 30. Januar 2099" in banner and "Heutige Ansicht zeigen" in banner
    assert "Ansicht zu einem Datum" in html
    listed = client.get(reverse("deals:round_list"), {"as_of": "2099-01-30"}, HTTP_ACCEPT_LANGUAGE="de")
    assert "Kenntnisstand vom 30. Januar 2099" in text_of(listed.content.decode(), "as-of-banner")


def test_the_deals_list_as_of_a_moment_shows_the_rows_as_they_were(monkeypatch):
    from deals.views import browse

    client = viewer()
    target, first, second = (OrganizationFactory(name=n) for n in ("Target Co", "First Fund", "Second Fund"))
    round_ = a_round(target, first)
    older = a_round(OrganizationFactory(name="Older Co"), OrganizationFactory(name="Third Fund"))
    url = reverse("deals:round_list")
    before = client.get(url).content.decode()
    row = row_of(before, round_.pk)
    assert row is not None and "€100m" in row and "In talks" in row
    moment = timezone.now().isoformat()

    later_edits(round_, second)
    newer = a_round(OrganizationFactory(name="Newer Co"), OrganizationFactory())
    today = client.get(url).content.decode()
    assert row_of(today, round_.pk) != row and "Second Fund" in (row_of(today, round_.pk) or "")
    assert row_of(today, newer.pk) is not None

    then = client.get(url, {"as_of": moment}).content.decode()
    assert row_of(then, round_.pk) == row
    assert row_of(then, older.pk) == row_of(before, older.pk)
    assert row_of(then, newer.pk) is None  # recorded later
    assert "2 deals" in then and "As believed on" in text_of(then, "as-of-banner")
    assert "Export CSV" not in then and 'name="as_of"' in then

    # The pages and the order keep the moment in their links.
    monkeypatch.setattr(browse, "PAGE_SIZE", 1)
    paged = client.get(url, {"as_of": moment, "status": ["in_talks", "closed"]}).content.decode()
    assert 'rel="next"' in paged
    next_link = paged.split('rel="next" href="')[1].split('"')[0]
    assert "as_of=" in next_link and "page=2" in next_link
    second_page = client.get(next_link.replace("&amp;", "&"))
    assert second_page.status_code == 200 and row_of(second_page.content.decode(), older.pk) is not None


def queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_as_of_pages_take_the_same_queries_for_one_participant_and_several():
    client = viewer()
    round_ = a_round(OrganizationFactory(), OrganizationFactory())
    url = reverse("deals:round_detail", args=[round_.pk])
    moment = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    client.get(url, {"as_of": moment})  # the first read of a moment reads its rates (kept for the next ones)
    counts = (queries(client, url, as_of=moment), queries(client, reverse("deals:round_list"), as_of=moment))
    for _ in range(3):
        services.participation_create(
            values={"round": round_, "investor": OrganizationFactory(), **money("amount", 10), "status": "committed"}
        )
    a_round(OrganizationFactory(), OrganizationFactory())
    html = client.get(url, {"as_of": moment}).content.decode()
    assert html.count('class="participant"') == 4
    assert (queries(client, url, as_of=moment), queries(client, reverse("deals:round_list"), as_of=moment)) == counts


def test_an_investor_merged_away_since_is_named_as_it_was():
    client = viewer()
    duplicate, survivor = OrganizationFactory(name="Fund Duplicate"), OrganizationFactory(name="Fund Survivor")
    round_ = a_round(OrganizationFactory(), duplicate)
    url = reverse("deals:round_detail", args=[round_.pk])
    shown = text_of(client.get(url).content.decode(), "round-participants")
    moment = timezone.now().isoformat()

    services.organization_merge(survivor=survivor, merged=[duplicate])
    assert "Fund Survivor" in text_of(client.get(url).content.decode(), "round-participants")
    then = client.get(url, {"as_of": moment})
    assert then.status_code == 200
    assert text_of(then.content.decode(), "round-participants") == shown


def test_the_stakes_as_of_a_moment_count_the_conditions_as_they_stood():
    client = viewer()
    investor = OrganizationFactory(name="Cloud Fund")
    round_ = a_round(OrganizationFactory(), investor)
    # A failed condition makes the ticket count zero: no stake then; met later, the stake counts today.
    conditions = [{"kind": "cloud_usage", "description": "Uses its cloud", "status": "failed"}]
    services.participation_update(participation=round_.participations.get(), values={}, conditions=conditions)
    dirty_drain()
    url = reverse("deals:round_detail", args=[round_.pk])
    shown = text_of(client.get(url).content.decode(), "round-participants")
    assert "Uses its cloud" in shown and "Failed" in shown and "5%" not in shown
    moment = timezone.now().isoformat()

    conditions[0]["status"] = "met"
    services.participation_update(participation=round_.participations.get(), values={}, conditions=conditions)
    dirty_drain()
    today = text_of(client.get(url).content.decode(), "round-participants")
    assert "5%" in today and "Met" in today
    assert text_of(client.get(url, {"as_of": moment}).content.decode(), "round-participants") == shown


ORG_SECTIONS = ("org-name", "org-badges", "org-facts", "org-description", "org-funding", "org-cap-table", "claims")
PORTFOLIO_SECTIONS = ("org-name", "org-portfolio", "claims")


def sections(html: str, ids: tuple[str, ...]) -> dict[str, str | None]:
    """The text of each of these elements, None for one the page does not have."""
    return {section: text_of(html, section) if f'id="{section}"' in html else None for section in ids}


def test_the_organization_page_as_of_a_moment_shows_what_it_showed_then():
    from deals import claims

    client = viewer()
    target = services.organization_create(
        values={
            "name": "Target Co",
            "kind": "company",
            "country": "DE",
            "website": "https://target.example",
            "description": "Makes batteries.",
        }
    )
    first, second = OrganizationFactory(name="First Fund"), OrganizationFactory(name="Second Fund")
    round_ = a_round(target, first)
    stated, other = SourceFactory(outlet="Reuters"), SourceFactory(outlet="Bloomberg")
    # Two sources disagree on the round's amount: a disputed field of its rounds then.
    claims.claim_record(record=round_, field="amount", value=Estimate.exact(100 * M, "EUR"), source=stated)
    claims.claim_record(record=round_, field="amount", value=Estimate.exact(150 * M, "EUR"), source=other, apply=False)
    dirty_drain()
    target_url = reverse("deals:organization_detail", args=[target.slug])
    fund_url = reverse("deals:organization_detail", args=[first.slug])
    before = sections(client.get(target_url, {"pro_forma": "1"}).content.decode(), ORG_SECTIONS)
    fund_before = sections(client.get(fund_url, {"pro_forma": "1"}).content.decode(), PORTFOLIO_SECTIONS)
    assert "Makes batteries." in before["org-description"] and "DE" in before["org-badges"]
    assert "https://target.example" in before["org-facts"]
    assert all(before.values())
    assert "€100m" in before["org-funding"] and "First Fund" in before["org-funding"]
    assert "First Fund" in before["org-cap-table"] and "5%" in before["org-cap-table"]
    assert "amount disputed" in before["claims"]
    assert "Target Co" in (fund_before["org-portfolio"] or "") and "5%" in (fund_before["org-portfolio"] or "")
    assert fund_before["claims"] is None  # no claims about it or its investments yet
    moment = timezone.now().isoformat()

    services.organization_update(
        organization=Organization.objects.get(pk=target.pk),
        values={"description": "Makes solid-state batteries.", "country": "FR", "website": "https://target.example/de"},
    )
    later_edits(round_, second)  # €200m, closed, a second participant: the stakes change
    participation = round_.participations.get(investor=first)
    claims.claim_record(record=participation, field="amount", value=Estimate.exact(50 * M, "EUR"), source=stated)
    claims.claim_record(
        record=participation, field="amount", value=Estimate.exact(90 * M, "EUR"), source=other, apply=False
    )
    dirty_drain()
    today = sections(client.get(target_url, {"pro_forma": "1"}).content.decode(), ORG_SECTIONS)
    fund_today = sections(client.get(fund_url, {"pro_forma": "1"}).content.decode(), PORTFOLIO_SECTIONS)
    for section in ("org-badges", "org-facts", "org-description", "org-funding", "org-cap-table"):
        assert today[section] != before[section], section
    assert fund_today["org-portfolio"] != fund_before["org-portfolio"] and fund_today["claims"] != fund_before["claims"]

    response = client.get(target_url, {"pro_forma": "1", "as_of": moment})
    assert response.status_code == 200
    html = response.content.decode()
    assert sections(html, ORG_SECTIONS) == before
    assert "As believed on" in text_of(html, "as-of-banner") and f'href="{target_url}"' in html
    assert "Co-investors and money cycles are not reconstructed" in text_of(html, "as-of-banner")
    assert f"as_of={moment[:10]}" in html.replace("%3A", ":")  # the pro-forma toggle keeps the moment
    fund_then = client.get(fund_url, {"pro_forma": "1", "as_of": moment}).content.decode()
    assert sections(fund_then, PORTFOLIO_SECTIONS) == fund_before
    # The change history lists only what had happened by then.
    assert "Second Fund" in client.get(target_url).content.decode().split('id="events-h"')[1]
    assert "Second Fund" not in html.split('id="events-h"')[1]


def test_an_organization_not_recorded_yet_is_a_404_and_a_malformed_moment_a_400():
    client = viewer()
    url = reverse("deals:organization_detail", args=[OrganizationFactory().slug])
    missing = client.get(url, {"as_of": "2000-01-01"})
    assert missing.status_code == 404
    assert "had not been recorded yet" in text_of(missing.content.decode(), "as-of-problem")
    malformed = client.get(url, {"as_of": "yesterday"})
    assert malformed.status_code == 400
    assert "“yesterday” is not a date" in text_of(malformed.content.decode(), "as-of-problem")
    assert client.get(url, {"as_of": timezone.localdate().isoformat()}).status_code == 200
    german = client.get(url, {"as_of": "2000-01-01"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "noch nicht erfasst" in text_of(german, "as-of-problem")


def test_the_organization_page_as_of_takes_the_same_queries_for_one_round_and_several():
    client = viewer()
    target = OrganizationFactory()
    a_round(target, OrganizationFactory())
    url = reverse("deals:organization_detail", args=[target.slug])
    moment = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    client.get(url, {"as_of": moment})  # the first read of a moment reads its rates (kept for the next ones)
    one = queries(client, url, as_of=moment)
    for _ in range(4):
        a_round(target, OrganizationFactory())
    html = client.get(url, {"as_of": moment}).content.decode()
    assert html.count("data-round=") == 5
    assert queries(client, url, as_of=moment) == one


def claimed(record: Any, millions: int) -> None:
    """Two sources' claims on the record's amount (they disagree: a dispute to show)."""
    from deals import claims

    for source, value in ((SourceFactory(), millions), (SourceFactory(), millions + 1)):
        claims.claim_record(
            record=record, field="amount", value=Estimate.exact(value * M, "EUR"), source=source, apply=False
        )


@pytest.mark.parametrize("as_of", [None, "2100-01-01"], ids=["today", "as_of"])
def test_claims_add_no_queries_per_row_for_one_row_and_fifty(as_of):
    """The round page (1 and 50 participants), the deals list and /api/rounds/ (1 and 50 rounds), every round
    and participation with claims, today and as of a date: the same number of queries."""
    from tests.factories import FundingRoundFactory, ParticipationFactory

    client = viewer()
    params = {"as_of": as_of} if as_of else {}
    round_ = FundingRoundFactory(reported_on=datetime.date(2030, 1, 1))  # first in the lists
    claimed(round_, 100)
    claimed(ParticipationFactory(round=round_), 10)
    dirty_drain()
    pages = (reverse("deals:round_detail", args=[round_.pk]), reverse("deals:round_list"), "/api/rounds/")
    client.get(pages[0], params)  # the first read of a moment reads its rates (kept for the next ones)
    counts = [queries(client, page, page_size=50, **params) for page in pages]
    for i in range(49):
        claimed(ParticipationFactory(round=round_), 11 + i)
        other = FundingRoundFactory(reported_on=datetime.date(2029, 1, 1))
        claimed(other, 200 + i)
        claimed(ParticipationFactory(round=other), 20)
    dirty_drain()
    grown = [queries(client, page, page_size=50, **params) for page in pages]  # before a read fills the API's cache
    detail = client.get(pages[0], params).content.decode()
    assert detail.count('class="participant"') == 50 and 'id="round-claims"' in detail
    listed = client.get(pages[1], params).content.decode()
    assert listed.count("<tr data-round=") == 50
    api = client.get(pages[2], {"page_size": 50, **params}).json()["results"]
    assert len(api) == 50 and all(r["claims"]["amount"]["disputed"] for r in api)
    assert grown == counts
