"""POST /api/drafts/ and manage.py extract_deal: a report in, the proposed deal out, nothing written."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from deals.models import Condition, FundingRound, Metric, Organization, Participation, Relationship, Source
from tests.api_support import client_for
from tests.extraction.test_draft import SEED_DE, SEED_EN
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

DEAL_TABLES = (Organization, FundingRound, Participation, Condition, Relationship, Metric, Source)


@pytest.fixture
def known():
    orgs = {
        "OpenAI": OrganizationFactory(name="OpenAI", slug="openai"),
        "NVIDIA": OrganizationFactory(name="NVIDIA", slug="nvidia", aliases=["Nvidia"]),
        "Microsoft": OrganizationFactory(name="Microsoft", slug="microsoft"),
        "Amazon": OrganizationFactory(name="Amazon", slug="amazon"),
        "Google": OrganizationFactory(name="Google", slug="google"),
    }
    orgs["AWS"] = OrganizationFactory(name="Amazon Web Services", slug="aws", aliases=["AWS"], parent=orgs["Amazon"])
    return orgs


def counts():
    return {model.__name__: model.objects.count() for model in DEAL_TABLES}


def test_a_german_report_gives_the_seed_deal_and_writes_nothing(known, django_assert_max_num_queries):
    client = client_for("Data entry")
    before = counts()
    body = {
        "text": SEED_DE,
        "source": {"outlet": "Example Zeitung", "title": "Milliardenrunde", "published_on": "2026-01-30"},
    }
    with django_assert_max_num_queries(6):
        response = client.post("/api/drafts/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert counts() == before
    assert data["language"] == "de"
    assert data["source"]["published_on"] == "2026-01-30"
    r = data["round"]
    assert r["target"] == {"name": "OpenAI", "id": known["OpenAI"].pk}
    assert r["status"] == "in_talks"
    assert r["amount"] == {
        "value": "60000000000",
        "low": None,
        "high": "60000000000",
        "qualifier": "up_to",
        "currency": "EUR",
    }
    assert r["post_money_valuation"]["qualifier"] == "at_least"
    assert r["post_money_valuation"]["value"] == "800000000000"
    assert r["pre_money_valuation"] is None
    span = r["evidence"]["amount"]["span"]
    assert SEED_DE[span[0] : span[1]] == r["evidence"]["amount"]["text"] == "bis zu 60 Milliarden Euro"

    p = {x["investor"]["name"]: x for x in data["participations"]}
    assert p["NVIDIA"]["investor"]["id"] == known["NVIDIA"].pk
    assert p["NVIDIA"]["amount"]["qualifier"] == "up_to"
    assert p["Microsoft"]["new_money"] is True and p["Microsoft"]["amount"]["value"] == "10000000000"
    assert (p["Amazon"]["amount"]["low"], p["Amazon"]["amount"]["high"]) == ("10000000000", "20000000000")
    [condition] = p["Amazon"]["conditions"]
    assert condition["kind"] == "cloud_usage" and "AWS" in condition["description"]

    metrics = {(m["organization"]["name"], m["kind"]): m for m in data["metrics"]}
    assert metrics["OpenAI", "operating_expenses"]["value"]["value"] == "14000000000"
    assert metrics["Microsoft", "rpo_share"]["percent"] == "45"
    assert data["subsidiaries"][0]["child"] == {"name": "Amazon Web Services", "id": known["AWS"].pk}
    assert any(f["kind"] == "money" for f in data["findings"])


def test_the_same_text_gives_the_same_draft(known):
    client = client_for("Data entry")
    first = client.post("/api/drafts/", {"text": SEED_EN}, format="json").json()
    second = client.post("/api/drafts/", {"text": SEED_EN, "language": "en"}, format="json").json()
    assert first == second


def test_unknown_organizations_are_proposed_with_a_null_id(known):
    client = client_for("Data entry")
    text = "Mistral AI has raised €600m in a Series B led by General Catalyst, with Nvidia joining."
    data = client.post("/api/drafts/", {"text": text}, format="json").json()
    assert data["round"]["target"] == {"name": "Mistral AI", "id": None}
    assert data["round"]["round_type"] == "series_b"
    p = {x["investor"]["name"]: x for x in data["participations"]}
    assert p["General Catalyst"]["investor"]["id"] is None and p["General Catalyst"]["is_lead"]
    assert set(data["new_organizations"]) == {"Mistral AI", "General Catalyst"}
    assert not Organization.objects.filter(name="Mistral AI").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x", "language": "fr"}, "language"),
        ({"text": "x", "source": {"published_on": "30.01.2026"}}, "source"),
        ({"text": "x" * 50_001}, "text"),
    ],
)
def test_bad_requests_are_400(body, field):
    response = client_for("Data entry").post("/api/drafts/", body, format="json")
    assert response.status_code == 400
    assert field in json.dumps(response.json())


def test_viewers_and_strangers_may_not_draft():
    assert client_for("Viewer").post("/api/drafts/", {"text": SEED_EN}, format="json").status_code == 403
    assert client_for(None).post("/api/drafts/", {"text": SEED_EN}, format="json").status_code == 401


def test_the_schema_documents_drafts():
    schema = client_for("Viewer").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/drafts/"]["post"]
    assert "201" in operation["responses"]
    components = schema["components"]["schemas"]
    assert {"round", "participations", "relationships", "metrics", "findings"} <= set(components["Draft"]["properties"])


def test_known_organizations_match_only_what_the_text_names(known, django_assert_num_queries):
    from deals.drafts import known_organizations

    with django_assert_num_queries(1):
        names = {o.name for o in known_organizations("OPENAIs Partner AWS")}
    assert names == {"OpenAI", "Amazon Web Services"}
    assert connection.vendor == "postgresql"


def test_the_command_prints_the_draft(known, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(SEED_DE, encoding="utf-8")
    out = io.StringIO()
    call_command("extract_deal", str(report), "--language", "de", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["round"]["target"]["id"] == known["OpenAI"].pk
    out = io.StringIO()
    call_command("extract_deal", str(report), stdout=out)
    text = out.getvalue()
    assert "Target: OpenAI" in text and "Amazon: " in text and "cloud_usage" in text
