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


def job_run_full_recompute(*, job_id: int, on_progress: Callable[[Job], None] | None = None) -> Job | None:
    """Recompute every target in chunks, resuming after the last finished chunk; None if not claimed.

    Each chunk stores what ``recompute_targets`` would, through the same loader and writer, with the money
    graph loaded once per run rather than a neighbourhood per chunk.
    """
    if not job_claim(job_id=job_id):
        return None
    job = Job.objects.get(pk=job_id)
    chunk = int(job.params.get("chunk_size") or getattr(settings, "DEALTRACKER_RECOMPUTE_CHUNK", 500))
    targets = Organization.objects.filter(rounds__isnull=False).distinct().order_by("pk")
    if job.started_at is None:
        Job.objects.filter(pk=job_id).update(started_at=timezone.now(), progress_total=targets.count())
    job.refresh_from_db()
    table = rate_table()
    graph = None  # the whole money graph, loaded once for all chunks (not at all when nothing is left)
    try:
        while True:
            cursor = int(job.params.get("cursor") or 0)
            ids = list(targets.filter(pk__gt=cursor).values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            graph = graph or circularity.whole_graph()
            with transaction.atomic():
                recompute_chunk(target_ids=ids, table=table, graph=graph)
                job.params["cursor"] = ids[-1]
                job.progress_done = min(job.progress_done + len(ids), job.progress_total)
                job.heartbeat_at = timezone.now()
                job.save(update_fields=["params", "progress_done", "heartbeat_at"])
            if on_progress:
                on_progress(job)
        DirtyTarget.objects.filter(marked_at__lt=job.started_at).delete()
        job.state, job.finished_at = JobState.SUCCEEDED, timezone.now()
        job.save(update_fields=["state", "finished_at"])
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a dropped connection): the job stays running, its heartbeat goes
        # stale, and the sweep resumes it after the last committed chunk. Only a real error fails it.
        raise
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(state=JobState.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        raise
    return job


def stale_jobs() -> list[int]:
    """Running jobs whose worker stopped sending heartbeats, and queued ones nobody took (never enqueued)."""
    cutoff = timezone.now() - stale_after()
    abandoned = Q(state=JobState.RUNNING, heartbeat_at__lt=cutoff) | Q(state=JobState.QUEUED, created_at__lt=cutoff)
    return list(Job.objects.filter(abandoned, kind=JobKind.FULL_RECOMPUTE).values_list("pk", flat=True))
