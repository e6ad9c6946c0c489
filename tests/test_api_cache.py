"""The API's response cache: a read is served from it until a committed write, by any path, changes the data.

These tests commit (``transaction=True``): reads inside a transaction are never cached, since it may hold
uncommitted writes of its own. A response came from the cache when serving it read no data but the version.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deals.api.cache import data_version
from deals.models import FundingRound
from deals.pipeline.recompute import recompute_targets
from tests.api_support import client_for
from tests.factories import FundingRoundFactory, ParticipationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_api_cache() -> Iterator[None]:
    caches["api"].clear()
    yield
    caches["api"].clear()


def get(client: Any, url: str, **headers: str) -> tuple[Any, bool]:
    """The response to GET ``url`` and whether it came from the cache."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    data_read = [
        q["sql"] for q in captured.captured_queries if "deals_" in q["sql"] and "deals_data_version" not in q["sql"]
    ]
    return response, not data_read


@pytest.fixture
def round_() -> FundingRound:
    participation: Any = ParticipationFactory(round__notes="first")
    return participation.round


@pytest.fixture
def viewer() -> Any:
    return client_for("Viewer")


@pytest.mark.parametrize(
    "url",
    [
        "/api/rounds/",
        "/api/rounds/{pk}/",
        "/api/rounds/?currency=USD",
        "/api/rounds/?format=csv",
        "/api/organizations/",
        "/api/participations/",
    ],
)
def test_a_repeated_read_is_served_from_the_cache_with_the_same_bytes_and_headers(round_, viewer, url):
    url = url.format(pk=round_.pk)
    first, cached = get(viewer, url)
    assert not cached
    again, cached = get(viewer, url)
    assert cached
    assert again.content == first.content and dict(again.headers) == dict(first.headers)


def test_a_write_through_the_api_is_seen_by_the_next_read(round_, viewer):
    editor = client_for("Data entry")
    get(viewer, f"/api/rounds/{round_.pk}/")
    cached_tag = get(viewer, f"/api/rounds/{round_.pk}/")[0]["ETag"]
    patched = editor.patch(
        f"/api/rounds/{round_.pk}/", {"notes": "second"}, format="json", headers={"If-Match": cached_tag}
    )
    assert patched.status_code == 200  # the cached ETag was the current one
    response, cached = get(viewer, f"/api/rounds/{round_.pk}/")
    assert not cached and response.json()["notes"] == "second" and response["ETag"] == patched["ETag"]
    assert get(viewer, "/api/rounds/")[0].json()["results"][0]["notes"] == "second"
    stale = editor.patch(
        f"/api/rounds/{round_.pk}/", {"notes": "third"}, format="json", headers={"If-Match": cached_tag}
    )
    assert stale.status_code == 412


def test_a_write_is_never_served_from_the_cache(round_):
    editor = client_for("Data entry")
    assert get(editor, "/api/rounds/?ordering=-id")[0].json()["results"][0]["id"] == round_.pk
    created = editor.post("/api/rounds/", {"target": round_.target_id, "round_type": "series_b"}, format="json")
    assert created.status_code == 201
    again = editor.post("/api/rounds/", {"target": round_.target_id, "round_type": "seed"}, format="json")
    assert again.status_code == 201 and again.json()["id"] != created.json()["id"]
    assert get(editor, "/api/rounds/?ordering=-id")[0].json()["results"][0]["id"] == again.json()["id"]


@pytest.mark.parametrize(
    "write",
    [
        lambda r: FundingRound.objects.filter(pk=r.pk).update(notes="second"),
        lambda r: connection.cursor().execute("UPDATE deals_fundinground SET notes = 'second' WHERE id = %s", [r.pk]),
    ],
    ids=["orm", "raw-sql"],
)
def test_a_write_outside_the_api_is_seen_by_the_next_read(round_, viewer, write):
    for url in (f"/api/rounds/{round_.pk}/", "/api/rounds/"):
        get(viewer, url)
        assert get(viewer, url)[1]
    write(round_)
    detail, cached = get(viewer, f"/api/rounds/{round_.pk}/")
    assert not cached and detail.json()["notes"] == "second"
    assert get(viewer, "/api/rounds/")[0].json()["results"][0]["notes"] == "second"


def test_the_recompute_is_seen_by_the_next_read(round_, viewer):
    url = f"/api/rounds/{round_.pk}/"
    with connection.cursor() as cursor:  # marks the target dirty (a trigger) without queueing its recompute
        # A change to the figures: a recompute that changes none writes nothing, so there would be nothing to see.
        cursor.execute("UPDATE deals_fundinground SET status = 'abandoned' WHERE id = %s", [round_.pk])
    before = get(viewer, url)[0].json()["computed"]
    assert get(viewer, url)[1]
    recompute_targets(target_ids=[round_.target_id])  # new figures; the dirty mark stays for the drain to clear
    response, cached = get(viewer, url)
    assert not cached and response.json()["computed"]["computed_at"] > before["computed_at"]


def test_a_rolled_back_write_leaves_no_entry_and_no_new_version(round_, viewer):
    url = f"/api/rounds/{round_.pk}/"
    get(viewer, url)
    version = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        FundingRound.objects.filter(pk=round_.pk).update(notes="never")
        inside, cached = get(viewer, url)  # the transaction's own write, never cached
        assert not cached and inside.json()["notes"] == "never"
        raise RuntimeError("roll back")
    assert data_version() == version
    response, cached = get(viewer, url)
    assert cached and response.json()["notes"] == "first"


def test_a_committed_write_gives_a_version_never_used_before(round_):
    seen = {data_version()}
    with pytest.raises(RuntimeError), transaction.atomic():
        FundingRound.objects.filter(pk=round_.pk).update(notes="never")
        raise RuntimeError("roll back")
    for notes in ("second", "third"):
        FundingRound.objects.filter(pk=round_.pk).update(notes=notes)
        assert data_version() not in seen
        seen.add(data_version())


def test_currencies_languages_and_formats_have_entries_of_their_own(round_, viewer):
    FundingRoundFactory(target=round_.target)
    variants = [
        ("/api/rounds/?currency=USD", {}),
        ("/api/rounds/?currency=GBP", {}),
        ("/api/rounds/", {"Accept-Language": "de"}),
        ("/api/rounds/", {"Accept-Language": "en"}),
        ("/api/rounds/", {"Accept": "text/csv"}),
        ("/api/rounds/", {"Accept": "application/json; indent=2"}),
    ]
    first = {}
    for url, headers in variants:
        response, cached = get(viewer, url, **headers)
        assert not cached, (url, headers)
        first[url, tuple(headers.items())] = response.content
    for url, headers in variants:
        response, cached = get(viewer, url, **headers)
        assert cached and response.content == first[url, tuple(headers.items())], (url, headers)
    assert first["/api/rounds/?currency=USD", ()] != first["/api/rounds/?currency=GBP", ()]


def test_the_browsable_api_is_not_cached(round_):
    client = client_for("Viewer")
    for _ in range(2):
        assert not get(client, "/api/rounds/", Accept="text/html")[1]
