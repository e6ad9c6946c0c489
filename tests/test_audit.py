"""Every change to the input models is kept, including bulk updates and raw SQL, and shown in the admin."""

from __future__ import annotations

from decimal import Decimal

import pghistory
import pghistory.models
import pytest
from django.db import connection
from django.urls import reverse

from deals.models import FundingRound
from tests.factories import FundingRoundFactory

pytestmark = pytest.mark.django_db


def events_of(obj):
    return list(pghistory.models.Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id"))


def test_history_lists_a_change_made_by_queryset_update():
    round_ = FundingRoundFactory(status="in_talks")
    FundingRound.objects.filter(pk=round_.pk).update(status="announced")
    events = events_of(round_)
    labels = [event.pgh_label for event in events]
    assert labels[0] == "insert"
    assert "update" in labels
    update = next(event for event in events if event.pgh_label == "update")
    assert update.pgh_diff["status"] == ["in_talks", "announced"]


def test_history_lists_a_change_made_by_raw_sql():
    round_ = FundingRoundFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE deals_fundinground SET notes = 'edited by hand' WHERE id = %s", [round_.pk])
    assert any(event.pgh_diff and "notes" in event.pgh_diff for event in events_of(round_))


def test_history_records_who_made_a_change_in_a_context():
    round_ = FundingRoundFactory()
    with pghistory.context(username="analyst"):
        FundingRound.objects.filter(pk=round_.pk).update(
            amount_value=Decimal("200000000"), amount_low=Decimal("200000000"), amount_high=Decimal("200000000")
        )
    update = [event for event in events_of(round_) if event.pgh_label == "update"][-1]
    assert update.pgh_context["username"] == "analyst"


def test_the_admin_history_page_shows_the_bulk_change(admin_client):
    round_ = FundingRoundFactory(status="in_talks")
    FundingRound.objects.filter(pk=round_.pk).update(status="closed")
    response = admin_client.get(reverse("admin:deals_fundinground_history", args=[round_.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "in_talks" in content and "closed" in content


def test_deleting_a_round_is_kept_in_history():
    round_ = FundingRoundFactory()
    pk = round_.pk
    round_.delete()
    deleted = pghistory.models.Events.objects.filter(pgh_obj_model="deals.FundingRound", pgh_obj_id=str(pk))
    assert "delete" in set(deleted.values_list("pgh_label", flat=True))
