"""/api/claims/: recording, filtering (record, field, source, disputed), CSV, the accept action, and the
per-field claims and dispute markers on rounds and participations, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import claims
from deals.engine.estimates import Estimate
from deals.models import Claim, FundingRound
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db

BN = Decimal(10) ** 9


def figure(value: str) -> dict[str, Any]:
    return {"qualifier": "exact", "value": str(Decimal(value) * BN), "currency": "EUR"}


def test_a_claim_posted_through_the_api_is_recorded_and_the_reliable_one_shows():
    round_ = FundingRoundFactory()
    editor = client_for("Data entry")
    rumor, official = SourceFactory(reliability="rumor"), SourceFactory(reliability="official")
    for source, value in ((official, "1.7"), (rumor, "2")):
        posted = editor.post(
            "/api/claims/",
            {"round": round_.pk, "field": "amount", "estimate": figure(value), "source": source.pk, "quote": "…"},
            format="json",
        )
        assert posted.status_code == 201, posted.json()
        assert posted.json()["disputed"] is (source == rumor)
    round_.refresh_from_db()
    assert round_.amount == Estimate.exact(Decimal("1.7") * BN, "EUR")

    not_a_status = {"round": round_.pk, "field": "status", "stated_value": "sold"}
    assert editor.post("/api/claims/", not_a_status).status_code == 400
    assert editor.post("/api/claims/", {"field": "status", "stated_value": "closed"}).status_code == 400

    listed = editor.get(f"/api/claims/?record=round:{round_.pk}&field=amount&disputed=true").json()["results"]
    assert sorted(c["source"] for c in listed) == sorted([rumor.pk, official.pk])
    assert editor.get(f"/api/claims/?source={rumor.pk}").json()["results"][0]["estimate"]["value"] == str(2 * BN)
    assert editor.get("/api/claims/?record=round").status_code == 400
    csv = editor.get(f"/api/claims/?record=round:{round_.pk}&format=csv")
    assert csv.status_code == 200 and csv.content.decode().splitlines()[0].startswith("id,round,")

    api = editor.get(f"/api/rounds/{round_.pk}/").json()["claims"]["amount"]
    assert api["disputed"] is True and len(api["claims"]) == 2
    assert api["accepted"] == Claim.objects.get(source=official).pk


def test_the_accept_action_takes_a_reason_and_changes_the_round():
    round_ = FundingRoundFactory()
    claim = claims.claim_record(
        record=round_, field="amount", value=Estimate.exact(5 * BN, "EUR"), source=SourceFactory(), apply=False
    )
    editor, viewer = client_for("Data entry"), client_for("Viewer")
    url = f"/api/claims/{claim.pk}/accept/"
    assert viewer.post(url, {"reason": "x"}, format="json").status_code == 403
    assert editor.post(url, {}, format="json").status_code == 400
    accepted = editor.post(url, {"reason": "the filing says so"}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["accepted"] is True and accepted.json()["accepted_reason"] == "the filing says so"
    assert FundingRound.objects.get(pk=round_.pk).amount_value == 5 * BN
    assert editor.put(f"/api/claims/{claim.pk}/", {}, format="json").status_code == 405


def make_rounds(n: int) -> None:
    for i in range(n):
        participation = ParticipationFactory(round=FundingRoundFactory(reported_on=datetime.date(2025, 1, 1)))
        for source in (SourceFactory(), SourceFactory()):
            claims.claim_record(
                record=participation.round,
                field="amount",
                value=Estimate.exact(Decimal(i + 1) * BN, "EUR"),
                source=source,
                apply=False,
            )
            claims.claim_record(record=participation, field="is_lead", value=bool(i % 2), source=source, apply=False)


def queries(client: Any, url: str) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize("url", ["/api/rounds/?page_size=50", "/api/participations/?page_size=50"])
def test_claims_on_lists_cost_the_same_queries_for_one_row_and_fifty(url):
    viewer = client_for("Viewer")
    viewer.get(url)  # the session, the user's permissions
    make_rounds(1)
    one, data = queries(viewer, url)
    assert len(data["results"]) == 1 and data["results"][0]["claims"]
    make_rounds(49)
    fifty, data = queries(viewer, url)
    assert len(data["results"]) == 50 and all(len(r["claims"]) >= 1 for r in data["results"])
    assert fifty == one


@pytest.mark.django_db(transaction=True)  # each write its own transaction, so the audit rows are apart in time
def test_as_of_reproduces_what_the_api_showed_before_a_later_edit():
    from django.utils import timezone

    from deals import services

    editor = client_for("Data entry")
    source = SourceFactory(reliability="report")
    created = editor.post(
        "/api/rounds/",
        {
            "target": ParticipationFactory().investor_id,
            "round_type": "series_c",
            "status": "announced",
            "amount": figure("1.7"),
            "post_money_valuation": figure("11.7"),
            "sources": [source.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    before = editor.get(f"/api/rounds/{pk}/").json()
    listed_before = editor.get("/api/rounds/").json()["results"]
    moment = timezone.now().isoformat()

    round_ = FundingRound.objects.get(pk=pk)
    claims.claim_record(
        record=round_,
        field="post_money_valuation",
        value=Estimate.exact(14 * BN, "EUR"),
        source=SourceFactory(reliability="official"),
    )
    services.round_update(round=FundingRound.objects.get(pk=pk), values={"notes": "later"})
    after = editor.get(f"/api/rounds/{pk}/").json()
    assert after["post_money_valuation"] != before["post_money_valuation"] and after["notes"] == "later"

    then = editor.get(f"/api/rounds/{pk}/", {"as_of": moment})
    assert then.status_code == 200, then.json()
    then_data = then.json()
    assert {k: v for k, v in then_data.items() if k != "computed"} == {
        k: v for k, v in before.items() if k != "computed"
    }
    assert Decimal(then_data["computed"]["post_money"]["value"]) == Decimal("11.7") * BN
    listed_then = editor.get("/api/rounds/", {"as_of": moment}).json()["results"]
    assert [{k: v for k, v in r.items() if k != "computed"} for r in listed_then] == [
        {k: v for k, v in r.items() if k != "computed"} for r in listed_before
    ]
    assert editor.get(f"/api/rounds/{pk}/", {"as_of": "2000-01-01"}).status_code == 404
    assert editor.get("/api/rounds/", {"as_of": "yesterday"}).status_code == 400


def test_as_of_shows_a_round_without_any_history_as_it_is():
    from django.apps import apps

    round_ = ParticipationFactory().round
    apps.get_model("deals", "FundingRoundEvent").objects.filter(pgh_obj_id=round_.pk).delete()  # a bulk load's row
    viewer = client_for("Viewer")
    now = viewer.get(f"/api/rounds/{round_.pk}/").json()
    then = viewer.get(f"/api/rounds/{round_.pk}/", {"as_of": "2000-01-01"})
    assert then.status_code == 200
    assert then.json()["amount"] == now["amount"] and then.json()["participations"] == []
