"""Imports as background jobs: the uploaded files are kept under the var folder, a Celery task runs the import
(a dry run or an apply) and stores its report on the job. Progress is written through a connection of its own,
so it is visible while the import's own transaction is still open (and all or nothing)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from deals.choices import JobKind, JobState
from deals.imports import crunchbase, dealtracker, ecb, tables
from deals.imports.report import Report
from deals.models import Job
from deals.pipeline.services import job_claim

FORMATS = (crunchbase.FORMAT, ecb.FORMAT, dealtracker.FORMAT, tables.FORMAT)
#: An import writes organizations, rounds and participations: it needs the right to add each.
IMPORT_PERMISSIONS = ("deals.add_organization", "deals.add_fundinground", "deals.add_participation")
#: At most one progress write per this many seconds.
PROGRESS_EVERY = 0.5


def import_dir() -> Path:
    return Path(getattr(settings, "DEALTRACKER_IMPORT_DIR", "") or Path(settings.VAR_DIR) / "imports")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name) or "upload"


@transaction.atomic
def import_start(
    *,
    files: Iterable[UploadedFile] = (),
    again: Job | None = None,
    format: str,
    dry_run: bool,
    accept_errors: bool,
    origin: str,
) -> Job:
    """Keep ``files`` (or take the files of the earlier import ``again``, e.g. the preview that is now applied)
    and queue a job that imports them after the transaction commits."""
    from deals.tasks import run_import

    params: dict[str, Any] = {"format": format, "dry_run": dry_run, "accept_errors": accept_errors, "origin": origin}
    job = Job.objects.create(kind=JobKind.IMPORT, params=params)
    folder = import_dir() / f"job-{job.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = list(again.params.get("files", [])) if again is not None else []
    for upload in files:
        path = folder / _safe_name(upload.name or "")
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(str(path))
    job.params = {**params, "files": paths}
    job.save(update_fields=["params"])
    transaction.on_commit(lambda: run_import.delay(job.pk), robust=True)
    return job


class ProgressWriter:
    """Writes a job's progress on a separate autocommit connection, throttled."""

    def __init__(self, job_id: int) -> None:
        params = connection.get_connection_params()
        keys = ("dbname", "host", "port", "user", "password")
        self.conn = psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, autocommit=True)
        self.job_id, self.last = job_id, 0.0
        self.done, self.total = 0, 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done != total:
            return
        self.last = now
        self.conn.execute(
            "UPDATE deals_job SET progress_done = %s, progress_total = %s, heartbeat_at = now() WHERE id = %s",
            [min(done, total) if total else done, total if total else done, self.job_id],
        )

    def close(self) -> None:
        self.conn.close()


def import_run(*, job_id: int) -> Job | None:
    """Run the queued import ``job_id``; its report becomes the job's result. None if it was not claimed."""
    if not job_claim(job_id=job_id):
        return None
    Job.objects.filter(pk=job_id).update(started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    params = job.params
    progress = ProgressWriter(job_id)
    dry_run, accept_errors = bool(params.get("dry_run")), bool(params.get("accept_errors"))
    try:
        report: Report
        if params["format"] == crunchbase.FORMAT:
            report = crunchbase.load(params["files"], progress=progress, dry_run=dry_run, accept_errors=accept_errors)
        elif params["format"] == tables.FORMAT:
            report = tables.load(params["files"], progress=progress, dry_run=dry_run, accept_errors=accept_errors)
        elif params["format"] == dealtracker.FORMAT:
            report = dealtracker.load(
                params["files"][0], progress=progress, dry_run=dry_run, accept_errors=accept_errors
            )
        else:
            files = params.get("files") or [None]
            report = ecb.load(files[0], progress=progress, dry_run=dry_run, accept_errors=accept_errors)
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(state=JobState.FAILED, error=str(exc), finished_at=timezone.now())
        raise
    finally:
        progress.close()
    job.refresh_from_db()
    job.result = report.as_dict()
    job.state = JobState.SUCCEEDED
    job.finished_at = timezone.now()
    # Written again in the job's own transaction: the last figures, whether or not the side connection saw it.
    job.progress_done = progress.done
    job.progress_total = max(progress.total, progress.done)
    job.save(update_fields=["result", "state", "finished_at", "progress_done", "progress_total"])
    return job
