"""Draining the dirty set and running full recomputes, safe with several workers and after crashes.

Claiming: a batch of dirty targets is locked with ``FOR UPDATE SKIP LOCKED``, so two workers never process
one target at once; the rows are deleted in the same transaction as the new figures are written. A writer
that marks a claimed target meanwhile waits for that transaction and then marks it again, so no change is
lost. A full recompute is a Job row that records its progress and a cursor after every chunk; a job whose
heartbeat stopped (its worker was killed) is claimed again by a conditional UPDATE and resumes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from deals.choices import JobKind, JobState
from deals.models import DirtyTarget, Job, Organization
from deals.pipeline.recompute import rate_table, recompute_targets

BATCH_SIZE = 20


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DEALTRACKER_JOB_STALE_AFTER)


def dirty_recompute_batch(*, batch_size: int = BATCH_SIZE) -> list[int]:
    """Claim up to ``batch_size`` dirty targets, recompute them and clear them; return their ids."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT target_id FROM deals_dirtytarget ORDER BY marked_at, target_id LIMIT %s FOR UPDATE SKIP LOCKED",
            [batch_size],
        )
        target_ids = [row[0] for row in cursor.fetchall()]
        if target_ids:
            recompute_targets(target_ids=target_ids)
            cursor.execute("DELETE FROM deals_dirtytarget WHERE target_id = ANY(%s)", [target_ids])
    return target_ids


def dirty_drain(*, budget_seconds: float = 30.0, on_batch: Callable[[int], None] | None = None) -> int:
    """Recompute dirty targets until none is left or the time budget is spent; return how many."""
    deadline = timezone.now() + datetime.timedelta(seconds=budget_seconds)
    done = 0
    while timezone.now() < deadline:
        count = len(dirty_recompute_batch())
        if not count:
            break
        done += count
        if on_batch:
            on_batch(done)
    return done


def dirty_exists() -> bool:
    return DirtyTarget.objects.exists()


def job_start_full_recompute(*, params: dict[str, Any] | None = None) -> Job:
    """Create a queued full-recompute job and enqueue it after the transaction commits."""
    from deals.tasks import run_full_recompute

    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params=dict(params or {}))
    transaction.on_commit(lambda: run_full_recompute.delay(job.pk))
    return job


def job_claim(*, job_id: int) -> bool:
    """Take a queued job, or a running one whose worker stopped sending heartbeats."""
    now = timezone.now()
    stale = Q(state=JobState.RUNNING, heartbeat_at__lt=now - stale_after())
    claimable = Job.objects.filter(Q(state=JobState.QUEUED) | stale, pk=job_id)
    return claimable.update(state=JobState.RUNNING, heartbeat_at=now) == 1


def job_run_full_recompute(*, job_id: int, on_progress: Callable[[Job], None] | None = None) -> Job | None:
    """Recompute every target in chunks, resuming after the last finished chunk; None if not claimed."""
    if not job_claim(job_id=job_id):
        return None
    job = Job.objects.get(pk=job_id)
    chunk = int(job.params.get("chunk_size") or getattr(settings, "DEALTRACKER_RECOMPUTE_CHUNK", 500))
    targets = Organization.objects.filter(rounds__isnull=False).distinct().order_by("pk")
    if job.started_at is None:
        Job.objects.filter(pk=job_id).update(started_at=timezone.now(), progress_total=targets.count())
    job.refresh_from_db()
    table = rate_table()
    try:
        while True:
            cursor = int(job.params.get("cursor") or 0)
            ids = list(targets.filter(pk__gt=cursor).values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            with transaction.atomic():
                recompute_targets(target_ids=ids, table=table)
                job.params["cursor"] = ids[-1]
                job.progress_done = min(job.progress_done + len(ids), job.progress_total)
                job.heartbeat_at = timezone.now()
                job.save(update_fields=["params", "progress_done", "heartbeat_at"])
            if on_progress:
                on_progress(job)
        DirtyTarget.objects.filter(marked_at__lt=job.started_at).delete()
        job.state, job.finished_at = JobState.SUCCEEDED, timezone.now()
        job.save(update_fields=["state", "finished_at"])
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(state=JobState.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        raise
    return job


def stale_jobs() -> list[int]:
    cutoff = timezone.now() - stale_after()
    return list(Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True))
