"""ETags come from a row version, not from a rendering: one object has one ETag whatever its representation,
If-Match with it writes, a stale one is refused with nothing written, and If-None-Match answers 304."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import Condition, FundingRound, FxRate, Participation
from deals.pipeline.services import dirty_drain
from tests.api_support import client_for
from tests.factories import ParticipationFactory, SourceFactory
from tests.test_api import RESOURCES

pytestmark = pytest.mark.django_db

IDS = [r[0] for r in RESOURCES]


@pytest.fixture
def editor() -> Any:
    FxRate.objects.create(date=datetime.date(2020, 1, 1), base="EUR", quote="USD", rate=Decimal("1.1"))
    return client_for("Data entry")


def tag(client: Any, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return str(response["ETag"])


@pytest.mark.parametrize(("resource", "factory", "payload", "change"), RESOURCES, ids=IDS)
def test_every_representation_of_an_object_has_one_etag_and_if_match_with_it_writes(
    editor, resource, factory, payload, change
):
    url = f"/api/{resource}/{factory().pk}/"
    plain = tag(editor, url)
    assert tag(editor, f"{url}?currency=USD") == plain
    assert tag(editor, f"{url}?format=csv") == plain
    assert tag(editor, url, **{"Accept-Language": "de"}) == plain
    written = editor.patch(f"{url}?format=json", change, format="json", headers={"If-Match": plain})
    assert written.status_code == 200, written.content
    assert written["ETag"] != plain
    assert tag(editor, f"{url}?currency=USD") == written["ETag"]


@pytest.mark.parametrize(("resource", "factory", "payload", "change"), RESOURCES, ids=IDS)
def test_a_stale_etag_is_refused_with_412_and_nothing_is_written(editor, resource, factory, payload, change):
    row = factory()
    url = f"/api/{resource}/{row.pk}/"
    stale = tag(editor, url)
    type(row).objects.filter(pk=row.pk).update()  # any update, even one that sets nothing, is a new version
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {type(row)._meta.db_table} SET id = id WHERE id = %s", [row.pk])
    before = type(row).objects.filter(pk=row.pk).values().get()
    refused = editor.patch(url, change, format="json", headers={"If-Match": stale})
    assert refused.status_code == 412
    assert type(row).objects.filter(pk=row.pk).values().get() == before
    assert editor.delete(url, headers={"If-Match": stale}).status_code == 412
    assert type(row).objects.filter(pk=row.pk).exists()
    assert editor.delete(url, headers={"If-Match": tag(editor, url)}).status_code == 204


@pytest.mark.parametrize(("resource", "factory", "payload", "change"), RESOURCES, ids=IDS)
def test_if_none_match_with_the_current_etag_answers_304_without_a_body(editor, resource, factory, payload, change):
    url = f"/api/{resource}/{factory().pk}/"
    current = tag(editor, url)
    unchanged = editor.get(f"{url}?currency=USD", headers={"If-None-Match": current})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged["ETag"] == current
    assert editor.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    editor.patch(url, change, format="json")
    assert editor.get(url, headers={"If-None-Match": current}).status_code == 200


def test_a_participation_read_in_another_currency_can_be_written_with_its_etag(editor):
    """The issue's case: the ETag of ?currency=USD used to be refused by its own If-Match."""
    participation = ParticipationFactory()
    url = f"/api/participations/{participation.pk}/"
    etag = tag(editor, f"{url}?currency=USD")
    assert editor.patch(url, {"is_lead": True}, format="json", headers={"If-Match": etag}).status_code == 200


def test_what_a_round_shows_of_its_participations_and_sources_changes_its_etag(editor):
    participation = ParticipationFactory()
    round_url = f"/api/rounds/{participation.round_id}/"
    participation_url = f"/api/participations/{participation.pk}/"
    seen = {tag(editor, round_url)}
    steps = [
        lambda: editor.patch(participation_url, {"is_lead": True}, format="json"),
        lambda: editor.patch(round_url, {"sources": [SourceFactory().pk]}, format="json"),
        lambda: ParticipationFactory(round=participation.round),
    ]
    for step in steps:
        step()
        now = tag(editor, round_url)
        assert now not in seen
        seen.add(now)
    before = tag(editor, participation_url)
    Condition.objects.create(participation=participation, description="Uses AWS")
    assert tag(editor, participation_url) != before


def test_the_recompute_leaves_the_etag_as_it_is(editor):
    round_ = ParticipationFactory().round
    url = f"/api/rounds/{round_.pk}/"
    before = editor.get(url)
    versions = (FundingRound.objects.get(pk=round_.pk).version, Participation.objects.get(round=round_).version)
    assert before.json()["computed"]["stale"] is True
    dirty_drain()
    after = editor.get(url)
    assert after.json()["computed"]["stale"] is False and after["ETag"] == before["ETag"]
    assert (FundingRound.objects.get(pk=round_.pk).version, Participation.objects.get(round=round_).version) == versions


@pytest.mark.django_db(transaction=True)
def test_a_read_served_from_the_cache_answers_if_none_match_with_304_too():
    caches["api"].clear()
    viewer = client_for("Viewer")
    url = f"/api/rounds/{ParticipationFactory().round_id}/"
    first = viewer.get(url)
    with CaptureQueriesContext(connection) as captured:
        unchanged = viewer.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]
    assert not [q for q in captured.captured_queries if "deals_fundinground" in q["sql"]]  # from the cache
    caches["api"].clear()
