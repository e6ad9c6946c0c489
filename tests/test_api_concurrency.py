"""No lost update: 32 PATCHes of one round sent at once with the same If-Match, against real servers, give
exactly one 200 and 31 × 412, and only the winner's change is stored.

Under Django's threaded live server (what runserver runs) and under gunicorn with several worker processes
and threads, so both the in-process and the cross-process races are covered. The requests wait at a barrier
and are released together.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from deals.models import FundingRound, RoundStatusChange
from deals.tokens import token_create
from tests.factories import FundingRoundFactory
from tests.support.servers import free_port, serving
from tests.support.workers import database_url

WRITERS = 32


@pytest.fixture
def token(transactional_db: None) -> str:
    user = User.objects.create_user("concurrent-editor", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Data entry"))
    return token_create(user=user)[1]


def request(method: str, url: str, token: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def race(base: str, token: str) -> tuple[Counter[int], FundingRound, list[int]]:
    """PATCH one round from WRITERS threads at once with the ETag read before; the statuses, the round after,
    and which writers got 200."""
    round_ = FundingRoundFactory(notes="before", status="in_talks", announced_on=None, closed_on=None)
    url = f"{base}/api/rounds/{round_.pk}/"
    status, headers, _ = request("GET", url, token)
    assert status == 200
    etag = headers["ETag"]
    barrier = threading.Barrier(WRITERS)
    results: dict[int, int] = {}

    def write(i: int) -> None:
        barrier.wait(timeout=60)
        results[i] = request(
            "PATCH", url, token, {"notes": f"writer {i}", "status": "announced"}, **{"If-Match": etag}
        )[0]

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners = [i for i, code in results.items() if code == 200]
    return Counter(results.values()), FundingRound.objects.get(pk=round_.pk), winners


def assert_one_winner(statuses: Counter[int], round_: FundingRound, winners: list[int]) -> None:
    assert statuses == Counter({200: 1, 412: WRITERS - 1}), statuses
    assert round_.notes == f"writer {winners[0]}"
    assert round_.version == 2  # one write after the factory's insert
    assert RoundStatusChange.objects.filter(round=round_).count() == 1  # one status change, one history row


class BurstServer(ThreadedWSGIServer):
    """runserver's server (a thread per request) with room for the whole burst in its accept queue: with
    runserver's 10, the connections beyond it are reset before they are read, which is no answer at all."""

    request_queue_size = WRITERS * 2


class BurstServerThread(LiveServerThread):
    server_class = BurstServer


@contextlib.contextmanager
def threaded_server() -> Iterator[str]:
    thread = BurstServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        thread.join(timeout=30)


def test_concurrent_patches_with_one_etag_let_exactly_one_through_under_a_threaded_server(token):
    with threaded_server() as base:
        assert_one_winner(*race(base, token))


@contextlib.contextmanager
def gunicorn(database: str) -> Iterator[str]:
    """gunicorn serving the project on a loopback port, with 3 worker processes of 8 threads each."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "API_CACHE_URL": "dummy://",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "dealtracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "--log-level",
        "warning",
    ]
    # Any answer will do: a 503 only says the broker is not reachable.
    with serving(command, env=env, probe=f"http://127.0.0.1:{port}/healthz") as base:
        yield base


def test_concurrent_patches_with_one_etag_let_exactly_one_through_under_gunicorn(token):
    with gunicorn(database_url(connection.settings_dict)) as base:
        assert_one_winner(*race(base, token))
