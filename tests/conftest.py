"""Test-wide set-up: eager Celery for unit tests, a private broker folder, a real-worker fixture, Hypothesis budgets.

Every pytest-xdist worker imports this module itself, so each gets its own broker folder (and pytest-django its
own test database, suffixed with the worker's name).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from dealtracker.embedded_broker import EmbeddedBroker
from tests.support.workers import celery_worker, database_url

# Point Celery at a broker of this test run before the Celery app first reads its configuration, so a worker
# of a `make run` in another terminal never takes the tests' messages: a private embedded Valkey server in a
# temporary folder (started once, stopped at the end of the session), or a private folder for the filesystem
# transport when that is what CELERY_BROKER_URL names.
# (Pure tests of deals/engine may run without pytest-django, when settings are not configured.)
_BROKER_DIR = Path(tempfile.mkdtemp(prefix="dealtracker-test-broker-"))
_TEST_BROKER = EmbeddedBroker(_BROKER_DIR)
if settings.configured:
    if settings.CELERY_USES_EMBEDDED_BROKER:
        _TEST_BROKER.start()
        settings.CELERY_BROKER_URL = _TEST_BROKER.url(0)
        settings.CELERY_RESULT_BACKEND = _TEST_BROKER.url(1)
    elif settings.CELERY_USES_FILESYSTEM:
        from dealtracker.settings import filesystem_celery

        for _name, _value in filesystem_celery(_BROKER_DIR).items():
            setattr(settings, _name, _value)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Many tests create a user and log in; the production hasher spends a third of a second on each password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Hypothesis budgets: `dealtracker` keeps `make test` short, `thorough` hunts (DEALTRACKER_HYPOTHESIS_PROFILE=thorough,
# or pytest --hypothesis-profile=thorough). Neither has a deadline: the properties are about values, not speed, and
# a timed example fails at random on a busy machine.
hypothesis_settings.register_profile("dealtracker", max_examples=50, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("DEALTRACKER_HYPOTHESIS_PROFILE", "dealtracker"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's event loop stays in the main thread for the rest of the session, where
    Django would refuse the database calls of ordinary tests."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test's thread; tell Django that the database calls made
    there (seeding, and flushing afterwards) are deliberate, for browser tests only."""
    browser = item.get_closest_marker("browser") is not None
    if browser:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if browser:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _TEST_BROKER.stop()
    shutil.rmtree(_BROKER_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (the dashboard caches its aggregates for a minute)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language. A test client request with ``Accept-Language: de`` leaves German
    active in the thread (the locale middleware activates a language per request and nothing resets it), and
    a later test in the same process would read German messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def real_worker(transactional_db: None) -> Iterator[Any]:
    """A Celery worker process on the configured broker, reaching the test database.

    Tasks sent while it runs are not eager. Tests that use it must see committed data, hence
    ``transactional_db``.
    """
    from django.db import connection

    from dealtracker.celery import app

    app.conf.task_always_eager = False
    try:
        with celery_worker(
            broker_url=settings.CELERY_BROKER_URL,
            result_backend=settings.CELERY_RESULT_BACKEND,
            database=database_url(connection.settings_dict),
        ) as process:
            yield process
    finally:
        app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright drives Debian's Chromium, never a browser build of its own."""
    from tests.support.browser import CHROMIUM

    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def viewer(db: None) -> Any:
    """A web client logged in as a user with the Viewer role (reading is what that role grants)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user(username="viewer", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    client = Client()
    client.force_login(user)
    return client
