"""The admin shows amounts in words in the reader's language and decimals as typed (no padding zeros), and
the status change's source is picked by searching, like every other source on the round page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from deals.models import FundingRound, FxRate
from tests.factories import FundingRoundFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db

BN = Decimal(10**9)


def seed_round() -> FundingRound:
    round_: Any = FundingRoundFactory(
        status="in_talks",
        amount_qualifier="up_to",
        amount_value=60 * BN,
        amount_low=None,
        amount_high=60 * BN,
        amount_currency="EUR",
    )
    ParticipationFactory(round=round_, amount_value=30 * BN, amount_low=30 * BN, amount_high=30 * BN)
    return round_


def test_amounts_read_in_words_and_edit_without_padding_zeros(admin_client):
    round_ = seed_round()
    changelist = admin_client.get(reverse("admin:deals_fundinground_changelist")).content.decode()
    assert "up to €60bn" in changelist and "60000000000.0000" not in changelist
    page = admin_client.get(reverse("admin:deals_fundinground_change", args=[round_.pk])).content.decode()
    assert 'name="amount_high" value="60000000000"' in page
    assert 'value="30000000000"' in page  # the participation's amount, in its inline
    assert ".0000" not in " ".join(re.findall(r'value="[^"]*"', page))
    assert "up to €60bn" in page and "€30bn" in page  # the round's and the participation's, in words
    german = admin_client.get(
        reverse("admin:deals_fundinground_change", args=[round_.pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "bis zu 60 Mrd. €" in german


def test_rates_and_percentages_show_without_padding_zeros(admin_client):
    FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.085"))
    html = admin_client.get(reverse("admin:deals_fxrate_changelist")).content.decode()
    assert "1.085<" in html and "1.0850000000" not in html


def test_the_status_change_source_is_an_autocomplete_that_finds_sources(admin_client):
    round_ = seed_round()
    source: Any = SourceFactory(outlet="Handelsblatt", title="OpenAI talks widen")
    page = admin_client.get(reverse("admin:deals_fundinground_change", args=[round_.pk])).content.decode()
    box = re.search(r"<select[^>]*name=\"status_source\"[^>]*>", page)
    assert box is not None, "no select for the status change source"
    assert "admin-autocomplete" in box.group(0) and 'data-model-name="roundstatuschange"' in box.group(0)
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "talks widen", "app_label": "deals", "model_name": "roundstatuschange", "field_name": "source"},
    ).json()
    assert [r["id"] for r in found["results"]] == [str(source.pk)]


def test_a_reader_who_may_only_view_sees_plain_numbers(client):
    """A view-only page prints each field read-only; its decimals show as typed, the round's and the
    participation's inline alike, and nothing on it can be saved."""
    from django.contrib.auth.models import Permission, User

    round_ = seed_round()
    FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.085"))
    reader = User.objects.create_user(username="reader", password="x", is_staff=True)
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_fundinground", "view_participation", "view_fxrate"])
    )
    client.force_login(reader)
    page = client.get(reverse("admin:deals_fundinground_change", args=[round_.pk])).content.decode()
    assert 'name="amount_high"' not in page  # read-only: no box to type in
    assert "60000000000" in page and "30000000000" in page
    assert "60000000000.0000" not in page and "30000000000.0000" not in page
    assert "up to €60bn" in page
    rate = FxRate.objects.get()
    shown = client.get(reverse("admin:deals_fxrate_change", args=[rate.pk])).content.decode()
    assert "1.085<" in shown and "1.0850000000" not in shown
