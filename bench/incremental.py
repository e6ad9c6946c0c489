"""Incremental recompute: from an edit saved through the ORM to its recomputed figures being readable.

A real Celery worker runs on the configured broker (a private folder when the broker is the filesystem
one); each edit changes a participation's amount in its own transaction, whose commit enqueues
``recompute_dirty``. The clock runs from the commit until the participation's stored stake carries the new
fingerprint and its target has left the dirty set.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from bench.common import Scale, Section, child_env, log, median, ms, percentile
from deals.engine.estimates import Estimate
from deals.models import DirtyTarget, Organization, Participation, ParticipationFigures

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 180.0


@contextmanager
def worker() -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "celery", "-A", "dealtracker", "--quiet", "worker", "-l", "WARNING",
               "--concurrency", "1", "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
    env = child_env(CELERY_BROKER_URL=settings.CELERY_BROKER_URL, CELERY_TASK_ALWAYS_EAGER="false")
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _fingerprint(participation_id: int) -> str:
    return ParticipationFigures.objects.filter(participation_id=participation_id).values_list(
        "fingerprint", flat=True).first() or ""  # fmt: skip


def _edit(participation: Participation, rng: random.Random) -> float:
    """Change the amount, commit, and wait until the new figures are readable; seconds from the commit."""
    before = _fingerprint(participation.pk)
    value = Decimal(rng.randrange(1_000, 1_000_000)) * 1000
    with transaction.atomic():
        Participation.objects.select_for_update().get(pk=participation.pk)
        participation.amount = Estimate.exact(value, participation.amount_currency)
        participation.save()
    committed = time.perf_counter()
    target = participation.round.target_id
    while time.perf_counter() - committed < TIMEOUT:
        if _fingerprint(participation.pk) != before and not DirtyTarget.objects.filter(target_id=target).exists():
            return time.perf_counter() - committed
        time.sleep(0.005)
    raise TimeoutError(f"figures of participation {participation.pk} not recomputed within {TIMEOUT:.0f} s")


def _candidates(count: int, rng: random.Random) -> list[Participation]:
    """Participations in rounds of typical targets (between 2 and 40 rounds), with a currency."""
    targets = list(Organization.objects.annotate(n=Count("rounds")).filter(n__gte=2, n__lte=40)
                   .order_by("pk").values_list("pk", flat=True)[:5000])  # fmt: skip
    chosen = rng.sample(targets, min(count, len(targets)))
    picked = []
    for target in chosen:
        p = (Participation.objects.select_related("round").filter(round__target_id=target, status="committed")
             .exclude(round__status="abandoned").exclude(amount_currency=None).order_by("pk").first())  # fmt: skip
        if p is not None:
            picked.append(p)
    return picked


def run(scale: Scale) -> Section:
    section = Section("Incremental recompute")
    rng = random.Random(scale.seed)
    cleared = DirtyTarget.objects.all().delete()[0]
    section.notes.append(
        f"Before the edits the dirty set ({cleared:,} targets marked by the generator) was cleared, so the worker "
        f"handled the benchmark's edits only. Broker: {settings.CELERY_BROKER_URL.split('://')[0]}."
    )
    timings: list[float] = []
    with worker():
        candidates = _candidates(scale.edits + 1, rng)
        if candidates:  # the first edit waits for the worker to start; it is not timed
            _edit(candidates[0], rng)
        for participation in candidates[1:]:
            seconds = _edit(participation, rng)
            timings.append(seconds)
            log(f"incremental edit of participation {participation.pk}: {ms(seconds)}")
    p50, p95 = median(timings), percentile(timings, 0.95)
    section.figures.update(p50=p50, p95=p95, edits=len(timings))
    section.add("Incremental: edit → recomputed figures visible (real worker)", "p95 ≤ 1 s",
                f"p50 {ms(p50)}, p95 {ms(p95)} over {len(timings)} edits", p95 <= 1.0)  # fmt: skip
    return section
