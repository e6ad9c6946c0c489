"""GET /healthz reports database and broker reachability, and whether a worker still runs tasks."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from deals import monitoring
from deals.models import WorkerHeartbeat
from deals.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_broker_and_a_worker_answer(client):
    heartbeat.delay()  # eager here; a real worker runs it in test_worker.py
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["worker"]["ok"] is True
    assert body["worker"]["heartbeat_age_s"] < 5


def test_healthz_is_503_and_names_the_broker_when_it_is_unreachable(client, settings):
    monitoring.heartbeat_record()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]


def test_healthz_is_503_when_no_worker_ever_ran_the_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is True
    assert "no worker has run the heartbeat" in response.json()["worker"]["error"]


def test_healthz_is_503_with_the_age_when_the_heartbeat_is_older_than_the_limit(client, settings):
    settings.DEALTRACKER_HEARTBEAT_MAX_AGE = 60
    WorkerHeartbeat.objects.create(name=monitoring.HEARTBEAT, beat_at=timezone.now() - datetime.timedelta(seconds=90))
    response = client.get("/healthz")
    assert response.status_code == 503
    error = response.json()["worker"]["error"]
    assert "heartbeat is 90 s old (limit 60 s)" in error


def test_running_the_heartbeat_twice_keeps_one_row_with_the_later_time():
    first = monitoring.heartbeat_record(hostname="w1").beat_at
    second = monitoring.heartbeat_record(hostname="w2")
    assert WorkerHeartbeat.objects.count() == 1
    assert second.beat_at >= first and second.hostname == "w2"
