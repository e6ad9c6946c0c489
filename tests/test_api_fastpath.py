"""Cache hits answered before DRF's dispatch, and the token lookup cache behind them.

A hit reads nothing but the data and auth versions (one query): no token row, no permission, no data. It is
only ever what DRF answered the same read, and only to users DRF lets read it: a revoked token, a changed
password, a deactivated user or a role taken away takes effect on the very next request — in every process
at once, since each process's token entries hold only for the auth version the database gives.

These tests commit (``transaction=True``): reads inside a transaction are never cached.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from deals.api.cache import LocalEntries
from deals.api.tokencache import read_versions
from deals.tokens import token_create, token_revoke
from tests.factories import ParticipationFactory
from tests.support.servers import free_port, get, serving
from tests.support.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

URLS = [
    "/api/rounds/",
    "/api/rounds/{pk}/",
    "/api/rounds/?currency=USD",
    "/api/rounds/?format=csv",
    "/api/organizations/",
    "/api/participations/",
    "/api/sources/",
]


@pytest.fixture(autouse=True)
def _empty_api_cache() -> Iterator[None]:
    caches["api"].clear()
    yield
    caches["api"].clear()


@pytest.fixture
def round_() -> Any:
    return ParticipationFactory(round__notes="first").round


def user_with(role: str | None, name: str = "reader") -> User:
    user = User.objects.create_user(username=name, password="x-very-long-pass")
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def token_client(user: User) -> tuple[APIClient, str]:
    token = token_create(user=user)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, token


def read(client: APIClient, url: str, **headers: str) -> tuple[Any, list[str]]:
    """The response and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, [q["sql"] for q in captured.captured_queries]


def is_fast_hit(queries: list[str]) -> bool:
    return len(queries) == 1 and "deals_auth_version" in queries[0]


@pytest.mark.parametrize("url", URLS)
def test_a_hit_reads_only_the_versions_and_gives_the_same_bytes_and_headers(round_, url):
    client, _ = token_client(user_with("Viewer"))
    url = url.format(pk=round_.pk)
    first, queries = read(client, url)
    assert first.status_code == 200 and not is_fast_hit(queries)
    for _ in range(2):
        again, queries = read(client, url)
        assert is_fast_hit(queries), queries
        assert again.status_code == 200
        assert again.content == first.content and dict(again.headers) == dict(first.headers)


def test_a_miss_reads_the_versions_once_and_the_token_from_the_cache(round_):
    client, _ = token_client(user_with("Viewer"))
    read(client, "/api/rounds/")  # fills the token's entry
    response, queries = read(client, f"/api/rounds/{round_.pk}/")
    assert response.status_code == 200
    assert sum("deals_auth_version" in q for q in queries) == 1
    assert not any("knox_authtoken" in q or "auth_permission" in q for q in queries), queries


def test_if_none_match_gives_304_on_the_fast_path_as_through_drf(round_):
    client, _ = token_client(user_with("Viewer"))
    url = f"/api/rounds/{round_.pk}/"
    tag = client.get(url)["ETag"]
    caches["api"].clear()
    through_drf, queries = read(client, url, **{"If-None-Match": tag})
    assert through_drf.status_code == 304 and not is_fast_hit(queries)
    read(client, url)  # stored
    fast, queries = read(client, url, **{"If-None-Match": f'"other", {tag}'})
    assert fast.status_code == 304 and is_fast_hit(queries)
    assert fast.content == b"" and dict(fast.headers) == dict(through_drf.headers)
    changed, queries = read(client, url, **{"If-None-Match": '"other"'})
    assert changed.status_code == 200 and is_fast_hit(queries)
    listed, _ = read(client, "/api/rounds/", **{"If-None-Match": "*"})
    assert listed.status_code == 200  # a list has no ETag, on either path


@pytest.mark.parametrize(
    "take_away",
    [
        lambda user, token: token_revoke(user=user, token_key=token[:15]),
        lambda user, token: (user.set_password("another-long-pass"), user.save()),
        lambda user, token: User.objects.filter(pk=user.pk).update(is_active=False),
        lambda user, token: connection.cursor().execute("DELETE FROM knox_authtoken WHERE user_id = %s", [user.pk]),
    ],
    ids=["revoked", "password-changed", "deactivated", "deleted-by-sql"],
)
def test_a_token_taken_away_is_refused_on_the_next_request(round_, take_away):
    user = user_with("Viewer")
    client, token = token_client(user)
    for url in ("/api/rounds/", f"/api/rounds/{round_.pk}/"):
        read(client, url)
        assert is_fast_hit(read(client, url)[1])
    take_away(user, token)
    for url in ("/api/rounds/", f"/api/rounds/{round_.pk}/"):
        response, _ = read(client, url)
        assert response.status_code == 401, response.content


def test_a_role_taken_away_is_refused_on_the_next_request(round_):
    user = user_with("Viewer")
    client, _ = token_client(user)
    read(client, "/api/rounds/")
    assert is_fast_hit(read(client, "/api/rounds/")[1])
    user.groups.clear()
    assert read(client, "/api/rounds/")[0].status_code == 403
    user.groups.add(Group.objects.get(name="Data entry"))
    assert read(client, "/api/rounds/")[0].status_code == 200
    Group.objects.get(name="Data entry").permissions.clear()
    assert read(client, "/api/rounds/")[0].status_code == 403


def test_a_hit_is_refused_to_whoever_drf_refuses(round_):
    viewer, _ = token_client(user_with("Viewer"))
    for url in ("/api/rounds/", f"/api/rounds/{round_.pk}/"):
        read(viewer, url)
        assert is_fast_hit(read(viewer, url)[1])
        no_role, _ = token_client(user_with(None, name=f"no-role-{len(url)}"))
        assert read(no_role, url)[0].status_code == 403
        assert APIClient().get(url).status_code == 401
        forged = APIClient()
        forged.credentials(HTTP_AUTHORIZATION="Token " + "a" * 64)
        assert forged.get(url).status_code == 401
        malformed = APIClient()
        malformed.credentials(HTTP_AUTHORIZATION="Token two parts")
        assert malformed.get(url).status_code == 401


def test_public_read_serves_hits_to_anonymous_readers(round_):
    viewer, _ = token_client(user_with("Viewer"))
    read(viewer, "/api/rounds/")
    with override_settings(PUBLIC_READ=True):
        response, queries = read(APIClient(), "/api/rounds/")
        assert response.status_code == 200 and is_fast_hit(queries)
    assert APIClient().get("/api/rounds/").status_code == 401


def test_a_session_user_is_served_hits_as_drf_serves_them(round_):
    viewer, _ = token_client(user_with("Viewer"))
    read(viewer, "/api/rounds/")
    session = APIClient()
    session.force_login(user_with("Viewer", name="browser-user"))
    response, queries = read(session, "/api/rounds/")
    assert response.status_code == 200
    assert not any("deals_fundinground" in q for q in queries)  # the session and user rows, not the data
    no_role = APIClient()
    no_role.force_login(user_with(None, name="browser-no-role"))
    assert no_role.get("/api/rounds/").status_code == 403


def test_writes_go_through_drf(round_):
    editor, _ = token_client(user_with("Data entry"))
    read(editor, f"/api/rounds/{round_.pk}/")
    patched = editor.patch(f"/api/rounds/{round_.pk}/", {"notes": "second"}, format="json")
    assert patched.status_code == 200
    response, queries = read(editor, f"/api/rounds/{round_.pk}/")
    assert not is_fast_hit(queries) and response.json()["notes"] == "second"


def test_token_writes_change_the_auth_version_at_commit_only(round_):
    user = user_with("Viewer")
    before = read_versions()
    token_create(user=user)
    after = read_versions()
    assert before is not None and after is not None
    assert after.auth > before.auth and after.data == before.data  # no response cache entry is lost


def test_revocation_holds_at_once_in_every_process_of_a_server(round_):
    """gunicorn with two worker processes, each with its own in-memory response and token caches: a
    revocation made in this process is refused by both on the next request, with nothing sent to them."""
    client_user = user_with("Viewer")
    token = token_create(user=client_user)[1]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "API_CACHE_URL": "locmem://api",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    command = [sys.executable, "-m", "gunicorn", "dealtracker.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    headers = {"Authorization": f"Token {token}"}
    with serving(command, env=env, probe=f"http://127.0.0.1:{port}/healthz") as base:
        url = f"{base}/api/rounds/{round_.pk}/"
        answers = [get(url, headers) for _ in range(40)]  # both workers, each filled and then hitting
        assert {status for status, *_ in answers} == {200}
        assert len({body for *_, body in answers}) == 1
        assert token_revoke(user=client_user, token_key=token[:15])
        after = [get(url, headers)[0] for _ in range(40)]
        assert set(after) == {401}


def test_the_versions_read_is_the_health_check_of_a_kept_connection(round_):
    """On a kept connection the versions' read replaces Django's ``SELECT 1``; one that has died is closed
    and the read made again on a new one, so the request is answered all the same."""
    db: Any = connection
    assert read_versions() is not None
    pid = db.connection.info.backend_pid
    db.health_check_done = False  # as at the start of a request
    assert read_versions() is not None and db.health_check_done
    assert db.connection.info.backend_pid == pid  # healthy: kept, no SELECT 1 of its own
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    db.health_check_done = False
    versions = read_versions()
    assert versions is not None and db.connection.info.backend_pid != pid


def test_local_copies_are_bounded_by_size_least_recently_used_first():
    local = LocalEntries()
    for name in ("a", "b", "c"):
        local.put(name, (name.encode() * 40, []), limit=100)
    assert local.get("a") is None and local.get("c") is not None and local.get("b") is not None
    local.put("d", (b"d" * 40, []), limit=100)  # "b" was used after "c": "c" goes
    assert local.get("c") is None and local.get("b") is not None and local.size == 80
    local.put("huge", (b"x" * 101, []), limit=100)
    assert local.get("huge") is None
