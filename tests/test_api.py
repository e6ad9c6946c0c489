"""The REST API contract: CRUD and permissions for every resource from one table, Estimates, errors,
ETags, CSV, currency conversion, and query counts that don't grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import FundingRound, FxRate, Metric, Organization, Participation
from deals.pipeline.services import dirty_drain
from tests.api_support import client_for
from tests.factories import (
    FundingRoundFactory,
    FxRateFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def up_to(value: str, currency: str = "EUR") -> dict[str, Any]:
    return {"value": value, "qualifier": "up_to", "currency": currency}


def metric() -> Metric:
    return Metric.objects.create(
        organization=OrganizationFactory(), kind="rpo_share", period_year=2026, percent=Decimal(45)
    )


# resource, factory for an existing row, payload for a new row (built lazily), a field to change on update
RESOURCES: list[tuple[str, Any, Any, dict[str, Any]]] = [
    (
        "organizations",
        OrganizationFactory,
        lambda: {"name": "Mistral AI", "slug": "mistral-ai", "kind": "company", "country": "FR"},
        {"country": "DE"},
    ),
    (
        "rounds",
        FundingRoundFactory,
        lambda: {
            "target": OrganizationFactory().pk,
            "round_type": "series_b",
            "status": "in_talks",
            "amount": up_to("600000000"),
        },
        {"status": "announced"},
    ),
    (
        "participations",
        ParticipationFactory,
        lambda: {"round": FundingRoundFactory().pk, "investor": OrganizationFactory().pk, "amount": up_to("30000000")},
        {"is_lead": True},
    ),
    (
        "relationships",
        RelationshipFactory,
        lambda: {"provider": OrganizationFactory().pk, "client": OrganizationFactory().pk, "kind": "cloud"},
        {"description": "Cloud capacity"},
    ),
    (
        "sources",
        SourceFactory,
        lambda: {"outlet": "Reuters", "title": "A report", "published_on": "2026-01-30", "reliability": "report"},
        {"reliability": "confirmed"},
    ),
    (
        "metrics",
        metric,
        lambda: {
            "organization": OrganizationFactory().pk,
            "kind": "operating_expenses",
            "period_year": 2026,
            "is_forecast": True,
            "value": {"value": "14000000000", "qualifier": "exact", "currency": "EUR"},
        },
        {"is_forecast": False},
    ),
    (
        "fx-rates",
        FxRateFactory,
        lambda: {"date": "2026-02-02", "base": "EUR", "quote": "GBP", "rate": "0.87"},
        {"rate": "0.88"},
    ),
]
IDS = [r[0] for r in RESOURCES]


@pytest.mark.parametrize(("resource", "factory", "payload", "change"), RESOURCES, ids=IDS)
def test_data_entry_can_create_read_update_and_delete(resource, factory, payload, change):
    client = client_for("Data entry")
    created = client.post(f"/api/{resource}/", payload(), format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/{resource}/{created.json()['id']}/"
    read = client.get(url)
    assert read.status_code == 200 and read.json() == created.json()
    assert read.has_header("ETag")
    updated = client.patch(url, change, format="json", HTTP_IF_MATCH=read["ETag"])
    assert updated.status_code == 200, updated.json()
    assert all(updated.json()[key] == value for key, value in change.items())
    listed = client.get(f"/api/{resource}/")
    assert created.json()["id"] in [row["id"] for row in listed.json()["results"]]
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("resource", "factory", "payload", "change"), RESOURCES, ids=IDS)
def test_viewers_read_but_cannot_write(resource, factory, payload, change):
    client = client_for("Viewer")
    row = factory()
    assert client.get(f"/api/{resource}/{row.pk}/").status_code == 200
    assert client.post(f"/api/{resource}/", payload(), format="json").status_code == 403
    assert client.patch(f"/api/{resource}/{row.pk}/", change, format="json").status_code == 403
    assert client.delete(f"/api/{resource}/{row.pk}/").status_code == 403


@pytest.mark.parametrize("resource", IDS)
def test_anonymous_requests_are_refused_unless_public_read_is_on(resource, settings):
    anonymous = client_for(None)
    assert anonymous.get(f"/api/{resource}/").status_code in (401, 403)
    settings.PUBLIC_READ = True
    assert anonymous.get(f"/api/{resource}/").status_code == 200
    assert anonymous.post(f"/api/{resource}/", {}, format="json").status_code in (401, 403)


def test_a_token_is_issued_for_a_username_and_password():
    from django.contrib.auth.models import Group, User

    User.objects.create_user("analyst", password="correct-horse-battery").groups.add(Group.objects.get(name="Viewer"))
    client = client_for(None)
    response = client.post("/api/auth/token/", {"username": "analyst", "password": "correct-horse-battery"})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/rounds/").status_code == 200
    assert client_for(None).post("/api/auth/token/", {"username": "analyst", "password": "no"}).status_code == 400


class TestEstimates:
    def test_a_write_may_send_only_what_the_qualifier_needs(self):
        client = client_for("Data entry")
        response = client.post(
            "/api/rounds/", {"target": OrganizationFactory().pk, "amount": up_to("60000000000")}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["amount"] == {
            "value": "60000000000",
            "low": None,
            "high": "60000000000",
            "qualifier": "up_to",
            "currency": "EUR",
        }

    @pytest.mark.parametrize(
        ("amount", "field"),
        [
            ({"low": "20", "high": "10", "qualifier": "between", "currency": "EUR"}, "high"),
            ({"value": "5", "qualifier": "at_least", "high": "9", "currency": "EUR"}, "high"),
            ({"value": "5", "qualifier": "exact", "currency": "XYZ"}, "currency"),
            ({"value": "-5", "qualifier": "exact", "currency": "EUR"}, "value"),
            ({"value": "1e40", "qualifier": "exact", "currency": "EUR"}, "value"),
            ({"value": "abc", "qualifier": "exact", "currency": "EUR"}, "value"),
            ({"value": "5", "qualifier": "roughly", "currency": "EUR"}, "qualifier"),
            ({"value": "5", "currency": "EUR"}, "qualifier"),
            ({"value": {"nested": 1}, "qualifier": "exact", "currency": "EUR"}, "value"),
        ],
    )
    def test_a_contradiction_is_a_400_naming_the_field(self, amount, field):
        client = client_for("Data entry")
        response = client.post("/api/rounds/", {"target": OrganizationFactory().pk, "amount": amount}, format="json")
        assert response.status_code == 400
        assert field in response.json()["amount"]
        assert not FundingRound.objects.exists()


class TestErrors:
    @pytest.mark.parametrize(
        "payload",
        [
            {"status": "bogus"},
            {"target": 999999},
            {"target": "not-a-number"},
            {"reported_on": "yesterday"},
            {"announced_on": "2026-02-01", "closed_on": "2026-01-01"},
            {"amount": "lots"},
        ],
    )
    def test_invalid_input_is_a_400_never_a_500(self, payload):
        client = client_for("Data entry")
        data = {"target": OrganizationFactory().pk, **payload}
        response = client.post("/api/rounds/", data, format="json")
        assert response.status_code == 400
        assert set(response.json()) & ({*payload} | {"non_field_errors"})

    def test_a_second_participation_of_the_same_investor_is_a_400(self):
        existing = ParticipationFactory()
        client = client_for("Data entry")
        response = client.post(
            "/api/participations/", {"round": existing.round_id, "investor": existing.investor_id}, format="json"
        )
        assert response.status_code == 400

    def test_a_missing_object_is_a_404(self):
        assert client_for("Viewer").get("/api/rounds/424242/").status_code == 404


def test_a_stale_if_match_is_refused_with_412_and_nothing_changes():
    round_ = FundingRoundFactory(notes="original")
    client = client_for("Data entry")
    etag = client.get(f"/api/rounds/{round_.pk}/")["ETag"]
    assert (
        client.patch(f"/api/rounds/{round_.pk}/", {"notes": "first"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    stale = client.patch(f"/api/rounds/{round_.pk}/", {"notes": "second"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert client.delete(f"/api/rounds/{round_.pk}/", HTTP_IF_MATCH=etag).status_code == 412
    assert FundingRound.objects.get(pk=round_.pk).notes == "first"


def test_the_recompute_changing_the_computed_figures_is_no_conflict_with_an_edit():
    round_ = FundingRoundFactory(notes="original")
    client = client_for("Data entry")
    before = client.get(f"/api/rounds/{round_.pk}/")
    assert before.json()["computed"]["stale"] is True
    dirty_drain()
    after = client.get(f"/api/rounds/{round_.pk}/")
    assert after.json()["computed"]["stale"] is False
    assert after["ETag"] == before["ETag"]
    edit = client.patch(f"/api/rounds/{round_.pk}/", {"notes": "edited"}, format="json", HTTP_IF_MATCH=before["ETag"])
    assert edit.status_code == 200


def test_participations_write_their_conditions_and_sources():
    client = client_for("Data entry")
    source, aws = SourceFactory(), OrganizationFactory(name="AWS", slug="aws")
    payload = {
        "round": FundingRoundFactory().pk,
        "investor": OrganizationFactory().pk,
        "amount": {"low": "10000000000", "high": "20000000000", "qualifier": "between", "currency": "EUR"},
        "conditions": [{"kind": "cloud_usage", "description": "Uses AWS", "counterparty": aws.pk}],
        "sources": [source.pk],
    }
    response = client.post("/api/participations/", payload, format="json")
    assert response.status_code == 201, response.json()
    participation = Participation.objects.get(pk=response.json()["id"])
    assert participation.conditions.get().counterparty == aws
    assert list(participation.sources.all()) == [source]


def test_currency_conversion_adds_converted_figures_or_a_warning():
    FxRate.objects.create(date=datetime.date(2026, 1, 30), base="EUR", quote="USD", rate=Decimal("1.19"))
    round_ = FundingRoundFactory(reported_on=datetime.date(2026, 1, 30))
    client = client_for("Viewer")
    converted = client.get(f"/api/rounds/{round_.pk}/?currency=USD").json()["amount"]["converted"]
    assert converted == {
        "currency": "USD",
        "value": "119000000",
        "low": "119000000",
        "high": "119000000",
        "rate": "1.19",
        "rate_date": "2026-01-30",
    }
    no_rate = client.get(f"/api/rounds/{round_.pk}/?currency=JPY").json()
    assert no_rate["amount"]["converted"] is None
    assert no_rate["conversion_warnings"] == ["No EUR→JPY rate on or before 2026-01-30."]
    assert client.get(f"/api/rounds/{round_.pk}/?currency=XYZ").status_code == 400


def test_rounds_filter_by_status_investor_and_amount_currency():
    in_talks = FundingRoundFactory(status="in_talks")
    ParticipationFactory(round=in_talks, investor=OrganizationFactory(slug="nvidia", name="NVIDIA"))
    FundingRoundFactory(status="closed", amount_currency="USD")
    client = client_for("Viewer")

    def ids(query: str) -> set[int]:
        return {row["id"] for row in client.get(f"/api/rounds/?{query}").json()["results"]}

    assert ids("status=in_talks") == {in_talks.pk}
    assert ids(f"investor={Organization.objects.get(slug='nvidia').pk}") == {in_talks.pk}
    assert len(ids("amount_currency=USD")) == 1
    assert ids("q=nvidia") == {in_talks.pk}
    assert client.get("/api/rounds/?status=bogus").status_code == 400


def test_cursor_pagination_walks_every_row_once():
    for _ in range(7):
        FundingRoundFactory()
    client = client_for("Viewer")
    seen, url = [], "/api/rounds/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted(FundingRound.objects.values_list("pk", flat=True), reverse=True)


def test_lists_export_as_csv_with_flattened_columns():
    FundingRoundFactory()
    response = client_for("Viewer").get("/api/rounds/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0].split(",")
    assert {"id", "status", "amount.value", "amount.qualifier", "computed.stale"} <= set(header)


def test_a_full_recompute_job_is_accepted_and_reports_progress():
    client = client_for("Data entry")
    response = client.post("/api/jobs/", {"kind": "full_recompute"}, format="json")
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert set(job) >= {"id", "kind", "state", "progress", "started_at", "finished_at", "error"}
    assert job["state"] in {"queued", "running", "succeeded"}
    assert client.post("/api/jobs/", {"kind": "bogus"}, format="json").status_code == 400


def test_the_schema_and_the_docs_are_served_without_any_external_asset():
    client = client_for("Viewer")
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs


# Query counts: the same for 1 and for 50 rows --------------------------------------------------------------
def many_rounds(n: int) -> None:
    for _ in range(n):
        round_ = FundingRoundFactory()
        ParticipationFactory(round=round_)
        ParticipationFactory(round=round_)


LIST_SETUP = {
    "rounds": many_rounds,
    "participations": lambda n: [ParticipationFactory() for _ in range(n)],
    "organizations": lambda n: [OrganizationFactory() for _ in range(n)],
    "relationships": lambda n: [RelationshipFactory() for _ in range(n)],
    "sources": lambda n: [SourceFactory() for _ in range(n)],
    "metrics": lambda n: [metric() for _ in range(n)],
    "fx-rates": lambda n: [
        FxRate.objects.create(
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i), base="EUR", quote="USD", rate=Decimal("1.1")
        )
        for i in range(FxRate.objects.count(), FxRate.objects.count() + n)
    ],
}


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("resource", list(LIST_SETUP))
def test_list_and_detail_query_counts_do_not_grow_with_rows(resource):
    client = client_for("Viewer")
    LIST_SETUP[resource](1)
    first_id = client.get(f"/api/{resource}/").json()["results"][0]["id"]
    one = queries(client, f"/api/{resource}/?currency=USD")
    detail_one = queries(client, f"/api/{resource}/{first_id}/")
    LIST_SETUP[resource](49)
    assert queries(client, f"/api/{resource}/?currency=USD") == one
    last_id = client.get(f"/api/{resource}/").json()["results"][0]["id"]
    assert queries(client, f"/api/{resource}/{last_id}/") == detail_one


def test_derived_endpoints_answer_for_an_organization():
    participation = ParticipationFactory()
    client = client_for("Viewer")
    for path in ("portfolio", "funding", "cap-table", "cycles"):
        org = participation.investor if path == "portfolio" else participation.round.target
        assert client.get(f"/api/organizations/{org.pk}/{path}/").status_code == 200, path
    assert client.get(f"/api/rounds/{participation.round_id}/circularity/").status_code == 200
    assert client.get("/api/organizations/999999/portfolio/").status_code == 404


def test_a_participation_names_its_pending_conditions_until_one_fails():
    target, amazon = OrganizationFactory(), OrganizationFactory(name="Amazon")
    round_ = FundingRoundFactory(
        target=target, amount_qualifier="exact", amount_value=50, amount_low=50, amount_high=50, amount_currency="EUR"
    )
    part = ParticipationFactory(
        round=round_,
        investor=amazon,
        amount_qualifier="exact",
        amount_value=50,
        amount_low=50,
        amount_high=50,
        amount_currency="EUR",
    )
    aws = part.conditions.create(kind="cloud_usage", description="OpenAI uses AWS")
    dirty_drain()
    client = client_for("Viewer")
    computed = client.get(f"/api/participations/{part.pk}/").json()["computed"]
    assert computed["pending_conditions"] == [{"id": aws.pk, "kind": "cloud_usage", "description": "OpenAI uses AWS"}]
    aws.status = "failed"
    aws.save()
    dirty_drain()
    computed = client.get(f"/api/participations/{part.pk}/").json()["computed"]
    assert (computed["pending_conditions"], computed["stake"]) == ([], None)
