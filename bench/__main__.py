"""``make bench-quick`` / ``make bench``: python -m bench [--quick | --medium] [--reuse] [--only SECTION,…].

Generates the data into a database of its own, runs the sections, saves their results under
``bench/recorded/`` and renders ``BENCHMARKS.md``. See BENCHMARKS.md for what each section measures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SECTIONS = ("data", "recompute", "api", "pages", "incremental", "circular")


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker or broker.startswith("filesystem://"):  # a private queue: no other worker takes our tasks
        os.environ["CELERY_BROKER_URL"] = f"filesystem://{tempfile.mkdtemp(prefix='dealtracker-bench-broker-')}"
    import django

    django.setup()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 rounds, a few minutes")
    parser.add_argument("--medium", action="store_true", help="100,000 rounds, a tenth of the full run")
    parser.add_argument("--reuse", action="store_true", help="keep data generated earlier at the same scale")
    parser.add_argument("--render", action="store_true", help="only render BENCHMARKS.md from the saved results")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections to run, of {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    _setup()

    from bench import api, circular_flows, data, incremental, pages, recompute, report
    from bench.common import FULL, MEDIUM, QUICK, Scale, Section, log

    findings = Path(__file__).with_name("FINDINGS.md").read_text()
    summary_file = Path(__file__).with_name("SUMMARY.md")
    summary = summary_file.read_text() if summary_file.exists() else ""
    if args.render:
        report.write(findings, summary)
        return 0

    scale = QUICK if args.quick else MEDIUM if args.medium else FULL
    started, clock = datetime.datetime.now(datetime.UTC), time.perf_counter()
    sections: list[Section] = [data.prepare(scale, reuse=args.reuse or "data" not in only)]

    def circular(scale: Scale) -> Section:
        section = Section("Circular flows")
        seconds, cycles = circular_flows.run(runs=scale.repeats)
        section.add(
            "Circular flows, 10,000 organizations / 100,000 edges, cycles up to 4 edges",
            "≤ 30 s",
            f"median {seconds:.1f} s of {scale.repeats} runs ({cycles:,} cycles)",
            seconds <= 30,
        )
        log(f"circular flows: {seconds:.1f} s")
        return section

    runners: dict[str, Callable[[Scale], Section]] = {
        "recompute": recompute.run,
        "api": api.run,
        "pages": pages.run,
        "incremental": incremental.run,
        "circular": circular,
    }
    for name in SECTIONS[1:]:
        if name in only:
            sections.append(runners[name](scale))
    saved = report.save(scale, sections, started, time.perf_counter() - clock)
    written = report.write(findings, summary)
    log(f"results in {saved.relative_to(saved.parents[1])}; report in {written.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
