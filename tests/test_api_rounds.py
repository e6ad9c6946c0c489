"""A round's JSON has one builder (deals.api.round_data): lists, single rounds, an organization's funding and
the answers to writes give the same object, and ``computed`` says where the recompute is."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from deals.models import DirtyTarget
from deals.pipeline.services import dirty_drain
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_every_read_and_write_of_a_round_gives_the_same_json():
    participation = ParticipationFactory()
    round_ = participation.round
    round_.sources.add(SourceFactory())
    editor = client_for("Data entry")
    url = f"/api/rounds/{round_.pk}/"
    written = editor.patch(url, {"notes": "edited"}, format="json")
    assert written.status_code == 200, written.json()
    detail = editor.get(url).json()
    listed = next(r for r in editor.get("/api/rounds/").json()["results"] if r["id"] == round_.pk)
    funding = editor.get(f"/api/organizations/{round_.target_id}/funding/").json()["rounds"]
    assert written.json() == detail == listed == funding[0]
    assert detail["notes"] == "edited" and detail["participations"][0]["investor_name"] == participation.investor.name
    created = editor.post("/api/rounds/", {"target": round_.target_id, "round_type": "seed"}, format="json")
    assert created.status_code == 201 and created.json() == editor.get(f"/api/rounds/{created.json()['id']}/").json()
    assert created["ETag"] == editor.get(f"/api/rounds/{created.json()['id']}/")["ETag"]


def computed(client: Any, pk: int) -> dict[str, Any]:
    return dict(client.get(f"/api/rounds/{pk}/").json()["computed"])


def test_computed_says_which_stage_of_the_recompute_a_round_waits_for():
    round_ = FundingRoundFactory()
    viewer = client_for("Viewer")
    assert computed(viewer, round_.pk) | {"warnings": None} == {
        "pre_money": None,
        "post_money": None,
        "pro_forma": False,
        "computed_at": None,
        "stale": True,
        "related_party_pending": True,
        "warnings": None,
    }
    dirty_drain()
    fresh = computed(viewer, round_.pk)
    assert fresh["stale"] is False and fresh["related_party_pending"] is False and fresh["computed_at"]
    DirtyTarget.objects.create(target_id=round_.target_id, stage=DirtyTarget.Stage.FLAGS, marked_at=timezone.now())
    flags = computed(viewer, round_.pk)
    assert flags["stale"] is False and flags["related_party_pending"] is True
    DirtyTarget.objects.filter(target_id=round_.target_id).update(stage=DirtyTarget.Stage.FIGURES)
    assert computed(viewer, round_.pk)["stale"] is True
