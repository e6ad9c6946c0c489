"""The pipeline with real worker processes: an edit is reflected within a deadline, a killed worker's job
resumes and ends as a clean run would, and writes made while the broker is down are not lost."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from deals.choices import JobKind, JobState
from deals.models import DirtyTarget, FundingRound, Job, Organization, ParticipationFigures, Position, RoundFigures
from deals.pipeline import services
from deals.pipeline.recompute import recompute_targets
from deals.tasks import run_full_recompute
from dealtracker.celery import app
from tests.support.polling import poll
from tests.support.servers import free_port
from tests.support.workers import celery_worker, database_url, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parent.parent


def snapshot() -> list[str]:
    rows = [*RoundFigures.objects.values(), *ParticipationFigures.objects.values(), *Position.objects.values()]
    return sorted(str(sorted((k, v) for k, v in row.items() if k not in {"computed_at", "id"})) for row in rows)


def make_targets(n: int) -> list[Organization]:
    orgs = Organization.objects.bulk_create(Organization(name=f"Target {i}", slug=f"target-{i}") for i in range(n))
    FundingRound.objects.bulk_create(
        FundingRound(
            target=org,
            status="closed",
            amount_qualifier="exact",
            amount_value=Decimal(i + 1) * 1000,
            amount_low=Decimal(i + 1) * 1000,
            amount_high=Decimal(i + 1) * 1000,
            amount_currency="EUR",
            post_money_valuation_qualifier="exact",
            post_money_valuation_value=Decimal(10**7),
            post_money_valuation_low=Decimal(10**7),
            post_money_valuation_high=Decimal(10**7),
            post_money_valuation_currency="EUR",
        )
        for i, org in enumerate(orgs)
    )
    return orgs


def test_an_orm_edit_is_reflected_by_a_real_worker_within_a_deadline(real_worker):
    target = Organization.objects.create(name="OpenAI", slug="openai")
    round_ = FundingRound.objects.create(
        target=target,
        status="in_talks",
        amount_qualifier="up_to",
        amount_value=Decimal(60),
        amount_high=Decimal(60),
        amount_currency="EUR",
        post_money_valuation_qualifier="at_least",
        post_money_valuation_value=Decimal(800),
        post_money_valuation_low=Decimal(800),
        post_money_valuation_currency="EUR",
    )
    poll(
        lambda: RoundFigures.objects.filter(round=round_).exists(),
        deadline_s=30,
        what="the worker to compute the round",
    )
    FundingRound.objects.filter(pk=round_.pk).update(
        post_money_valuation_value=Decimal(900), post_money_valuation_low=Decimal(900)
    )
    round_.refresh_from_db()
    round_.save()  # the ORM save enqueues at once; the bulk update alone would wait for the minute's sweep
    poll(
        lambda: RoundFigures.objects.filter(round=round_, post_money_low=Decimal(900)).exists(),
        deadline_s=30,
        what="the edit to be recomputed",
    )
    poll(lambda: not DirtyTarget.objects.exists(), deadline_s=30, what="the dirty set to drain")


def test_a_killed_workers_full_recompute_resumes_and_matches_a_clean_run(settings):
    settings.DEALTRACKER_JOB_STALE_AFTER = 1
    make_targets(300)
    DirtyTarget.objects.all().delete()
    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": 1})
    common = {
        "broker_url": settings.CELERY_BROKER_URL,
        "result_backend": settings.CELERY_RESULT_BACKEND,
        "database": database_url(connection.settings_dict),
        "extra_env": {"DEALTRACKER_JOB_STALE_AFTER": "1"},
    }
    app.conf.task_always_eager = False
    try:
        with celery_worker(**common) as first:
            run_full_recompute.delay(job.pk)
            poll(lambda: Job.objects.get(pk=job.pk).progress_done >= 20, deadline_s=60, what="the job to make progress")
            stop_worker(first, kill=True)
        killed = Job.objects.get(pk=job.pk)
        assert killed.state == JobState.RUNNING and killed.progress_done < killed.progress_total
        poll(lambda: job.pk in services.stale_jobs(), deadline_s=30, what="the job's heartbeat to go stale")
        with celery_worker(**common):  # its start-up sweep resumes the job
            poll(lambda: Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED, deadline_s=120, what="the resumed job")
    finally:
        app.conf.task_always_eager = True
    done = Job.objects.get(pk=job.pk)
    assert done.progress_done == done.progress_total == 300
    resumed = snapshot()
    RoundFigures.objects.all().delete()
    Position.objects.all().delete()
    recompute_targets(target_ids=list(Organization.objects.values_list("pk", flat=True)))
    assert snapshot() == resumed


def write_while_broker_is_down(round_id: int, broker_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict), "CELERY_BROKER_URL": broker_url}
    code = (
        f"from deals.models import FundingRound; r = FundingRound.objects.get(pk={round_id}); "
        "r.notes = 'written while the broker was down'; r.save(); print('saved')"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_writes_succeed_while_the_broker_is_unreachable_and_drain_when_a_worker_returns():
    (target,) = make_targets(1)
    round_ = FundingRound.objects.get(target=target)
    DirtyTarget.objects.all().delete()
    result = write_while_broker_is_down(round_.pk, f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 0 and "saved" in result.stdout, result.stderr
    assert FundingRound.objects.get(pk=round_.pk).notes == "written while the broker was down"
    assert DirtyTarget.objects.filter(target=target).exists()
    app.conf.task_always_eager = False
    try:
        with celery_worker(
            broker_url=settings.CELERY_BROKER_URL,
            result_backend=settings.CELERY_RESULT_BACKEND,
            database=database_url(connection.settings_dict),
        ):
            poll(lambda: not DirtyTarget.objects.exists(), deadline_s=60, what="the dirty set to drain")
    finally:
        app.conf.task_always_eager = True
    assert RoundFigures.objects.filter(round=round_).exists()


@pytest.mark.services
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_with_redis_stopped_writes_succeed_and_the_dirty_set_drains_after_it_restarts(tmp_path):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"

    def start_redis() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        poll(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, deadline_s=20, what="redis to listen")
        return process

    redis = start_redis()
    redis.send_signal(signal.SIGTERM)
    redis.wait(timeout=20)
    (target,) = make_targets(1)
    round_ = FundingRound.objects.get(target=target)
    DirtyTarget.objects.all().delete()
    result = write_while_broker_is_down(round_.pk, broker)
    assert result.returncode == 0 and "saved" in result.stdout, result.stderr
    assert DirtyTarget.objects.filter(target=target).exists()
    redis = start_redis()
    try:
        with celery_worker(broker_url=broker, result_backend=None, database=database_url(connection.settings_dict)):
            poll(lambda: not DirtyTarget.objects.exists(), deadline_s=60, what="the dirty set to drain")
    finally:
        redis.terminate()
        redis.wait(timeout=20)
    assert RoundFigures.objects.filter(round=round_).exists()
