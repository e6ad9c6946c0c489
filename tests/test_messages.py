"""Stored reasons, warnings and cycle labels are codes with parameters, shown in the reader's language."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from deals import messages
from deals.models import Condition, Cycle, DirtyTarget, FundingRound, ParticipationFigures, Relationship, RoundFigures
from deals.pipeline.recompute import recompute_targets
from deals.pipeline.services import dirty_drain_figures, dirty_drain_flags
from tests.factories import OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    amazon = OrganizationFactory(name="Amazon", slug="amazon")
    aws = OrganizationFactory(name="Amazon Web Services", slug="aws", parent=amazon)
    round_ = FundingRound.objects.create(
        target=openai, status="in_talks", round_type="corporate_round", reported_on=datetime.date(2026, 1, 30)
    )
    part = ParticipationFactory(round=round_, investor=amazon)
    Condition.objects.create(participation=part, kind="cloud_usage", description="OpenAI uses AWS", counterparty=aws)
    Relationship.objects.create(provider=aws, client=openai, kind="cloud")
    recompute_targets(target_ids=[openai.pk])
    return round_, part


def test_the_recompute_stores_codes_with_parameters(pending):
    round_, part = pending
    warnings = RoundFigures.objects.get(round=round_).warnings
    assert {"code": "pending_condition", "params": {"conditions": "OpenAI uses AWS"}} in warnings
    reasons = ParticipationFigures.objects.get(participation=part).related_party_reasons
    assert [r["code"] for r in reasons] == ["condition_with", "provider_of_via"]
    label = next(e["label"] for c in Cycle.objects.filter(round=round_) for e in c.edges if e["kind"] == "cloud")
    assert label == {"code": "tie", "params": {"kind": "cloud", "provider": "Amazon Web Services", "client": "OpenAI"}}


def test_the_pending_condition_warning_is_german_on_the_german_round_page(pending, viewer):
    round_, _ = pending
    url = reverse("deals:round_detail", args=[round_.pk])
    german = viewer.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Einige Anteile gelten nur, wenn ihre Bedingungen erfüllt sind: OpenAI uses AWS." in german
    assert "Some stakes hold only" not in german
    assert "Anbieter von Cloud für OpenAI über Amazon Web Services" in german
    english = viewer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Some stakes hold only if their conditions are met: OpenAI uses AWS." in english
    assert "provider of cloud to OpenAI via Amazon Web Services" in english
    org = viewer.get(reverse("deals:organization_detail", args=["amazon"]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Cloud von Amazon Web Services an OpenAI" in org


def test_the_api_gives_the_code_and_the_text_in_the_requests_language(pending, admin_client):
    round_, part = pending
    data = admin_client.get(f"/api/rounds/{round_.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    warning = next(w for w in data["computed"]["warnings"] if w["code"] == "pending_condition")
    assert warning["params"] == {"conditions": "OpenAI uses AWS"}
    assert warning["text"].startswith("Einige Anteile gelten nur")
    circ = admin_client.get(f"/api/rounds/{round_.pk}/circularity/", HTTP_ACCEPT_LANGUAGE="en").json()
    reasons = next(p for p in circ["participations"] if p["id"] == part.pk)["related_party_reasons"]
    assert {
        "code": "condition_with",
        "params": {"kind": "cloud_usage", "counterparty": "Amazon Web Services"},
        "text": "condition: cloud usage with Amazon Web Services",
    } in reasons
    labels = [e["label"] for c in circ["cycles"] for e in c["edges"] if e["label"]]
    assert labels and all(label["code"] == "tie" and label["text"] for label in labels)


def test_a_sentence_stored_before_codes_is_shown_as_it_is():
    assert messages.text("provider of cloud to OpenAI") == "provider of cloud to OpenAI"
    assert messages.as_api("old") == {"code": None, "params": {}, "text": "old"}
    with translation.override("de"):
        assert messages.text({"code": "unknown_code", "params": {}}) == "unknown_code"


def test_the_migration_sends_every_target_back_to_be_recomputed_with_codes(pending):
    round_, part = pending
    # A row from before codes: English sentences, as the migration finds them.
    RoundFigures.objects.filter(round=round_).update(warnings=["Some stakes hold only if … OpenAI uses AWS."])
    ParticipationFigures.objects.filter(participation=part).update(related_party_reasons=["provider of cloud"])
    DirtyTarget.objects.all().delete()
    migration = importlib.import_module("deals.migrations.0017_message_codes")
    with connection.cursor() as cursor:
        cursor.execute(migration.MARK_ALL)
    assert list(DirtyTarget.objects.values_list("target_id", "stage")) == [(round_.target_id, 1)]
    dirty_drain_figures()
    dirty_drain_flags()
    assert all(isinstance(w, dict) for w in RoundFigures.objects.get(round=round_).warnings)
    reasons = ParticipationFigures.objects.get(participation=part).related_party_reasons
    assert reasons and all(isinstance(r, dict) for r in reasons)
