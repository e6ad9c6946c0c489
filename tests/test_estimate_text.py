"""Figures typed as written ("up to €60bn") in the admin and the API, read by the report parser."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from deals.estimate_input import EstimatePreviewInput
from deals.models import FundingRound, Participation, Source
from tests.api_support import client_for
from tests.factories import ParticipationFactory
from tests.test_admin import estimate, seed_orgs, seed_round_form  # noqa: F401 (seed_orgs is a fixture)

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9


def typed(data: dict[str, str], prefix: str, text: str) -> None:
    """Empty the parts of estimate ``prefix`` and type ``text`` into its "as written" field instead."""
    data.update(estimate(prefix))
    data[f"{prefix}_text"] = text


def test_the_round_page_takes_figures_as_written(admin_client, seed_orgs):  # noqa: F811
    source = Source.objects.create(outlet="Handelsblatt", title="Seed report", published_on="2026-01-30")
    data = seed_round_form(seed_orgs, source)
    typed(data, "amount", "bis zu 60 Milliarden Euro")
    typed(data, "post_money_valuation", "at least 800bn EUR")
    typed(data, "participations-0-amount", "up to €30bn")
    typed(data, "participations-2-amount", "10–20 Mrd. €")
    response = admin_client.post(reverse("admin:deals_fundinground_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    round_ = FundingRound.objects.get()
    assert (round_.amount.qualifier, round_.amount.high, round_.amount.currency) == ("up_to", 60 * BN, "EUR")
    assert (round_.post_money_valuation.qualifier, round_.post_money_valuation.low) == ("at_least", 800 * BN)
    amounts = {p.investor.name: p.amount for p in round_.participations.select_related("investor")}
    assert (amounts["NVIDIA"].qualifier, amounts["NVIDIA"].high) == ("up_to", 30 * BN)
    assert (amounts["Amazon"].qualifier, amounts["Amazon"].low, amounts["Amazon"].high) == ("between", 10 * BN, 20 * BN)


def test_an_unreadable_text_is_a_field_error_and_nothing_is_stored(admin_client, seed_orgs):  # noqa: F811
    source = Source.objects.create(outlet="Handelsblatt", title="Seed report", published_on="2026-01-30")
    data = seed_round_form(seed_orgs, source)
    typed(data, "amount", "sixty billion or so")
    response = admin_client.post(reverse("admin:deals_fundinground_add"), data)
    assert response.status_code == 200
    assert "amount_text" in response.context["adminform"].form.errors
    assert not FundingRound.objects.exists()
    assert not Participation.objects.exists()


def test_the_page_shows_the_text_field_and_its_words(admin_client, seed_orgs):  # noqa: F811
    page = admin_client.get(reverse("admin:deals_fundinground_add"))
    html = page.content.decode()
    assert 'name="amount_text"' in html and "deals/estimate_text.js" in html
    rendered = EstimatePreviewInput().render("amount_text", "up to €60bn", {"id": "id_amount_text"})
    assert 'id="id_amount_text_words"' in rendered and "60" in rendered


def test_the_preview_says_the_figure_in_words(admin_client, client):
    url = reverse("estimate_preview")
    data = admin_client.get(url, {"text": "10–20 Mrd. €"}).json()
    assert data["estimate"]["qualifier"] == "between" and data["words"]
    unreadable = admin_client.get(url, {"text": "soon"}).json()
    assert unreadable["words"] == "" and unreadable["error"]
    assert client.get(url, {"text": "up to €60bn"}).status_code == 302  # to the admin's login


def test_the_api_takes_an_estimate_as_text():
    participation = ParticipationFactory()
    client = client_for("Data entry")
    url = f"/api/participations/{participation.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"amount": {"text": "10–20 Mrd. €"}}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["amount"] == {
        "value": None,
        "low": "10000000000",
        "high": "20000000000",
        "qualifier": "between",
        "currency": "EUR",
    }
    etag = response["ETag"]
    for body in ({"text": "lots"}, {"text": "up to €1bn", "qualifier": "exact"}, {"text": 5}):
        refused = client.patch(url, {"amount": body}, format="json", HTTP_IF_MATCH=etag)
        assert refused.status_code == 400, body
        assert "text" in refused.json()["amount"], refused.json()
    participation.refresh_from_db()
    assert participation.amount.low == 10 * BN
