"""Recompute stored figures in this process (no broker needed), with a progress bar."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deals.choices import JobKind
from deals.models import Job, Organization
from deals.pipeline import services
from deals.pipeline.recompute import recompute_targets


class Command(BaseCommand):
    help = "Recompute valuations: the dirty targets (default), one target (--target SLUG) or everything (--full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every target, tracked as a job")
        parser.add_argument("--target", metavar="SLUG", help="recompute one target")
        parser.add_argument("--chunk-size", type=int, default=500, help="targets per chunk of a full recompute")

    def handle(self, *args: Any, full: bool, target: str | None, chunk_size: int, **options: Any) -> None:
        if full and target:
            raise CommandError("Give either --full or --target, not both.")
        if target:
            org = Organization.objects.filter(slug=target).first()
            if org is None:
                raise CommandError(f"No organization with the slug “{target}”.")
            count = recompute_targets(target_ids=[org.pk])
            self.stdout.write(f"Recomputed {count} rounds of {org.name}.")
        elif full:
            job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": chunk_size, "origin": "cli"})
            services.job_run_full_recompute(job_id=job.pk, on_progress=self._bar)
            job.refresh_from_db()
            self.stdout.write(f"\nJob {job.pk} {job.state}: {job.progress_done}/{job.progress_total} targets.")
        else:
            done = services.dirty_drain(budget_seconds=3600, on_batch=lambda n: self._line(f"{n} targets"))
            self.stdout.write(f"\nRecomputed {done} dirty targets.")

    def _bar(self, job: Job) -> None:
        total = job.progress_total or 1
        filled = int(30 * job.progress_done / total)
        self._line(f"[{'#' * filled}{'.' * (30 - filled)}] {job.progress_done}/{job.progress_total} targets")

    def _line(self, text: str) -> None:
        stream = self.stdout
        stream.write(f"\r{text}", ending="")
        if hasattr(sys.stdout, "flush"):
            stream.flush()
