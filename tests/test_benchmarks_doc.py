"""BENCHMARKS.md is what ``python -m bench --render`` writes: the recorded runs between bench/SUMMARY.md and
bench/FINDINGS.md. A section written into BENCHMARKS.md alone would be lost at the next run."""

from __future__ import annotations

from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent


def test_benchmarks_md_is_what_the_bench_renders():
    summary = (ROOT / "bench" / "SUMMARY.md").read_text()
    findings = (ROOT / "bench" / "FINDINGS.md").read_text()
    assert (ROOT / "BENCHMARKS.md").read_text() == report.render(findings, summary), (
        "edit bench/SUMMARY.md or bench/FINDINGS.md and run `python -m bench --render`"
    )
