"""The rounds' list and detail are read as plain rows; their responses must be the serializer's, byte for byte.

Each case is requested twice through the API: as served (plain rows) and with ``RoundViewSet.plain_reads`` off
(the serializer, which defines the output). Pages are followed through their cursors on both sides.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deals.api.views import RoundViewSet
from deals.management.commands.generate_deals import Scale, generate
from deals.models import DirtyTarget, FundingRound, Participation
from deals.pipeline.recompute import recompute_targets
from deals.pipeline.services import dirty_drain
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/rounds/",
    "/api/rounds/?currency=USD",
    "/api/rounds/?currency=EUR&page_size=7",
    "/api/rounds/?currency=JPY&ordering=-date&page_size=3",
    "/api/rounds/?ordering=target&page_size=11",
    "/api/rounds/?page_size=50&status=closed&round_type=series_a",
    "/api/rounds/?status=announced&status=closed&currency=USD",
    "/api/rounds/?amount_min=1000000&currency=GBP",
    "/api/rounds/?q=a&page_size=4",
    "/api/rounds/?format=csv&currency=USD",
]


def _compare(client: Any, url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    fast = client.get(url)
    with monkeypatch.context() as patched:
        patched.setattr(RoundViewSet, "plain_reads", False)
        defined = client.get(url)
    assert fast.status_code == defined.status_code, url
    assert fast.content == defined.content, url
    assert fast.get("ETag") == defined.get("ETag") and fast.get("Content-Type") == defined.get("Content-Type"), url
    return fast


def _walk(client: Any, url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Compare every page of ``url``, following ``next``; return how many rounds it listed."""
    listed, pages = 0, 0
    next_url: str | None = url
    while next_url and pages < 40:
        response = _compare(client, next_url, monkeypatch)
        if "format=csv" in next_url:
            return len(response.content.splitlines()) - 1
        body = response.json()
        assert response.status_code == 200, (next_url, body)
        listed, pages, next_url = listed + len(body["results"]), pages + 1, body["next"]
        if body["previous"]:
            _compare(client, body["previous"], monkeypatch)
    return listed


def _compare_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for("Viewer")
    assert sum(_walk(client, url, monkeypatch) for url in LISTS) > 0
    for pk in FundingRound.objects.order_by("id").values_list("id", flat=True)[:120]:
        for query in ("", "?currency=USD"):
            _compare(client, f"/api/rounds/{pk}/{query}", monkeypatch)
    for bad in ("/api/rounds/999999999/", "/api/rounds/abc/", "/api/rounds/?currency=XXQ", "/api/rounds/?page_size=0"):
        _compare(client, bad, monkeypatch)


def _every_state() -> None:
    """Leave rounds in every state the list shows: figures fresh, figures stale, related-party flags pending,
    no figures at all, a cited source, no participants and a participant with an undisclosed amount."""
    targets = list(FundingRound.objects.order_by("target_id").values_list("target_id", flat=True).distinct())
    FundingRound.objects.filter(target_id=targets[0]).update(notes="edited")  # the trigger: figures stale
    DirtyTarget.objects.update_or_create(
        target_id=targets[1], defaults={"stage": DirtyTarget.Stage.FLAGS, "marked_at": timezone.now()}
    )
    fresh: Any = FundingRoundFactory(status="closed", round_type="series_a")  # no figures yet
    fresh.sources.add(SourceFactory(), SourceFactory(outlet="AP", published_on=datetime.date(2024, 5, 1)))
    ParticipationFactory(round=fresh, amount_qualifier="undisclosed", amount_value=None, amount_low=None,
                         amount_high=None)  # fmt: skip
    FundingRoundFactory(status="closed", round_type="series_a", amount_qualifier=None, amount_value=None,
                        amount_low=None, amount_high=None, amount_currency=None)  # fmt: skip


def test_plain_rows_give_the_serializers_json_on_the_demo_data(monkeypatch):
    call_command("load_demo", stdout=io.StringIO())
    dirty_drain()
    _every_state()
    assert Participation.objects.exists()
    _compare_everything(monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_plain_rows_give_the_serializers_json_on_generated_data(monkeypatch):
    generate(Scale(organizations=120, rounds=400, relationships=40, seed=3))
    targets = list(FundingRound.objects.values_list("target_id", flat=True).distinct().order_by("target_id"))
    recompute_targets(target_ids=targets[: len(targets) * 2 // 3])  # the rest stays stale, without figures
    DirtyTarget.objects.filter(target_id__in=targets[: len(targets) // 3]).delete()
    _every_state()
    _compare_everything(monkeypatch)


def test_plain_rows_take_no_more_statements_than_the_serializer(monkeypatch):
    call_command("load_demo", stdout=io.StringIO())
    client = client_for("Viewer")
    client.get("/api/rounds/")  # the first permission check loads the permissions this user object then keeps
    for url in ("/api/rounds/?currency=USD", f"/api/rounds/{FundingRound.objects.earliest('id').pk}/?currency=USD"):
        with CaptureQueriesContext(connection) as fast:
            client.get(url)
        with monkeypatch.context() as patched, CaptureQueriesContext(connection) as defined:
            patched.setattr(RoundViewSet, "plain_reads", False)
            client.get(url)
        assert len(fast.captured_queries) <= len(defined.captured_queries), url
