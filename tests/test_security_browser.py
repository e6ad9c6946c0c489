"""The Content-Security-Policy in a real browser: Swagger UI and the pages work under it, and nothing on
them is refused (Chromium reports every violation on the console)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from tests.factories import FundingRoundFactory
from tests.support.browser import BROWSER

pytestmark = BROWSER
PASSWORD = "a-long-browser-test-password"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    FundingRoundFactory()
    User.objects.create_user(username="reader", password=PASSWORD).groups.add(Group.objects.get(name="Viewer"))
    return str(live_server.url)


def refused(page: Any) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def test_pages_and_swagger_ui_work_under_the_policy(site: str, page: Any) -> None:
    from playwright.sync_api import expect

    violations = refused(page)
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.get_by_role("heading", name="Dashboard").wait_for()
    for path in ("/rounds/", "/network/", "/accounts/tokens/"):
        page.goto(site + path)
    # The language switcher submits itself from the static script, not from an inline handler.
    page.select_option("#language", "de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(site + "/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    assert violations == []


def test_the_admin_works_under_the_policy(site: str, page: Any) -> None:
    from playwright.sync_api import expect

    User.objects.create_superuser("root", password=PASSWORD)
    violations = refused(page)
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    for path in ("/admin/deals/fundinground/", "/admin/deals/fundinground/add/", "/admin/deals/organization/add/"):
        page.goto(site + path)
        expect(page.locator("#content")).to_be_visible()
    # The round page's inline forms are added by nested_admin's script, which must run under the policy.
    page.goto(site + "/admin/deals/fundinground/add/")
    forms = page.locator(".djn-item:not(.djn-empty-form)")
    before = forms.count()
    page.locator(".djn-add-handler.djn-level-1:visible").first.click()
    expect(forms).to_have_count(before + 1)
    assert violations == []
