"""Incremental recompute: from an edit saved through the ORM to its recomputed figures being readable, and
on to its related-party flags.

A real Celery worker runs as deployed (two processes) on the configured broker; each edit changes a
participation's amount in its own transaction, whose commit enqueues ``recompute_dirty``. Two clocks run
from the commit: figures visible — the participation's stored figures carry a new computed time and its
target has left the figures stage of the dirty set — and flags recomputed — the target has left the dirty
set, so the circular-flow step has written its related-party flags and cycles. The first edits wait for both
before the next; the last ones only for their figures, to time figures while the second stage is busy.
"""

from __future__ import annotations

import datetime
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
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dealtracker",
        "--quiet",
        "worker",
        "-l",
        "WARNING",
        "--concurrency",
        "2",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
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


def _computed_at(participation_id: int) -> datetime.datetime | None:
    return (
        ParticipationFigures.objects.filter(participation_id=participation_id)
        .values_list("computed_at", flat=True)
        .first()
    )


def _stage(target_id: int) -> int | None:
    """The target's stage in the dirty set, None when it is not dirty."""
    return DirtyTarget.objects.filter(target_id=target_id).values_list("stage", flat=True).first()


def _edit(participation: Participation, rng: random.Random, *, flags: bool = True) -> tuple[float, float | None]:
    """Change the amount, commit, wait until the figures, then (with ``flags``) the flags, are recomputed;
    seconds from the commit."""
    before = _computed_at(participation.pk)
    value = Decimal(rng.randrange(1_000, 1_000_000)) * 1000
    if participation.amount is not None and participation.amount.value == value:
        value += 1000  # a re-run with the same seed would otherwise write the amount it already has
    with transaction.atomic():
        Participation.objects.select_for_update().get(pk=participation.pk)
        participation.amount = Estimate.exact(value, participation.amount_currency)
        participation.save()
    committed = time.perf_counter()
    target = participation.round.target_id
    figures = None
    while time.perf_counter() - committed < TIMEOUT:
        if figures is None and _computed_at(participation.pk) != before and _stage(target) != DirtyTarget.Stage.FIGURES:
            figures = time.perf_counter() - committed
            if not flags:
                return figures, None
        if figures is not None and _stage(target) is None:
            return figures, time.perf_counter() - committed
        time.sleep(0.005)
    raise TimeoutError(f"participation {participation.pk} not recomputed within {TIMEOUT:.0f} s")


def _candidates(count: int, rng: random.Random) -> list[Participation]:
    """Participations in rounds of typical targets (between 2 and 40 rounds), with a currency."""
    targets = list(
        Organization.objects.annotate(n=Count("rounds"))
        .filter(n__gte=2, n__lte=40)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    chosen = rng.sample(targets, min(count, len(targets)))
    picked = []
    for target in chosen:
        p = (
            Participation.objects.select_related("round")
            .filter(round__target_id=target, status="committed")
            .exclude(round__status="abandoned")
            .exclude(amount_currency=None)
            .order_by("pk")
            .first()
        )
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
    flags: list[float] = []
    busy: list[float] = []
    with worker():
        candidates = _candidates(2 * scale.edits + 1, rng)
        if candidates:  # the first edit waits for the worker to start; it is not timed
            _edit(candidates[0], rng)
        for participation in candidates[1 : scale.edits + 1]:
            seconds, flagged = _edit(participation, rng)
            assert flagged is not None
            timings.append(seconds)
            flags.append(flagged)
            log(f"incremental edit of participation {participation.pk}: figures {ms(seconds)}, flags {ms(flagged)}")
        # Then edits that do not wait for the flags: the next edit's figures while stage 2 is still busy.
        for participation in candidates[scale.edits + 1 :]:
            seconds, _ = _edit(participation, rng, flags=False)
            busy.append(seconds)
            log(f"incremental edit of participation {participation.pk} with stage 2 busy: figures {ms(seconds)}")
        deadline = time.perf_counter() + TIMEOUT * max(1, len(busy))
        while DirtyTarget.objects.exists() and time.perf_counter() < deadline:  # let the worker finish its flags
            time.sleep(0.1)
    p50, p95 = median(timings), percentile(timings, 0.95)
    f50, f95 = median(flags), percentile(flags, 0.95)
    b50, b95 = median(busy), percentile(busy, 0.95)
    section.figures.update(
        p50=p50,
        p95=p95,
        edits=len(timings),
        flags_p50=f50,
        flags_p95=f95,
        busy_p50=b50,
        busy_p95=b95,
        busy_edits=len(busy),
    )
    section.add(
        "Incremental: edit → recomputed figures visible (real worker)",
        "p95 ≤ 1 s",
        f"p50 {ms(p50)}, p95 {ms(p95)} over {len(timings)} edits",
        p95 <= 1.0,
    )
    section.add(
        "Incremental: edit → related-party flags recomputed (second stage)",
        "p95 ≤ 2 s at 1M",
        f"p50 {ms(f50)}, p95 {ms(f95)} over {len(flags)} edits",
        f95 <= 2.0,
    )
    section.add(
        "Incremental: edit → figures visible while earlier edits' second stage runs",
        "p95 ≤ 1 s",
        f"p50 {ms(b50)}, p95 {ms(b95)} over {len(busy)} edits",
        b95 <= 1.0,
    )
    section.notes.append(
        "The worker runs as deployed (`--concurrency 2`); the first edits wait for their flags before the next "
        "edit, the last ones only for their figures, so the second stage of earlier edits is still running."
    )
    return section
