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

import csv
import datetime
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals import services
from deals.choices import Instrument, OrganizationKind, ParticipationStatus, Reliability, RoundStatus, RoundType
from deals.countries import is_country
from deals.engine.currencies import is_currency
from deals.engine.estimates import Estimate
from deals.imports.matching import Matcher
from deals.imports.report import Match, Progress, Report, Rollback, RowError
from deals.models import FundingRound, Organization, Participation, Source
from deals.models.estimates import as_columns

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


class Importer:
    """One import of a set of Crunchbase files; :meth:`run` returns its report."""

    def __init__(
        self, files: Mapping[str, Path], *, dry_run: bool, accept_errors: bool, progress: Progress | None
    ) -> None:
        self.files, self.dry_run, self.accept_errors, self.progress = files, dry_run, accept_errors, progress
        self.report = Report(format=FORMAT, dry_run=dry_run)
        self.orgs: dict[str, int] = {}  # Crunchbase uuid → organization id
        self.rounds: dict[str, FundingRound] = {}
        self.leads: dict[str, set[str]] = {}  # round uuid → lead investor uuids
        self.done, self.total = 0, 0

    # --- the run ---

    def run(self) -> Report:
        self.total = count_rows(self.files) if self.progress else 0
        try:
            with transaction.atomic():
                self.source = self._source()
                self.report.source_id = self.source.pk
                self.matcher = Matcher()
                for name, handler in (
                    ("organizations.csv", self.organization),
                    ("funding_rounds.csv", self.round),
                    ("investments.csv", self.investment),
                ):
                    if name in self.files:
                        self._read(name, handler)
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

    def _read(self, name: str, handler: Any) -> None:
        with self.files[name].open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [c.strip() for c in reader.fieldnames or []]
            reader.fieldnames = header
            ignored = [c for c in header if c and c not in COLUMNS[name]]
            if ignored:
                self.report.ignored_columns[name] = ignored
            seen: dict[str, int] = {}
            entity = name.removesuffix(".csv")
            for line, raw in enumerate(reader, start=2):
                row = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS[name]}
                self._row(name, entity, line, row, seen, handler)
                self.done += 1
                if self.progress and (self.done % 100 == 0 or self.done == self.total):
                    self.progress(self.done, self.total)

    def _row(self, name: str, entity: str, line: int, row: dict[str, str], seen: dict[str, int], handler: Any) -> None:
        try:
            uuid = row.get("uuid", "")
            if not uuid:
                raise RowRejected("uuid", _("A uuid is required."))
            if uuid in seen:
                raise RowRejected("uuid", _("Duplicate uuid: first on row %(row)s.") % {"row": seen[uuid]})
            seen[uuid] = line
            with transaction.atomic():
                outcome = handler(name, line, row)
        except RowRejected as exc:
            self.report.reject(entity, RowError(name, line, exc.column, exc.message, row.get(exc.column, "")))
            return
        except ValidationError as exc:
            for field, messages in _messages(exc):
                column = ERROR_COLUMNS[name].get(field, "")
                self.report.reject(entity, RowError(name, line, column, " ".join(messages), row.get(column, "")))
            return
        self.report.count(entity, outcome)

    def record(self, entity: str, instance: models.Model, values: Mapping[str, Any]) -> None:
        """Cite the import for ``instance``, written from ``values`` (the services recorded each changed field
        as a claim from the import)."""
        services.citation_add(instance=instance, source=self.source)

    # --- the files ---

    def organization(self, name: str, line: int, row: dict[str, str]) -> str:
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
        outcome, pk = self._organization(name, line, org_name, values, _kind(row))
        self.orgs[row["uuid"]] = pk
        return outcome

    def _organization(self, name: str, line: int, org_name: str, values: dict[str, Any], kind: str) -> tuple[str, int]:
        """The organization ``org_name`` is (found, blanks filled) or a new one; the outcome and its id. A found
        organization keeps what it has: an import only fills what is empty."""
        found = self.matcher.find(org_name, values.get("website", ""))
        if found is not None:
            self.report.matches.append(
                Match(name, line, org_name, found.name, found.organization_id, found.reason, found.score)
            )
        if found is not None and found.is_same:
            organization = Organization.objects.get(pk=found.organization_id)
            blanks = {k: v for k, v in values.items() if v and not getattr(organization, k)}
            if not blanks:
                return "unchanged", organization.pk
            services.organization_update(organization=organization, values=blanks)
            return "changed", organization.pk
        organization = services.organization_create(values={"name": org_name, "kind": kind, **values})
        self.matcher.add(organization.pk, organization.name, [], organization.website)
        return "new", organization.pk

    def round(self, name: str, line: int, row: dict[str, str]) -> str:
        uuid = row["uuid"]
        target = self.orgs.get(row.get("org_uuid", ""))
        if target is None:
            found = self.matcher.find(row["org_name"]) if row.get("org_name") else None
            if found is None or not found.is_same:
                raise RowRejected("org_uuid", _("No organization with this uuid or name."))
            target = found.organization_id
        round_type = row.get("investment_type", "")
        if round_type not in ROUND_TYPES:
            raise RowRejected("investment_type", _("Not a known investment type."))
        announced_on = _date(row.get("announced_on", ""), "announced_on")
        amount = _money(row, "raised_amount", "raised_amount_currency_code")
        post_money = _money(row, "post_money_valuation", "post_money_valuation_currency_code")
        values: dict[str, Any] = {
            "target_id": target,
            "round_type": round_type,
            "announced_on": announced_on,
            **as_columns("amount", amount),
            **as_columns("post_money_valuation", post_money),
        }
        self.leads[uuid] = {u.strip() for u in row.get("lead_investor_uuids", "").split(",") if u.strip()}
        ref = f"{REF_PREFIX}{uuid}"
        existing = FundingRound.objects.filter(ref=ref).first()
        if existing is None:
            round_ = services.round_create(
                values={**values, "ref": ref, "status": RoundStatus.ANNOUNCED},
                status_changed_on=announced_on,
                status_source=self.source,
                sources=[self.source],
                claim_source=self.source,
            )
            outcome = "new"
        elif any(getattr(existing, k) != v for k, v in values.items()):
            round_ = services.round_update(round=existing, values=values, claim_source=self.source)
            outcome = "changed"
        else:
            round_, outcome = existing, "unchanged"
        self.rounds[uuid] = round_
        self.record("round", round_, values)
        return outcome

    def investment(self, name: str, line: int, row: dict[str, str]) -> str:
        round_uuid = row.get("funding_round_uuid", "")
        round_ = self.rounds.get(round_uuid) or FundingRound.objects.filter(ref=f"{REF_PREFIX}{round_uuid}").first()
        if round_ is None:
            raise RowRejected("funding_round_uuid", _("No funding round with this uuid (or its row was rejected)."))
        investor_uuid = row.get("investor_uuid", "")
        investor = self.orgs.get(investor_uuid)
        if investor is None:
            investor_name = row.get("investor_name", "")
            if not investor_name:
                raise RowRejected("investor_uuid", _("No investor with this uuid, and no investor name."))
            kind = OrganizationKind.ANGEL if row.get("investor_type") == "person" else OrganizationKind.OTHER
            outcome, investor = self._organization(name, line, investor_name, {}, kind)
            self.report.count("organizations", outcome)
            self.orgs[investor_uuid] = investor
        is_lead = row.get("is_lead_investor", "").lower() in TRUE or investor_uuid in self.leads.get(round_uuid, ())
        values = {
            "is_lead": is_lead,
            "instrument": INSTRUMENTS.get(RoundType(round_.round_type), Instrument.EQUITY),
            "status": ParticipationStatus.COMMITTED,
        }
        existing = Participation.objects.filter(round=round_, investor_id=investor).first()
        if existing is None:
            participation = services.participation_create(
                values={**values, "round": round_, "investor_id": investor},
                sources=[self.source],
                claim_source=self.source,
            )
            outcome = "new"
        elif any(getattr(existing, k) != v for k, v in values.items()):
            participation = services.participation_update(
                participation=existing, values=values, claim_source=self.source
            )
            outcome = "changed"
        else:
            participation, outcome = existing, "unchanged"
        self.record("participation", participation, values)
        return outcome


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
