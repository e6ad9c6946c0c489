"""Every list of rounds is newest first by the round's date (closed, else announced, else first reported; then
id), and ``?ordering=`` takes date, -date, amount, -amount, id and -id in the API and the web UI alike."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from deals.models import FundingRound
from deals.pipeline.services import dirty_drain
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, OrganizationFactory
from tests.support.rounds import NEWEST, amount, names, order_co

pytestmark = pytest.mark.django_db

D = datetime.date


def api_ids(client: Any, url: str) -> list[int]:
    """Every id of a list, following ``next`` page by page."""
    seen: list[int] = []
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    return seen


def test_the_api_lists_rounds_newest_first_by_their_date():
    made = order_co()
    client = client_for("Viewer")
    assert names(made, api_ids(client, "/api/rounds/?target_slug=order-co")) == NEWEST
    assert names(made, api_ids(client, "/api/rounds/?target_slug=order-co&ordering=date")) == NEWEST[::-1]
    funding = client.get(f"/api/organizations/{made['closed'].target_id}/funding/").json()["rounds"]
    assert names(made, [r["id"] for r in funding]) == NEWEST


@pytest.mark.parametrize("name", ["date", "-date", "amount", "-amount", "id", "-id"])
def test_every_ordering_pages_through_every_row_once_both_ways(name):
    """Many rounds share a date and an amount: the id decides among them, so the cursor neither repeats nor
    skips a row, forwards or (following ``previous``) backwards."""
    target = OrganizationFactory(slug="many-co")
    for i in range(11):
        FundingRoundFactory(
            target=target,
            reported_on=None if i == 5 else D(2025, 1 + i % 3, 1),
            **amount(None if i == 7 else 10**8 * (i % 2 + 1)),
        )
    dirty_drain()
    client = client_for("Viewer")
    expected = expected_order(name)
    forwards, url, pages = [], f"/api/rounds/?ordering={name}&page_size=3", []
    while url:
        page = client.get(url).json()
        pages.append(page)
        forwards += [row["id"] for row in page["results"]]
        url = page["next"]
    assert forwards == expected
    assert pages[0]["previous"] is None
    backwards: list[int] = []
    url = pages[-1]["previous"]
    while url:
        page = client.get(url).json()
        backwards = [row["id"] for row in page["results"]] + backwards
        url = page["previous"]
    assert backwards + [row["id"] for row in pages[-1]["results"]] == expected


def expected_order(name: str) -> list[int]:
    """The order worked out in Python from the rows, independently of the query."""
    rounds = list(FundingRound.objects.select_related("figures"))

    def key(r: FundingRound) -> tuple[Any, int]:
        if name.lstrip("-") == "date":
            return (r.date or D.min, r.pk)
        if name.lstrip("-") == "amount":
            figures = getattr(r, "figures", None)
            amount = figures and (figures.amount_reporting_high or figures.amount_reporting_low)
            return (amount if amount is not None else Decimal(-1), r.pk)
        return (r.pk, r.pk)

    return [r.pk for r in sorted(rounds, key=key, reverse=name.startswith("-"))]


def test_an_unknown_ordering_or_a_forged_cursor_is_refused():
    FundingRoundFactory()
    client = client_for("Viewer")
    response = client.get("/api/rounds/?ordering=reported_on")
    assert response.status_code == 400 and "ordering" in response.json()
    import base64

    for ordering, position in [("-date", "not-a-date|1"), ("-amount", "1e999999|1"), ("-id", "9" * 30)]:
        forged = base64.b64encode(f"p={position}".encode()).decode()
        assert client.get(f"/api/rounds/?ordering={ordering}&cursor={forged}").status_code == 404, position


def test_the_schema_documents_the_orderings():
    schema = client_for("Viewer").get("/api/schema/?format=json").json()
    parameter = next(p for p in schema["paths"]["/api/rounds/"]["get"]["parameters"] if p["name"] == "ordering")
    assert set(parameter["schema"]["enum"]) == {"date", "-date", "amount", "-amount", "id", "-id"}
    assert "newest first" in parameter["description"]


def round_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-round="(\d+)"', html)]


def test_the_pages_list_rounds_newest_first_by_their_date(viewer):
    made = order_co()
    for url in (
        reverse("deals:dashboard"),
        reverse("deals:round_list") + "?target_slug=order-co",
        reverse("deals:organization_detail", args=["order-co"]),
    ):
        assert names(made, round_ids(viewer.get(url).content.decode())) == NEWEST, url
    deals = reverse("deals:round_list") + "?target_slug=order-co&ordering="
    assert names(made, round_ids(viewer.get(deals + "date").content.decode())) == NEWEST[::-1]
    assert names(made, round_ids(viewer.get(deals + "-id").content.decode())) == sorted(
        NEWEST, key=lambda n: made[n].pk, reverse=True
    )
    largest = names(made, round_ids(viewer.get(deals + "-amount").content.decode()))
    assert largest[0] == "reported"
    csv_ids = [
        int(line.split(",")[0])
        for line in b"".join(viewer.get(reverse("deals:round_export")).streaming_content).decode().splitlines()[1:]
    ]
    assert names(made, csv_ids) == NEWEST


def test_the_valuation_chart_dates_its_points_as_precisely_as_they_are_known(viewer):
    target = OrganizationFactory(slug="valued-co", name="Valued Co")
    valued = {"post_money_valuation_qualifier": "exact", "post_money_valuation_currency": "EUR"}
    for on, precision, value in [(D(2024, 3, 1), "month", 10**9), (D(2025, 1, 1), "year", 2 * 10**9)]:
        FundingRoundFactory(
            target=target,
            reported_on=on,
            reported_on_precision=precision,
            **valued,
            **{f"post_money_valuation_{part}": Decimal(value) for part in ("value", "low", "high")},
        )
    dirty_drain()
    html = viewer.get(reverse("deals:organization_detail", args=["valued-co"])).content.decode()
    tooltips = re.findall(r"<title>([^<]*)</title>", html)
    assert any(t.startswith("March 2024:") for t in tooltips), tooltips
    assert any(t.startswith("2025:") for t in tooltips), tooltips
    assert not any("March 1, 2024" in t or "Jan. 1, 2025" in t for t in tooltips), tooltips
