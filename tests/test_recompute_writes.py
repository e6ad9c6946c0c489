"""The recompute writes only what changed, and the full job runs as chunks: planned so hubs sit alone, done
once each however often a chunk is delivered, and fanned out over real worker processes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from deals.choices import JobKind, JobState
from deals.management.commands.generate_deals import Scale, generate
from deals.models import DirtyTarget, FundingRound, Job, Organization, Position
from deals.pipeline import services
from deals.pipeline.recompute import rate_table, recompute_figures_written, recompute_targets
from tests.support.polling import poll
from tests.support.workers import celery_worker, database_url
from tests.test_full_recompute import assert_same, clear, stored

pytestmark = pytest.mark.django_db(transaction=True)
SCALE = Scale(organizations=200, rounds=800, relationships=200, seed=5)
FIGURES_TABLES = ("deals_roundfigures", "deals_participationfigures", "deals_position")


@pytest.fixture
def generated() -> None:
    generate(SCALE)


def targets() -> list[int]:
    return list(Organization.objects.filter(rounds__isnull=False).distinct().values_list("pk", flat=True))


def tuples_written() -> int:
    """Rows this transaction inserted, updated or deleted in the figures tables, as PostgreSQL counts them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname = ANY(%s)",
            [list(FIGURES_TABLES)],
        )
        return int(cursor.fetchone()[0])


def run_job(chunk_size: int = 23) -> Job:
    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": chunk_size})
    done = services.job_run_full_recompute(job_id=job.pk)
    assert done is not None and done.state == JobState.SUCCEEDED
    return done


def test_a_rerun_without_input_changes_writes_no_rows(generated):
    first = run_job()
    assert first.params["rows_written"] > 2_000
    computed_at = dict(Position.objects.values_list("pk", "computed_at"))
    second = run_job()
    assert second.params["rows_written"] == 0
    with transaction.atomic():
        rounds, written = recompute_figures_written(target_ids=targets(), table=rate_table())
        assert rounds == 800 and written == 0
        assert tuples_written() == 0  # PostgreSQL's own count agrees: not one tuple inserted, updated or deleted
    assert dict(Position.objects.values_list("pk", "computed_at")) == computed_at


def test_a_changed_round_writes_only_its_targets_changed_rows(generated):
    recompute_targets(target_ids=targets())
    round_ = FundingRound.objects.filter(amount_qualifier="exact", participations__isnull=False).first()
    assert round_ is not None
    FundingRound.objects.filter(pk=round_.pk).update(
        amount_value=round_.amount_value * 2, amount_low=round_.amount_low * 2, amount_high=round_.amount_high * 2
    )
    target = round_.target_id
    own_rows = (
        FundingRound.objects.filter(target_id=target).count()
        + FundingRound.objects.filter(target_id=target).values("participations").count()
        + Position.objects.filter(target_id=target).count()
    )
    with transaction.atomic():
        _rounds, written = recompute_figures_written(target_ids=targets(), table=rate_table())
        assert 0 < written <= own_rows
        assert tuples_written() == written
    expected = stored()
    clear()
    recompute_targets(target_ids=targets())
    assert_same(expected, stored())  # the partial write left exactly what a recompute from scratch stores


def test_chunks_cover_every_target_once_in_order_and_hubs_sit_alone():
    weights = [(1, 5_000), *((i, 3) for i in range(2, 60)), (60, 250), (61, 2), (62, 2)]
    chunks = services.plan_chunks(weights, 10)
    covered = [t for first, last, _ in chunks for t, _ in weights if first <= t <= last]
    assert covered == [t for t, _ in weights]
    assert sum(count for *_, count in chunks) == len(weights)
    assert all(count <= 10 for *_, count in chunks)
    assert chunks[0] == [1, 1, 1] and chunks[1][0] == 2  # the hub alone, its neighbours after it
    limit = services.CHUNK_WEIGHT * 10 * sum(w for _, w in weights) / len(weights)
    for first, last, count in chunks:
        if count > 1:
            assert sum(w for t, w in weights if first <= t <= last) <= limit
    assert services.plan_chunks([], 10) == []


def test_a_chunk_delivered_twice_is_done_and_counted_once(generated):
    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": 50})
    assert services.job_claim(job_id=job.pk)
    services._job_prepare(job.pk)
    assert services.job_run_chunk(job_id=job.pk, index=0)
    assert not services.job_run_chunk(job_id=job.pk, index=0)  # a redelivery
    job.refresh_from_db()
    assert job.params["done"] == [0] and job.progress_done == job.params["chunks"][0][2]


@pytest.mark.worker
def test_the_full_job_fans_out_over_two_real_worker_processes(generated, settings):
    from dealtracker.celery import app

    recompute_targets(target_ids=targets())
    expected = stored()
    clear()
    # Generating marked every target dirty, and a worker drains what is dirty when it starts: with the marks
    # left, a worker could recompute everything before the first chunk and leave the chunks nothing to write.
    DirtyTarget.objects.all().delete()
    database = database_url(connection.settings_dict)
    common: dict[str, Any] = {
        "broker_url": settings.CELERY_BROKER_URL,
        "result_backend": settings.CELERY_RESULT_BACKEND,
        "database": database,
    }
    app.conf.task_always_eager = False
    try:
        with celery_worker(**common), celery_worker(**common):
            job = services.job_start_full_recompute(params={"chunk_size": 20})
            poll(
                lambda: Job.objects.get(pk=job.pk).state in (JobState.SUCCEEDED, JobState.FAILED),
                deadline_s=300,
                what="the fanned-out job did not finish",
            )
    finally:
        app.conf.task_always_eager = True
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert len(job.params["chunks"]) > 2 and sorted(job.params["done"]) == list(range(len(job.params["chunks"])))
    assert job.progress_done == job.progress_total == len(targets())
    assert_same(expected, stored())
    assert Decimal(job.params["rows_written"]) > 0
