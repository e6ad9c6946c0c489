"""Crunchbase's bulk CSV export: ``organizations.csv``, ``funding_rounds.csv`` and ``investments.csv``, read by
column name as streams, one row at a time.

Every row is checked and written through deals.services in a savepoint of its own, so a rejected row leaves
nothing behind and its error names the file, row, column and value. The whole import is one transaction: a dry
run, or a run with rejected rows that was not told to accept them, is rolled back at the end, so the preview is
exactly what applying would do. Records are found again by their Crunchbase uuid (a round's ``ref`` is
``crunchbase:<uuid>``) or their natural key (an organization's name, alias or website domain; a participation's
round and investor), so importing the same files twice changes nothing. The import is a Source that every record
it writes cites.

Each accepted row's values go through :meth:`Importer.record` (entity, instance, values): the one place a later
version records a claim per imported field.
"""

from __future__ import annotations

import copy
import csv
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals import events, services
from deals.choices import (
    EventKind,
    Instrument,
    OrganizationKind,
    ParticipationStatus,
    Reliability,
    RoundStatus,
    RoundType,
)
from deals.countries import is_country
from deals.engine.currencies import is_currency
from deals.engine.estimates import Estimate
from deals.imports.matching import Matcher
from deals.imports.report import Match, Progress, Report, Rollback, RowError
from deals.models import FundingRound, Organization, Participation, Source
from deals.models.audit import bulk_writes
from deals.models.claims import CLAIM_FIELDS
from deals.models.estimates import as_columns
from deals.models.rounds import own_round_message

FORMAT = "crunchbase"
FILES = ("organizations.csv", "funding_rounds.csv", "investments.csv")
REF_PREFIX = "crunchbase:"
OUTLET = "Crunchbase"

#: The columns each file is read by; any other column is ignored and listed in the report.
COLUMNS = {
    "organizations.csv": (
        "uuid",
        "name",
        "type",
        "primary_role",
        "homepage_url",
        "country_code",
        "short_description",
        "founded_on",
        "investor_types",
    ),
    "funding_rounds.csv": (
        "uuid",
        "org_uuid",
        "org_name",
        "investment_type",
        "announced_on",
        "raised_amount",
        "raised_amount_currency_code",
        "post_money_valuation",
        "post_money_valuation_currency_code",
        "lead_investor_uuids",
    ),
    "investments.csv": (
        "uuid",
        "funding_round_uuid",
        "investor_uuid",
        "investor_name",
        "investor_type",
        "is_lead_investor",
    ),
}

#: Crunchbase's investment types are Dealtracker's round types (deals.choices.RoundType follows them).
ROUND_TYPES = frozenset(RoundType.values)

#: Crunchbase's investor types (organizations.csv ``investor_types``) onto organization kinds; the first known
#: type of an organization decides.
INVESTOR_KINDS = {
    "venture_capital": OrganizationKind.VC_FUND,
    "micro_vc": OrganizationKind.VC_FUND,
    "accelerator": OrganizationKind.VC_FUND,
    "incubator": OrganizationKind.VC_FUND,
    "venture_debt": OrganizationKind.VC_FUND,
    "angel_group": OrganizationKind.VC_FUND,
    "syndicate": OrganizationKind.VC_FUND,
    "fund_of_funds": OrganizationKind.VC_FUND,
    "private_equity_firm": OrganizationKind.PE_FUND,
    "hedge_fund": OrganizationKind.PE_FUND,
    "family_investment_office": OrganizationKind.PE_FUND,
    "pension_funds": OrganizationKind.PE_FUND,
    "secondary_purchaser": OrganizationKind.PE_FUND,
    "corporate_venture_capital": OrganizationKind.CORPORATE,
    "investment_bank": OrganizationKind.CORPORATE,
    "government_office": OrganizationKind.GOVERNMENT,
    "angel": OrganizationKind.ANGEL,
    "individual": OrganizationKind.ANGEL,
}

#: The instrument of a participation in a round of this type (equity otherwise).
INSTRUMENTS = {
    RoundType.CONVERTIBLE_NOTE: Instrument.CONVERTIBLE_NOTE,
    RoundType.DEBT_FINANCING: Instrument.DEBT,
    RoundType.POST_IPO_DEBT: Instrument.DEBT,
    RoundType.GRANT: Instrument.OTHER,
    RoundType.NON_EQUITY_ASSISTANCE: Instrument.OTHER,
}

#: Which file column a model field's error belongs to.
ERROR_COLUMNS = {
    "organizations.csv": {
        "name": "name",
        "website": "homepage_url",
        "country": "country_code",
        "description": "short_description",
        "founded_on": "founded_on",
    },
    "funding_rounds.csv": {
        "target": "org_uuid",
        "round_type": "investment_type",
        "announced_on": "announced_on",
        **dict.fromkeys(as_columns("amount", None), "raised_amount"),
        **dict.fromkeys(as_columns("post_money_valuation", None), "post_money_valuation"),
    },
    "investments.csv": {"investor": "investor_uuid", "round": "funding_round_uuid", "is_lead": "is_lead_investor"},
}
TRUE = {"t", "true", "1", "yes", "y"}
#: Rows read at a time: a chunk of organizations' stored matches is read in one query, and progress is
#: reported per chunk.
CHUNK = 5000


class RowRejected(Exception):
    """A row's problem: the column and message (the value is read from the row)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def files_in(paths: Sequence[Path | str]) -> dict[str, Path]:
    """The Crunchbase files among ``paths`` (files, or folders holding them), by their file name."""
    found: dict[str, Path] = {}
    for item in map(Path, paths):
        for path in [item / name for name in FILES] if item.is_dir() else [item]:
            if path.name in FILES and path.is_file():
                found[path.name] = path
    return found


def digest(files: Mapping[str, Path]) -> str:
    """A fingerprint of the files' contents, read in blocks: the same export is the same source."""
    sha = hashlib.sha256()
    for name in FILES:
        if name in files:
            sha.update(name.encode())
            with files[name].open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(block)
    return sha.hexdigest()


def count_rows(files: Mapping[str, Path]) -> int:
    """The data rows of all files (lines less headers), counted without parsing, for a progress total."""
    total = 0
    for path in files.values():
        with path.open("rb") as handle:
            total += max(sum(1 for _ in handle) - 1, 0)
    return total


def _date(text: str, column: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RowRejected(column, _("Not a date (YYYY-MM-DD).")) from None


def _money(row: Mapping[str, str], column: str, currency_column: str) -> Estimate | None:
    text = row.get(column, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowRejected(column, _("Not a number.")) from None
    if not value.is_finite() or value < 0:
        raise RowRejected(column, _("An amount must be a number of zero or more."))
    currency = row.get(currency_column, "").strip().upper()
    if not is_currency(currency):
        raise RowRejected(currency_column, _("Not an ISO 4217 currency code."))
    return Estimate.exact(value, currency)


#: The round columns an import writes (the rest the database fills: id, timestamps, version).
ROUND_COLUMNS = tuple(
    f.attname
    for f in FundingRound._meta.concrete_fields
    if f.attname not in {"id", "target_id", "created_at", "updated_at", "version"}
)
#: The round columns a re-import compares with the stored round (what a row of funding_rounds.csv gives).
COMPARED = (
    "target_id",
    "round_type",
    "announced_on",
    *as_columns("amount", None),
    *as_columns("post_money_valuation", None),
)
ORG_COLUMNS = ("id", "name", "slug", "kind", "country", "website", "description", "founded_on")
FILL_COLUMNS = ("website", "country", "description", "founded_on")

TABLES = ("import_org", "import_neworg", "import_orgfill", "import_round", "import_inv", "import_investor")
STAGE = f"""
DROP TABLE IF EXISTS {", ".join(TABLES)};
CREATE TEMPORARY TABLE import_org (uuid text NOT NULL, id bigint NOT NULL) ON COMMIT DROP;
CREATE TEMPORARY TABLE import_neworg ON COMMIT DROP AS SELECT {", ".join(ORG_COLUMNS)} FROM deals_organization
    WITH NO DATA;
CREATE TEMPORARY TABLE import_orgfill ON COMMIT DROP AS SELECT id, {", ".join(FILL_COLUMNS)} FROM deals_organization
    WITH NO DATA;
CREATE TEMPORARY TABLE import_round ON COMMIT DROP AS SELECT id, target_id, {", ".join(ROUND_COLUMNS)}
    FROM deals_fundinground WITH NO DATA;
ALTER TABLE import_round ADD line integer, ADD uuid text, ADD org_uuid text, ADD name_match bigint, ADD ok boolean,
    ADD leads text, ADD amount_json jsonb, ADD rejected boolean NOT NULL DEFAULT false, ADD problem text,
    ADD outcome text;
CREATE TEMPORARY TABLE import_inv (line integer, uuid text, round_uuid text, investor_uuid text, investor_name text,
    investor_type text, lead_flag boolean, rejected boolean NOT NULL DEFAULT false, problem text, round_id bigint,
    target_id bigint, investor_id bigint, is_lead boolean, instrument text, status text, id bigint, outcome text,
    write text)
    ON COMMIT DROP;
CREATE TEMPORARY TABLE import_investor (line integer NOT NULL, id bigint NOT NULL) ON COMMIT DROP;
"""
#: The staged rows of a file whose uuid an earlier row has: (line, first line, uuid).
DUPLICATES = """
UPDATE {table} s SET rejected = true, problem = 'uuid' FROM (
    SELECT line, min(line) OVER (PARTITION BY uuid) AS first FROM {table}
) d WHERE d.line = s.line AND d.line > d.first RETURNING s.line, d.first, s.uuid
"""


class Importer:
    """One import of a set of Crunchbase files; :meth:`run` returns its report.

    Set-based for every size: each row is read once and checked in Python by the rules a save checks (the
    fields, the model's ``clean()`` and its check constraints: :meth:`OneQueryConstraints.full_clean_checks`),
    the rows are copied into temporary staging tables, and each table is merged in a few statements that
    resolve the references (org_uuid, funding_round_uuid, investor_uuid), find duplicates and compare with
    what is stored. The statements' rows fire the audit (pghistory) and dirty-marking triggers as any write
    does. A stored round or participation that a row changes goes through its service
    (``round_update``/``participation_update``: its events, claims and status history are rules of one
    record), and so does nothing else. Organizations are matched in Python (deals.imports.matching), so the
    memory held is the organizations' index; rounds and investments stream."""

    def __init__(
        self, files: Mapping[str, Path], *, dry_run: bool, accept_errors: bool, progress: Progress | None
    ) -> None:
        self.files, self.dry_run, self.accept_errors, self.progress = files, dry_run, accept_errors, progress
        self.report = Report(format=FORMAT, dry_run=dry_run)
        self.errors: list[tuple[int, int, RowError]] = []  # (file order, line, error), sorted at the end
        #: Organizations this import creates (id → instance), until they are written.
        self.new_orgs: dict[int, Organization] = {}
        self.stored_orgs: dict[int, Organization] = {}  # stored organizations a chunk of rows names
        self.fills: dict[int, Organization] = {}  # stored organizations whose blanks the import fills
        self.ids: list[int] = []  # organization ids drawn from the sequence, not yet used
        self.done, self.total = 0, 0

    # --- the run ---

    def run(self) -> Report:
        self.total = count_rows(self.files) if self.progress else 0
        try:
            with transaction.atomic(), bulk_writes(action="import", format=FORMAT), connection.cursor() as cursor:
                self.cursor = cursor
                # Deferred foreign-key checks queue one event per row until the commit, and every statement the
                # audit triggers run scans that queue: quadratic in the rows. Checked per statement instead.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.source = self._source()
                self.report.source_id = self.source.pk
                self.matcher = Matcher()
                self.slugs = set(Organization.objects.values_list("slug", flat=True))
                self.note = _("edited")
                self.followed = events.followed()
                cursor.execute(STAGE)
                if "organizations.csv" in self.files:
                    self._organizations()
                self._write_organizations()
                if "funding_rounds.csv" in self.files:
                    self._rounds()
                if "investments.csv" in self.files:
                    self._investments()
                self.report.errors = [e for _, _, e in sorted(self.errors, key=lambda e: e[:2])]
                # Every deferrable constraint of the schema is initially deferred: back to that.
                cursor.execute(f"DROP TABLE {', '.join(TABLES)}; SET CONSTRAINTS ALL DEFERRED")
                if self.dry_run or (self.report.rejected and not self.accept_errors):
                    raise Rollback
                self.report.applied = True
        except Rollback:
            self.report.source_id = None
        return self.report

    def _source(self) -> Source:
        title = f"Crunchbase bulk export {digest(self.files)[:16]}"
        source = Source.objects.filter(outlet=OUTLET, title=title).first()
        if source is not None:
            return source
        names = ", ".join(sorted(self.files))
        values = {"outlet": OUTLET, "title": title, "published_on": timezone.localdate()}
        return services.record_save(
            instance=Source(reliability=Reliability.REPORT, note=_("Imported from %(files)s.") % {"files": names}),
            values=values,
        )

    def _reject(self, name: str, line: int, column: str, message: str, value: str) -> None:
        self.errors.append((FILES.index(name), line, RowError(name, line, column, message, value)))
        self.report.count(name.removesuffix(".csv"), "rejected")

    def _invalid(self, name: str, line: int, row: Mapping[str, str], exc: ValidationError) -> list[RowError]:
        found = []
        for field, messages in _messages(exc):
            column = ERROR_COLUMNS[name].get(field, "")
            found.append(RowError(name, line, column, " ".join(messages), row.get(column, "")))
        return found

    def _chunks(self, name: str) -> Iterator[list[tuple[int, dict[str, str]]]]:
        """The rows of file ``name`` as (line, row) in chunks, the columns it ignores into the report."""
        with self.files[name].open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [c.strip() for c in reader.fieldnames or []]
            reader.fieldnames = header
            ignored = [c for c in header if c and c not in COLUMNS[name]]
            if ignored:
                self.report.ignored_columns[name] = ignored
            chunk: list[tuple[int, dict[str, str]]] = []
            for line, raw in enumerate(reader, start=2):
                chunk.append((line, {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS[name]}))
                if len(chunk) == CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    def _advance(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall() if self.cursor.description else []

    def _counts(self, entity: str, table: str) -> None:
        for outcome, n in self._execute(f"SELECT outcome, count(*) FROM {table} WHERE NOT rejected GROUP BY 1"):
            self.report.count(entity, outcome, n)

    # --- organizations ---

    def _organizations(self) -> None:
        name = "organizations.csv"
        seen: dict[str, int] = {}
        accepted: list[tuple[str, int]] = []
        for chunk in self._chunks(name):
            self._prefetch([(row.get("name", ""), row.get("homepage_url", "")) for _, row in chunk])
            for line, row in chunk:
                uuid = row.get("uuid", "")
                try:
                    if not uuid:
                        raise RowRejected("uuid", _("A uuid is required."))
                    if uuid in seen:
                        raise RowRejected("uuid", _("Duplicate uuid: first on row %(row)s.") % {"row": seen[uuid]})
                    seen[uuid] = line
                    outcome, pk = self.organization(name, line, row)
                except RowRejected as exc:
                    self._reject(name, line, exc.column, exc.message, row.get(exc.column, ""))
                    continue
                except ValidationError as exc:
                    for error in self._invalid(name, line, row, exc):
                        self._reject(name, line, error.column, error.message, error.value)
                    continue
                self.report.count("organizations", outcome)
                accepted.append((uuid, pk))
            self._advance(len(chunk))
        self._copy("import_org", ("uuid", "id"), accepted)
        self.cursor.execute("CREATE INDEX ON import_org (uuid); ANALYZE import_org")

    def _prefetch(self, names: Iterable[tuple[str, str]]) -> None:
        """Read the stored organizations that these (name, website) pairs are found as, in one query."""
        ids = set()
        for org_name, website in names:
            found = self.matcher.find(org_name, website, fuzzy=False) if org_name else None
            if found is not None and found.organization_id not in self.new_orgs:
                ids.add(found.organization_id)
        self.stored_orgs = {**self.fills, **Organization.objects.in_bulk(ids - set(self.fills))}

    def organization(self, name: str, line: int, row: dict[str, str]) -> tuple[str, int]:
        org_name = row.get("name", "")
        if not org_name:
            raise RowRejected("name", _("A name is required."))
        country = row.get("country_code", "").upper()
        values = {
            "website": row.get("homepage_url", ""),
            # Crunchbase's exports give ISO 3166 alpha-3 codes in some versions; only alpha-2 codes are kept.
            "country": country if len(country) == 2 and is_country(country) else "",
            "description": row.get("short_description", ""),
            "founded_on": _date(row.get("founded_on", ""), "founded_on"),
        }
        return self._organization(name, line, org_name, values, _kind(row))

    def _organization(self, name: str, line: int, org_name: str, values: dict[str, Any], kind: str) -> tuple[str, int]:
        """The organization ``org_name`` is (found, blanks filled) or a new one; the outcome and its id. A found
        organization keeps what it has: an import only fills what is empty."""
        found = self.matcher.find(org_name, values.get("website", ""))
        if found is not None:
            self.report.matches.append(
                Match(name, line, org_name, found.name, found.organization_id, found.reason, found.score)
            )
        if found is not None and found.is_same:
            pk = found.organization_id
            if not any(values.values()):
                return "unchanged", pk
            organization = self.new_orgs.get(pk) or self.stored_orgs.get(pk) or Organization.objects.get(pk=pk)
            blanks = {k: v for k, v in values.items() if v and not getattr(organization, k)}
            if not blanks:
                return "unchanged", pk
            probe = copy.copy(organization)
            for record in (probe, organization):
                for key, value in blanks.items():
                    setattr(record, key, value)
                if record is probe:
                    probe.full_clean_checks()
            if pk not in self.new_orgs:
                self.fills[pk] = organization
            return "changed", pk
        organization = Organization(name=org_name, kind=kind, **values)
        organization.slug = services.organization_slug(org_name, taken=self.slugs)
        organization.full_clean_checks()
        self.slugs.add(organization.slug)
        organization.pk = self._next_id()
        self.new_orgs[organization.pk] = organization
        self.matcher.add(organization.pk, organization.name, [], organization.website)
        return "new", organization.pk

    def _next_id(self) -> int:
        if not self.ids:
            sequence = "pg_get_serial_sequence('deals_organization', 'id')"
            self.ids = [i for (i,) in self._execute(f"SELECT nextval({sequence}) FROM generate_series(1, 1000)")]
            self.ids.reverse()
        return self.ids.pop()

    def _write_organizations(self) -> None:
        """Insert the organizations created so far and fill the blanks of the stored ones found."""
        if self.new_orgs:
            self._copy(
                "import_neworg",
                ORG_COLUMNS,
                ([getattr(o, c) for c in ORG_COLUMNS] for o in self.new_orgs.values()),
            )
            self.cursor.execute(
                f"INSERT INTO deals_organization ({', '.join(ORG_COLUMNS)}, aliases, created_at, updated_at) "
                f"SELECT {', '.join(ORG_COLUMNS)}, '{{}}', now(), now() FROM import_neworg ORDER BY id; "
                "TRUNCATE import_neworg; ANALYZE deals_organization"
            )
            self.new_orgs = {}
        if self.fills:
            self._copy(
                "import_orgfill",
                ("id", *FILL_COLUMNS),
                ([o.pk, *(getattr(o, c) for c in FILL_COLUMNS)] for o in self.fills.values()),
            )
            sets = ", ".join(f"{c} = f.{c}" for c in FILL_COLUMNS)
            self.cursor.execute(
                f"UPDATE deals_organization o SET {sets}, updated_at = now() FROM import_orgfill f WHERE o.id = f.id; "
                "TRUNCATE import_orgfill"
            )
            self.fills = {}
        self.stored_orgs = {}

    # --- rounds ---

    def _round_row(self, name: str, line: int, row: dict[str, str], problems: dict[int, list[RowError]]) -> Any:
        """A row of funding_rounds.csv as staged (None when it has no uuid); its problems into ``problems``."""
        uuid = row.get("uuid", "")
        if not uuid:
            self._reject(name, line, "uuid", _("A uuid is required."), "")
            return None
        org_name = row.get("org_name", "")
        found = self.matcher.find(org_name, fuzzy=False) if org_name else None
        staged = [line, uuid, row.get("org_uuid", ""), found.organization_id if found else None]
        try:
            round_type = row.get("investment_type", "")
            if round_type not in ROUND_TYPES:
                raise RowRejected("investment_type", _("Not a known investment type."))
            announced_on = _date(row.get("announced_on", ""), "announced_on")
            amount = _money(row, "raised_amount", "raised_amount_currency_code")
            post_money = _money(row, "post_money_valuation", "post_money_valuation_currency_code")
            round_ = FundingRound(
                round_type=round_type,
                announced_on=announced_on,
                ref=f"{REF_PREFIX}{uuid}",
                status=RoundStatus.ANNOUNCED,
                **as_columns("amount", amount),
                **as_columns("post_money_valuation", post_money),
            )
            round_.full_clean_checks(exclude={"target"})
        except RowRejected as exc:
            problems[line] = [RowError(name, line, exc.column, exc.message, row.get(exc.column, ""))]
        except ValidationError as exc:
            problems[line] = self._invalid(name, line, row, exc)
        else:
            leads = ",".join(u.strip() for u in row.get("lead_investor_uuids", "").split(",") if u.strip())
            amount_json = json.dumps(amount.to_dict()) if amount is not None else None
            return [*staged, True, leads, amount_json, *(getattr(round_, c) for c in ROUND_COLUMNS)]
        return [*staged, False, "", None, *([None] * len(ROUND_COLUMNS))]

    def _rounds(self) -> None:
        name = "funding_rounds.csv"
        problems: dict[int, list[RowError]] = {}
        columns = ("line", "uuid", "org_uuid", "name_match", "ok", "leads", "amount_json", *ROUND_COLUMNS)
        for chunk in self._chunks(name):
            staged = (self._round_row(name, line, row, problems) for line, row in chunk)
            self._copy("import_round", columns, (row for row in staged if row is not None))
            self._advance(len(chunk))
        self.cursor.execute(
            "CREATE INDEX ON import_round (uuid); CREATE INDEX ON import_round (line); ANALYZE import_round"
        )
        for line, first, uuid in self._execute(DUPLICATES.format(table="import_round")):
            problems.pop(line, None)
            self._reject(name, line, "uuid", _("Duplicate uuid: first on row %(row)s.") % {"row": first}, uuid)
        self.cursor.execute(
            "WITH t AS (SELECT s.line, coalesce(o.id, s.name_match) AS target FROM import_round s "
            "LEFT JOIN import_org o ON o.uuid = s.org_uuid WHERE NOT s.rejected) "
            "UPDATE import_round s SET target_id = t.target, rejected = t.target IS NULL OR NOT s.ok, "
            "problem = CASE WHEN t.target IS NULL THEN 'target' END FROM t WHERE t.line = s.line; ANALYZE import_round"
        )
        for line, org_uuid in self._execute("SELECT line, org_uuid FROM import_round WHERE problem = 'target'"):
            problems.pop(line, None)
            self._reject(name, line, "org_uuid", _("No organization with this uuid or name."), org_uuid)
        for line, found in sorted(problems.items()):
            for error in found:
                self._reject(name, line, error.column, error.message, error.value)
        same = " AND ".join(f"s.{c} IS NOT DISTINCT FROM r.{c}" for c in COMPARED)
        self.cursor.execute(
            f"UPDATE import_round s SET id = r.id, outcome = CASE WHEN {same} THEN 'unchanged' ELSE 'changed' END "
            "FROM deals_fundinground r WHERE r.ref = s.ref AND NOT s.rejected"
        )
        self._changed_rounds(name)
        cols = ", ".join(ROUND_COLUMNS)
        self.cursor.execute(
            f"INSERT INTO deals_fundinground (target_id, {cols}, created_at, updated_at) "
            f"SELECT target_id, {cols}, now(), now() FROM import_round WHERE NOT rejected AND outcome IS NULL "
            "ORDER BY line; "
            "ANALYZE deals_fundinground; "
            "UPDATE import_round s SET id = r.id, outcome = 'new' FROM deals_fundinground r "
            "WHERE r.ref = s.ref AND NOT s.rejected AND s.outcome IS NULL; ANALYZE import_round"
        )
        params: dict[str, Any] = {
            "source": self.source.pk,
            "today": timezone.localdate(),
            "kind": EventKind.ROUND_CREATED,
        }
        self.cursor.execute(
            "INSERT INTO deals_roundstatuschange (changed_on, from_status, to_status, note, created_at, round_id, "
            "source_id) SELECT coalesce(announced_on, %(today)s), '', status, '', now(), id, %(source)s "
            "FROM import_round WHERE outcome = 'new' AND NOT rejected ORDER BY line",
            params,
        )
        self._events(
            "INSERT INTO deals_event (kind, organization_ids, occurred_at, params, round_id, source_id) "
            "SELECT %(kind)s, ARRAY[s.target_id], now(), jsonb_build_object('target', o.name, 'round_type', "
            "s.round_type, 'status', s.status, 'amount', s.amount_json), s.id, %(source)s FROM import_round s "
            "JOIN deals_organization o ON o.id = s.target_id WHERE s.outcome = 'new' AND NOT s.rejected "
            "ORDER BY s.line RETURNING id",
            params,
        )
        self._claims("round", FundingRound, "import_round", "i.outcome = 'new'")
        self._cite("round", "import_round")
        self._counts("funding_rounds", "import_round")

    def _changed_rounds(self, name: str) -> None:
        """Stored rounds a row changes, each through round_update (its events, claims and history)."""
        rows = self._execute(
            f"SELECT line, id, {', '.join(COMPARED)} FROM import_round WHERE outcome = 'changed' ORDER BY line"
        )
        rejected = []
        for line, pk, *values in rows:
            stored = FundingRound.objects.select_related("target").get(pk=pk)
            try:
                with transaction.atomic():
                    services.round_update(
                        round=stored, values=dict(zip(COMPARED, values, strict=True)), claim_source=self.source
                    )
            except ValidationError as exc:
                rejected.append(line)
                for error in self._invalid(name, line, {}, exc):
                    self._reject(name, line, error.column, error.message, error.value)
        if rejected:
            self.cursor.execute("UPDATE import_round SET rejected = true WHERE line = ANY(%s)", [rejected])

    def _events(self, sql: str, params: Mapping[str, Any]) -> None:
        """Write events set-based; when anybody follows anything they go to the fan-out after the commit."""
        if not self.followed:
            self.cursor.execute(f"WITH e AS ({sql}) SELECT count(*) FROM e", params)
            return
        ids = [pk for (pk,) in self._execute(sql, params)]
        transaction.on_commit(lambda: events.fan_out_many(ids))

    def _claims(self, target: str, model: type[models.Model], table: str, new: str) -> None:
        """Each imported field of the new records becomes a claim from the import, as the services' hand-edit
        claims do for one record (deals.claims.record_hand_edits: a new record has no claims to compare)."""
        for field, money in CLAIM_FIELDS[target].items():
            if money:
                present = f"s.{field}_qualifier IS NOT NULL"
                stated = "''"
                estimate = ", ".join(f"s.{field}_{part}" for part in ("value", "low", "high", "qualifier", "currency"))
            else:
                kind = model._meta.get_field(field).get_internal_type()
                present = f"s.{field} IS NOT NULL" + (f" AND s.{field} <> ''" if kind.endswith("CharField") else "")
                stated = {
                    "DateField": f"to_char(s.{field}, 'YYYY-MM-DD')",
                    "BooleanField": f"CASE WHEN s.{field} THEN 'true' ELSE 'false' END",
                }.get(kind, f"s.{field}")
                estimate = "NULL, NULL, NULL, NULL, NULL"
            self.cursor.execute(
                "INSERT INTO deals_claim (field, stated_value, quote, note, created_at, accepted, accepted_reason, "
                "estimate_value, estimate_low, estimate_high, estimate_qualifier, estimate_currency, "
                f"{target}_id, source_id) SELECT %(field)s, {stated}, '', %(note)s, now(), false, '', {estimate}, "
                f"s.id, %(source)s FROM (SELECT i.line, r.* FROM {table} i JOIN {model._meta.db_table} r "
                f"ON r.id = i.id WHERE {new} AND NOT i.rejected) s WHERE {present} ORDER BY s.line",
                {"field": field, "note": self.note, "source": self.source.pk},
            )

    def _cite(self, target: str, table: str) -> None:
        self.cursor.execute(
            f"INSERT INTO deals_citation (note, {target}_id, source_id) SELECT DISTINCT '', id, %s FROM {table} "
            "WHERE NOT rejected AND id IS NOT NULL ORDER BY id ON CONFLICT DO NOTHING",
            [self.source.pk],
        )

    # --- investments ---

    def _investments(self) -> None:
        name = "investments.csv"
        columns = ("line", "uuid", "round_uuid", "investor_uuid", "investor_name", "investor_type", "lead_flag")

        def staged(chunk: list[tuple[int, dict[str, str]]]) -> Iterator[tuple[Any, ...]]:
            for line, row in chunk:
                uuid = row.get("uuid", "")
                if not uuid:
                    self._reject(name, line, "uuid", _("A uuid is required."), "")
                    continue
                yield (
                    line,
                    uuid,
                    row.get("funding_round_uuid", ""),
                    row.get("investor_uuid", ""),
                    row.get("investor_name", ""),
                    row.get("investor_type", ""),
                    row.get("is_lead_investor", "").lower() in TRUE,
                )

        for chunk in self._chunks(name):
            self._copy("import_inv", columns, staged(chunk))
            self._advance(len(chunk))
        self.cursor.execute("CREATE INDEX ON import_inv (line); ANALYZE import_inv")
        for line, first, uuid in self._execute(DUPLICATES.format(table="import_inv")):
            self._reject(name, line, "uuid", _("Duplicate uuid: first on row %(row)s.") % {"row": first}, uuid)
        instruments = " ".join(f"WHEN '{t}' THEN '{i}'" for t, i in INSTRUMENTS.items())
        self.cursor.execute(
            "WITH t AS (SELECT s.line, r.id AS round_id, r.target_id, o.id AS investor_id, "
            f"CASE r.round_type {instruments} ELSE %(equity)s END AS instrument, "
            "s.lead_flag OR coalesce(s.investor_uuid = ANY(string_to_array(nullif(ir.leads, ''), ',')), false) "
            "AS is_lead FROM import_inv s "
            f"LEFT JOIN deals_fundinground r ON r.ref = '{REF_PREFIX}' || s.round_uuid "
            "LEFT JOIN import_round ir ON ir.uuid = s.round_uuid AND NOT ir.rejected "
            "LEFT JOIN import_org o ON o.uuid = s.investor_uuid WHERE NOT s.rejected) "
            "UPDATE import_inv s SET round_id = t.round_id, target_id = t.target_id, investor_id = t.investor_id, "
            "instrument = t.instrument, is_lead = t.is_lead, status = %(status)s, rejected = t.round_id IS NULL, "
            "problem = CASE WHEN t.round_id IS NULL THEN 'round' END "
            "FROM t WHERE t.line = s.line; ANALYZE import_inv",
            {"equity": Instrument.EQUITY, "status": ParticipationStatus.COMMITTED},
        )
        for line, round_uuid in self._execute("SELECT line, round_uuid FROM import_inv WHERE problem = 'round'"):
            message = _("No funding round with this uuid (or its row was rejected).")
            self._reject(name, line, "funding_round_uuid", message, round_uuid)
        self._investors(name)
        for line, investor_uuid in self._execute(
            "UPDATE import_inv SET rejected = true WHERE NOT rejected AND investor_id = target_id "
            "RETURNING line, investor_uuid"
        ):
            self._reject(name, line, "investor_uuid", own_round_message(), investor_uuid)
        self._check_values(name)
        self.cursor.execute(
            "WITH x AS (SELECT s.line, p.id AS pid, row_number() OVER w AS n, "
            "count(*) OVER (PARTITION BY s.round_id, s.investor_id) AS total, "
            "(p.is_lead, p.instrument, p.status) IS NOT DISTINCT FROM (s.is_lead, s.instrument, s.status) AS same, "
            "(lag(s.is_lead) OVER w, lag(s.instrument) OVER w, lag(s.status) OVER w) "
            "IS NOT DISTINCT FROM (s.is_lead, s.instrument, s.status) AS as_before "
            "FROM import_inv s LEFT JOIN deals_participation p ON p.round_id = s.round_id "
            "AND p.investor_id = s.investor_id WHERE NOT s.rejected "
            "WINDOW w AS (PARTITION BY s.round_id, s.investor_id ORDER BY s.line)) "
            "UPDATE import_inv s SET id = x.pid, outcome = CASE WHEN x.n > 1 THEN "
            "CASE WHEN x.as_before THEN 'unchanged' ELSE 'changed' END WHEN x.pid IS NULL THEN 'new' "
            "WHEN x.same THEN 'unchanged' ELSE 'changed' END, write = CASE WHEN x.n < x.total THEN NULL "
            "WHEN x.pid IS NULL THEN 'insert' WHEN x.same THEN NULL ELSE 'update' END FROM x WHERE x.line = s.line; "
            "ANALYZE import_inv"
        )
        self._changed_participations(name)
        self.cursor.execute(
            "INSERT INTO deals_participation (round_id, investor_id, is_lead, instrument, status, created_at, "
            "updated_at) SELECT round_id, investor_id, is_lead, instrument, status, now(), now() FROM import_inv "
            "WHERE NOT rejected AND write = 'insert' ORDER BY line; ANALYZE deals_participation; "
            "UPDATE import_inv s SET id = p.id FROM deals_participation p WHERE NOT s.rejected AND s.id IS NULL "
            "AND p.round_id = s.round_id AND p.investor_id = s.investor_id; ANALYZE import_inv"
        )
        self._events(
            "INSERT INTO deals_event (kind, organization_ids, occurred_at, params, round_id) "
            "SELECT %(kind)s, ARRAY[s.target_id, s.investor_id], now(), jsonb_build_object('target', t.name, "
            "'round_type', r.round_type, 'investor', i.name, 'amount', NULL), s.round_id FROM import_inv s "
            "JOIN deals_fundinground r ON r.id = s.round_id JOIN deals_organization t ON t.id = s.target_id "
            "JOIN deals_organization i ON i.id = s.investor_id WHERE NOT s.rejected AND s.write = 'insert' "
            "ORDER BY s.line RETURNING id",
            {"kind": EventKind.PARTICIPANT_ADDED},
        )
        self._claims("participation", Participation, "import_inv", "i.write = 'insert'")
        self._cite("participation", "import_inv")
        self._counts("investments", "import_inv")

    def _investors(self, name: str) -> None:
        """Rows whose investor_uuid is no organization of the file: the investor found or created by name."""
        rows = self._execute(
            "SELECT line, investor_uuid, investor_name, investor_type FROM import_inv "
            "WHERE NOT rejected AND investor_id IS NULL ORDER BY line"
        )
        resolved: dict[str, int] = {}
        found: list[tuple[int, int]] = []
        missing: list[int] = []
        for line, investor_uuid, investor_name, investor_type in rows:
            investor = resolved.get(investor_uuid)
            if investor is None:
                if not investor_name:
                    missing.append(line)
                    self._reject(
                        name,
                        line,
                        "investor_uuid",
                        _("No investor with this uuid, and no investor name."),
                        investor_uuid,
                    )
                    continue
                kind = OrganizationKind.ANGEL if investor_type == "person" else OrganizationKind.OTHER
                try:
                    outcome, investor = self._organization(name, line, investor_name, {}, kind)
                except ValidationError as exc:
                    missing.append(line)
                    for error in self._invalid(name, line, {"investor_uuid": investor_uuid}, exc):
                        self._reject(name, line, "investor_uuid", error.message, investor_uuid)
                    continue
                self.report.count("organizations", outcome)
                resolved[investor_uuid] = investor
            found.append((line, investor))
        self._write_organizations()
        self._copy("import_investor", ("line", "id"), found)
        self.cursor.execute(
            "UPDATE import_inv s SET investor_id = i.id FROM import_investor i WHERE i.line = s.line; "
            "UPDATE import_inv SET rejected = true WHERE line = ANY(%s); ANALYZE import_inv",
            [missing],
        )

    def _check_values(self, name: str) -> None:
        """The participations' values by the model's rules, once per distinct combination (the rows take theirs
        from a few choices)."""
        combos = self._execute("SELECT DISTINCT is_lead, instrument, status FROM import_inv WHERE NOT rejected")
        for is_lead, instrument, status in combos:
            try:
                Participation(is_lead=is_lead, instrument=instrument, status=status).full_clean_checks(
                    exclude={"round", "investor"}
                )
            except ValidationError as exc:
                rows = self._execute(
                    "UPDATE import_inv SET rejected = true WHERE NOT rejected AND is_lead = %s AND instrument = %s "
                    "AND status = %s RETURNING line, investor_uuid, round_uuid",
                    [is_lead, instrument, status],
                )
                for line, investor_uuid, round_uuid in rows:
                    row = {"investor_uuid": investor_uuid, "funding_round_uuid": round_uuid}
                    for error in self._invalid(name, line, row, exc):
                        self._reject(name, line, error.column, error.message, error.value)

    def _changed_participations(self, name: str) -> None:
        """Stored participations a row changes, each through participation_update."""
        rows = self._execute(
            "SELECT line, id, is_lead, instrument, status FROM import_inv WHERE NOT rejected AND write = 'update' "
            "ORDER BY line"
        )
        rejected = []
        for line, pk, is_lead, instrument, status in rows:
            stored = Participation.objects.select_related("round__target", "investor").get(pk=pk)
            values = {"is_lead": is_lead, "instrument": instrument, "status": status}
            try:
                with transaction.atomic():
                    services.participation_update(participation=stored, values=values, claim_source=self.source)
            except ValidationError as exc:
                rejected.append(line)
                for error in self._invalid(name, line, {}, exc):
                    self._reject(name, line, error.column, error.message, error.value)
        if rejected:
            self.cursor.execute("UPDATE import_inv SET rejected = true WHERE line = ANY(%s)", [rejected])


def _kind(row: Mapping[str, str]) -> str:
    if row.get("type") == "person":
        return OrganizationKind.ANGEL
    for investor_type in row.get("investor_types", "").split(","):
        if investor_type.strip() in INVESTOR_KINDS:
            return INVESTOR_KINDS[investor_type.strip()]
    return OrganizationKind.COMPANY if row.get("primary_role", "company") == "company" else OrganizationKind.OTHER


def _messages(exc: ValidationError) -> Iterator[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        yield from exc.message_dict.items()
    else:
        yield "", list(exc.messages)


def load(
    paths: Sequence[Path | str],
    *,
    dry_run: bool = False,
    accept_errors: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Import the Crunchbase files among ``paths``; see the module's docstring."""
    files = files_in(paths)
    return Importer(files, dry_run=dry_run, accept_errors=accept_errors, progress=progress).run()
