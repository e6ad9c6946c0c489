"""Dealtracker's own tables: one entity per file, as CSV or XLSX, with the columns the API's CSV has, as
``manage.py export_deals --format csv|xlsx --entity …`` and ``GET /api/export/?format=csv|xlsx&entity=…`` write
them. Every entity the export offers is read: organizations, sources, rounds, participations, relationships,
metrics and FX rates.

A file's entity is told by its columns (:data:`SIGNATURES`), never by its name; a file whose columns fit no entity,
or two, is refused, and so is a second file of an entity. The files of one import are read in the order their
records need each other (organizations first, FX rates last), each as a stream: CSV by :mod:`csv`, XLSX by
openpyxl in read-only mode (its first sheet). Row numbers are the spreadsheet's (the header is row 1).

The rows become records of the Dealtracker document's shape and are written by its writer
(:class:`deals.imports.dealtracker.Writer`): the same rules, idempotence, per-row errors, dry run and all or
nothing. A table refers to records by their ids in the database it came from; an id is read as the record of that
id in one of the import's files (so the files import into any database together), else as the record of that id in
the database imported into. A slug (organizations) or ref (rounds) is accepted instead of an id. A table holds less
than the document: a round's status history, the claims and the citations' notes are not in it (see the Writer).
Columns the API computes (figures, stakes, flags, claims, an organization's roles, a round's participations) are
ignored and listed in the report, as are columns no entity has.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from deals.csv_safety import FORMULA_START, safe_cell
from deals.imports import dealtracker
from deals.imports.dealtracker import (
    METRIC_FIELDS,
    ORGANIZATION_FIELDS,
    PARTICIPATION_FIELDS,
    RELATIONSHIP_FIELDS,
    ROUND_ESTIMATES,
    ROUND_FIELDS,
    SOURCE_FIELDS,
    RecordRejected,
    Writer,
    source_key,
)
from deals.imports.report import Progress, Report, RowError
from deals.models import FundingRound, Organization, Source
from deals.models.estimates import PARTS

FORMAT = "dealtracker-tables"
SUFFIXES = (".csv", ".xlsx")
#: The entities in the order their files are imported (the export's names).
ENTITIES = ("organizations", "sources", "rounds", "participations", "relationships", "metrics", "fx-rates")
#: The columns that tell a file's entity: a file has every column of exactly one entity.
SIGNATURES = {
    "organizations": frozenset({"slug", "name", "kind"}),
    "sources": frozenset({"outlet", "title", "published_on"}),
    "rounds": frozenset({"target", "round_type", "status"}),
    "participations": frozenset({"round", "investor"}),
    "relationships": frozenset({"provider", "client", "kind"}),
    "metrics": frozenset({"organization", "kind", "period_year"}),
    "fx-rates": frozenset({"date", "base", "quote", "rate"}),
}
#: Each entity's estimates, read from their columns ``name.value``, ``name.low``, … (``name`` alone when empty).
ESTIMATES = {
    "rounds": ROUND_ESTIMATES,
    "participations": ("amount",),
    "relationships": ("annual_value",),
    "metrics": ("value",),
}
_PLAIN = {
    "organizations": ("slug", *ORGANIZATION_FIELDS, "parent"),
    "sources": SOURCE_FIELDS,
    "rounds": ("ref", "target", *ROUND_FIELDS, "sources"),
    "participations": ("round", "investor", *PARTICIPATION_FIELDS, "conditions", "sources"),
    "relationships": ("provider", "client", *RELATIONSHIP_FIELDS, "sources"),
    "metrics": ("organization", *METRIC_FIELDS, "sources"),
    "fx-rates": ("date", "base", "quote", "rate"),
}
#: The columns each entity's file is read by; any other column is ignored and listed in the report.
COLUMNS = {
    entity: frozenset(
        {"id", *plain}
        | {f"{name}.{part}" for name in ESTIMATES.get(entity, ()) for part in PARTS}
        | set(ESTIMATES.get(entity, ()))
    )
    for entity, plain in _PLAIN.items()
}
#: The report's name of each entity (the document's sections).
SECTION = {entity: entity.replace("-", "_") for entity in ENTITIES}
#: Where a record's field is in the table, when its name there differs.
FIELD_COLUMNS = {"citations": "sources"}
TRUE, FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})
#: The raw cells a record was made of, kept on it for the errors' columns and values.
CELLS = "_cells"


class TableRefused(Exception):
    """A file that cannot be imported as a table: its problem, for a file-level error."""


# --- Reading the files ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as the text a CSV has: XLSX numbers, booleans and dates written as the export writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _unquoted(text: str) -> str:
    """A CSV cell with the quote taken off that the export puts before text a spreadsheet would run as a formula
    (deals/csv_safety.py)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START) and safe_cell(text[1:]) == text:
        return text[1:]
    return text


def read(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of a table file as ``(row, cells)``, the header first (row 1), each cell as text."""
    if path.suffix.lower() == ".xlsx":
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
            raise TableRefused(_("Not an XLSX workbook.")) from exc
        try:
            sheet = workbook.worksheets[0]
            for row, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield row, [_text(value) for value in values]
        finally:
            workbook.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            for row, values in enumerate(csv.reader(handle), start=1):
                yield row, [_unquoted(value) for value in values]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise TableRefused(_("Not a CSV file in UTF-8.")) from exc


def entity_of(header: Sequence[str]) -> str:
    """The entity whose columns ``header`` has (:data:`SIGNATURES`); :class:`TableRefused` when none or several."""
    found = [entity for entity, columns in SIGNATURES.items() if columns <= set(header)]
    if len(found) != 1:
        raise TableRefused(
            _("The columns fit no entity of Dealtracker's tables, or several: %(found)s")
            % {"found": ", ".join(found) or "-"}
        )
    return found[0]


def header_of(path: Path) -> list[str]:
    for _row, cells in read(path):
        return [cell.strip() for cell in cells]
    return []


def is_table(path: Path) -> bool:
    """Whether ``path`` is a CSV or XLSX file whose columns are one of Dealtracker's tables."""
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    try:
        entity_of(header_of(path))
    except (TableRefused, OSError):
        return False
    return True


def count_rows(paths: Sequence[Path]) -> int:
    """The data rows of the files (for a progress total): lines of a CSV, the sheet's extent of an XLSX."""
    total = 0
    for path in paths:
        # An unreadable file is reported when it is read; its rows are not counted.
        with contextlib.suppress(Exception):
            if path.suffix.lower() == ".xlsx":
                workbook = load_workbook(path, read_only=True)
                total += max((workbook.worksheets[0].max_row or 1) - 1, 0)
                workbook.close()
            else:
                with path.open("rb") as handle:
                    total += max(sum(1 for _ in handle) - 1, 0)
    return total


# --- The import ----------------------------------------------------------------------------------------------


class Importer(Writer):
    """One import of a set of table files; :meth:`run` returns its report."""

    def __init__(self, paths: Sequence[Path], *, dry_run: bool, accept_errors: bool, progress: Progress | None):
        report = Report(format=FORMAT, dry_run=dry_run)
        super().__init__(report, full=False, dry_run=dry_run, accept_errors=accept_errors, progress=progress)
        self.paths = list(paths)
        #: A file's id of a record → the record's key: an organization's slug, a source's key, a round's key.
        self.org_ids: dict[int, str] = {}
        self.source_ids: dict[int, str] = {}
        self.round_ids: dict[int, Any] = {}  # None: the file's round whose row was rejected

    def run(self) -> Report:
        files: dict[str, Path] = {}
        for path in self.paths:
            try:
                entity = entity_of(header_of(path))
            except (TableRefused, OSError) as exc:
                self.report.reject("files", RowError(path.name, 1, "", str(exc), ""))
                continue
            if entity in files:
                message = _("A second file of %(entity)s (the first: %(file)s).") % {
                    "entity": entity,
                    "file": files[entity].name,
                }
                self.report.reject("files", RowError(path.name, 1, "", message, ""))
                continue
            files[entity] = path
        if self.report.rejected:
            return self.report
        self.total = count_rows(list(files.values())) if self.progress else 0
        return self.transact(lambda: self._files(files))

    def _files(self, files: Mapping[str, Path]) -> None:
        for entity in ENTITIES:
            if entity in files:
                try:
                    self._file(entity, files[entity])
                except TableRefused as exc:  # a file unreadable past its header
                    self.report.reject("files", RowError(files[entity].name, 0, "", str(exc), ""))

    def _file(self, entity: str, path: Path) -> None:
        self.name = path.name
        rows = read(path)
        header = [cell.strip() for cell in next(rows, (1, []))[1]]
        ignored = [column for column in header if column and column not in COLUMNS[entity]]
        if ignored:
            self.report.ignored_columns[path.name] = ignored
        section = SECTION[entity]
        if entity == "organizations":
            self.organizations(self._org_records(section, header, list(rows)))
            return
        records = self._records(section, header, rows, getattr(self, f"_{section}"))
        if entity == "sources":
            self._each(section, records, self.source, key=_source_key)
        elif entity == "rounds":
            self._each(section, records, self.round, key=self._round_key)
        elif entity == "participations":
            self._each(
                section,
                records,
                lambda r: self.participation(r["round"], r),
                key=lambda r: (r["round"].pk, r["investor"]),
            )
        elif entity == "relationships":
            self._each(section, records, self.relationship, key=self._relationship_key)
        elif entity == "metrics":
            self._each(section, records, self.metric, key=self._metric_key)
        else:
            self.fx_rates(records)

    def _cells(self, header: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
        return {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column}

    def _records(
        self, section: str, header: Sequence[str], rows: Iterator[tuple[int, list[str]]], convert: Callable[..., Any]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """The rows as records, made by ``convert`` (cells → record); a row it refuses is rejected here."""
        for row, values in rows:
            if not any(value.strip() for value in values):
                continue  # a spreadsheet's empty row
            cells = self._cells(header, values)
            try:
                record = convert(cells)
            except RecordRejected as exc:
                self._tick()
                self._reject(section, row, exc.column, exc.message, exc.value, {CELLS: cells})
                continue
            record[CELLS] = cells
            yield row, record

    def _org_records(
        self, section: str, header: Sequence[str], rows: list[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Organizations: every id of the file first (a parent may come after its subsidiary)."""
        for _row, values in rows:
            cells = self._cells(header, values)
            if cells.get("id", "").isdigit() and cells.get("slug"):
                self.org_ids[int(cells["id"])] = cells["slug"]
        yield from self._records(section, header, iter(rows), self._organizations)

    def _locate(self, column: str, value: Any, record: Any) -> tuple[str, Any]:
        """A record's field as the table's column, with the cell's text as the value."""
        cells = record.get(CELLS) if isinstance(record, Mapping) else None
        if not cells:
            return column, value
        name = FIELD_COLUMNS.get(column, column)
        for part in PARTS:  # an estimate's column in the model (amount_value) is amount.value in the table
            if name not in cells and name.endswith(f"_{part}"):
                name = f"{name.removesuffix(f'_{part}')}.{part}"
        if name not in cells:
            return column, value
        return name, cells[name] if cells[name] else value

    # --- cells → values ---

    def _org(self, cells: Mapping[str, str], column: str) -> str | None:
        """The slug of the organization a cell names by id (or slug)."""
        text = cells.get(column, "").strip()
        if not text:
            return None
        if not text.isdigit():
            return text
        if int(text) in self.org_ids:
            return self.org_ids[int(text)]
        slug = Organization.objects.filter(pk=int(text)).values_list("slug", flat=True).first()
        if slug is None:
            raise RecordRejected(column, _("No organization with this id in the files or the database."), text)
        return slug

    def _round(self, cells: Mapping[str, str], column: str) -> FundingRound:
        """The round a cell names by id (or ref)."""
        text = cells.get(column, "").strip()
        if text.isdigit() and int(text) in self.round_ids:
            key = self.round_ids[int(text)]
            found = self.rounds.get(key) if key is not None else None
            if found is None:
                raise RecordRejected(column, _("No round with this id (or its row was rejected)."), text)
            return found
        if text.isdigit():
            stored = FundingRound.objects.filter(pk=int(text)).first()
        else:
            stored = self.rounds.get(text) or (FundingRound.objects.filter(ref=text).first() if text else None)
        if stored is None:
            raise RecordRejected(column, _("No round with this id in the files or the database."), text)
        return stored

    def _citations(self, cells: Mapping[str, str]) -> list[dict[str, Any]]:
        """The sources a row cites (a list of ids), as citations of sources the writer knows by key."""
        citations = []
        for item in _list(cells, "sources"):
            if not isinstance(item, int) or isinstance(item, bool):
                raise RecordRejected("sources", _("A list of source ids."), cells.get("sources", ""))
            key = self.source_ids.get(item)
            if key is None:
                source = Source.objects.filter(pk=item).first()
                if source is None:
                    raise RecordRejected("sources", _("No source with this id in the files or the database."), item)
                key = source_key(source.outlet, source.published_on, source.title)
                self.sources.setdefault(key, source)
            citations.append({"source": key})
        return citations

    def _plain(self, cells: Mapping[str, str], names: Sequence[str]) -> dict[str, Any]:
        return {name: cells.get(name, "") for name in names}

    def _estimates(self, cells: Mapping[str, str], section: str) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for name in ESTIMATES.get(section.replace("_", "-"), ()):
            if cells.get(name, "").strip():
                message = _("An estimate is given in its columns %(name)s.value, .low, .high, .qualifier, .currency.")
                raise RecordRejected(name, message % {"name": name}, cells[name])
            parts = {part: cells.get(f"{name}.{part}", "").strip() for part in PARTS}
            if not any(parts.values()):
                record[name] = None
                continue
            for part in PARTS[:3]:
                dealtracker.decimal_of(parts[part], f"{name}.{part}")  # a bad number is named by its own column
            record[name] = {part: text or None for part, text in parts.items()}
        return record

    # --- the rows of each entity ---

    def _organizations(self, cells: Mapping[str, str]) -> dict[str, Any]:
        record = self._plain(cells, ("slug", *ORGANIZATION_FIELDS))
        record["aliases"] = [str(alias) for alias in _list(cells, "aliases")]
        record["parent"] = self._org(cells, "parent")
        return record

    def _sources(self, cells: Mapping[str, str]) -> dict[str, Any]:
        record = self._plain(cells, SOURCE_FIELDS)
        if cells.get("id", "").isdigit():
            self.source_ids[int(cells["id"])] = source_key(record["outlet"], record["published_on"], record["title"])
        return record

    def _rounds(self, cells: Mapping[str, str]) -> dict[str, Any]:
        if cells.get("id", "").isdigit():
            self.round_ids[int(cells["id"])] = None  # the file's, until the round is written
        record = self._plain(cells, ("ref", *ROUND_FIELDS))
        record["target"] = self._org(cells, "target")
        record.update(self._estimates(cells, "rounds"))
        record["citations"] = self._citations(cells)
        if cells.get("id", "").isdigit():
            self.round_ids[int(cells["id"])] = self._round_key(record)
        return record

    def _participations(self, cells: Mapping[str, str]) -> dict[str, Any]:
        record = self._plain(cells, ("instrument", "status"))
        record["is_lead"] = _flag(cells, "is_lead")
        record["round"] = self._round(cells, "round")
        record["investor"] = self._org(cells, "investor")
        record.update(self._estimates(cells, "participations"))
        conditions = []
        for item in _list(cells, "conditions"):
            if not isinstance(item, Mapping):
                raise RecordRejected("conditions", _("A list of conditions (objects)."), cells.get("conditions", ""))
            counterparty = item.get("counterparty")
            conditions.append(
                {
                    "kind": item.get("kind"),
                    "description": item.get("description") or "",
                    "status": item.get("status"),
                    "counterparty": self._org({"conditions": str(counterparty)}, "conditions")
                    if counterparty not in (None, "")
                    else None,
                }
            )
        record["conditions"] = conditions
        record["citations"] = self._citations(cells)
        return record

    def _relationships(self, cells: Mapping[str, str]) -> dict[str, Any]:
        record = self._plain(cells, RELATIONSHIP_FIELDS)
        record["provider"] = self._org(cells, "provider")
        record["client"] = self._org(cells, "client")
        record.update(self._estimates(cells, "relationships"))
        record["citations"] = self._citations(cells)
        return record

    def _metrics(self, cells: Mapping[str, str]) -> dict[str, Any]:
        record = self._plain(cells, METRIC_FIELDS)
        record["organization"] = self._org(cells, "organization")
        year = cells.get("period_year", "").strip()
        if year and not year.lstrip("-").isdigit():
            raise RecordRejected("period_year", _("Not a whole number."), year)
        record["period_year"] = int(year) if year else None
        record["is_forecast"] = _flag(cells, "is_forecast")
        record.update(self._estimates(cells, "metrics"))
        record["citations"] = self._citations(cells)
        return record

    def _fx_rates(self, cells: Mapping[str, str]) -> dict[str, Any]:
        return self._plain(cells, ("date", "base", "quote", "rate"))


def _source_key(record: Mapping[str, Any]) -> str:
    return source_key(record["outlet"], record["published_on"], record["title"])


def _flag(cells: Mapping[str, str], column: str) -> bool:
    text = cells.get(column, "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RecordRejected(column, _("Not true or false."), cells.get(column, ""))


def _list(cells: Mapping[str, str], column: str) -> list[Any]:
    text = cells.get(column, "").strip()
    if not text:
        return []
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise RecordRejected(column, _("Not a JSON list."), text)
    return items


def tables_in(paths: Sequence[Path | str]) -> list[Path]:
    """The CSV and XLSX files among ``paths`` (files, or folders holding them)."""
    found: list[Path] = []
    for item in map(Path, paths):
        candidates = sorted(item.iterdir()) if item.is_dir() else [item]
        found += [path for path in candidates if path.is_file() and path.suffix.lower() in SUFFIXES]
    return found


def load(
    paths: Sequence[Path | str],
    *,
    dry_run: bool = False,
    accept_errors: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Import the table files among ``paths``; see the module's docstring."""
    return Importer(tables_in(paths), dry_run=dry_run, accept_errors=accept_errors, progress=progress).run()
