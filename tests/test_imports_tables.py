"""Dealtracker's own tables as an import: the demo exported per entity as CSV or XLSX imports into an emptied
database as the same rows, a second import changes nothing, bad rows are reported by file, row, column and value
and nothing is written, and a dry run writes nothing."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from deals import exports, services
from deals.imports import tables
from deals.imports.report import RowError
from deals.models import (
    Citation,
    Condition,
    FundingRound,
    FxRate,
    Metric,
    Organization,
    Participation,
    Relationship,
    RoundStatusChange,
    Source,
)
from tests.test_exports import BOOKKEEPING, empty_tables, natural_key

pytestmark = pytest.mark.django_db

#: The tables a table import writes, compared field by field (a citation's note is not in the tables).
COMPARED: tuple[type[models.Model], ...] = (
    Organization,
    Source,
    FundingRound,
    Participation,
    Condition,
    Relationship,
    Metric,
    FxRate,
    Citation,
)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the compared tables, each field's value (a reference by its natural key), sorted."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for model in COMPARED:
        skipped = BOOKKEEPING | ({"note"} if model is Citation else set())
        fields = [f for f in model._meta.concrete_fields if f.name not in skipped]
        rows = []
        for obj in model._default_manager.all():
            row = []
            for field in fields:
                if field.is_relation:
                    row.append((field.name, natural_key(getattr(obj, field.name))))
                else:
                    row.append((field.name, repr(getattr(obj, field.attname))))
            rows.append(tuple(row))
        result[model._meta.label] = sorted(rows, key=repr)
    return result


def export_tables(folder: Path, fmt: str) -> list[Path]:
    """Every entity the export offers, as ``export_deals`` writes it in ``fmt``, one file each."""
    folder.mkdir()
    paths = []
    for entity in exports.ENTITIES:
        path = folder / f"{entity}.{fmt}"
        call_command("export_deals", "--format", fmt, "--entity", entity, "--output", str(path))
        paths.append(path)
    return paths


def all_unchanged(report: Any) -> bool:
    return all(c["new"] == c["changed"] == c["rejected"] == 0 for c in report.counts.values())


@pytest.fixture
def demo() -> None:
    call_command("load_demo", rates="demo", stdout=io.StringIO())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_demo_round_trips_through_its_tables_into_an_empty_database(demo, tmp_path, fmt):
    # Text a spreadsheet would run as a formula: the CSV export quotes it, the import takes the quote off.
    services.organization_update(
        organization=Organization.objects.get(slug="openai"), values={"description": '=HYPERLINK("http://x","y")'}
    )
    nvidia = Organization.objects.get(slug="nvidia")
    services.organization_update(organization=nvidia, values={"description": "- chips\n+ systems"})
    before = snapshot()
    assert all(before.values()), "the demo fills every compared table"
    paths = export_tables(tmp_path / fmt, fmt)
    # In the database they came from, the tables change nothing.
    same = tables.load(paths, dry_run=True)
    assert same.errors == [] and all_unchanged(same), same.counts

    empty_tables()
    assert Organization.objects.count() == FundingRound.objects.count() == 0
    report = tables.load(list(reversed(paths)))  # the files' order is the import's own
    assert report.errors == [] and report.applied
    assert report.counts["organizations"]["new"] == len(before["deals.Organization"])
    assert report.counts["rounds"]["new"] == len(before["deals.FundingRound"])
    assert report.counts["participations"]["new"] == len(before["deals.Participation"])
    assert report.counts["fx_rates"]["new"] == len(before["deals.FxRate"])
    ignored = report.ignored_columns[f"rounds.{fmt}"]
    assert {"computed.stale", "participations", "claims.amount.claims"} <= set(ignored)
    assert "roles" in report.ignored_columns[f"organizations.{fmt}"]
    assert snapshot() == before
    # Each round's history is its one status, dated by the round's date for it.
    closed = FundingRound.objects.filter(status="closed").exclude(closed_on=None).first()
    assert closed is not None
    assert list(closed.status_changes.values_list("from_status", "to_status", "changed_on")) == [
        ("", "closed", closed.closed_on)
    ]

    again = tables.load(paths)
    assert again.errors == [] and all_unchanged(again), again.counts
    assert snapshot() == before


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


ORG = {"kind": "company", "country": "", "website": "", "description": "", "founded_on": "", "parent": ""}
ROUND = {
    "round_type": "seed",
    "status": "announced",
    "reported_on": "",
    "reported_on_precision": "day",
    "announced_on": "2026-01-30",
    "announced_on_precision": "day",
    "closed_on": "",
    "closed_on_precision": "day",
    "amount.value": "5000000",
    "amount.low": "5000000",
    "amount.high": "5000000",
    "amount.qualifier": "exact",
    "amount.currency": "EUR",
    "notes": "",
    "computed.stale": "True",
}


def small_tables(folder: Path) -> list[Path]:
    """Tables written by hand: two organizations (ids 901, 902), rounds of the first, and a participation."""
    folder.mkdir()
    organizations = write_csv(
        folder / "orgs.csv",
        [
            {"id": 901, "name": "Acme", "slug": "acme", **ORG, "aliases": "[]", "roles": '["target"]'},
            {"id": 902, "name": "Fund", "slug": "fund", **ORG, "kind": "vc_fund", "aliases": '["F"]'},
        ],
    )
    rounds = write_csv(
        folder / "deals.csv",
        [
            {"id": 1, "target": 901, "ref": "example:1", **ROUND},
            {"id": 2, "target": "acme", "ref": "example:2", **ROUND, "round_type": "series_a"},
        ],
    )
    participations = write_csv(
        folder / "investors.csv",
        [
            {
                "id": 1,
                "round": 1,
                "investor": 902,
                "amount.value": "1000000",
                "amount.low": "1000000",
                "amount.high": "1000000",
                "amount.qualifier": "exact",
                "amount.currency": "EUR",
                "is_lead": "True",
                "instrument": "equity",
                "status": "committed",
                "conditions": json.dumps(
                    [{"kind": "regulatory", "description": "Clearance.", "counterparty": 901, "status": "pending"}]
                ),
                "sources": "[]",
            }
        ],
    )
    return [organizations, rounds, participations]


def test_hand_written_tables_import_by_their_columns_and_ids(tmp_path):
    paths = small_tables(tmp_path / "small")
    report = tables.load(paths)
    assert report.errors == [] and report.applied
    assert report.counts["rounds"]["new"] == 2 and report.counts["participations"]["new"] == 1
    assert report.ignored_columns == {"orgs.csv": ["roles"], "deals.csv": ["computed.stale"]}
    participation = Participation.objects.get()
    assert (participation.round.ref, participation.investor.slug, participation.is_lead) == ("example:1", "fund", True)
    assert (participation.amount_qualifier, participation.amount_value, participation.amount_currency) == (
        "exact",
        Decimal("1000000"),
        "EUR",
    )
    condition = participation.conditions.get()
    assert condition.counterparty is not None
    assert (condition.kind, condition.counterparty.slug, condition.status) == ("regulatory", "acme", "pending")
    assert Organization.objects.get(slug="fund").aliases == ["F"]
    assert FundingRound.objects.get(ref="example:2").target.slug == "acme"
    assert RoundStatusChange.objects.filter(round__ref="example:1").count() == 1

    again = tables.load(paths)
    assert again.errors == [] and all_unchanged(again), again.counts


def test_a_changed_status_in_a_table_is_the_rounds_next_move(tmp_path):
    paths = small_tables(tmp_path / "small")
    tables.load(paths)
    write_csv(
        paths[1],
        [
            {"id": 1, "target": 901, "ref": "example:1", **ROUND, "status": "closed", "closed_on": "2026-03-01"},
            {"id": 2, "target": "acme", "ref": "example:2", **ROUND, "round_type": "series_a"},
        ],
    )
    report = tables.load(paths)
    assert report.errors == [] and report.counts["rounds"] == {"new": 0, "changed": 1, "unchanged": 1, "rejected": 0}
    round_ = FundingRound.objects.get(ref="example:1")
    history = list(round_.status_changes.order_by("id").values_list("from_status", "to_status", "changed_on"))
    assert [h[:2] for h in history] == [("", "announced"), ("announced", "closed")]
    assert str(history[1][2]) == "2026-03-01" and str(round_.closed_on) == "2026-03-01"
    assert all_unchanged(tables.load(paths))


def test_bad_rows_are_reported_by_file_row_column_and_value_and_nothing_is_written(tmp_path):
    paths = small_tables(tmp_path / "bad")
    write_csv(
        paths[1],
        [
            {"id": 1, "target": 901, "ref": "example:1", **ROUND},
            {"id": 2, "target": 901, "ref": "example:2", **ROUND, "amount.value": "abc"},
            {"id": 3, "target": 901, "ref": "example:3", **ROUND, "round_type": "mega_round"},
            {"id": 4, "target": 999999, "ref": "example:4", **ROUND},
            {"id": 5, "target": 901, "ref": "example:5", **ROUND, "amount.qualifier": ""},
            {"id": 6, "target": 901, "ref": "example:6", **ROUND, "announced_on": "30.01.2026"},
        ],
    )
    write_csv(
        paths[2],
        [
            {"id": 1, "round": 4, "investor": 902, "is_lead": "maybe"},
            {"id": 2, "round": 4, "investor": 902, "is_lead": "False"},
            {"id": 3, "round": 1, "investor": 902, "is_lead": "True", "sources": "[777777]"},
        ],
    )
    report = tables.load(paths)
    assert set(report.errors) == {
        RowError("deals.csv", 3, "amount.value", "Not a number.", "abc"),
        RowError("deals.csv", 4, "round_type", "Value 'mega_round' is not a valid choice.", "mega_round"),
        RowError("deals.csv", 5, "target", "No organization with this id in the files or the database.", "999999"),
        RowError("deals.csv", 6, "amount.qualifier", "An estimate needs a qualifier.", ""),
        RowError("deals.csv", 7, "announced_on", "Not a date (YYYY-MM-DD).", "30.01.2026"),
        RowError("investors.csv", 2, "is_lead", "Not true or false.", "maybe"),
        RowError("investors.csv", 3, "round", "No round with this id (or its row was rejected).", "4"),
        RowError("investors.csv", 4, "sources", "No source with this id in the files or the database.", "[777777]"),
    }
    assert report.counts["rounds"] == {"new": 1, "changed": 0, "unchanged": 0, "rejected": 5}
    assert report.counts["organizations"]["new"] == 2
    assert not report.applied
    assert Organization.objects.count() == FundingRound.objects.count() == 0  # all or nothing

    accepted = tables.load(paths, accept_errors=True)
    assert accepted.applied
    assert list(FundingRound.objects.values_list("ref", flat=True)) == ["example:1"]
    assert Participation.objects.count() == 0


def test_a_dry_run_reports_what_applying_would_do_and_writes_nothing(tmp_path):
    paths = small_tables(tmp_path / "dry")
    report = tables.load(paths, dry_run=True)
    assert not report.applied and report.errors == []
    assert report.counts["organizations"]["new"] == 2 and report.counts["rounds"]["new"] == 2
    assert Organization.objects.count() == FundingRound.objects.count() == Participation.objects.count() == 0
    assert tables.load(paths).counts == report.counts  # the preview is what applying does


def test_a_file_of_no_entity_or_a_second_file_of_one_is_refused(tmp_path):
    paths = small_tables(tmp_path / "files")
    other = write_csv(tmp_path / "other.csv", [{"uuid": "x", "name": "y"}])
    twice = write_csv(tmp_path / "twice.csv", [{"id": 3, "name": "Other", "slug": "other", **ORG}])
    report = tables.load([*paths, other, twice])
    assert [(e.file, e.message.split(":")[0]) for e in report.errors] == [
        ("other.csv", "The columns fit no entity of Dealtracker's tables, or several"),
        ("twice.csv", "A second file of organizations (the first"),
    ]
    assert not report.applied and Organization.objects.count() == 0


def test_import_deals_reads_the_tables_with_a_dry_run(tmp_path):
    paths = small_tables(tmp_path / "cli")
    for fmt in ("dealtracker-tables", "auto"):
        out = io.StringIO()
        args = [*map(str, paths), "--format", fmt, "--dry-run", "--no-progress", "--json"]
        call_command("import_deals", *args, stdout=out)
        report = json.loads(out.getvalue())
        assert report["format"] == "dealtracker-tables" and report["dry_run"] and not report["applied"]
        assert report["errors"] == [] and report["counts"]["rounds"]["new"] == 2
    assert Organization.objects.count() == 0


def test_tables_import_as_an_api_job(settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api_support import client_for

    settings.DEALTRACKER_IMPORT_DIR = str(tmp_path / "uploads")
    client = client_for("Data entry")
    paths = small_tables(tmp_path / "api")
    for dry_run, applied in (("true", False), ("false", True)):
        uploads = [SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv") for path in paths]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/imports/",
                {"files": uploads, "format": "dealtracker-tables", "dry_run": dry_run},
                format="multipart",
            )
        assert response.status_code == 202, response.content
        job = client.get(f"/api/jobs/{response.json()['id']}/").json()
        assert job["state"] == "succeeded" and job["result"]["applied"] is applied, job
        assert job["result"]["errors"] == [] and job["result"]["counts"]["rounds"]["new"] == 2
    assert Participation.objects.get().investor.slug == "fund"
