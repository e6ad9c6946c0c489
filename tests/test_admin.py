"""The admin: the seed deal entered on one round page, field errors with nothing half-saved, and pages whose
query count does not grow with the number of rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from deals.models import Condition, FundingRound, Organization, Participation, Source
from tests.factories import OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9


def management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def estimate(prefix: str, qualifier: str = "", value="", low="", high="", currency="") -> dict[str, str]:
    return {
        f"{prefix}_qualifier": qualifier,
        f"{prefix}_value": str(value),
        f"{prefix}_low": str(low),
        f"{prefix}_high": str(high),
        f"{prefix}_currency": currency,
    }


def participation(i: int, investor: Organization, amount: dict[str, str], conditions=()) -> dict[str, str]:
    prefix = f"participations-{i}"
    data = {f"{prefix}-investor": str(investor.pk), f"{prefix}-instrument": "equity", f"{prefix}-status": "proposed"}
    data.update({f"{prefix}-{k}": v for k, v in amount.items()})
    data.update(management(f"{prefix}-conditions", len(conditions)))
    for j, (kind, description, counterparty) in enumerate(conditions):
        data.update(
            {
                f"{prefix}-conditions-{j}-kind": kind,
                f"{prefix}-conditions-{j}-description": description,
                f"{prefix}-conditions-{j}-counterparty": str(counterparty.pk),
                f"{prefix}-conditions-{j}-status": "pending",
            }
        )
    return data


@pytest.fixture
def seed_orgs():
    names = ["OpenAI", "NVIDIA", "Microsoft", "Amazon"]
    orgs = {name: OrganizationFactory(name=name, slug=name.lower(), kind="corporate") for name in names}
    orgs["AWS"] = OrganizationFactory(name="Amazon Web Services", slug="aws", parent=orgs["Amazon"])
    return orgs


def seed_round_form(orgs, source: Source, *, nvidia_amount=None) -> dict[str, str]:
    data = {
        "target": str(orgs["OpenAI"].pk),
        "round_type": "corporate_round",
        "status": "in_talks",
        "reported_on": "2026-01-30",
        "reported_on_precision": "day",
        "announced_on_precision": "day",
        "closed_on_precision": "day",
        "notes": "",
        **estimate("amount", "up_to", 60 * BN, currency="EUR"),
        **estimate("pre_money_valuation"),
        **estimate("post_money_valuation", "at_least", 800 * BN, currency="EUR"),
        **management("participations", 3),
        **management("citations", 1),
        **management("status_changes", 0),
        **management("claims", 0),
        "citations-0-source": str(source.pk),
        "citations-0-note": "Amounts and status",
    }
    data.update(participation(0, orgs["NVIDIA"], nvidia_amount or estimate("amount", "up_to", 30 * BN, currency="EUR")))
    data.update(participation(1, orgs["Microsoft"], estimate("amount", "exact", 10 * BN, currency="EUR")))
    data.update(
        participation(
            2,
            orgs["Amazon"],
            estimate("amount", "between", "", 10 * BN, 20 * BN, "EUR"),
            [
                ("cloud_usage", "OpenAI uses AWS", orgs["AWS"]),
                ("distribution", "Enterprise products sold through Amazon", orgs["Amazon"]),
            ],
        )
    )
    return data


def test_the_seed_deal_is_entered_on_one_admin_round_page(admin_client, seed_orgs):
    source = Source.objects.create(outlet="Handelsblatt", title="Seed report", published_on="2026-01-30")
    response = admin_client.post(reverse("admin:deals_fundinground_add"), seed_round_form(seed_orgs, source))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    round_ = FundingRound.objects.get()
    assert round_.amount.qualifier == "up_to" and round_.amount_high == 60 * BN
    assert round_.post_money_valuation_low == 800 * BN and round_.post_money_valuation_high is None
    amounts = {p.investor.name: p.amount for p in round_.participations.select_related("investor")}
    assert amounts["NVIDIA"].high == 30 * BN
    assert amounts["Microsoft"].low == amounts["Microsoft"].high == 10 * BN
    assert (amounts["Amazon"].low, amounts["Amazon"].high) == (10 * BN, 20 * BN)
    assert Condition.objects.filter(participation__investor__name="Amazon").count() == 2
    assert round_.sources.get() == source
    assert round_.status_changes.get().to_status == "in_talks"


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (estimate("amount", "between", "", 20 * BN, 10 * BN, "EUR"), "amount_high"),
        (estimate("amount", "exact", -5, currency="EUR"), "amount_value"),
        (estimate("amount", "at_least", 30 * BN, high=40 * BN, currency="EUR"), "amount_high"),
        (estimate("amount", "up_to", 30 * BN, currency="XYZ"), "amount_currency"),
    ],
    ids=["low-above-high", "negative", "at-least-with-high", "not-iso-4217"],
)
def test_an_invalid_estimate_is_a_field_error_and_nothing_is_stored(admin_client, seed_orgs, amount, field):
    source = Source.objects.create(outlet="Handelsblatt", title="Seed report", published_on="2026-01-30")
    data = seed_round_form(seed_orgs, source, nvidia_amount=amount)
    response = admin_client.post(reverse("admin:deals_fundinground_add"), data)
    assert response.status_code == 200
    formset = next(fs for fs in response.context["inline_admin_formsets"] if fs.formset.prefix == "participations")
    errors = formset.formset.forms[0].errors
    assert any(key.startswith("amount_") for key in errors), errors
    assert not FundingRound.objects.exists()
    assert not Participation.objects.exists()
    assert not Condition.objects.exists()


def test_data_entry_and_viewer_groups_exist_with_their_permissions():
    entry = Group.objects.get(name="Data entry")
    viewer = Group.objects.get(name="Viewer")
    entry_perms = set(entry.permissions.values_list("codename", flat=True))
    assert {"add_fundinground", "change_fundinground", "view_fundinground", "add_participation"} <= entry_perms
    assert set(viewer.permissions.values_list("codename", flat=True)) >= {"view_fundinground", "view_organization"}
    assert not any(
        code.startswith(("add_", "change_", "delete_"))
        for code in viewer.permissions.values_list("codename", flat=True)
    )


ADMIN_MODELS = ["organization", "source", "fundinground", "participation", "relationship", "metric", "fxrate", "job"]


def grow(n: int) -> None:
    for _ in range(n):
        ParticipationFactory()


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries, model):
    url = reverse(f"admin:deals_{model}_changelist")
    grow(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url).status_code == 200
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_change_pages_load_on_the_demo_data_with_bounded_queries(admin_client, django_assert_max_num_queries):
    call_command("load_demo", rates="demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    biggest = max(FundingRound.objects.all(), key=lambda r: r.participations.count())
    smallest = min(FundingRound.objects.all(), key=lambda r: r.participations.count())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(reverse("admin:deals_fundinground_change", args=[smallest.pk])).status_code == 200
    assert biggest.participations.count() > smallest.participations.count()
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        assert admin_client.get(reverse("admin:deals_fundinground_change", args=[biggest.pk])).status_code == 200
    for model in ("organization", "source", "relationship", "metric", "fxrate", "participation"):
        obj = {"organization": Organization.objects.first()}.get(model)
        if obj is None:
            from django.apps import apps

            obj = apps.get_model("deals", model).objects.first()
        assert admin_client.get(reverse(f"admin:deals_{model}_change", args=[obj.pk])).status_code == 200


def test_deleting_a_round_in_the_admin_marks_its_target_and_deletes_it(admin_client):
    """The admin's delete goes through mark_first like every save (the target's mark taken before the round's
    row is locked); the round and its participations are gone and the target waits for its recompute."""
    from deals.models import DirtyTarget

    participation = ParticipationFactory()
    round_ = participation.round
    DirtyTarget.objects.all().delete()
    response = admin_client.post(reverse("admin:deals_fundinground_delete", args=[round_.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not FundingRound.objects.filter(pk=round_.pk).exists()
    assert not Participation.objects.filter(pk=participation.pk).exists()
    assert DirtyTarget.objects.filter(target=round_.target).exists()
