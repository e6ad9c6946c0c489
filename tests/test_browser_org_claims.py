"""The organization page's claims on a phone: the side-by-side table scrolls inside its card, as the round
page's does, and the page itself never scrolls sideways."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from deals import claims
from deals.engine.estimates import Estimate
from deals.models import Metric
from deals.models.estimates import as_columns
from tests.factories import FundingRoundFactory, OrganizationFactory, SourceFactory
from tests.support.browser import BROWSER

pytestmark = BROWSER
PASSWORD = "a-long-browser-test-password"
PHONE = {"width": 390, "height": 844}


def eur(billions: str) -> Estimate:
    return Estimate.exact(Decimal(billions) * 10**9, "EUR")


@pytest.fixture
def disputed_org(transactional_db: None, live_server: Any) -> str:
    """An organization with a disputed metric (long source titles) and a round with a disputed amount; a
    viewer; the organization page's address."""
    org = OrganizationFactory(slug="spender", name="Spender")
    metric = Metric.objects.create(
        organization=org, kind="operating_expenses", period_year=2026, **as_columns("value", eur("14"))
    )
    for outlet, billions, reliability in (("Handelsblatt", "14", "report"), ("Company release", "17", "official")):
        source = SourceFactory(
            outlet=outlet,
            title=f"{outlet}: the operating expenses expected for the financial year 2026, in full detail",
            url="https://example.com/" + "a-very-long-address-" * 4,
            published_on=datetime.date(2026, 1, 30),
            reliability=reliability,
        )
        claims.claim_record(record=metric, field="value", value=eur(billions), source=source, quote="x " * 40)
    round_ = FundingRoundFactory(target=org)
    for outlet, billions in (("Outlet A", "1.7"), ("Outlet B", "0.01")):
        claims.claim_record(record=round_, field="amount", value=eur(billions), source=SourceFactory(outlet=outlet))
    User.objects.create_user(username="analyst", password=PASSWORD).groups.add(Group.objects.get(name="Viewer"))
    return f"{live_server.url}/organizations/spender/"


def test_the_claims_section_does_not_widen_the_page_on_a_phone(disputed_org: str, browser: Any) -> None:
    context = browser.new_context(locale="en", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(disputed_org)
        page.fill("#id_username", "analyst")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(disputed_org)
        section = page.locator("section#claims")
        section.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        box = section.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        wrap = section.locator(".table-wrap")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "the wide table scrolls inside its card"
        assert "disputed" in section.inner_text() and "Outlet" not in section.locator("table").inner_text()
    finally:
        context.close()
