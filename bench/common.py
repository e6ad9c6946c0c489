"""What every benchmark section shares: the scale, result rows, timing helpers and the bench database."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scale:
    """How much data a run generates and how hard it measures."""

    name: str
    organizations: int
    rounds: int
    relationships: int
    seed: int
    repeats: int  # repeated measurements per figure; the report gives their median
    wrk_seconds: int  # duration of one wrk run
    edits: int  # incremental edits timed
    recompute_budget: float  # seconds the figures-alone walk may take before it stops and projects
    job_budget: float  # seconds the full-recompute job may take before it is stopped and projected
    fan_out: bool = True  # also time the job fanned out over a real worker with 1 and 2 processes


QUICK = Scale(
    "quick",
    organizations=2_000,
    rounds=20_000,
    relationships=2_000,
    seed=1,
    repeats=3,
    wrk_seconds=3,
    edits=10,
    recompute_budget=240,
    job_budget=240,
)
#: A tenth of the full run (``--medium``): the full recompute's figures at 100,000 rounds in minutes.
MEDIUM = Scale(
    "medium",
    organizations=10_000,
    rounds=100_000,
    relationships=10_000,
    seed=1,
    repeats=3,
    wrk_seconds=5,
    edits=8,
    recompute_budget=420,
    job_budget=1800,
)
FULL = Scale(
    "full",
    organizations=100_000,
    rounds=1_000_000,
    relationships=100_000,
    seed=1,
    repeats=3,
    wrk_seconds=10,
    edits=8,
    recompute_budget=420,
    job_budget=5400,
)
#: For the smoke test: tiny data, one repeat, short runs.
TINY = Scale(
    "tiny",
    organizations=60,
    rounds=300,
    relationships=40,
    seed=1,
    repeats=1,
    wrk_seconds=1,
    edits=2,
    recompute_budget=60,
    job_budget=60,
    fan_out=False,  # the smoke test starts no worker
)


@dataclass
class Row:
    """One line of the results table."""

    benchmark: str
    target: str
    measured: str
    status: str  # "met", "missed", "—" (no target) or "not measured"


@dataclass
class Section:
    """What one benchmark section found: table rows and notes on how it was measured."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, benchmark: str, target: str, measured: str, met: bool | None) -> None:
        status = "—" if met is None else ("met" if met else "missed")
        self.rows.append(Row(benchmark, target, measured, status))

    def missing(self, benchmark: str, target: str, why: str) -> None:
        self.rows.append(Row(benchmark, target, why, "not measured"))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 for p95)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: …`` leaves the elapsed seconds in ``t[0]``."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def ms(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds * 1000:.1f} ms"


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a server or worker process the bench starts: same settings, bench database."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **extra}
