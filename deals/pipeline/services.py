"""Draining the dirty set and running full recomputes, safe with several workers and after crashes.

Claiming: a batch of dirty targets is locked with ``FOR UPDATE SKIP LOCKED``, so two workers never process
one target at once. Two stages: the figures are written in the transaction that moves the targets' rows to
stage 2, and the circular-flow flags in the one that deletes them; a mark always resets a row to stage 1. A
writer that marks a claimed target meanwhile waits for that transaction and then marks it again, so no
change is lost. A full recompute is a Job row that records its progress and a cursor after every chunk; a
job whose heartbeat stopped (its worker was killed) is claimed again by a conditional UPDATE and resumes.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from deals.choices import JobKind, JobState
from deals.models import DirtyTarget, Job, Organization
from deals.pipeline import circularity
from deals.pipeline.rates import rate_table
from deals.pipeline.recompute import recompute_chunk, recompute_figures

BATCH_SIZE = 20
# The circular-flow step costs seconds per target at a million rounds; one target a batch bounds how long a
# writer marking one of its targets waits for the row lock.
FLAGS_BATCH_SIZE = 1
FLAGS_LANE_LOCK = 0x64745F666C616773  # pg advisory lock key of the stage-2 lane ("dt_flags")


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DEALTRACKER_JOB_STALE_AFTER)


def _claim(cursor: Any, *, stage: int, batch_size: int, target_ids: Sequence[int] | None = None) -> list[int]:
    """Lock up to ``batch_size`` of the oldest dirty targets at ``stage`` that nobody else holds."""
    only = "AND target_id = ANY(%s)" if target_ids is not None else ""
    params = [stage, *([list(target_ids)] if target_ids is not None else []), batch_size]
    cursor.execute(
        f"SELECT target_id FROM deals_dirtytarget WHERE stage = %s {only} "
        "ORDER BY marked_at, target_id LIMIT %s FOR UPDATE SKIP LOCKED",
        params,
    )
    return [row[0] for row in cursor.fetchall()]


def dirty_figures_batch(*, batch_size: int = BATCH_SIZE, target_ids: Sequence[int] | None = None) -> list[int]:
    """Stage 1: claim targets whose figures are stale, recompute them and commit; return their ids.

    The figures and the move to stage 2 commit together, so readers see new figures as soon as the target
    leaves stage 1; the circular-flow flags follow in :func:`dirty_flags_batch`.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        claimed = _claim(cursor, stage=DirtyTarget.Stage.FIGURES, batch_size=batch_size, target_ids=target_ids)
        if claimed:
            recompute_figures(target_ids=claimed)
            cursor.execute(
                "UPDATE deals_dirtytarget SET stage = %s WHERE target_id = ANY(%s)", [DirtyTarget.Stage.FLAGS, claimed]
            )
    return claimed


def dirty_flags_batch(*, batch_size: int = FLAGS_BATCH_SIZE, target_ids: Sequence[int] | None = None) -> list[int]:
    """Stage 2: claim targets whose figures are current, recompute their circular flows and clear them.

    Only rows still at stage 2 are claimed: a target marked again meanwhile is back at stage 1 and keeps its
    row. A writer marking a target claimed here waits for this transaction, then inserts a fresh row.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        claimed = _claim(cursor, stage=DirtyTarget.Stage.FLAGS, batch_size=batch_size, target_ids=target_ids)
        if claimed:
            circularity.recompute_circularity(target_ids=claimed)
            cursor.execute("DELETE FROM deals_dirtytarget WHERE target_id = ANY(%s)", [claimed])
    return claimed


def dirty_recompute_batch(*, batch_size: int = BATCH_SIZE) -> list[int]:
    """Both stages for one batch, one after the other: for in-process callers that want everything current."""
    claimed = dirty_figures_batch(batch_size=batch_size)
    if claimed:
        dirty_flags_batch(batch_size=len(claimed), target_ids=claimed)
    return claimed


def _drain(batch: Callable[[], list[int]], budget_seconds: float, on_batch: Callable[[int], None] | None) -> int:
    deadline = time.monotonic() + budget_seconds
    done = 0
    while time.monotonic() < deadline:
        count = len(batch())
        if not count:
            break
        done += count
        if on_batch:
            on_batch(done)
    return done


def dirty_drain_figures(*, budget_seconds: float = 30.0) -> int:
    """Stage 1 until no target waits for its figures or the budget is spent; return how many."""
    return _drain(dirty_figures_batch, budget_seconds, None)


def dirty_drain_flags(*, budget_seconds: float = 30.0) -> int | None:
    """Stage 2 until no target waits for its flags or the budget is spent; None if another drain is running.

    At most one stage-2 drain runs at a time (a session advisory lock), so with two worker processes one is
    always free for stage 1: slow circular-flow work never queues an edit's figures behind it. Whoever holds
    the lock checks for more work after releasing it (see the task), so a drain skipped here loses nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLAGS_LANE_LOCK])
        if not cursor.fetchone()[0]:
            return None
    try:
        return _drain(dirty_flags_batch, budget_seconds, None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [FLAGS_LANE_LOCK])


def dirty_drain(*, budget_seconds: float = 30.0, on_batch: Callable[[int], None] | None = None) -> int:
    """Both stages until nothing is dirty or the time budget is spent; return how many targets."""
    return _drain(dirty_recompute_batch, budget_seconds, on_batch) + _drain(dirty_flags_batch, budget_seconds, None)


def dirty_exists(*, stage: int | None = None) -> bool:
    """Whether any target is dirty (at ``stage``, if given)."""
    rows = DirtyTarget.objects.all() if stage is None else DirtyTarget.objects.filter(stage=stage)
    return rows.exists()


def job_start_full_recompute(*, params: dict[str, Any] | None = None) -> Job:
    """Create a queued full-recompute job and enqueue it after the transaction commits."""
    from deals.tasks import run_full_recompute

    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params=dict(params or {}))
    # robust: with the broker down the job stays queued (logged, not raised) and beat's sweep starts it later.
    transaction.on_commit(lambda: run_full_recompute.delay(job.pk), robust=True)
    return job


def job_claim(*, job_id: int) -> bool:
    """Take a queued job, or a running one whose worker stopped sending heartbeats."""
    now = timezone.now()
    stale = Q(state=JobState.RUNNING, heartbeat_at__lt=now - stale_after())
    claimable = Job.objects.filter(Q(state=JobState.QUEUED) | stale, pk=job_id)
    return claimable.update(state=JobState.RUNNING, heartbeat_at=now) == 1


# A full recompute is planned as chunks of targets (ranges of target ids) recorded on the Job; each chunk is
# recomputed and marked done in one transaction, so it is idempotent and a chunk that dies mid-way is simply
# run again. The chunks run one after the other in this process (``job_run_full_recompute``: the command,
# the tests) or fanned out over every worker process as Celery tasks (``job_dispatch_full_recompute``); both
# run each chunk through ``job_run_chunk``.

_PLAN_SQL = """
SELECT r.target_id, COUNT(*) + COALESCE(SUM(c.n), 0)
FROM deals_fundinground r LEFT JOIN (SELECT round_id, COUNT(*) AS n FROM deals_participation GROUP BY round_id) c
    ON c.round_id = r.id
GROUP BY r.target_id ORDER BY r.target_id
"""


#: How many average chunks' weight one chunk may hold.
CHUNK_WEIGHT = 4


def plan_chunks(weights: Sequence[tuple[int, int]], chunk_size: int) -> list[list[int]]:
    """Cut ``(target id, weight)`` pairs in id order into chunks ``[first id, last id, targets]``.

    A chunk holds at most ``chunk_size`` targets and at most :data:`CHUNK_WEIGHT` times the weight (rounds +
    participations) of an average chunk of that many; a target heavier than that (a hub of a power-law
    market) sits in a chunk of its own. The longest chunk bounds how soon the workers can finish."""
    if not weights:
        return []
    limit = CHUNK_WEIGHT * max(1, chunk_size) * sum(w for _, w in weights) / len(weights)
    chunks: list[list[int]] = []
    first = last = count = weight = 0
    for target_id, w in weights:
        if count and (count >= chunk_size or weight + w > limit):
            chunks.append([first, last, count])
            count = weight = 0
        if not count:
            first = target_id
        last, count, weight = target_id, count + 1, weight + w
    chunks.append([first, last, count])
    return chunks


def _job_prepare(job_id: int) -> Job:
    """Plan a claimed job's chunks the first time it runs (a resumed job keeps its plan and what is done)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if "chunks" not in job.params:
            chunk = int(job.params.get("chunk_size") or getattr(settings, "DEALTRACKER_RECOMPUTE_CHUNK", 500))
            with connection.cursor() as cursor:
                cursor.execute(_PLAN_SQL)
                weights = [(target_id, int(weight)) for target_id, weight in cursor.fetchall()]
            job.params.update(chunks=plan_chunks(weights, chunk), done=[], rows_written=0)
            job.progress_total = len(weights)
            job.started_at = job.started_at or timezone.now()
            job.save(update_fields=["params", "progress_total", "started_at"])
    return job


def _pending(job: Job) -> list[int]:
    done = set(job.params.get("done", ()))
    return [index for index in range(len(job.params.get("chunks", ()))) if index not in done]


def _job_finish(job: Job) -> None:
    """Mark the job succeeded and clear the marks it covered (made before it started). A mark a stage worker
    has claimed is left to that worker: waiting for it here, while holding this chunk's target locks
    (circularity.lock_targets) that the worker may be waiting for, would be a deadlock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM deals_dirtytarget WHERE target_id IN (SELECT target_id FROM deals_dirtytarget "
            "WHERE marked_at < %s FOR UPDATE SKIP LOCKED)",
            [job.started_at],
        )
    job.state, job.finished_at = JobState.SUCCEEDED, timezone.now()
    job.save(update_fields=["state", "finished_at"])


class _Shared:
    """What every chunk of one job reads and no chunk changes, loaded once per worker process and job: the FX
    rates and the whole money graph (the circular-flow step's largest read)."""

    job: tuple[int, Any] | None = None
    table: Any = None
    graph: circularity.Graph | None = None

    @classmethod
    def of(cls, job: Job) -> tuple[Any, circularity.Graph]:
        key = (job.pk, job.started_at)
        if cls.job != key or cls.graph is None:
            cls.job, cls.table, cls.graph = key, rate_table(), circularity.whole_graph()
        return cls.table, cls.graph


def job_run_chunk(*, job_id: int, index: int) -> bool:
    """Recompute chunk ``index`` of a running job and mark it done, in one transaction; False if the job is not
    running or the chunk was done already (a redelivered or re-dispatched chunk). The last chunk finishes
    the job. A chunk that raises a non-transient error fails the job."""
    job = Job.objects.filter(pk=job_id, state=JobState.RUNNING).first()
    if job is None or index in job.params.get("done", ()) or index >= len(job.params.get("chunks", ())):
        return False
    first, last, _count = job.params["chunks"][index]
    try:
        table, graph = _Shared.of(job)
        with transaction.atomic():
            ids = list(
                Organization.objects.filter(pk__gte=first, pk__lte=last, rounds__isnull=False)
                .distinct()
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            written = recompute_chunk(target_ids=ids, table=table, graph=graph) if ids else 0
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.state != JobState.RUNNING or index in job.params["done"]:
                # A duplicate finished first: the same rows, already counted. Its writes are undone, so a chunk
                # never commits twice.
                transaction.set_rollback(True)
                return False
            job.params["done"].append(index)
            job.params["rows_written"] = int(job.params.get("rows_written") or 0) + written
            job.progress_done = min(job.progress_done + len(ids), job.progress_total)
            job.heartbeat_at = timezone.now()
            job.save(update_fields=["params", "progress_done", "heartbeat_at"])
            if not _pending(job):
                _job_finish(job)
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a dropped connection): the job stays running, its heartbeat goes
        # stale, and the sweep runs the chunks not done. Only a real error fails it.
        raise
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(state=JobState.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        raise
    return True


def job_run_full_recompute(*, job_id: int, on_progress: Callable[[Job], None] | None = None) -> Job | None:
    """Recompute every target chunk by chunk in this process, resuming after the chunks done; None if not
    claimed. Each chunk stores what ``recompute_targets`` would, through the same loader and writer, with the
    money graph loaded once per run rather than a neighbourhood per chunk."""
    if not job_claim(job_id=job_id):
        return None
    job = _job_prepare(job_id)
    if not job.params["chunks"]:
        _job_finish(job)
    for index in _pending(job):
        job_run_chunk(job_id=job_id, index=index)
        if on_progress:
            job.refresh_from_db()
            on_progress(job)
    job.refresh_from_db()
    return job


def job_dispatch_full_recompute(*, job_id: int) -> int | None:
    """Fan a claimed job's chunks not yet done out over the worker processes, one task each; return how many
    (None if the job could not be claimed). Chunks are acknowledged late: a killed worker's chunk runs again,
    and beat's sweep dispatches a stalled job's remaining chunks once more (a chunk done twice is harmless)."""
    from celery import group

    from deals.tasks import run_full_recompute_chunk

    if not job_claim(job_id=job_id):
        return None
    job = _job_prepare(job_id)
    pending = _pending(job)
    if not pending:
        _job_finish(job)
        return 0
    group(run_full_recompute_chunk.si(job_id, index) for index in pending).apply_async()
    return len(pending)


def stale_jobs() -> list[int]:
    """Running jobs whose worker stopped sending heartbeats, and queued ones nobody took (never enqueued)."""
    cutoff = timezone.now() - stale_after()
    abandoned = Q(state=JobState.RUNNING, heartbeat_at__lt=cutoff) | Q(state=JobState.QUEUED, created_at__lt=cutoff)
    return list(Job.objects.filter(abandoned, kind=JobKind.FULL_RECOMPUTE).values_list("pk", flat=True))
