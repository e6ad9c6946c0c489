"""The benchmark code runs end to end on tiny data (no timing assertions: only that it runs and agrees)."""

from __future__ import annotations

import base64
import datetime
import shutil
from urllib.parse import parse_qs

import pytest
from django.db import connection

from bench import api, common, incremental, pages, recompute, report
from deals.management.commands.generate_deals import Scale as GeneratorScale
from deals.management.commands.generate_deals import generate
from deals.models import ParticipationFigures
from tests.support.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True)
TINY = common.TINY
WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8000
  Latency Distribution
     50%    1.52ms
     75%    2.00ms
     90%    3.10ms
     99%   45.20ms
  3000 requests in 3.00s, 1.20MB read
  Non-2xx or 3xx responses: 2
Requests/sec:   1000.50
"""


@pytest.fixture
def tiny_data() -> None:
    generate(GeneratorScale(TINY.organizations, TINY.rounds, TINY.relationships, TINY.seed))


def test_the_recompute_bench_matches_the_pipeline_with_its_sql(tiny_data):
    section = recompute.run(TINY)
    assert ParticipationFigures.objects.exists()
    labels = [row.benchmark for row in section.rows]
    assert any("Full recompute" in label for label in labels)
    assert any("Circular-flow step" in label for label in labels)
    agree = section.notes[0]
    compared = agree.split(" agree on ")[1].split(" stakes")[0]
    same, total = compared.split(" of ")
    assert same == total and int(total.replace(",", "")) > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_sql_stakes')")
        assert cursor.fetchone()[0] is None  # the scratch table is dropped


def test_the_pages_bench_times_each_page_or_says_it_is_missing(tiny_data):
    section = pages.run(TINY)
    assert len(section.rows) == 4
    assert {row.status for row in section.rows} <= {"met", "missed", "not measured"}


def test_wrk_output_and_cursors_are_read_correctly():
    figures = api.parse_wrk(WRK_OUTPUT)
    assert figures == {"p50": pytest.approx(0.00152), "p99": pytest.approx(0.0452), "rps": 1000.5, "errors": 2.0}
    assert parse_qs(base64.b64decode(api.cursor_at(1234)).decode()) == {"p": ["1234"]}


def test_the_api_bench_without_wrk_says_so(tiny_data, monkeypatch):
    monkeypatch.setattr(api.shutil, "which", lambda name: None)
    section = api.run(TINY)
    assert section.rows and all(row.status == "not measured" for row in section.rows)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_api_bench_loads_every_endpoint_under_gunicorn(tiny_data, monkeypatch):
    recompute.run(TINY)  # positions for the portfolio endpoint
    monkeypatch.setenv("DATABASE_URL", database_url(connection.settings_dict))
    monkeypatch.setenv("DEALTRACKER_BENCH_DATABASE", connection.settings_dict["NAME"])
    section = api.run(TINY)
    measured = {row.benchmark: row for row in section.rows}
    assert api.LABELS["list"] in measured and api.LABELS["bare"] in measured
    assert all("non-2xx" not in row.measured for row in section.rows)


@pytest.mark.worker
def test_the_incremental_bench_waits_for_a_real_worker(tiny_data, monkeypatch):
    from dealtracker.celery import app

    monkeypatch.setenv("DATABASE_URL", database_url(connection.settings_dict))
    monkeypatch.setenv("DEALTRACKER_BENCH_DATABASE", connection.settings_dict["NAME"])
    app.conf.task_always_eager = False
    try:
        section = incremental.run(TINY)
    finally:
        app.conf.task_always_eager = True
    assert section.figures["edits"] >= 1
    assert section.rows[0].status in {"met", "missed"}


def test_the_report_renders_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(report, "OUTPUT", tmp_path / "BENCHMARKS.md")
    section = common.Section("API")
    section.add("List rounds", "p50 ≤ 20 ms", "p50 5.0 ms", True)
    section.missing("Dashboard", "≤ 100 ms", "not measured (page missing)")
    report.save(TINY, [section], datetime.datetime(2026, 1, 30, tzinfo=datetime.UTC), 12.0)
    text = report.write("## Profiling and changes\n").read_text()
    assert "| List rounds | p50 ≤ 20 ms | p50 5.0 ms | met |" in text
    assert "not measured (page missing)" in text and "## How each figure is measured" in text
