"""Tasks run in a real worker process, through the embedded broker and through Redis and RabbitMQ."""

from __future__ import annotations

import pytest
from celery import Celery
from django.db import connection

from deals.tasks import ping
from tests.support.workers import celery_worker, database_url

pytestmark = pytest.mark.worker


def test_a_real_worker_runs_a_task_through_the_configured_broker(real_worker):
    result = ping.delay()
    assert result.get(timeout=60) == "pong"
    assert real_worker.poll() is None, "the worker process is still alive and served the task"


@pytest.mark.services
@pytest.mark.parametrize(
    ("broker_url", "result_backend"),
    [
        ("redis://127.0.0.1:6379/14", "redis://127.0.0.1:6379/15"),
        ("amqp://guest:guest@127.0.0.1:5672//", "rpc://"),
    ],
    ids=["redis", "rabbitmq"],
)
def test_a_real_worker_runs_a_task_through_a_broker_server(transactional_db, monkeypatch, broker_url, result_backend):
    # Celery lets CELERY_BROKER_URL / CELERY_RESULT_BACKEND in the environment override an app's own settings.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    client = Celery("dealtracker-test-client", broker=broker_url, backend=result_backend)
    with celery_worker(
        broker_url=broker_url, result_backend=result_backend, database=database_url(connection.settings_dict)
    ):
        result = client.send_task("deals.ping")
        assert result.get(timeout=60) == "pong"
