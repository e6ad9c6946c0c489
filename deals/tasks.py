"""Celery tasks. Tasks stay thin: ids in, call a service, return quietly if the row is gone.

Every task is safe to run twice: figures are recomputed from the database, never incremented, and the
database (the dirty set, Job rows) is the source of truth, so a lost message costs at most a minute until
the sweep.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connection

from deals import monitoring
from deals.models import DirtyTarget
from deals.pipeline import services

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(name="deals.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker and a worker; used by health checks and tests."""
    return "pong"


@shared_task(name="deals.heartbeat", bind=True)
def heartbeat(self: Task) -> None:
    """Sent by beat: a worker process that runs it proves broker, pool and database make progress."""
    monitoring.heartbeat_record(hostname=self.request.hostname or "")


@shared_task(
    name="deals.recompute_dirty",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def recompute_dirty() -> int:
    """Stage 1: recompute stale figures, then hand the targets to stage 2.

    Coalesces any number of enqueued runs into whatever is dirty now. Stage 2 is a task of its own so the
    figures of the next edit never wait behind a circular-flow search (another worker process takes it).
    """
    done = services.dirty_drain_figures(budget_seconds=30)
    if services.dirty_exists(stage=DirtyTarget.Stage.FIGURES):
        recompute_dirty.delay()  # more than one budget's worth: continue in a fresh task
    if done or services.dirty_exists(stage=DirtyTarget.Stage.FLAGS):
        recompute_dirty_flags.delay()
    return done


@shared_task(
    name="deals.recompute_dirty_flags",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def recompute_dirty_flags() -> int:
    """Stage 2: circular flows and related-party flags of targets whose figures are current.

    One drain at a time; a run that finds the lane busy returns at once, and the running drain looks for
    new work after it lets go of the lane, so nothing is left behind.
    """
    done = services.dirty_drain_flags(budget_seconds=30)
    if done is None:
        return 0
    if services.dirty_exists(stage=DirtyTarget.Stage.FLAGS):
        recompute_dirty_flags.delay()
    return done


@shared_task(name="deals.sweep_dirty_targets", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True)
def sweep_dirty_targets() -> None:
    """Every minute: pick up what the post-commit enqueue missed and resume jobs whose worker died.

    Stage 2 rows left by a worker killed between the stages are picked up here too.
    """
    if services.dirty_exists(stage=DirtyTarget.Stage.FIGURES):
        recompute_dirty.delay()
    if services.dirty_exists(stage=DirtyTarget.Stage.FLAGS):
        recompute_dirty_flags.delay()
    for job_id in services.stale_jobs():
        run_full_recompute.delay(job_id)


@shared_task(name="deals.start_full_recompute")
def start_full_recompute() -> int:
    return services.job_start_full_recompute(params={"origin": "schedule"}).pk


@shared_task(
    name="deals.run_full_recompute",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_full_recompute(job_id: int) -> None:
    """Claim the job (queued, or stalled) and fan its remaining chunks out as ``run_full_recompute_chunk``."""
    services.job_dispatch_full_recompute(job_id=job_id)


@shared_task(
    name="deals.run_full_recompute_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_full_recompute_chunk(job_id: int, index: int) -> None:
    """One chunk of a full recompute, in whichever worker process takes it; safe to run twice."""
    services.job_run_chunk(job_id=job_id, index=index)


@shared_task(name="deals.run_import", acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int) -> None:
    """An import job (deals/imports/jobs.py): all or nothing, so a retry after a lost worker starts afresh."""
    from deals.imports.jobs import import_run

    import_run(job_id=job_id)


@worker_ready.connect
def _resume_after_restart(**kwargs: object) -> None:
    """A restarted worker resumes the jobs and the dirty set a killed one left behind, and says it is alive.

    Stalled jobs are dispatched here and now, not by a queued task: the queue may hold the rest of a fanned
    out job's chunks, and a sweep queued behind them would find the job's heartbeat fresh again and miss the
    chunk the killed worker held."""
    try:
        for job_id in services.stale_jobs():
            services.job_dispatch_full_recompute(job_id=job_id)
    except TRANSIENT:
        logger.warning("Could not resume stalled jobs at start-up; beat's sweep will.", exc_info=True)
    finally:
        connection.close()  # the pool's processes are forked from this one: they must not share its connection
    sweep_dirty_targets.delay()
    heartbeat.delay()
