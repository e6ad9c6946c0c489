"""Events that mean something: recorded once by the services and the recompute, rendered in words (en/de), listed
on the round and organization pages in place of the raw audit rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from deals import events, services
from deals.choices import EventKind
from deals.engine.estimates import Estimate
from deals.models import Event, FundingRound, Organization, Participation
from deals.models.estimates import as_columns
from tests.factories import OrganizationFactory, SourceFactory

pytestmark = pytest.mark.django_db


def up_to(value: str) -> dict[str, object]:
    amount = Decimal(value)
    return as_columns("amount", Estimate.build(qualifier="up_to", value=amount, currency="EUR"))


def new_round(target: Organization, user: object = None, **values: object) -> FundingRound:
    data = {"target": target, "round_type": "series_f", "status": "in_talks", "reported_on": datetime.date(2026, 1, 5)}
    data.update(up_to("50000000000"))
    data.update(values)
    return services.round_create(values=data, user=user)


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_superuser("admin", "admin@example.com", "x-very-long-pass")


def kinds(round_: FundingRound) -> list[str]:
    return list(Event.objects.filter(round=round_).order_by("id").values_list("kind", flat=True))


def test_a_new_round_a_status_move_and_a_revised_amount_are_one_event_each(admin_user):
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    round_ = new_round(openai, admin_user)
    source = SourceFactory()
    services.round_change_status(round=round_, to_status="announced", source=source, user=admin_user)
    services.round_update(round=round_, values=up_to("60000000000"), user=admin_user)
    services.round_update(round=round_, values={"notes": "a note is no event"}, user=admin_user)
    assert kinds(round_) == [EventKind.ROUND_CREATED, EventKind.STATUS_CHANGED, EventKind.AMOUNT_REVISED]
    moved = Event.objects.get(round=round_, kind=EventKind.STATUS_CHANGED)
    assert moved.source == source and moved.actor == admin_user and moved.organization_ids == [openai.pk]
    revised = Event.objects.select_related("actor").get(round=round_, kind=EventKind.AMOUNT_REVISED)
    with translation.override("en"):
        assert events.sentence(revised) == "Amount: up to €50bn → up to €60bn"
        assert events.line(revised).startswith("Amount: up to €50bn → up to €60bn · admin · ")
        assert events.sentence(moved) == "Status: In talks → Announced"
    with translation.override("de"):
        assert events.sentence(revised) == "Betrag: bis zu 50 Mrd. € → bis zu 60 Mrd. €"
        assert events.sentence(moved) == "Status: In Gesprächen → Angekündigt"


def test_participants_and_conditions_are_events_with_every_organization_involved():
    openai, amazon, aws = (OrganizationFactory(name=n, slug=n.lower()) for n in ("OpenAI", "Amazon", "AWS"))
    round_ = new_round(openai)
    amount = up_to("50000000000")
    conditions = [{"kind": "cloud_usage", "description": "OpenAI uses AWS", "counterparty": aws}]
    participation = services.participation_create(
        values={"round": round_, "investor": amazon, **amount}, conditions=conditions
    )
    met = [{**conditions[0], "status": "met"}]
    services.participation_update(participation=participation, values={}, conditions=met)
    services.participation_update(participation=participation, values={}, conditions=met)  # no news twice
    services.participation_update(participation=participation, values={"status": "withdrawn"})
    assert kinds(round_) == [
        EventKind.ROUND_CREATED,
        EventKind.PARTICIPANT_ADDED,
        EventKind.CONDITION_MET,
        EventKind.PARTICIPANT_WITHDRAWN,
    ]
    condition = Event.objects.get(kind=EventKind.CONDITION_MET)
    assert set(condition.organization_ids) == {openai.pk, amazon.pk, aws.pk}
    with translation.override("en"):
        assert events.sentence(condition) == "Condition met: OpenAI uses AWS (Amazon)"
        assert events.title(condition).startswith("OpenAI · Series F — ")


def test_a_kind_another_service_records_is_one_call():
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    round_ = new_round(openai)
    params = {"field": "post_money_valuation", "estimate": None, "stated": "", "source": "Reuters"}
    event = events.record_event(kind=EventKind.CLAIM_DISPUTED, round=round_, params=params)
    with translation.override("en"):
        assert events.sentence(event) == "Sources disagree on post-money valuation: — (Reuters)"


def reader() -> Client:
    user = User.objects.create_user(username="reader", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    client = Client()
    client.force_login(user)
    return client


def test_round_and_organization_pages_list_events_in_words_not_row_events(admin_user):
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    round_ = new_round(openai, admin_user)
    services.round_update(round=round_, values=up_to("60000000000"), user=admin_user)
    client = reader()
    page = client.get(reverse("deals:round_detail", args=[round_.pk])).content.decode()
    assert "Amount: up to €50bn → up to €60bn · admin · " in page
    assert "deals.FundingRound" not in page and "insert" not in page.lower().split("<main")[-1]
    german = client.get(reverse("deals:organization_detail", args=["openai"]), HTTP_ACCEPT_LANGUAGE="de")
    assert "Betrag: bis zu 50 Mrd. € → bis zu 60 Mrd. €" in german.content.decode()


def test_participations_and_conditions_entered_through_the_api_name_who_entered_them(admin_user):
    from rest_framework.test import APIClient

    openai, amazon, aws = (OrganizationFactory(name=n, slug=n.lower()) for n in ("OpenAI", "Amazon", "AWS"))
    round_ = new_round(openai)
    client = APIClient()
    client.force_authenticate(admin_user)
    condition = {"kind": "cloud_usage", "description": "OpenAI uses AWS", "counterparty": aws.pk, "status": "met"}
    payload = {
        "round": round_.pk,
        "investor": amazon.pk,
        "amount": {"value": "10000000000", "qualifier": "exact", "currency": "EUR"},
        "conditions": [{**condition, "status": "pending"}],
    }
    response = client.post("/api/participations/", payload, format="json")
    assert response.status_code == 201, response.json()
    url = f"/api/participations/{response.json()['id']}/"
    assert client.patch(url, {"conditions": [condition]}, format="json").status_code == 200
    named = dict(Event.objects.filter(round=round_).values_list("kind", "actor__username"))
    assert named == {
        EventKind.ROUND_CREATED: None,
        EventKind.PARTICIPANT_ADDED: "admin",
        EventKind.CONDITION_MET: "admin",
    }
    assert events.who(Event.objects.get(kind=EventKind.CONDITION_MET)) == "admin"


def test_participations_and_conditions_entered_in_the_admin_name_who_entered_them(admin_user):
    from tests.test_admin import seed_round_form

    names = ["OpenAI", "NVIDIA", "Microsoft", "Amazon"]
    orgs = {name: OrganizationFactory(name=name, slug=name.lower(), kind="corporate") for name in names}
    orgs["AWS"] = OrganizationFactory(name="Amazon Web Services", slug="aws", parent=orgs["Amazon"])
    form = seed_round_form(orgs, SourceFactory())
    form["participations-2-conditions-0-status"] = "met"
    client = Client()
    client.force_login(admin_user)
    response = client.post(reverse("admin:deals_fundinground_add"), form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    actors = list(Event.objects.order_by("id").values_list("kind", "actor__username"))
    assert actors == [
        (EventKind.ROUND_CREATED, "admin"),
        (EventKind.PARTICIPANT_ADDED, "admin"),
        (EventKind.PARTICIPANT_ADDED, "admin"),
        (EventKind.PARTICIPANT_ADDED, "admin"),
        (EventKind.CONDITION_MET, "admin"),
    ]
    amazon = Participation.objects.get(investor=orgs["Amazon"])
    data = {
        "round": str(amazon.round_id),
        "investor": str(amazon.investor_id),
        "instrument": "equity",
        "status": "withdrawn",
        "amount_qualifier": "between",
        "amount_value": "",
        "amount_low": str(amazon.amount_low),
        "amount_high": str(amazon.amount_high),
        "amount_currency": "EUR",
        "conditions-TOTAL_FORMS": "0",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:deals_participation_change", args=[amazon.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    withdrawn = Event.objects.get(kind=EventKind.PARTICIPANT_WITHDRAWN)
    assert withdrawn.actor == admin_user
