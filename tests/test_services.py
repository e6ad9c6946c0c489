"""The write services: one rule, one path. The same status change through the admin, the API and the service
gives the same rows; participations keep their conditions; organizations get unique slugs and merge whole."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from pghistory.models import Events
from rest_framework.test import APIClient

from deals import selectors, services
from deals.models import Citation, Condition, FundingRound, Metric, Organization, Participation, Relationship
from tests.factories import (
    FundingRoundFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

REPORTED, CHANGED = datetime.date(2026, 1, 30), datetime.date(2026, 2, 2)
#: Columns that differ between otherwise identical rounds.
OWN = {"id", "created_at", "updated_at", "target_id", "ref"}


def admin_form_data(response: Any) -> dict[str, str]:
    """The POST data of an admin change page as it was rendered: its form's values and inline management forms."""
    form = response.context["adminform"].form
    data: dict[str, str] = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False):
            data[name] = "on" if value is True else str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": str(v) for k, v in formset.management_form.initial.items()})
    return data


def state(round_: FundingRound) -> dict[str, Any]:
    """The round's columns, its status history and its audit log, without what differs between rows anyway."""
    row = {k: v for k, v in FundingRound.objects.filter(pk=round_.pk).values().get().items() if k not in OWN}
    history = list(
        round_.status_changes.values_list("changed_on", "from_status", "to_status", "source", "note", "recorded_by")
    )
    audit = sorted(  # one transaction's events share their time; their order across tables is not kept
        (event["model"], event["label"], [c for c in event["changes"] if c[0] not in OWN | {"round"}])
        for event in selectors.object_history(round_, related=True)
    )
    return {"round": row, "history": history, "audit": audit}


def test_a_status_change_through_the_admin_the_api_and_the_service_writes_the_same_rows(admin_client):
    user = User.objects.get(username="admin")
    source = SourceFactory()
    rounds = [FundingRoundFactory(status="in_talks", reported_on=REPORTED) for _ in range(3)]
    by_admin, by_api, by_service = rounds

    page = admin_client.get(reverse("admin:deals_fundinground_change", args=[by_admin.pk]))
    data = {
        **admin_form_data(page),
        "status": "announced",
        "status_changed_on": CHANGED.isoformat(),
        "status_source": str(source.pk),
        "status_note": "Press release",
    }
    saved = admin_client.post(reverse("admin:deals_fundinground_change", args=[by_admin.pk]), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved

    api = APIClient()
    api.force_authenticate(user)
    patched = api.patch(
        f"/api/rounds/{by_api.pk}/",
        {
            "status": "announced",
            "status_changed_on": CHANGED.isoformat(),
            "status_source": source.pk,
            "status_note": "Press release",
        },
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert "status_note" not in patched.json()  # write-only

    services.round_change_status(
        round=by_service, to_status="announced", changed_on=CHANGED, source=source, note="Press release", user=user
    )

    admin_state, api_state, service_state = (state(r) for r in rounds)
    assert admin_state["round"]["announced_on"] == CHANGED and admin_state["round"]["status"] == "announced"
    assert admin_state["history"] == [(CHANGED, "in_talks", "announced", source.pk, "Press release", user.pk)]
    # The first save through a service also records the round's values as claims (deals.claims).
    changes = [(model, label) for model, label, _ in admin_state["audit"] if model != "deals.ClaimEvent"]
    assert changes == [
        ("deals.FundingRoundEvent", "insert"),
        ("deals.FundingRoundEvent", "update"),
        ("deals.RoundStatusChangeEvent", "insert"),
    ]
    assert admin_state == api_state == service_state


def test_the_api_records_a_status_change_as_the_admin_does():
    """The issue's case: PATCH {"status": "announced"} answered 200 and recorded nothing."""
    round_ = FundingRoundFactory(status="in_talks", reported_on=REPORTED)
    api = APIClient()
    api.force_authenticate(User.objects.create_superuser("root", password="x-very-long-pass"))
    assert api.patch(f"/api/rounds/{round_.pk}/", {"status": "announced"}, format="json").status_code == 200
    round_.refresh_from_db()
    change = round_.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_on) == ("in_talks", "announced", round_.announced_on)
    assert round_.announced_on is not None


def test_closing_fills_the_dates_it_has_none_of_and_keeps_the_others():
    round_ = FundingRoundFactory(status="announced", reported_on=REPORTED, announced_on=REPORTED)
    services.round_change_status(round=round_, to_status="closed", changed_on=CHANGED)
    round_.refresh_from_db()
    assert (round_.announced_on, round_.closed_on) == (REPORTED, CHANGED)


def test_a_status_change_dated_before_the_first_report_is_a_field_error_and_writes_nothing():
    round_ = FundingRoundFactory(status="in_talks", reported_on=CHANGED)
    with pytest.raises(ValidationError) as error:
        services.round_change_status(round=round_, to_status="announced", changed_on=REPORTED)
    assert "status_changed_on" in error.value.message_dict
    round_.refresh_from_db()
    assert round_.status == "in_talks" and not round_.status_changes.exists()


def test_a_new_round_records_its_first_status_and_keeps_the_dates_it_is_given():
    round_ = services.round_create(
        values={"target": OrganizationFactory(), "status": "announced", "reported_on": REPORTED},
        status_changed_on=REPORTED,
    )
    assert round_.announced_on is None
    assert list(round_.status_changes.values_list("from_status", "to_status")) == [("", "announced")]


def test_a_participation_is_written_with_its_conditions_and_sources():
    aws, source = OrganizationFactory(), SourceFactory()
    participation = services.participation_create(
        values={
            "round": FundingRoundFactory(),
            "investor": OrganizationFactory(),
            "amount_qualifier": "undisclosed",
            "amount_currency": "EUR",
        },
        conditions=[{"kind": "cloud_usage", "description": "Uses AWS", "counterparty": aws}],
        sources=[source],
    )
    assert participation.conditions.get().counterparty == aws
    services.participation_update(participation=participation, values={"is_lead": True}, conditions=[])
    assert not participation.conditions.exists() and list(participation.sources.all()) == [source]
    with pytest.raises(ValidationError):  # a condition without a description is refused, and nothing kept
        services.participation_update(
            participation=participation, values={"is_lead": False}, conditions=[{"kind": "other", "description": ""}]
        )
    participation.refresh_from_db()
    assert participation.is_lead


def test_an_organization_without_a_slug_gets_a_unique_one_from_its_name():
    OrganizationFactory(name="Mistral", slug="mistral-ai")
    first = services.organization_create(values={"name": "Mistral AI"})
    second = services.organization_create(values={"name": "Mistral AI SAS", "slug": ""})
    assert (first.slug, second.slug) == ("mistral-ai-2", "mistral-ai-sas")
    assert services.organization_create(values={"name": "Mistral-AI!"}).slug == "mistral-ai-3"


def test_merging_organizations_moves_everything_to_the_survivor():
    survivor = OrganizationFactory(name="Microsoft", slug="microsoft", aliases=["MSFT"])
    duplicate = OrganizationFactory(name="Microsoft Corp", slug="microsoft-corp", aliases=["Microsoft Corporation"])
    shared_round, own_round = FundingRoundFactory(), FundingRoundFactory(target=duplicate)
    kept = ParticipationFactory(round=shared_round, investor=survivor)
    folded = ParticipationFactory(round=shared_round, investor=duplicate)
    moved = ParticipationFactory(investor=duplicate)
    source = SourceFactory()
    Citation.objects.create(participation=folded, source=source)
    Condition.objects.create(participation=folded, description="Azure", counterparty=duplicate)
    relationship = RelationshipFactory(provider=duplicate)
    metric = Metric.objects.create(organization=duplicate, kind="rpo_share", period_year=2026, percent=45)
    subsidiary = OrganizationFactory(parent=duplicate)

    services.organization_merge(survivor=survivor, merged=[duplicate])

    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    assert FundingRound.objects.get(pk=own_round.pk).target == survivor
    assert Participation.objects.get(pk=moved.pk).investor == survivor
    assert not Participation.objects.filter(pk=folded.pk).exists()
    assert list(Participation.objects.get(pk=kept.pk).sources.all()) == [source]
    assert Condition.objects.get().participation_id == kept.pk and Condition.objects.get().counterparty == survivor
    assert Relationship.objects.get(pk=relationship.pk).provider == survivor
    assert Metric.objects.get(pk=metric.pk).organization == survivor
    assert Organization.objects.get(pk=subsidiary.pk).parent == survivor
    assert Organization.objects.get(pk=survivor.pk).aliases == ["MSFT", "Microsoft Corp", "Microsoft Corporation"]
    merge = Events.objects.filter(pgh_context__action="organization_merge")  # one audited transaction
    assert merge.filter(pgh_label="delete", pgh_model="deals.OrganizationEvent", pgh_obj_id=duplicate.pk).exists()
    assert merge.filter(pgh_label="update", pgh_model="deals.FundingRoundEvent", pgh_obj_id=own_round.pk).exists()


def test_a_merge_that_would_make_an_organization_invest_in_itself_writes_nothing():
    target, investor = OrganizationFactory(), OrganizationFactory()
    participation = ParticipationFactory(round=FundingRoundFactory(target=target), investor=investor)
    with pytest.raises(ValidationError):
        services.organization_merge(survivor=target, merged=[investor])
    assert Participation.objects.get(pk=participation.pk).investor == investor
    assert Organization.objects.filter(pk=investor.pk).exists()


def test_the_admin_merges_the_selected_organizations_into_the_one_chosen(admin_client):
    survivor, duplicate = OrganizationFactory(name="Amazon"), OrganizationFactory(name="Amazon.com")
    round_ = FundingRoundFactory(target=duplicate)
    url = reverse("admin:deals_organization_changelist")
    selection = {"action": "merge_organizations", "_selected_action": [survivor.pk, duplicate.pk]}
    confirm = admin_client.post(url, selection)
    assert confirm.status_code == 200 and b"survivor" in confirm.content
    done = admin_client.post(url, {**selection, "survivor": survivor.pk})
    assert done.status_code == 302
    assert FundingRound.objects.get(pk=round_.pk).target == survivor
    assert list(Organization.objects.values_list("name", flat=True)) == ["Amazon"]
