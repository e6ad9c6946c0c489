"""Dealtracker's own format and the exports: the demo data round-trips losslessly through the JSON document into an
emptied database, a second import changes nothing, bad records are reported and nothing is half-written, and the
API's export gives the document, CSV with the API's columns and XLSX without formulas."""

from __future__ import annotations

import collections
import csv
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, models
from openpyxl import load_workbook

from deals import services
from deals.imports import dealtracker
from deals.models import (
    Citation,
    Claim,
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

pytestmark = pytest.mark.django_db

#: Every table the document holds.
TABLES: tuple[type[models.Model], ...] = (
    Organization,
    Source,
    FundingRound,
    RoundStatusChange,
    Participation,
    Condition,
    Citation,
    Relationship,
    Metric,
    FxRate,
    Claim,
)
#: Columns that are the database's own bookkeeping, not data: ids, timestamps, the concurrency version.
BOOKKEEPING = {"id", "created_at", "updated_at", "version"}


def natural_key(obj: models.Model | None) -> Any:
    """A row's key in every database: what it is, never its id."""
    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj.slug
    if isinstance(obj, Source):
        return (obj.outlet, obj.title, str(obj.published_on))
    if isinstance(obj, FundingRound):
        return obj.ref
    if isinstance(obj, Participation):
        return (natural_key(obj.round), natural_key(obj.investor))
    if isinstance(obj, Condition):
        return (natural_key(obj.participation), obj.kind, obj.description)
    if isinstance(obj, Relationship):
        return (natural_key(obj.provider), natural_key(obj.client), obj.kind, str(obj.started_on))
    if isinstance(obj, Metric):
        return (natural_key(obj.organization), obj.kind, obj.label, obj.period_year, str(obj.period_date))
    raise AssertionError(f"no natural key for {type(obj).__name__}")


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, each column's value (a reference by the natural key it points at), sorted."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in TABLES:
        fields = [f for f in model._meta.concrete_fields if f.name not in BOOKKEEPING]
        rows = []
        for obj in model._default_manager.all():
            row = []
            for field in fields:
                if field.is_relation and field.name not in {"recorded_by", "accepted_by"}:
                    row.append((field.name, natural_key(getattr(obj, field.name))))
                else:
                    row.append((field.name, repr(getattr(obj, field.attname))))
            rows.append(tuple(row))
        tables[model._meta.label] = sorted(rows, key=repr)
    return tables


def empty_tables() -> None:
    """The document's tables emptied, and every table that refers to them (figures, events, follows): an empty
    database, undone when the test's transaction rolls back."""
    names = ", ".join(model._meta.db_table for model in TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred checks run now, so TRUNCATE may
        cursor.execute(f"TRUNCATE {names} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def export_to(path: Path, *args: str) -> dict[str, Any]:
    call_command("export_deals", "--output", str(path), *args)
    return json.loads(path.read_text(encoding="utf-8"))


def all_unchanged(report: Any) -> bool:
    return all(c["new"] == c["changed"] == c["rejected"] == 0 for c in report.counts.values())


@pytest.fixture
def demo() -> None:
    call_command("load_demo", rates="demo", stdout=io.StringIO())


def test_the_demo_round_trips_through_the_document_into_an_empty_database(demo, tmp_path):
    before = snapshot()
    document = export_to(tmp_path / "demo.json")
    assert document["format"] == "dealtracker" and document["version"] == 1
    assert len(document["rounds"]) == FundingRound.objects.count()
    assert all(before.values()), "the demo fills every table"
    assert Claim.objects.filter(source__isnull=False).exists() and Claim.objects.filter(accepted=True).exists()

    empty_tables()
    assert Organization.objects.count() == FxRate.objects.count() == 0
    report = dealtracker.load(tmp_path / "demo.json")
    assert report.errors == [] and report.applied
    assert report.counts["rounds"]["new"] == len(document["rounds"])
    assert report.counts["fx_rates"]["new"] == len(document["fx_rates"])
    assert snapshot() == before

    again = dealtracker.load(tmp_path / "demo.json")
    assert again.errors == [] and all_unchanged(again), again.counts
    assert snapshot() == before


def test_importing_the_export_into_the_database_it_came_from_changes_nothing(demo, tmp_path):
    before = snapshot()
    export_to(tmp_path / "demo.json")
    report = dealtracker.load(tmp_path / "demo.json")
    assert all_unchanged(report), report.counts
    assert sum(c["unchanged"] for c in report.counts.values()) > 0
    assert snapshot() == before


def test_a_dry_run_reports_what_applying_would_do_and_writes_nothing(demo, tmp_path):
    export_to(tmp_path / "demo.json")
    empty_tables()
    report = dealtracker.load(tmp_path / "demo.json", dry_run=True)
    assert not report.applied and report.errors == []
    assert report.counts["organizations"]["new"] > 0
    assert Organization.objects.count() == FundingRound.objects.count() == 0


def test_bad_records_are_reported_by_place_and_field_and_nothing_is_written(demo, tmp_path):
    document = export_to(tmp_path / "demo.json")
    empty_tables()
    document["rounds"][0]["target"] = "no-such-org"
    document["rounds"][1]["amount"] = {"qualifier": "exact", "value": "abc", "currency": "USD"}
    document["rounds"][2]["participations"][0]["investor"] = "nobody"
    document["organizations"].append(dict(document["organizations"][0]))
    (tmp_path / "bad.json").write_text(json.dumps(document), encoding="utf-8")

    report = dealtracker.load(tmp_path / "bad.json")
    found = {(e.row, e.column, e.message, e.value) for e in report.errors}
    orgs = len(document["organizations"])
    assert (1, "target", "No organization with this slug (or its record was rejected).", "no-such-org") in found
    assert (2, "amount", "Not a number.", "abc") in found
    missing = "No organization with this slug (or its record was rejected)."
    assert (3, "participations[1].investor", missing, "nobody") in found
    assert any(e.row == orgs and e.column == "slug" and e.message.startswith("Duplicate key") for e in report.errors)
    assert not report.applied
    assert Organization.objects.count() == 0  # all or nothing

    accepted = dealtracker.load(tmp_path / "bad.json", accept_errors=True)
    assert accepted.applied
    assert FundingRound.objects.count() == len(document["rounds"]) - 2


def test_not_a_document_is_one_error(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "something", "version": 1}), encoding="utf-8")
    report = dealtracker.load(path)
    assert [(e.column, e.value) for e in report.errors] == [("format", "something")]
    path.write_text(json.dumps({"format": "dealtracker", "version": 9}), encoding="utf-8")
    assert [e.column for e in dealtracker.load(path).errors] == ["version"]


def test_a_document_broken_halfway_or_with_a_section_not_a_list_writes_nothing(demo, tmp_path):
    export_to(tmp_path / "demo.json")
    text = (tmp_path / "demo.json").read_text(encoding="utf-8")
    empty_tables()
    (tmp_path / "cut.json").write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    report = dealtracker.load(tmp_path / "cut.json")
    assert [(e.column, e.message) for e in report.errors] == [("", "Not a JSON document.")]
    assert not report.applied and Organization.objects.count() == 0

    document = json.loads(text)
    document["rounds"] = {"not": "a list"}
    (tmp_path / "odd.json").write_text(json.dumps(document), encoding="utf-8")
    report = dealtracker.load(tmp_path / "odd.json")
    assert [(e.column, e.message) for e in report.errors] == [("rounds", "The section is not a list of records.")]
    assert Organization.objects.count() == 0


def test_a_document_is_read_one_record_at_a_time(tmp_path):
    """Reading a document of about 5 MB holds one record at a time: json.load would hold all its 20,000 records."""
    record = {"slug": "x", "name": "A name " * 20, "kind": "company", "country": "DE", "aliases": ["one", "two"]}
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"format": "dealtracker", "version": 1, "organizations": [')
        handle.write(",".join(json.dumps({**record, "slug": f"org-{n}"}) for n in range(20_000)))
        handle.write('], "fx_rates": []}')
    assert path.stat().st_size > 4_000_000
    importer = dealtracker.Importer(path, dry_run=True, accept_errors=False, progress=None)

    tracemalloc.start()
    try:
        outline = dealtracker.Outline.read(path)
        last = collections.deque(importer.records("organizations"), maxlen=1).pop()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outline.counts["organizations"] == 20_000 and outline.format == "dealtracker" and outline.version == 1
    assert last[0] == 20_000 and last[1]["slug"] == "org-19999"
    assert peak < 2_000_000, f"{peak:,} bytes at the peak"


def test_import_deals_guesses_the_format_of_a_json_file(demo, tmp_path):
    export_to(tmp_path / "demo.json")
    out = io.StringIO()
    call_command("import_deals", str(tmp_path / "demo.json"), "--dry-run", "--no-progress", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["format"] == "dealtracker" and report["errors"] == []


def test_a_filtered_export_holds_the_filtered_rounds_and_what_they_need(demo, tmp_path):
    document = export_to(tmp_path / "openai.json", "target_slug=openai")
    assert document["filtered"] is True
    assert {r["target"] for r in document["rounds"]} == {"openai"}
    assert len(document["rounds"]) == FundingRound.objects.filter(target__slug="openai").count()
    slugs = {o["slug"] for o in document["organizations"]}
    named = {p["investor"] for r in document["rounds"] for p in r["participations"]} | {"openai"}
    assert named <= slugs
    keys = {s["key"] for s in document["sources"]}
    assert {c["source"] for r in document["rounds"] for c in r["citations"]} <= keys

    empty_tables()
    report = dealtracker.load(tmp_path / "openai.json")
    assert report.errors == [] and report.applied


def api_get(client: Any, **params: str) -> Any:
    return client.get("/api/export/", params)


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_api_exports_the_document_streamed(demo, admin_client):
    response = api_get(admin_client, target_slug="openai")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json"
    document = json.loads(content(response))
    assert {r["target"] for r in document["rounds"]} == {"openai"}


def test_the_api_export_needs_the_right_to_read(demo, client, settings):
    settings.PUBLIC_READ = False
    assert api_get(client).status_code in (401, 403)


def test_a_bad_filter_or_format_is_a_400(demo, admin_client):
    assert api_get(admin_client, format="pdf").status_code == 400
    assert api_get(admin_client, format="csv", date_from="30.01.2026").status_code == 400


def test_the_csv_export_has_the_api_csv_columns(demo, admin_client):
    api_csv = admin_client.get("/api/rounds/", {"format": "csv", "page_size": "500"})
    expected = next(csv.reader(io.StringIO(api_csv.content.decode())))
    response = api_get(admin_client, format="csv", entity="rounds")
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(content(response).decode())))
    assert rows[0] == expected
    assert len(rows) - 1 == FundingRound.objects.count()


def test_the_xlsx_export_has_the_columns_and_no_formulas(demo, admin_client):
    organization = Organization.objects.get(slug="openai")
    services.organization_update(organization=organization, values={"description": '=HYPERLINK("http://x","y")'})
    api_csv = admin_client.get("/api/organizations/", {"format": "csv", "page_size": "500"})
    expected = next(csv.reader(io.StringIO(api_csv.content.decode())))
    response = api_get(admin_client, format="xlsx", entity="organizations")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(content(response))).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == expected
    assert len(rows) - 1 == Organization.objects.count()
    cells = [c for row in rows for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula


def test_the_deals_list_links_its_exports_with_its_filters(demo, admin_client):
    page = admin_client.get("/rounds/", {"status": "closed"}).content.decode()
    assert "/api/export/?status=closed&amp;format=dealtracker" in page
    assert "/api/export/?status=closed&amp;format=xlsx&amp;entity=rounds" in page


def small_document() -> dict[str, Any]:
    """A document written by hand: two organizations, a source, one round with its history and one investor."""
    source = {"outlet": "Example News", "title": "Acme raises", "published_on": "2026-01-30"}
    key = dealtracker.source_key(source["outlet"], source["published_on"], source["title"])
    organization = {"kind": "company", "country": "", "website": "", "description": "", "founded_on": None}
    return {
        "format": "dealtracker",
        "version": 1,
        "organizations": [
            {"slug": "acme", "name": "Acme", **organization, "aliases": [], "parent": None},
            {"slug": "fund", "name": "Fund", **organization, "kind": "vc_fund", "aliases": ["F"], "parent": None},
        ],
        "sources": [{"key": key, **source, "url": "", "language": "en", "reliability": "report", "note": ""}],
        "rounds": [
            {
                "ref": "example:1",
                "target": "acme",
                "round_type": "seed",
                "status": "announced",
                "announced_on": "2026-01-30",
                **{f"{d}_precision": "day" for d in ("reported_on", "announced_on", "closed_on")},
                "amount": {"qualifier": "exact", "value": "5000000", "low": None, "high": None, "currency": "EUR"},
                "citations": [{"source": key, "note": ""}],
                "status_history": [
                    {"changed_on": "2026-01-30", "from_status": "", "to_status": "announced", "source": key}
                ],
                "participations": [
                    {"investor": "fund", "is_lead": True, "instrument": "equity", "status": "committed"}
                ],
            }
        ],
    }


def test_a_document_imports_as_an_api_job(settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api_support import client_for

    settings.DEALTRACKER_IMPORT_DIR = str(tmp_path)
    client = client_for("Data entry")
    body = json.dumps(small_document()).encode()
    for dry_run, applied in (("true", False), ("false", True)):
        upload = SimpleUploadedFile("dump.json", body, content_type="application/json")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/imports/", {"files": [upload], "format": "dealtracker", "dry_run": dry_run}, format="multipart"
            )
        assert response.status_code == 202, response.content
        job = client.get(f"/api/jobs/{response.json()['id']}/").json()
        assert job["state"] == "succeeded" and job["result"]["applied"] is applied, job
        assert job["result"]["errors"] == []
        assert job["result"]["counts"]["rounds"]["new"] == 1
    round_ = FundingRound.objects.get(ref="example:1")
    assert round_.participations.get().investor.slug == "fund"
    assert round_.status_changes.get().source is not None
    assert Organization.objects.get(slug="fund").aliases == ["F"]
