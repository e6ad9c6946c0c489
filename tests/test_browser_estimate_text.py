"""The admin's "as written" figure input in a real browser: the words appear as one types, before saving."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.support.browser import BROWSER

pytestmark = BROWSER
PASSWORD = "a-long-browser-test-password"


@pytest.fixture
def admin_page(transactional_db: None, live_server: Any, page: Any) -> Any:
    User.objects.create_superuser("editor", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/admin/login/" not in url)
    page.goto(f"{live_server.url}/admin/deals/relationship/add/")
    return page


def test_the_figure_reads_back_in_words_as_it_is_typed(admin_page: Any) -> None:
    field, words = admin_page.locator("#id_annual_value_text"), admin_page.locator("#id_annual_value_text_words")
    field.fill("10–20 Mrd. €")
    expect(words).to_have_text("€10–20bn", timeout=10_000)
    field.fill("sometime soon")
    expect(words).to_have_text("Not readable as an amount with its currency.", timeout=10_000)
    field.fill("")
    expect(words).to_have_text("", timeout=10_000)
