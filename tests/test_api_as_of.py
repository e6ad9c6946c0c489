"""?as_of= on /api/participations/ and /api/organizations/: a later edit, then the earlier response again from
the audit history; records created later left out; malformed moments refused; one query count for a page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deals import claims, services
from deals.engine.estimates import Estimate
from deals.models import Condition, FundingRound, Organization, Participation
from deals.models.estimates import as_columns
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, OrganizationFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db

M = Decimal(10) ** 6


def figure(millions: str) -> dict[str, Any]:
    return {"qualifier": "exact", "value": str(Decimal(millions) * M), "currency": "EUR"}


def without_computed(rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A round's ``computed`` is inherently of now (its computed_at, the recompute's stale marks); the engine's
    figures of then are checked on their own."""
    return [{k: v for k, v in r.items() if k != "computed"} for r in rounds]


@pytest.mark.django_db(transaction=True)  # each write its own transaction, so the audit rows are apart in time
def test_participations_as_of_reproduce_what_the_api_showed_before_later_edits():
    editor = client_for("Data entry")
    target, investor, other = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    first, second = SourceFactory(), SourceFactory(published_on=datetime.date(2026, 2, 1))
    created = editor.post(
        "/api/rounds/",
        {"target": target.pk, "round_type": "series_b", "status": "announced", "post_money_valuation": figure("800")},
        format="json",
    )
    assert created.status_code == 201, created.json()
    round_id = created.json()["id"]
    posted = editor.post(
        "/api/participations/",
        {
            "round": round_id,
            "investor": investor.pk,
            "amount": figure("100"),
            "status": "committed",
            "conditions": [{"kind": "cloud_usage", "description": "Uses the investor's cloud", "status": "pending"}],
            "sources": [first.pk],
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    pk = posted.json()["id"]
    claims.claim_record(record=Participation.objects.get(pk=pk), field="is_lead", value=False, source=first)
    before = editor.get(f"/api/participations/{pk}/").json()
    listed_before = editor.get("/api/participations/", {"round": round_id}).json()["results"]
    assert before["computed"]["stake"]["value"] == "0.125"  # 100 of 800
    assert [c["description"] for c in before["computed"]["pending_conditions"]] == ["Uses the investor's cloud"]
    assert before["claims"]["is_lead"]["claims"] and before["sources"] == [first.pk]
    moment = timezone.now().isoformat()

    participation = Participation.objects.get(pk=pk)
    services.participation_update(
        participation=participation,
        values={"amount": Estimate.exact(200 * M, "EUR"), "is_lead": True},
        conditions=[{"kind": "cloud_usage", "description": "Uses the investor's cloud", "status": "met"}],
        sources=[first, second],
    )
    claims.claim_record(record=Participation.objects.get(pk=pk), field="is_lead", value=True, source=second)
    ten_million = Estimate.exact(10 * M, "EUR")
    later = services.participation_create(
        values={"round": FundingRound.objects.get(pk=round_id), "investor": other, **as_columns("amount", ten_million)}
    )
    after = editor.get(f"/api/participations/{pk}/").json()
    assert after["amount"]["value"] == str(200 * M) and after["is_lead"] is True
    assert after["computed"]["stake"]["value"] == "0.25" and after["computed"]["pending_conditions"] == []
    assert after["sources"] == [second.pk, first.pk] and after["conditions"][0]["status"] == "met"

    then = editor.get(f"/api/participations/{pk}/", {"as_of": moment})
    assert then.status_code == 200, then.json()
    assert then.json() == before  # the whole object, its stake and pending conditions computed on the inputs then
    listed_then = editor.get("/api/participations/", {"round": round_id, "as_of": moment}).json()["results"]
    assert listed_then == listed_before and len(listed_before) == 1  # the later participation is left out
    assert editor.get(f"/api/participations/{later.pk}/", {"as_of": moment}).status_code == 404
    assert editor.get(f"/api/participations/{later.pk}/").status_code == 200

    assert editor.get(f"/api/participations/{pk}/", {"as_of": "2000-01-01"}).status_code == 404
    assert editor.get("/api/participations/", {"as_of": "2000-01-01"}).json()["results"] == []
    refused = editor.get("/api/participations/", {"as_of": "last week"})
    assert refused.status_code == 400 and "as_of" in refused.json()
    assert editor.get(f"/api/participations/{pk}/", {"as_of": "2026-13-01"}).status_code == 400
    # A write takes no as_of: refused like every undocumented parameter, and nothing is written.
    patched = editor.patch(f"/api/participations/{pk}/?as_of={moment}", {"is_lead": False}, format="json")
    assert patched.status_code == 400 and "as_of" in patched.json()
    assert Participation.objects.get(pk=pk).is_lead is True


@pytest.mark.django_db(transaction=True)
def test_the_round_as_of_has_the_conditions_and_sources_of_then():
    """The round's figures of then see the pending condition of then, as the stored ones did; its sources are
    those it cited then."""
    editor = client_for("Data entry")
    participation = ParticipationFactory(round=FundingRoundFactory(status="announced"))
    services.condition_save(
        condition=Condition(participation=participation, kind="other", description="Regulators agree")
    )
    cited, later = SourceFactory(), SourceFactory(published_on=datetime.date(2026, 3, 1))
    round_id = participation.round.pk
    services.round_update(round=FundingRound.objects.get(pk=round_id), values={"notes": "x"}, sources=[cited])
    before = editor.get(f"/api/rounds/{round_id}/").json()
    assert [w["code"] for w in before["computed"]["warnings"]] == ["pending_condition"]
    assert before["sources"] == [cited.pk]
    moment = timezone.now().isoformat()
    condition = Condition.objects.get(participation=participation)
    condition.status = "met"
    services.condition_save(condition=condition)
    services.round_update(round=FundingRound.objects.get(pk=round_id), values={}, sources=[cited, later])
    after = editor.get(f"/api/rounds/{round_id}/").json()
    assert after["computed"]["warnings"] == [] and after["sources"] == [later.pk, cited.pk]
    then = editor.get(f"/api/rounds/{round_id}/", {"as_of": moment}).json()
    assert then["computed"]["warnings"] == before["computed"]["warnings"]
    assert then["computed"]["post_money"] == before["computed"]["post_money"]
    assert {k: v for k, v in then.items() if k != "computed"} == {k: v for k, v in before.items() if k != "computed"}


@pytest.mark.django_db(transaction=True)
def test_organizations_as_of_reproduce_what_the_api_showed_before_later_edits():
    editor = client_for("Data entry")
    created = editor.post(
        "/api/organizations/",
        {"name": "Mistral AI", "kind": "company", "country": "FR", "aliases": ["Mistral"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    round_ = FundingRoundFactory(target=Organization.objects.get(pk=pk), status="announced")
    before = editor.get(f"/api/organizations/{pk}/").json()
    listed_before = editor.get("/api/organizations/").json()["results"]
    funding_before = editor.get(f"/api/organizations/{pk}/funding/").json()["rounds"]
    assert before["roles"] == ["target"] and len(funding_before) == 1
    moment = timezone.now().isoformat()

    services.organization_update(
        organization=Organization.objects.get(pk=pk),
        values={"name": "Mistral", "country": "DE", "kind": "vc_fund", "aliases": ["Mistral AI SAS"]},
    )
    newcomer = OrganizationFactory()
    ParticipationFactory(investor=Organization.objects.get(pk=pk))  # now an investor too
    services.round_update(round=FundingRound.objects.get(pk=round_.pk), values={"status": "closed"})
    after = editor.get(f"/api/organizations/{pk}/").json()
    assert after["name"] == "Mistral" and after["roles"] == ["investor", "target"]

    then = editor.get(f"/api/organizations/{pk}/", {"as_of": moment})
    assert then.status_code == 200, then.json()
    assert then.json() == before
    listed_then = editor.get("/api/organizations/", {"as_of": moment}).json()["results"]
    assert listed_then == listed_before  # the organizations created later are left out
    assert newcomer.pk not in [o["id"] for o in listed_then]
    funding_then = editor.get(f"/api/organizations/{pk}/funding/", {"as_of": moment}).json()["rounds"]
    assert without_computed(funding_then) == without_computed(funding_before)
    assert funding_then[0]["status"] == "announced"
    assert funding_then[0]["computed"]["post_money"] == funding_before[0]["computed"]["post_money"]

    assert editor.get(f"/api/organizations/{newcomer.pk}/", {"as_of": moment}).status_code == 404
    assert editor.get(f"/api/organizations/{pk}/", {"as_of": "2000-01-01"}).status_code == 404
    refused = editor.get(f"/api/organizations/{pk}/", {"as_of": "soon"})
    assert refused.status_code == 400 and "as_of" in refused.json()
    assert editor.get("/api/organizations/", {"as_of": "2026-02-30"}).status_code == 400


def valued(post_money_millions: int, **values: Any) -> FundingRound:
    post_money = {f"post_money_valuation_{part}": post_money_millions * M for part in ("value", "low", "high")}
    return FundingRoundFactory(
        post_money_valuation_qualifier="exact", post_money_valuation_currency="EUR", **post_money, **values
    )


def without_computed_at(positions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When a position was computed is inherently of now (as of a moment the engine computes it: null)."""
    return [{k: v for k, v in p.items() if k != "computed_at"} for p in positions]


@pytest.mark.django_db(transaction=True)
def test_the_cap_table_and_the_portfolio_as_of_are_the_positions_of_then():
    editor = client_for("Data entry")
    target, investor, newcomer = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    first = valued(400, target=target, reported_on=datetime.date(2025, 1, 1))
    ParticipationFactory(round=first, investor=investor, **as_columns("amount", Estimate.exact(100 * M, "EUR")))
    ParticipationFactory(round=first, investor=newcomer, **as_columns("amount", Estimate.exact(20 * M, "EUR")))
    cap_url, portfolio_url = (
        f"/api/organizations/{target.pk}/cap-table/",
        f"/api/organizations/{investor.pk}/portfolio/",
    )
    cap_before = editor.get(cap_url).json()["holders"]
    portfolio_before = editor.get(portfolio_url).json()["positions"]
    assert [(h["investor"], h["stake"]["value"]) for h in cap_before] == [(investor.pk, "0.25"), (newcomer.pk, "0.05")]
    assert [p["target"] for p in portfolio_before] == [target.pk]
    moment = timezone.now().isoformat()

    second = valued(800, target=target, reported_on=datetime.date(2026, 1, 1))
    ParticipationFactory(round=second, investor=newcomer, **as_columns("amount", Estimate.exact(400 * M, "EUR")))
    services.organization_update(organization=Organization.objects.get(pk=investor.pk), values={"name": "Renamed"})
    cap_after = editor.get(cap_url).json()["holders"]
    assert cap_after[0]["investor"] == newcomer.pk and cap_after[1]["stake"]["value"] == "0.21875"
    assert editor.get(portfolio_url).json()["positions"][0]["investor_name"] == "Renamed"

    cap_then = editor.get(cap_url, {"as_of": moment}).json()["holders"]
    portfolio_then = editor.get(portfolio_url, {"as_of": moment}).json()["positions"]
    assert without_computed_at(cap_then) == without_computed_at(cap_before)
    assert without_computed_at(portfolio_then) == without_computed_at(portfolio_before)
    assert all(h["computed_at"] is None for h in cap_then + portfolio_then)
    assert editor.get(cap_url, {"as_of": "2000-01-01"}).json()["holders"] == []
    assert editor.get(cap_url, {"as_of": "2026-02-30"}).status_code == 400


def test_records_without_any_history_are_shown_as_they_are():
    """A bulk load with the audit triggers off leaves no events: the row as it is now is the best there is."""
    participation = ParticipationFactory()
    for model, pk in (("Participation", participation.pk), ("Organization", participation.investor_id)):
        apps.get_model("deals", f"{model}Event").objects.filter(pgh_obj_id=pk).delete()
    viewer = client_for("Viewer")
    now = viewer.get(f"/api/participations/{participation.pk}/").json()
    then = viewer.get(f"/api/participations/{participation.pk}/", {"as_of": "2000-01-01"})
    assert then.status_code == 200
    assert {k: then.json()[k] for k in ("amount", "investor", "status")} == {
        k: now[k] for k in ("amount", "investor", "status")
    }
    organization = viewer.get(f"/api/organizations/{participation.investor_id}/", {"as_of": "2000-01-01"})
    assert organization.status_code == 200
    assert organization.json()["name"] == participation.investor.name
    assert organization.json()["roles"] == ["investor"]  # its participation has no history either


def queries(client: Any, url: str) -> tuple[int, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(captured), response.json()["results"]


def make_participations(n: int) -> None:
    for _ in range(n):
        post_money = {f"post_money_valuation_{part}": 400 * M for part in ("value", "low", "high")}
        round_ = FundingRoundFactory(
            status="announced",
            post_money_valuation_qualifier="exact",
            post_money_valuation_currency="EUR",
            **post_money,
        )
        participation = ParticipationFactory(round=round_)
        source = SourceFactory()
        services.participation_update(
            participation=participation,
            values={},
            conditions=[{"kind": "other", "description": "Approval", "status": "pending"}],
            sources=[source],
        )
        claims.claim_record(record=participation, field="is_lead", value=True, source=source, apply=False)


def same_queries_for_one_row_and_twenty(url: str) -> list[dict[str, Any]]:
    viewer = client_for("Viewer")
    viewer.get(url)  # the session, the user's permissions
    make_participations(1)
    viewer.get(url)  # the first read of a moment with rounds reads its rates (kept for the next ones)
    one, data = queries(viewer, url)
    assert len(data) >= 1
    make_participations(19)
    twenty, data = queries(viewer, url)
    assert len(data) >= 20
    assert twenty == one
    return data


def test_the_participations_as_of_cost_the_same_queries_for_one_row_and_twenty():
    data = same_queries_for_one_row_and_twenty("/api/participations/?page_size=50&as_of=2100-01-01")
    assert len(data) == 20 and all(p["conditions"] and p["sources"] and p["claims"] for p in data)
    assert all(p["computed"]["stake"] and p["computed"]["pending_conditions"] for p in data)


def test_the_rounds_as_of_cost_the_same_queries_for_one_row_and_twenty():
    data = same_queries_for_one_row_and_twenty("/api/rounds/?page_size=50&as_of=2100-01-01")
    assert len(data) == 20 and all(r["sources"] == [] and r["participations"] for r in data)
    assert all(r["computed"]["warnings"] and r["computed"]["post_money"] for r in data)


def test_the_organizations_as_of_cost_the_same_queries_for_one_row_and_twenty():
    data = same_queries_for_one_row_and_twenty("/api/organizations/?page_size=50&as_of=2100-01-01")
    assert len(data) == 40 and {"investor", "target"} == {role for o in data for role in o["roles"]}


@pytest.mark.parametrize("resource", ["rounds", "participations", "organizations"])
def test_a_view_as_of_a_date_has_no_etag_and_is_never_a_304(resource):
    """The current version's ETag names today's object: an as_of read is another thing, so it carries none,
    and a client holding today's ETag still gets the past in full."""
    participation = ParticipationFactory()
    record = {
        "rounds": participation.round,
        "participations": participation,
        "organizations": participation.investor,
    }[resource]
    reader = client_for("Viewer")
    today = reader.get(f"/api/{resource}/{record.pk}/")
    assert today.status_code == 200 and today["ETag"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    then = reader.get(f"/api/{resource}/{record.pk}/?as_of={tomorrow}", HTTP_IF_NONE_MATCH=today["ETag"])
    assert then.status_code == 200 and "ETag" not in then
    assert then.json()["id"] == record.pk


@pytest.mark.django_db(transaction=True)
def test_the_rounds_as_of_convert_with_the_rates_recorded_then():
    """A rate corrected later and a rate entered later (nearer the round's date) change today's conversion,
    not the one as of a moment before them: the past converts with the rates as they were recorded then."""
    from deals.models import FxRate
    from tests.factories import FxRateFactory

    rate = FxRateFactory(date=datetime.date(2026, 1, 2), base="EUR", quote="USD", rate=Decimal("1.10"))
    round_ = FundingRoundFactory(
        reported_on=datetime.date(2026, 1, 20),
        status="announced",
        **as_columns("amount", Estimate.exact(100 * M, "EUR")),
        **as_columns("post_money_valuation", Estimate.exact(900 * M, "EUR")),
    )
    reader = client_for("Viewer")
    url, params = f"/api/rounds/{round_.pk}/", {"currency": "USD"}
    before = reader.get(url, params).json()
    listed_before = reader.get("/api/rounds/", params).json()
    assert before["amount"]["converted"]["value"] == str(110 * M)
    moment = timezone.now().isoformat()

    FxRate.objects.filter(pk=rate.pk).update(rate=Decimal("1.20"))  # a correction, in raw SQL as an import does
    FxRateFactory(date=datetime.date(2026, 1, 15), base="EUR", quote="USD", rate=Decimal("1.30"))
    today = reader.get(url, params).json()
    assert today["amount"]["converted"]["value"] == str(130 * M) != before["amount"]["converted"]["value"]

    then = reader.get(url, {**params, "as_of": moment}).json()
    for field in ("amount", "post_money_valuation"):
        assert then[field] == before[field]
    assert then["conversion_warnings"] == before["conversion_warnings"]
    listed_then = reader.get("/api/rounds/", {**params, "as_of": moment}).json()
    assert [r["amount"] for r in listed_then["results"]] == [r["amount"] for r in listed_before["results"]]
    # The rate tables of moments are kept between requests: a rate written since, even one whose edits leave no
    # history, is seen at once by an answer about a moment after it.
    later = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert reader.get(url, {**params, "as_of": later}).json()["amount"] == today["amount"]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # as a bulk load writes: no audit rows
        try:
            FxRate.objects.create(date=datetime.date(2026, 1, 18), base="EUR", quote="USD", rate=Decimal("1.40"))
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
    assert reader.get(url, {**params, "as_of": later}).json()["amount"]["converted"]["value"] == str(140 * M)
    # A rate deleted since still converts the past; the rates table of then is what counted.
    FxRate.objects.all().delete()
    assert reader.get(url, {**params, "as_of": moment}).json()["amount"] == before["amount"]


@pytest.mark.django_db(transaction=True)
def test_a_portfolio_of_then_over_more_companies_than_are_computed_is_refused_with_the_count(monkeypatch):
    """Each company of a past portfolio is all its rounds computed again: a large fund's would take minutes, so
    past the limit the answer is a 400 naming the limit and the count, and the organization page says the same."""
    from deals import as_of

    editor = client_for("Data entry")
    investor = OrganizationFactory()
    for _ in range(2):
        round_ = valued(400, target=OrganizationFactory(), reported_on=datetime.date(2025, 1, 1))
        ParticipationFactory(round=round_, investor=investor, **as_columns("amount", Estimate.exact(10 * M, "EUR")))
    moment = timezone.now().isoformat()
    url = f"/api/organizations/{investor.pk}/portfolio/"
    assert len(editor.get(url, {"as_of": moment}).json()["positions"]) == 2
    monkeypatch.setattr(as_of, "PORTFOLIO_TARGETS_LIMIT", 1)
    refused = editor.get(url, {"as_of": moment})
    assert refused.status_code == 400
    assert "at most 1 companies" in str(refused.json()) and "held stakes in 2 then" in str(refused.json())
    reader = User.objects.create_user(username="reader", password="x-very-long-pass")
    reader.groups.add(Group.objects.get(name="Viewer"))
    browser = Client()
    browser.force_login(reader)
    page = browser.get(f"/organizations/{investor.slug}/", {"as_of": moment})
    assert page.status_code == 200
    assert "this investor held stakes in 2 then" in page.content.decode()
