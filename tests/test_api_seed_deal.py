"""The seed deal scripted end to end through the API, with a real worker computing the stakes."""

from __future__ import annotations

import time

import pytest

from tests.api_support import client_for

pytestmark = [pytest.mark.worker]
BN = "000000000"


def post(client, resource: str, payload: dict) -> dict:
    response = client.post(f"/api/{resource}/", payload, format="json")
    assert response.status_code == 201, (resource, response.json())
    return response.json()


def test_the_seed_deal_through_the_api(real_worker):
    api = client_for("Data entry")
    org = {
        slug: post(api, "organizations", {"name": name, "slug": slug, "kind": "corporate", "country": "US"})["id"]
        for slug, name in [("openai", "OpenAI"), ("nvidia", "NVIDIA"), ("microsoft", "Microsoft"), ("amazon", "Amazon")]
    }
    org["aws"] = post(api, "organizations", {"name": "Amazon Web Services", "slug": "aws", "parent": org["amazon"]})[
        "id"
    ]
    source = post(
        api,
        "sources",
        {
            "outlet": "Handelsblatt",
            "published_on": "2026-01-30",
            "language": "de",
            "title": "Nvidia, Microsoft und Amazon verhandeln über Milliarden-Investition in OpenAI",
            "reliability": "report",
        },
    )["id"]
    post(api, "fx-rates", {"date": "2026-01-30", "base": "EUR", "quote": "USD", "rate": "1.19"})
    round_ = post(
        api,
        "rounds",
        {
            "target": org["openai"],
            "round_type": "corporate_round",
            "status": "in_talks",
            "reported_on": "2026-01-30",
            "amount": {"value": f"60{BN}", "qualifier": "up_to", "currency": "EUR"},
            "post_money_valuation": {"value": f"800{BN}", "qualifier": "at_least", "currency": "EUR"},
            "sources": [source],
        },
    )
    for investor, amount, conditions in [
        ("nvidia", {"value": f"30{BN}", "qualifier": "up_to", "currency": "EUR"}, []),
        ("microsoft", {"value": f"10{BN}", "qualifier": "exact", "currency": "EUR"}, []),
        (
            "amazon",
            {"low": f"10{BN}", "high": f"20{BN}", "qualifier": "between", "currency": "EUR"},
            [{"kind": "cloud_usage", "description": "OpenAI uses AWS", "counterparty": org["aws"]}],
        ),
    ]:
        post(
            api,
            "participations",
            {
                "round": round_["id"],
                "investor": org[investor],
                "amount": amount,
                "conditions": conditions,
                "sources": [source],
            },
        )
    for provider, kind in [("nvidia", "compute_supply"), ("microsoft", "cloud"), ("aws", "cloud")]:
        post(api, "relationships", {"provider": org[provider], "client": org["openai"], "kind": kind})

    deadline = time.monotonic() + 60
    while True:
        detail = api.get(f"/api/rounds/{round_['id']}/")
        if not detail.json()["computed"]["stale"]:
            break
        assert time.monotonic() < deadline, "the worker did not recompute the round in time"
        time.sleep(0.1)

    stakes = {
        p["investor"]: p["computed"]["stake"]
        for p in api.get(f"/api/participations/?round={round_['id']}").json()["results"]
    }
    assert stakes[org["nvidia"]]["high"] == "0.0375" and stakes[org["nvidia"]]["qualifier"] == "up_to"
    assert stakes[org["microsoft"]]["high"] == "0.0125"
    assert stakes[org["amazon"]]["high"] == "0.025"

    in_usd = api.get(f"/api/rounds/{round_['id']}/?currency=USD").json()
    assert in_usd["amount"]["converted"]["high"] == "71400000000"
    assert in_usd["amount"]["converted"]["rate"] == "1.19"

    etag = detail["ETag"]
    assert (
        api.patch(
            f"/api/rounds/{round_['id']}/",
            {"status": "announced", "announced_on": "2026-02-10"},
            format="json",
            HTTP_IF_MATCH=etag,
        ).status_code
        == 200
    )
    stale = api.patch(f"/api/rounds/{round_['id']}/", {"notes": "late edit"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
