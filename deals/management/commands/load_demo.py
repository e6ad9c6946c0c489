"""Load the demo dataset (the seed deal and the history around it) and the ECB's reference rates. Safe to run
again: it updates rows in place by their natural keys and writes only what differs, so row counts and the audit
log stay put. Rounds, their status histories and participations are written through deals.services, as every
other entry point's."""

from __future__ import annotations

from typing import Any, cast

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from deals import claims, demo_data, services
from deals.imports import ecb
from deals.models import (
    Citation,
    Claim,
    FundingRound,
    FxRate,
    Metric,
    Organization,
    Participation,
    Relationship,
    Source,
)
from deals.models.estimates import PARTS, as_columns, from_columns

#: The dates a status change fills when the round has none (deals.services.round_save).
STATUS_DATES = frozenset({"announced_on", "closed_on"})


def estimate_columns(name: str, estimate: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of a demo record's estimate, through the models' codec."""
    stored = from_columns(*((estimate or {}).get(part) for part in PARTS))
    return as_columns(name, stored)


def upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create or update one row, validating it; save only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    elif all(getattr(obj, key) == value for key, value in values.items()):
        return obj
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    # The database enforces the check constraints itself; validating them here would cost a query each.
    obj.full_clean(validate_constraints=False)
    obj.save()
    return obj


def records(data: object) -> list[dict[str, Any]]:
    """The dataset's typed records as plain dicts, as the loader reads them."""
    return cast(list[dict[str, Any]], data)


class Loader:
    def __init__(self) -> None:
        self.orgs: dict[str, Organization] = {}
        self.sources: dict[str, Source] = {}

    def cite(self, target: str, obj: Any, citations: list[tuple[str, str]]) -> None:
        for key, note in citations:
            upsert(Citation, {"source": self.sources[key], target: obj}, {"note": note})

    def organizations(self) -> None:
        organizations = records(demo_data.ORGANIZATIONS)
        for record in organizations:
            values = {k: v for k, v in record.items() if k not in {"slug", "parent"}}
            self.orgs[record["slug"]] = upsert(Organization, {"slug": record["slug"]}, values)
        for record in organizations:  # parents once every organization exists
            if record.get("parent"):
                upsert(Organization, {"slug": record["slug"]}, {"parent": self.orgs[record["parent"]]})

    def sources_(self) -> None:
        for record in records(demo_data.SOURCES):
            lookup = {k: record[k] for k in ("outlet", "title", "published_on")}
            values = {k: record.get(k) or "" for k in ("url", "language", "reliability", "note")}
            self.sources[record["key"]] = upsert(Source, lookup, values)

    def rounds(self) -> None:
        for record in records(demo_data.ROUNDS):
            values: dict[str, Any] = {"target": self.orgs[record["target"]]}
            for key in ("round_type", "reported_on", "announced_on", "closed_on", "price_per_share"):
                values[key] = record.get(key)
            for key in ("reported", "announced", "closed"):
                values[f"{key}_on_precision"] = record.get(f"{key}_precision") or "day"
            for key in ("amount", "pre_money_valuation", "post_money_valuation"):
                values.update(estimate_columns(key, record.get(key)))
            values["notes"] = record.get("notes", "")
            cited = record.get("sources", [])
            round_ = self.round_(f"demo:{record['key']}", values, record.get("status_history", []), cited)
            self.cite("round", round_, cited)
            for part in record.get("participations", []):
                self.participation(round_, part, cited)

    def stated_by(self, citations: list[tuple[str, str]]) -> Source | None:
        """The source the record's values are claims of: the one it cites, as the services decide for an edit
        citing one source (deals.claims.record_hand_edits); None when it cites several or none, since the
        dataset does not say which of them stated which figure (then they are entered by hand)."""
        return self.sources[citations[0][0]] if len(citations) == 1 else None

    def round_(
        self, ref: str, values: dict[str, Any], history: list[dict[str, Any]], citations: list[tuple[str, str]]
    ) -> FundingRound:
        """The round with these values, its status history replayed through the services: a new round starts
        at the history's first status, and each later step not yet recorded is a status change on its date.
        Its figures are claims of the source it cites, when it cites one."""
        claim_source = self.stated_by(citations)
        round_ = FundingRound.objects.filter(ref=ref).first()
        if round_ is None:
            first = history[0]
            round_ = services.round_create(
                values={**values, "ref": ref, "status": first["to"]},
                status_changed_on=first["on"],
                status_source=self.sources.get(first.get("source") or ""),
                claim_source=claim_source,
            )
        else:
            # A date the dataset leaves open may have been filled by a status change; it stays.
            stated = {k: v for k, v in values.items() if v is not None or k not in STATUS_DATES}
            if any(getattr(round_, key) != value for key, value in stated.items()):
                round_ = services.round_update(round=round_, values=stated, claim_source=claim_source)
        recorded = set(round_.status_changes.values_list("changed_on", "to_status"))
        for change in history[1:]:
            if (change["on"], change["to"]) not in recorded:
                round_ = services.round_change_status(
                    round=round_,
                    to_status=change["to"],
                    changed_on=change["on"],
                    source=self.sources.get(change.get("source") or ""),
                )
        return round_

    def participation(self, round_: FundingRound, record: dict[str, Any], round_sources: list[tuple[str, str]]) -> None:
        """The participation with these values; its figures are claims of the one source it cites, else of the
        round's one source."""
        values = {k: record.get(k) for k in ("is_lead", "instrument", "status")}
        values.update(estimate_columns("amount", record.get("amount")))
        investor = self.orgs[record["investor"]]
        claim_source = self.stated_by(record.get("sources", []) or round_sources)
        conditions = [
            {
                "kind": c["kind"],
                "description": c["description"],
                "status": c.get("status", "pending"),
                "counterparty": self.orgs.get(c.get("counterparty") or ""),
            }
            for c in record.get("conditions", [])
        ]
        participation = Participation.objects.filter(round=round_, investor=investor).first()
        if participation is None:
            participation = services.participation_create(
                values={**values, "round": round_, "investor": investor},
                conditions=conditions,
                claim_source=claim_source,
            )
        else:
            stored = [
                {"kind": c.kind, "description": c.description, "status": c.status, "counterparty": c.counterparty}
                for c in participation.conditions.order_by("id")
            ]
            changed = any(getattr(participation, key) != value for key, value in values.items())
            if changed or stored != conditions:
                services.participation_update(
                    participation=participation,
                    values=values,
                    conditions=None if stored == conditions else conditions,
                    claim_source=claim_source,
                )
        self.cite("participation", participation, record.get("sources", []))

    def recorded(self, model: Any, lookup: dict[str, Any], values: dict[str, Any], record: dict[str, Any]) -> Any:
        """A relationship or metric with these values, saved through the services when new or changed, so its
        figure is a claim of the source it cites (by hand when it cites several)."""
        obj = model.objects.filter(**lookup).first()
        if obj is not None and all(getattr(obj, key) == value for key, value in values.items()):
            return obj
        sources = [self.sources[key] for key, _ in record.get("sources", [])]
        return services.record_save(instance=obj or model(**lookup), values=values, sources=sources)

    def relationships(self) -> None:
        for record in records(demo_data.RELATIONSHIPS):
            lookup = {
                "provider": self.orgs[record["provider"]],
                "client": self.orgs[record["client"]],
                "kind": record["kind"],
            }
            values = {k: record.get(k) for k in ("started_on", "ended_on")}
            values["description"] = record.get("description", "")
            values.update(estimate_columns("annual_value", record.get("annual_value")))
            self.cite("relationship", self.recorded(Relationship, lookup, values, record), record.get("sources", []))

    def metrics(self) -> None:
        for record in records(demo_data.METRICS):
            lookup = {
                "organization": self.orgs[record["organization"]],
                "kind": record["kind"],
                "period_year": record.get("period_year"),
                "period_date": record.get("period_date"),
            }
            values = {"percent": record.get("percent"), "is_forecast": record.get("is_forecast", False)}
            values["label"] = record.get("label", "")
            values.update(estimate_columns("value", record.get("value")))
            self.cite("metric", self.recorded(Metric, lookup, values, record), record.get("sources", []))

    def claims_(self) -> None:
        """The demo's claims, each recorded once (deals.claims); the editors' choices made with their reasons."""
        for record in demo_data.CLAIMS:
            round_ = FundingRound.objects.get(ref=f"demo:{record['round']}")
            target: Any = round_
            if record.get("investor"):
                target = Participation.objects.get(round=round_, investor=self.orgs[record["investor"]])
            source = self.sources[record["source"]]
            value: Any = record.get("stated_value", "")
            if "estimate" in record:
                value = from_columns(*(cast(dict[str, Any], record["estimate"]).get(part) for part in PARTS))
            column = "round" if target is round_ else "participation"
            found = Claim.objects.filter(**{column: target, "field": record["field"], "source": source}).first()
            if found is None:
                found = claims.claim_record(
                    record=target,
                    field=record["field"],
                    value=value,
                    source=source,
                    stated_on=record.get("stated_on"),
                    quote=record.get("quote", ""),
                    note=record.get("note", ""),
                )
            if record.get("accept") and not found.accepted:
                claims.claim_accept(claim=found, reason=record["accept"])

    def fx_rates(self, rates: str = "all") -> None:
        """The ECB's reference rates as the bundled history has them (deals/imports/ecb.py), not typed ones:
        all of it, or (``rates="demo"``) the demo's currencies from the year of its first rate on, a fiftieth
        of the rows for a quick load."""
        if rates == "demo":
            currencies = {fx["quote"] for fx in demo_data.FX_RATES} | {fx["base"] for fx in demo_data.FX_RATES}
            since = min(fx["date"] for fx in demo_data.FX_RATES).replace(month=1, day=1)
            report = ecb.load(currencies=currencies, since=since)
        else:
            report = ecb.load()
        if report.errors:
            raise SystemExit(f"The bundled ECB history has rejected values: {report.errors[:3]}")


class Command(BaseCommand):
    help = "Load the demo dataset: the OpenAI seed deal and the funding history around it (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rates",
            choices=["all", "demo"],
            default="all",
            help="The ECB reference rates to load: the whole bundled history (default, about 200,000 rates) or "
            "only the demo's currencies since its first year (quicker).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = demo_data.validate()
        if problems:
            raise SystemExit("The demo dataset is inconsistent:\n" + "\n".join(problems))
        loader = Loader()
        with transaction.atomic():
            loader.organizations()
            loader.sources_()
            loader.rounds()
            loader.relationships()
            loader.metrics()
            loader.fx_rates(options["rates"])
            loader.claims_()
        self.stdout.write(
            f"Demo data: {Organization.objects.count()} organizations, {FundingRound.objects.count()} rounds, "
            f"{Participation.objects.count()} participations, {Relationship.objects.count()} relationships, "
            f"{FxRate.objects.count()} FX rates."
        )
