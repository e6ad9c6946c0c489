"""Dealtracker's own format: one versioned JSON document holding organizations, sources, rounds (with their status
history, participations, conditions, citations and claims), relationships, metrics and FX rates, at full fidelity.

Records refer to each other by stable keys, never by database ids: an organization by its ``slug``, a source by
``key`` (a digest of its outlet, date and title), a round by its ``ref`` (or, without one, by its target, type and
dates), a participation by its round and investor, a relationship by provider, client, kind and start, a metric by
organization, kind, label and period, a rate by date and pair. So a document imports into any database, and the
same document imported twice changes nothing the second time.

:func:`export` streams the document as text; :func:`load` imports one in the import framework's way (deals/imports:
a dry run that reports the same as applying, per-record errors, all or nothing, idempotent), writing through
deals.services. Unlike a Crunchbase import, the document creates no Source of its own: it carries its sources,
and citing itself would make a round trip add rows.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import ijson
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deals import claims as claim_rules
from deals import services
from deals.engine.estimates import EstimateError
from deals.imports.report import Progress, Report, Rollback, RowError
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
from deals.models.audit import bulk_writes
from deals.models.estimates import PARTS, as_columns, from_columns
from deals.models.fx import rate_errors

FORMAT = "dealtracker"
VERSION = 1
#: The document's sections, in the order they are written and imported.
SECTIONS = ("organizations", "sources", "rounds", "relationships", "metrics", "fx_rates")

ORGANIZATION_FIELDS = ("name", "kind", "country", "website", "description", "founded_on", "aliases")
SOURCE_FIELDS = ("outlet", "title", "url", "published_on", "language", "reliability", "note")
ROUND_FIELDS = (
    "round_type",
    "status",
    "reported_on",
    "reported_on_precision",
    "announced_on",
    "announced_on_precision",
    "closed_on",
    "closed_on_precision",
    "price_per_share",
    "shares_outstanding_pre",
    "notes",
)
ROUND_ESTIMATES = ("amount", "pre_money_valuation", "post_money_valuation")
PARTICIPATION_FIELDS = ("is_lead", "instrument", "status")
RELATIONSHIP_FIELDS = ("kind", "description", "started_on", "ended_on")
METRIC_FIELDS = ("kind", "label", "period_year", "period_date", "percent", "is_forecast")
CLAIM_FIELDS = (
    "field",
    "stated_value",
    "stated_on",
    "quote",
    "span_start",
    "span_end",
    "note",
    "accepted",
    "accepted_reason",
    "accepted_at",
)
#: Fields read as dates and as decimals from the document's text.
DATE_FIELDS = frozenset(
    {"founded_on", "published_on", "reported_on", "announced_on", "closed_on", "started_on", "ended_on"}
    | {"period_date", "changed_on", "date", "stated_on"}
)
DECIMAL_FIELDS = frozenset({"price_per_share", "shares_outstanding_pre", "percent", "rate"})
#: Rates are read and written in batches of this many.
RATE_BATCH = 2000


def source_key(outlet: str, published_on: datetime.date | str, title: str) -> str:
    """A source's key in a document: the same source has the same key in every database."""
    text = f"{outlet}\n{published_on}\n{title}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(f"Not serializable: {type(value).__name__}")


def dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, default=_json, ensure_ascii=False, sort_keys=False)


def estimate_data(instance: models.Model, name: str) -> dict[str, Any] | None:
    """An estimate's columns as the document holds them (None when nothing is known)."""
    if getattr(instance, f"{name}_qualifier") is None:
        return None
    return {part: getattr(instance, f"{name}_{part}") for part in PARTS}


# --- What an export holds ------------------------------------------------------------------------------------


class Selection:
    """The records an export holds: every record, or (given ``rounds``, a filtered list) those rounds, the
    organizations they name (targets, investors, counterparties and their parents), the relationships between
    those organizations, their metrics, the sources any of them cite, and every FX rate (the figures need them)."""

    def __init__(self, rounds: QuerySet[FundingRound] | None = None) -> None:
        self.filtered = rounds is not None
        self.rounds = (rounds if rounds is not None else FundingRound.objects.all()).order_by("pk")
        if not self.filtered:
            self.organizations = Organization.objects.all()
            self.relationships = Relationship.objects.all()
            self.metrics = Metric.objects.all()
            self.sources = Source.objects.all()
            return
        round_ids = self.rounds.values("pk")
        ids = set(Organization.objects.filter(rounds__in=round_ids).values_list("pk", flat=True))
        ids |= set(Participation.objects.filter(round__in=round_ids).values_list("investor_id", flat=True))
        ids |= set(
            Condition.objects.filter(participation__round__in=round_ids, counterparty__isnull=False).values_list(
                "counterparty_id", flat=True
            )
        )
        frontier = ids
        while frontier:  # the parents, up every chain
            frontier = (
                set(
                    Organization.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                        "parent_id", flat=True
                    )
                )
                - ids
            )
            ids |= frontier
        self.organizations = Organization.objects.filter(pk__in=ids)
        self.relationships = Relationship.objects.filter(provider__in=ids, client__in=ids)
        self.metrics = Metric.objects.filter(organization__in=ids)
        cited = Citation.objects.filter(
            Q(round__in=round_ids)
            | Q(participation__round__in=round_ids)
            | Q(relationship__in=self.relationships.values("pk"))
            | Q(metric__in=self.metrics.values("pk"))
        ).values("source_id")
        statuses = RoundStatusChange.objects.filter(round__in=round_ids, source__isnull=False).values("source_id")
        claimed = Claim.objects.filter(
            Q(round__in=round_ids)
            | Q(participation__round__in=round_ids)
            | Q(condition__participation__round__in=round_ids)
            | Q(relationship__in=self.relationships.values("pk"))
            | Q(metric__in=self.metrics.values("pk")),
            source__isnull=False,
        ).values("source_id")
        self.sources = Source.objects.filter(Q(pk__in=cited) | Q(pk__in=statuses) | Q(pk__in=claimed))


class Exporter:
    """The records of a :class:`Selection` as document records, read in chunks (memory flat in the data's size)."""

    CHUNK = 500

    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.slugs = dict(Organization.objects.values_list("pk", "slug"))
        self.source_keys = {
            pk: source_key(outlet, published_on, title)
            for pk, outlet, published_on, title in Source.objects.values_list("pk", "outlet", "published_on", "title")
        }

    def citations(self, instance: models.Model) -> list[dict[str, Any]]:
        return [
            {"source": self.source_keys[c.source_id], "note": c.note}
            for c in sorted(instance.citations.all(), key=lambda c: c.pk)  # type: ignore[attr-defined]
        ]

    def claims(self, instance: models.Model) -> list[dict[str, Any]]:
        return [
            {
                **{name: getattr(claim, name) for name in CLAIM_FIELDS},
                "estimate": estimate_data(claim, "estimate"),
                "source": self.source_keys[claim.source_id] if claim.source_id else None,
            }
            for claim in sorted(instance.claims.all(), key=lambda c: c.pk)  # type: ignore[attr-defined]
        ]

    def organizations(self) -> Iterator[dict[str, Any]]:
        for org in self.selection.organizations.order_by("slug").iterator(chunk_size=self.CHUNK):
            yield {
                "slug": org.slug,
                **{name: getattr(org, name) for name in ORGANIZATION_FIELDS},
                "parent": self.slugs.get(org.parent_id) if org.parent_id else None,
            }

    def sources(self) -> Iterator[dict[str, Any]]:
        for source in self.selection.sources.order_by("published_on", "outlet", "title", "pk").iterator(
            chunk_size=self.CHUNK
        ):
            yield {"key": self.source_keys[source.pk], **{name: getattr(source, name) for name in SOURCE_FIELDS}}

    def rounds(self) -> Iterator[dict[str, Any]]:
        rounds = self.selection.rounds.prefetch_related(
            "citations",
            "claims",
            "status_changes",
            "participations__citations",
            "participations__claims",
            "participations__conditions__claims",
        )
        for round_ in rounds.iterator(chunk_size=self.CHUNK):
            yield {
                "ref": round_.ref,
                "target": self.slugs[round_.target_id],
                **{name: getattr(round_, name) for name in ROUND_FIELDS},
                **{name: estimate_data(round_, name) for name in ROUND_ESTIMATES},
                "citations": self.citations(round_),
                "claims": self.claims(round_),
                "status_history": [
                    {
                        "changed_on": change.changed_on,
                        "from_status": change.from_status,
                        "to_status": change.to_status,
                        "source": self.source_keys[change.source_id] if change.source_id else None,
                        "note": change.note,
                    }
                    for change in sorted(round_.status_changes.all(), key=lambda c: (c.changed_on, c.pk))
                ],
                "participations": [
                    self.participation(p) for p in sorted(round_.participations.all(), key=lambda p: p.pk)
                ],
            }

    def participation(self, participation: Participation) -> dict[str, Any]:
        return {
            "investor": self.slugs[participation.investor_id],
            **{name: getattr(participation, name) for name in PARTICIPATION_FIELDS},
            "amount": estimate_data(participation, "amount"),
            "conditions": [
                {
                    "kind": c.kind,
                    "description": c.description,
                    "counterparty": self.slugs[c.counterparty_id] if c.counterparty_id else None,
                    "status": c.status,
                    "claims": self.claims(c),
                }
                for c in sorted(participation.conditions.all(), key=lambda c: c.pk)
            ],
            "citations": self.citations(participation),
            "claims": self.claims(participation),
        }

    def relationships(self) -> Iterator[dict[str, Any]]:
        relationships = self.selection.relationships.order_by("pk").prefetch_related("citations", "claims")
        for rel in relationships.iterator(self.CHUNK):
            yield {
                "provider": self.slugs[rel.provider_id],
                "client": self.slugs[rel.client_id],
                **{name: getattr(rel, name) for name in RELATIONSHIP_FIELDS},
                "annual_value": estimate_data(rel, "annual_value"),
                "citations": self.citations(rel),
                "claims": self.claims(rel),
            }

    def metrics(self) -> Iterator[dict[str, Any]]:
        metrics = self.selection.metrics.order_by("pk").prefetch_related("citations", "claims")
        for metric in metrics.iterator(self.CHUNK):
            yield {
                "organization": self.slugs[metric.organization_id],
                **{name: getattr(metric, name) for name in METRIC_FIELDS},
                "value": estimate_data(metric, "value"),
                "citations": self.citations(metric),
                "claims": self.claims(metric),
            }

    def fx_rates(self) -> Iterator[dict[str, Any]]:
        rows = FxRate.objects.order_by("date", "base", "quote").values_list("date", "base", "quote", "rate")
        for date, base, quote, rate in rows.iterator(chunk_size=RATE_BATCH):
            yield {"date": date, "base": base, "quote": quote, "rate": rate}


def export(rounds: QuerySet[FundingRound] | None = None) -> Iterator[str]:
    """The document of every record, or of the filtered ``rounds`` and what they need (:class:`Selection`), as
    pieces of JSON text to stream (one record per line)."""
    exporter = Exporter(Selection(rounds))
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "filtered": exporter.selection.filtered,
    }
    yield dumps(head)[:-1]
    for section in SECTIONS:
        yield f',\n"{section}": ['
        for n, record in enumerate(getattr(exporter, section)()):
            yield ("\n" if n == 0 else ",\n") + dumps(record)
        yield "]"
    yield "}\n"


# --- Import --------------------------------------------------------------------------------------------------


class RecordRejected(Exception):
    """A record's problem: the field and message, and the value found."""

    def __init__(self, column: str, message: str, value: Any = "") -> None:
        super().__init__(message)
        self.column, self.message, self.value = column, message, value


def _date(value: Any, column: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected(column, _("Not a date (YYYY-MM-DD)."), value) from None


def decimal_of(value: Any, column: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise RecordRejected(column, _("Not a number."), value) from None
    if not number.is_finite():
        raise RecordRejected(column, _("Not a number."), value)
    return number


def _value(record: Mapping[str, Any], name: str, default: Any = "") -> Any:
    value = record.get(name, default)
    if name in DATE_FIELDS:
        return _date(value, name)
    if name in DECIMAL_FIELDS:
        return decimal_of(value, name)
    return default if value is None and default is not None else value


def _estimate(record: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The columns of estimate ``name`` from the document, through the models' codec (its rules checked)."""
    data = record.get(name)
    if data is None:
        return as_columns(name, None)
    if not isinstance(data, Mapping):
        raise RecordRejected(name, _("An estimate is an object or null."), data)
    if not data.get("qualifier") and any(data.get(part) not in (None, "") for part in PARTS):
        raise RecordRejected(f"{name}.qualifier", _("An estimate needs a qualifier."), "")
    try:
        value, low, high = (decimal_of(data.get(part), name) for part in PARTS[:3])
        return as_columns(name, from_columns(value, low, high, data.get("qualifier"), data.get("currency")))
    except (EstimateError, ValueError) as exc:
        raise RecordRejected(name, str(exc), json.dumps(data, default=str)) from None


def _differs(instance: models.Model, values: Mapping[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


class Writer:
    """Writes records of the document's shape through deals.services and reports each one: the one writer of
    Dealtracker's own formats (this document, and the tables of deals/imports/tables.py). Every record is
    written in a savepoint of its own, so a rejected record leaves nothing behind; :meth:`transact` runs an
    import in one transaction that a dry run, or rejected records not accepted, roll back.

    ``full`` says the records are at the document's fidelity: a round's status history, every record's claims
    and the citations' notes. A table holds none of these: a round's status becomes its history's next move
    (or, for a new round, its first status), the claims stay as the services record the writes, and the notes
    of existing citations are kept."""

    #: Whether the rounds written are kept by key for later records to name (a table of participations does). A
    #: document's rounds carry their own participations, so its import keeps none and its memory stays flat.
    keeps_rounds = True

    def __init__(
        self, report: Report, *, full: bool, dry_run: bool, accept_errors: bool, progress: Progress | None
    ) -> None:
        self.report, self.full = report, full
        self.dry_run, self.accept_errors, self.progress = dry_run, accept_errors, progress
        self.name = ""
        self.orgs: dict[str, Organization] = {}
        self.sources: dict[str, Source] = {}
        #: The rounds written, by their key in the records (:meth:`_round_key`).
        self.rounds: dict[Any, FundingRound] = {}
        #: The round this import just made, and the investors of the participations it has made in it so far.
        self.made: tuple[int | None, set[int]] = (None, set())
        #: The record services' option: a full import's claims are the document's, not its writes' (reconcile_claims).
        self.writes: dict[str, Any] = {"hand_edit_claims": not full}
        self.done, self.total, self.row = 0, 0, 0

    def transact(self, body: Callable[[], None]) -> Report:
        """Run ``body`` (the writes) in one transaction, rolled back for a dry run or unaccepted rejections."""
        try:
            with transaction.atomic(), bulk_writes(action="import", format=self.report.format):
                body()
                if self.dry_run or (self.report.rejected and not self.accept_errors):
                    raise Rollback
                self.report.applied = True
        except Rollback:
            pass
        return self.report

    # --- plumbing ---

    def _tick(self, n: int = 1) -> None:
        self.done += n
        if self.progress and (self.done % 100 == 0 or self.done >= self.total):
            self.progress(self.done, self.total)

    def _locate(self, column: str, value: Any, record: Any) -> tuple[str, Any]:
        """The column and value an error names for ``record``: as the writer found them (a format whose columns
        differ from the records' fields maps them)."""
        return column, value

    def _reject(self, entity: str, row: int, column: str, message: str, value: Any, record: Any = None) -> None:
        column, value = self._locate(column, value, record)
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        self.report.reject(entity, RowError(self.name, row, column, message, text))

    def _attempt(self, entity: str, row: int, record: Any, handler: Any, prefix: str = "") -> str | None:
        """``handler(record)`` in a savepoint: its outcome, or None when the record was rejected (and undone).
        An error names the record's place in its section (``row``, from 1) and the field (after ``prefix``)."""
        self.row = row
        try:
            if not isinstance(record, Mapping):
                raise RecordRejected("", _("A record is an object."), record)
            with transaction.atomic():
                return str(handler(record))
        except RecordRejected as exc:
            self._reject(entity, row, prefix + exc.column, exc.message, exc.value, record)
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            for field, messages in items:
                value = record.get(field, "") if isinstance(record, Mapping) else ""
                self._reject(entity, row, prefix + field, " ".join(messages), "" if value is None else value, record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            column = str(exc.args[0]) if isinstance(exc, KeyError) else ""
            self._reject(entity, row, prefix + column, _("Malformed record: %(error)s") % {"error": exc}, "", record)
        finally:
            self.row = row
        return None

    def _each(self, entity: str, records: Iterable[tuple[int, Any]], handler: Any, *, key: Any) -> None:
        """Each ``(row, record)`` written by ``handler``; a record whose ``key`` an earlier one had is rejected."""
        seen: dict[Any, int] = {}
        for row, record in records:
            self._tick()
            if isinstance(record, Mapping):
                try:
                    found = key(record)
                except (RecordRejected, KeyError, TypeError):
                    found = None
                if found is not None and found in seen:
                    message = _("Duplicate key: first on record %(row)s.") % {"row": seen[found]}
                    self._reject(entity, row, "", message, str(found))
                    continue
                if found is not None:
                    seen[found] = row
            outcome = self._attempt(entity, row, record, handler)
            if outcome is not None:
                self.report.count(entity, outcome)

    def org(self, slug: Any, column: str) -> Organization:
        if slug not in self.orgs:
            found = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if found is None:
                raise RecordRejected(column, _("No organization with this slug (or its record was rejected)."), slug)
            self.orgs[slug] = found
        return self.orgs[slug]

    def source_of(self, key: Any, column: str) -> Source:
        if key not in self.sources:
            raise RecordRejected(column, _("No source with this key (or its record was rejected)."), key)
        return self.sources[key]

    def cite(self, instance: models.Model, citations: Any, *, new: bool = False) -> bool:
        """Cite the record's sources with their notes; True when a citation was added or its note changed.
        Citations the record does not name are kept, and so is the note of one it names without a note. A
        ``new`` record (made by this import) has no citations to read."""
        if not citations:
            return False
        column = services.CITATION_COLUMN[type(instance)]
        existing = {} if new else {c.source_id: c for c in Citation.objects.filter(**{column: instance})}
        changed = False
        for citation in citations or []:
            source = self.source_of(citation.get("source"), "citations")
            note = citation.get("note")
            found = existing.get(source.pk)
            if found is None:
                services.citation_add(instance=instance, source=source, note=note or "")
                changed = True
            elif note is not None and found.note != note:
                services.record_save(instance=found, values={"note": note})
                changed = True
        return changed

    def _claim_values(self, claim: Any) -> dict[str, Any]:
        values = {name: _value(claim, name) for name in CLAIM_FIELDS if name != "accepted_at"}
        values["accepted"] = bool(claim.get("accepted"))
        for name in ("span_start", "span_end"):
            values[name] = claim.get(name)
        accepted_at = claim.get("accepted_at")
        try:
            values["accepted_at"] = datetime.datetime.fromisoformat(accepted_at) if accepted_at else None
        except ValueError:
            raise RecordRejected("claims", _("Not a date and time (ISO 8601)."), accepted_at) from None
        values["source"] = self.source_of(claim["source"], "claims") if claim.get("source") else None
        values.update(_estimate(claim, "estimate"))
        return values

    def reconcile_claims(self, record: models.Model, documented: Any, *, new: bool = False) -> bool:
        """Make the record's claims the document's: a documented claim the record lacks is recorded (as it was
        stated and chosen; the record's column is already the document's). Claims the record had before the import
        are kept. True when a claim was added. A full import writes through the services with
        ``hand_edit_claims=False``, so its writes record no claims of their own: the document says what was
        claimed, and a ``new`` record (made by this import) has exactly the document's claims. Records without
        claims (not ``full``) leave the claims as the services recorded the writes."""
        if not self.full:
            return False
        target = claim_rules.TARGET_OF[type(record)]
        wanted = [self._claim_values(claim) for claim in documented or []]
        if wanted and not new:
            for claim in Claim.objects.filter(**{target: record}).order_by("id"):
                match = next((i for i, values in enumerate(wanted) if not _differs(claim, values)), None)
                if match is not None:
                    wanted.pop(match)
        if not wanted:
            return False
        claim_rules.claims_add(claims=[Claim(**{target: record}, **values) for values in wanted])
        return True

    # --- the records ---

    def organizations(self, records: Iterable[tuple[int, Any]]) -> None:
        """Organizations in two passes: each one, then the parents once every one exists."""
        outcomes: dict[int, str] = {}
        kept: dict[int, Any] = {}
        seen: dict[str, int] = {}
        for row, record in records:
            self._tick()
            slug = record.get("slug") if isinstance(record, Mapping) else None
            if isinstance(slug, str) and slug in seen:
                message = _("Duplicate key: first on record %(row)s.") % {"row": seen[slug]}
                self._reject("organizations", row, "slug", message, slug, record)
                continue
            if isinstance(slug, str):
                seen[slug] = row
            outcome = self._attempt("organizations", row, record, self.organization)
            if outcome is not None:
                outcomes[row], kept[row] = outcome, record
        for row, outcome in list(outcomes.items()):
            parented = self._attempt("organizations", row, kept[row], self.parent)
            if parented is None:
                del outcomes[row]
            elif parented == "changed" and outcome == "unchanged":
                outcomes[row] = "changed"
        for outcome in outcomes.values():
            self.report.count("organizations", outcome)

    def organization(self, record: Mapping[str, Any]) -> str:
        slug = record.get("slug")
        if not slug or not isinstance(slug, str):
            raise RecordRejected("slug", _("A slug is required."), slug or "")
        values = {name: _value(record, name) for name in ORGANIZATION_FIELDS}
        values["aliases"] = list(record.get("aliases") or [])
        existing = Organization.objects.filter(slug=slug).first()
        if existing is None:
            self.orgs[slug] = services.organization_create(values={"slug": slug, **values})
            return "new"
        self.orgs[slug] = existing
        if not _differs(existing, values):
            return "unchanged"
        self.orgs[slug] = services.organization_update(organization=existing, values=values)
        return "changed"

    def parent(self, record: Mapping[str, Any]) -> str:
        organization = self.orgs[record["slug"]]
        parent = self.org(record["parent"], "parent") if record.get("parent") else None
        if organization.parent_id == (parent.pk if parent else None):
            return "unchanged"
        services.organization_update(organization=organization, values={"parent": parent})
        return "changed"

    def source(self, record: Mapping[str, Any]) -> str:
        values = {name: _value(record, name) for name in SOURCE_FIELDS}
        key = record.get("key") or source_key(values["outlet"], values["published_on"] or "", values["title"])
        lookup = {name: values.pop(name) for name in ("outlet", "title", "published_on")}
        existing = Source.objects.filter(**lookup).order_by("pk").first()
        if existing is None:
            self.sources[key] = services.record_save(instance=Source(**lookup), values=values)
            return "new"
        self.sources[key] = existing
        if not _differs(existing, values):
            return "unchanged"
        services.record_save(instance=existing, values=values)
        return "changed"

    def _round_key(self, record: Mapping[str, Any]) -> Any:
        if record.get("ref"):
            return record["ref"]
        dates = tuple(record.get(name) for name in ("reported_on", "announced_on", "closed_on"))
        return (record.get("target"), record.get("round_type"), *dates)

    def round(self, record: Mapping[str, Any]) -> str:
        target = self.org(record.get("target"), "target")
        values: dict[str, Any] = {"target": target}
        values.update({name: _value(record, name) for name in ROUND_FIELDS if name != "status"})
        for name in ROUND_ESTIMATES:
            values.update(_estimate(record, name))
        history = self._history(record, values)
        ref = record.get("ref") or None
        if ref:
            existing = FundingRound.objects.filter(ref=ref).first()
        else:
            keys = ("round_type", "reported_on", "announced_on", "closed_on")
            existing = FundingRound.objects.filter(ref=None, target=target, **{k: values[k] for k in keys}).first()
        changed = False
        if existing is None:
            first = history[0]
            round_ = services.round_create(
                values={**values, "ref": ref, "status": first["to_status"]},
                status_changed_on=first["changed_on"],
                status_source=first["source"],
                status_note=first["note"],
                **self.writes,
            )
            outcome = "new"
        else:
            round_ = existing
            if _differs(round_, values):
                round_ = services.round_update(round=round_, values=values, **self.writes)
                changed = True
            outcome = "unchanged"
        round_, moved = self._moves(round_, history, new=outcome == "new")
        changed = moved or changed
        if round_.status != record.get("status"):
            raise RecordRejected("status", _("The status is not the last of its history."), record.get("status"))
        if _differs(round_, values):  # a date a status change filled that the document leaves open
            round_ = services.round_update(round=round_, values=values, **self.writes)
            changed = True
        changed = self.cite(round_, record.get("citations"), new=outcome == "new") or changed
        changed = self.reconcile_claims(round_, record.get("claims"), new=outcome == "new") or changed
        if self.keeps_rounds:
            self.rounds[self._round_key(record)] = round_
        # A new round's participations are all made here: none is looked up unless one names an investor twice.
        self.made = (round_.pk, set()) if outcome == "new" else (None, set())
        for n, part in enumerate(record.get("participations") or [], start=1):
            outcome_p = self._participation(round_, part, n)
            if outcome_p is not None:
                self.report.count("participations", outcome_p)
        return "changed" if changed and outcome == "unchanged" else outcome

    def _moves(self, round_: FundingRound, history: list[dict[str, Any]], *, new: bool) -> tuple[FundingRound, bool]:
        """The history's status changes the round has not recorded, made in order; the round, and whether any was.
        A ``new`` round has recorded its first change as it was made."""
        if new:
            recorded = {(history[0]["changed_on"], history[0]["from_status"], history[0]["to_status"])}
        else:
            recorded = set(round_.status_changes.values_list("changed_on", "from_status", "to_status"))
        moved = False
        for change in history:
            if (change["changed_on"], change["from_status"], change["to_status"]) in recorded:
                continue
            if not self.full and round_.status == change["to_status"]:
                continue
            round_ = services.round_change_status(
                round=round_,
                to_status=change["to_status"],
                changed_on=change["changed_on"],
                source=change["source"],
                note=change["note"],
                **self.writes,
            )
            moved = True
        return round_, moved

    def _history(self, record: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The round's status history from the document; without one (not ``full``), the record's status as the
        round's next move (for a new round, its first status), dated by the round's date for that status."""
        if not self.full:
            status = record.get("status") or ""
            moved_on = {"closed": values["closed_on"], "announced": values["announced_on"]}.get(status)
            return [{"changed_on": moved_on, "from_status": "", "to_status": status, "source": None, "note": ""}]
        history = [self._change(change) for change in record.get("status_history") or []]
        if not history or history[0]["from_status"]:
            raise RecordRejected("status_history", _("The history starts with the round's first status."), "")
        return history

    def _change(self, change: Mapping[str, Any]) -> dict[str, Any]:
        source = change.get("source")
        return {
            "changed_on": _date(change.get("changed_on"), "status_history"),
            "from_status": change.get("from_status") or "",
            "to_status": change.get("to_status") or "",
            "source": self.source_of(source, "status_history") if source else None,
            "note": change.get("note") or "",
        }

    def _participation(self, round_: FundingRound, record: Any, n: int) -> str | None:
        """A participation in a savepoint of its own: its error names the round's record and its place there."""
        return self._attempt(
            "participations", self.row, record, lambda r: self.participation(round_, r), prefix=f"participations[{n}]."
        )

    def participation(self, round_: FundingRound, record: Mapping[str, Any]) -> str:
        investor = self.org(record.get("investor"), "investor")
        values: dict[str, Any] = {name: record.get(name) for name in PARTICIPATION_FIELDS}
        values.update(_estimate(record, "amount"))
        conditions = [
            {
                "kind": c.get("kind"),
                "description": c.get("description") or "",
                "status": c.get("status"),
                "counterparty": self.org(c["counterparty"], "conditions") if c.get("counterparty") else None,
            }
            for c in record.get("conditions") or []
        ]
        made_in, investors = self.made
        if round_.pk is not None and round_.pk == made_in and investor.pk not in investors:
            existing = None
            investors.add(investor.pk)
        else:
            existing = Participation.objects.filter(round=round_, investor=investor).first()
        if existing is None:
            participation = services.participation_create(
                values={**values, "round": round_, "investor": investor}, conditions=conditions, **self.writes
            )
            self.cite(participation, record.get("citations"), new=True)
            self._participation_claims(participation, record, new=True)
            return "new"
        stored = [
            {"kind": c.kind, "description": c.description, "status": c.status, "counterparty": c.counterparty}
            for c in existing.conditions.order_by("id")
        ]
        changed = _differs(existing, values) or stored != conditions
        if changed:
            existing = services.participation_update(
                participation=existing,
                values=values,
                conditions=None if stored == conditions else conditions,
                **self.writes,
            )
        changed = self.cite(existing, record.get("citations")) or changed
        changed = self._participation_claims(existing, record) or changed
        return "changed" if changed else "unchanged"

    def _participation_claims(
        self, participation: Participation, record: Mapping[str, Any], *, new: bool = False
    ) -> bool:
        changed = self.reconcile_claims(participation, record.get("claims"), new=new)
        documented = record.get("conditions") or []
        if not any(data.get("claims") for data in documented):
            return changed
        for condition, data in zip(participation.conditions.order_by("id"), documented, strict=False):
            changed = self.reconcile_claims(condition, data.get("claims"), new=new) or changed
        return changed

    def _relationship_key(self, record: Mapping[str, Any]) -> Any:
        return tuple(record.get(name) for name in ("provider", "client", "kind", "started_on"))

    def relationship(self, record: Mapping[str, Any]) -> str:
        values: dict[str, Any] = {name: _value(record, name) for name in RELATIONSHIP_FIELDS}
        values.update(_estimate(record, "annual_value"))
        lookup = {
            "provider": self.org(record.get("provider"), "provider"),
            "client": self.org(record.get("client"), "client"),
            "kind": values.pop("kind"),
            "started_on": values.pop("started_on"),
        }
        return self._upsert(Relationship, lookup, values, record)

    def _metric_key(self, record: Mapping[str, Any]) -> Any:
        return tuple(record.get(name) for name in ("organization", "kind", "label", "period_year", "period_date"))

    def metric(self, record: Mapping[str, Any]) -> str:
        values: dict[str, Any] = {name: _value(record, name) for name in METRIC_FIELDS}
        values["is_forecast"] = bool(record.get("is_forecast"))
        values["period_year"] = record.get("period_year")
        values.update(_estimate(record, "value"))
        lookup = {"organization": self.org(record.get("organization"), "organization")}
        lookup.update({name: values.pop(name) for name in ("kind", "label", "period_year", "period_date")})
        return self._upsert(Metric, lookup, values, record)

    def _upsert(self, model: Any, lookup: dict[str, Any], values: dict[str, Any], record: Mapping[str, Any]) -> str:
        existing = model.objects.filter(**lookup).order_by("pk").first()
        if existing is None:
            instance = services.record_save(instance=model(**lookup), values=values, **self.writes)
            self.cite(instance, record.get("citations"), new=True)
            self.reconcile_claims(instance, record.get("claims"), new=True)
            return "new"
        changed = _differs(existing, values)
        if changed:
            services.record_save(instance=existing, values=values, **self.writes)
        changed = self.cite(existing, record.get("citations")) or changed
        changed = self.reconcile_claims(existing, record.get("claims")) or changed
        return "changed" if changed else "unchanged"

    def fx_rates(self, records: Iterable[tuple[int, Any]]) -> None:
        """Rates in batches: each checked by the FX-rate model's rule (:func:`deals.models.fx.rate_errors`), new
        ones inserted together, a changed one saved through the services (as the ECB loader does by COPY)."""
        seen: dict[tuple[Any, ...], int] = {}
        pairs = iter(records)
        while chunk := list(itertools.islice(pairs, RATE_BATCH)):
            batch: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
            for row, record in chunk:
                try:
                    if not isinstance(record, Mapping):
                        raise RecordRejected("", _("A record is an object."), record)
                    date = _date(record.get("date"), "date")
                    base, quote = str(record.get("base") or "").upper(), str(record.get("quote") or "").upper()
                    rate = decimal_of(record.get("rate"), "rate")
                    if date is None or rate is None or not base or not quote:
                        raise RecordRejected("", _("A rate needs a date, base, quote and rate."), record)
                    problems = rate_errors(base, quote, rate)
                    if problems:
                        field, message = next(iter(problems.items()))
                        raise RecordRejected(field, str(message), record.get(field))
                    key = (date, base, quote)
                    if key in seen:
                        message = _("Duplicate key: first on record %(row)s.") % {"row": seen[key]}
                        raise RecordRejected("date", message, str(record.get("date")))
                    seen[key] = row
                    batch[key] = (row, rate)
                except RecordRejected as exc:
                    self._reject("fx_rates", row, exc.column, exc.message, exc.value, record)
            self._rate_batch(batch)
            self._tick(len(chunk))

    def _rate_batch(self, batch: dict[tuple[Any, ...], tuple[int, Decimal]]) -> None:
        if not batch:
            return
        dates = {key[0] for key in batch}
        stored = {
            (rate.date, rate.base, rate.quote): rate
            for rate in FxRate.objects.filter(date__gte=min(dates), date__lte=max(dates))
        }
        new = []
        for key, (_row, rate) in batch.items():
            found = stored.get(key)
            if found is None:
                new.append(FxRate(date=key[0], base=key[1], quote=key[2], rate=rate))
                self.report.count("fx_rates", "new")
            elif found.rate != rate:
                services.record_save(instance=found, values={"rate": rate})
                self.report.count("fx_rates", "changed")
            else:
                self.report.count("fx_rates", "unchanged")
        FxRate.objects.bulk_create(new, batch_size=RATE_BATCH)


class Importer(Writer):
    """One import of a Dealtracker document, streamed from its file; :meth:`run` returns its report."""

    keeps_rounds = False

    def __init__(self, path: Path, *, dry_run: bool, accept_errors: bool, progress: Progress | None) -> None:
        report = Report(format=FORMAT, dry_run=dry_run)
        super().__init__(report, full=True, dry_run=dry_run, accept_errors=accept_errors, progress=progress)
        self.path, self.name = path, path.name

    def run(self) -> Report:
        try:
            outline = Outline.read(self.path)
        except (OSError, ijson.JSONError, UnicodeDecodeError) as exc:
            self.report.reject("document", RowError(self.name, 0, "", _("Not a JSON document."), str(exc)[:200]))
            return self.report
        if outline.format != FORMAT:
            found = outline.format if isinstance(outline.format, str) else ""
            self.report.reject("document", RowError(self.name, 0, "format", _("Not a Dealtracker document."), found))
            return self.report
        if outline.version != VERSION:
            message = _("Version %(version)s is not supported.") % {"version": outline.version}
            self.report.reject("document", RowError(self.name, 0, "version", message, str(outline.version)))
            return self.report
        for section in outline.not_lists:
            message = _("The section is not a list of records.")
            self.report.reject("document", RowError(self.name, 0, section, message, ""))
        if outline.not_lists:
            return self.report
        self.total = sum(outline.counts.values())

        def body() -> None:
            self.organizations(self.records("organizations"))
            self._each("sources", self.records("sources"), self.source, key=lambda r: r.get("key"))
            self._each("rounds", self.records("rounds"), self.round, key=self._round_key)
            self._each("relationships", self.records("relationships"), self.relationship, key=self._relationship_key)
            self._each("metrics", self.records("metrics"), self.metric, key=self._metric_key)
            self.fx_rates(self.records("fx_rates"))

        return self.transact(body)

    def records(self, section: str) -> Iterator[tuple[int, Any]]:
        """The records of one section, numbered from 1, read from the file one at a time (numbers as Decimal)."""
        with self.path.open("rb") as handle:
            yield from enumerate(ijson.items(handle, f"{section}.item", use_float=False), start=1)


class Outline:
    """What a document holds, read in one streamed pass before anything is written: its format and version, the
    number of records of each section (the import's progress total) and the sections that are not lists. The
    pass also proves the whole file is well-formed JSON, so a document broken halfway writes nothing."""

    def __init__(self) -> None:
        self.format: Any = None
        self.version: Any = None
        self.counts = dict.fromkeys(SECTIONS, 0)
        self.not_lists: list[str] = []

    @classmethod
    def read(cls, path: Path) -> Outline:
        outline = cls()
        items = {f"{section}.item": section for section in SECTIONS}
        with path.open("rb") as handle:
            for prefix, event, value in ijson.parse(handle, use_float=False):
                if prefix == "" and event not in ("start_map", "end_map", "map_key"):
                    return outline  # not an object: no format
                if prefix in items and event in VALUE_STARTS:
                    outline.counts[items[prefix]] += 1
                elif prefix in outline.counts and event in VALUE_STARTS - {"start_array", "null"}:
                    outline.not_lists.append(prefix)  # an object or a scalar where a list (or null) belongs
                elif prefix == "format" and event == "string":
                    outline.format = value
                elif prefix == "version" and event in VALUE_STARTS - {"start_map", "start_array"}:
                    outline.version = value
        return outline


#: The parser's events that begin a value (at a section's key, or one of its records).
VALUE_STARTS = frozenset({"start_map", "start_array", "string", "number", "boolean", "null"})


def is_document(path: Path) -> bool:
    """Whether ``path`` looks like a Dealtracker document (a ``.json`` file)."""
    return path.is_file() and path.suffix.lower() == ".json"


def load(
    path: Path | str,
    *,
    dry_run: bool = False,
    accept_errors: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Import the Dealtracker document at ``path``; see the module's docstring."""
    return Importer(Path(path), dry_run=dry_run, accept_errors=accept_errors, progress=progress).run()
