"""BENCHMARKS.md, rendered from the results of the last quick and the last full run.

The results live in ``bench/recorded/`` and are committed, so that a quick run keeps the full run's figures.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

import django
from django.db import connection

from bench.common import Scale, Section

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "recorded"
OUTPUT = BASE_DIR / "BENCHMARKS.md"

METHOD = """\
## How each figure is measured

`make bench-quick` (20,000 rounds, minutes) and `make bench` (1,000,000 rounds) run `python -m bench`, which
works in a database of its own beside the configured one (`<name>_bench`, dropped and re-created each run;
`python -m bench --reuse` keeps data generated at the same scale). Sections: `--only data,recompute,api,
pages,incremental,circular`. Each scale's results are kept in `bench/recorded/` and this file is rendered
from them (`python -m bench --render`), so a quick run leaves the full run's figures in place; a run of some
sections only replaces those sections' figures and says so. Every figure is a median of repeated
measurements within one run; on a shared machine, compare the ratios of one run rather than absolute
figures across runs.

- **Data** (`manage.py generate_deals --organizations N --rounds N --relationships N --seed S`): rows are
  drawn from a seeded random source and streamed with `COPY` in one transaction, with the check constraints
  enforced by PostgreSQL during the load. 30 % of organizations are investors whose activity follows a power
  law (rank^-0.6), companies raise a Pareto-distributed number of rounds; seven currencies with monthly EUR
  rates; every round status, round type, qualifier (exact, approximately, up to, at least, between,
  undisclosed) and date precision; valuations given as post-money, pre-money or price per share × shares;
  conditions, citations, subsidiaries and relationships (30 % of them from an investor to a company it
  funds, so circular flows exist). Same seed on an empty database, same rows (timestamps aside). Generated
  rows carry no audit history (triggers are off during the load); all their targets are marked dirty.
- **API** (`bench/api.py`): gunicorn (2 sync workers, `DEBUG=false`) serving `dealtracker.wsgi` on
  127.0.0.1, with `bench/urls.py` adding `/bench/bare/`, a plain Django view returning fixed JSON, on the
  same server. Load from `wrk` (1 thread) with token authentication: latency p50/p99 with one connection
  (requests one after another), throughput with four connections, per repeat and endpoint for a few
  seconds; repeats alternate the endpoints. List: `/api/rounds/?status=closed&round_type=series_a`, first
  page of 50. Deep page: the same filter, a cursor positioned at 90 % of the matching rows. Detail: 200
  random rounds in turn. Portfolio: 200 random investors with positions in turn.
- **Full recompute** (`bench/recompute.py`): two walks over the targets by id in chunks of 100, each
  stopping after a time budget (the figures 4 min quick, 7 min full; the job 4 min quick, 90 min full; the
  rest is projected from its rate and marked so): the figures alone as each chunk of the job computes them
  (round figures, stakes, positions; plain-row reads, `COPY` and one upsert per table), then the real job as
  a worker runs it (`job_run_full_recompute` on a Job row, figures and circular-flow analysis of every
  chunk, the money graph loaded once per run, nothing stubbed; a timer stops it at the budget). The hand-written SQL
  statement (`STAKES_SQL`) computes the same stakes set-based (post-money given or pre-money + new money, no
  stake for debt, grants and assistance, none for a failed condition, a secondary sale at its valuation,
  pre-money given or price per share × shares, amount given or the sum of commitments, interval bounds as
  the engine reads qualifiers, rounded outward to the storage precision) into an unlogged table, over the
  same targets; its result is compared with the pipeline's stored stakes. When the job finished within its
  budget: the job once more with no input changed (the rows it writes), then the job as deployed, its chunks
  (500 targets) fanned out over a real `celery worker` with 1 and then 2 pool processes, each over emptied
  results and an empty dirty set, timed from the job's creation to its last chunk.
- **Incremental** (`bench/incremental.py`): a real `celery worker` (concurrency 2, as deployed) on the
  configured broker (a private folder when it is the filesystem broker). Each edit saves a participation's
  amount in its own transaction; one clock runs from the commit until the stored stake carries a new
  computed time and the target's figures are no longer waiting (the figures), another until the target has
  left the dirty set (the related-party flags); polled every 5 ms. The generator's dirty set is cleared
  first.
- **UI pages** (`bench/pages.py`): `django.test.Client` in process, a superuser logged in with
  `force_login`, median server time of repeated GETs after a warm-up; a page whose URL name does not
  reverse yet is reported as not measured.
- **Circular flows** (`bench/circular_flows.py`): the pure engine's cycle search on a generated network of
  10,000 organizations and 100,000 edges (power-law activity, 30 % equity, 70 % commercial, seed 7), one
  bounded search per target over a graph built once, generation excluded.
"""


def machine() -> dict[str, Any]:
    cpu = ""
    meminfo = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    except (OSError, StopIteration, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = ""
    if shutil.which("wrk"):
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return {
        "cpu": cpu or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gb": round(int(meminfo) / 1024 / 1024) if meminfo else None,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres,
        "wrk": wrk,
    }


def _same_data(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two runs measured the same generated data: budgets and repeats may differ between them."""
    return all(old.get(key) == new.get(key) for key in ("name", "organizations", "rounds", "relationships", "seed"))


def save(scale: Scale, sections: list[Section], started: datetime.datetime, seconds: float) -> Path:
    """Save a run's results; sections not run this time (``--only``) keep their figures of the last run."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{scale.name}.json"
    new = [asdict(s) for s in sections]
    when, took, reruns = started.strftime("%Y-%m-%d %H:%M UTC"), round(seconds), []
    if path.exists():
        old = json.loads(path.read_text())
        if _same_data(old.get("scale", {}), asdict(scale)):
            fresh = {s["title"] for s in new if s["rows"] or s["title"] != "Data"}
            kept = [s for s in old["sections"] if s["title"] not in fresh]
            order = [s["title"] for s in old["sections"]]
            new = sorted(
                kept + [s for s in new if s["title"] in fresh],
                key=lambda s: order.index(s["title"]) if s["title"] in order else len(order),
            )
            if kept:  # a partial run: the run's date and duration stay those of the full one
                reruns = [*old.get("reruns", []), f"{', '.join(sorted(fresh))} re-run on {when}"]
                when, took = old["date"], old["seconds"]
    data = {
        "scale": asdict(scale),
        "date": when,
        "seconds": took,
        "reruns": reruns,
        "machine": machine(),
        "sections": new,
    }
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path


COMMANDS = {"quick": "make bench-quick", "medium": "python -m bench --medium"}


def _run_markdown(data: dict[str, Any]) -> str:
    scale, m = data["scale"], data["machine"]
    lines = [
        f"## `{COMMANDS.get(scale['name'], 'make bench')}`: {scale['rounds']:,} rounds, "
        f"{scale['organizations']:,} organizations ({data['date']})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}; PostgreSQL {m['postgres']} "
        f"on loopback; Python {m['python']}, Django {m['django']}{', ' + m['wrk'] if m['wrk'] else ''}. "
        f"Shared with other work while measured. {scale['repeats']} repeats per figure; the run took "
        f"{data['seconds'] / 60:.0f} min.",
        "",
        "| benchmark | target | measured | status |",
        "| --- | --- | --- | --- |",
    ]
    notes = [f"- {rerun}." for rerun in data.get("reruns", [])]
    for section in data["sections"]:
        for row in section["rows"]:
            lines.append(f"| {row['benchmark']} | {row['target']} | {row['measured']} | {row['status']} |")
        notes += [f"- {section['title']}: {note}" for note in section["notes"]]
    return "\n".join([*lines, "", *notes, ""])


def render(findings: str, summary: str = "") -> str:
    parts = ["# Benchmarks", "", summary] if summary else ["# Benchmarks", ""]
    order = {"full": 0, "medium": 1, "quick": 2}
    for path in sorted(RESULTS.glob("*.json"), key=lambda p: (order.get(p.stem, 2), p.stem)):
        parts.append(_run_markdown(json.loads(path.read_text())))
    if not RESULTS.exists() or not any(RESULTS.glob("*.json")):
        parts.append("No run recorded yet: `make bench-quick` or `make bench`.\n")
    parts += [findings, METHOD]
    return "\n".join(parts)


def write(findings: str, summary: str = "") -> Path:
    OUTPUT.write_text(render(findings, summary))
    return OUTPUT
