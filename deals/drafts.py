"""A draft deal from a report: the extraction (deals/extraction/) run against the organizations in the database.

``build_draft`` reads and proposes; it writes nothing. ``draft_accept`` writes a reviewed draft
(:class:`ReviewedDraft`, from :func:`reviewed_from` or the admin's review form): the source, the records and
their claims with quotes, in one transaction through the record services.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from deals import claims, services
from deals.choices import PENDING_STATUSES
from deals.engine.estimates import Estimate
from deals.extraction import Draft, KnownOrganization, draft
from deals.extraction.draft import Figure, Organization, Quote
from deals.models import Claim, Condition, FundingRound, Metric, Participation, Relationship, Source
from deals.models import Organization as OrganizationModel

#: The longest report text read (characters); a news report is a few thousand.
MAX_TEXT = 50_000


@dataclass(frozen=True)
class SourceInfo:
    """Where the report appeared, as the user gives it; stored only when a draft is accepted."""

    outlet: str = ""
    title: str = ""
    published_on: datetime.date | None = None
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        published = self.published_on.isoformat() if self.published_on else None
        return {"outlet": self.outlet, "title": self.title, "published_on": published, "url": self.url}


@dataclass
class DraftProposal:
    """The reviewed-before-written proposal of one report: the extraction's draft and its source."""

    text: str
    source: SourceInfo
    draft: Draft
    organization_ids: dict[str, int | None] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """The proposal as the API shows it: organizations as {"name", "id"}, figures as Estimate objects with
        their evidence (span, text, quote) beside them."""
        d = self.draft
        r = d.round
        evidence: dict[str, Any] = {}
        for name, item in (
            ("target", r.target),
            ("status", r.status),
            ("round_type", r.round_type),
            ("amount", r.amount),
            ("pre_money_valuation", r.pre_money_valuation),
            ("post_money_valuation", r.post_money_valuation),
        ):
            evidence[name] = None if item is None else _evidence(item.quote)
        return {
            "language": d.language,
            "source": self.source.to_dict(),
            "round": {
                "target": self.org(r.target.value) if r.target else None,
                "status": r.status.value if r.status else None,
                "round_type": r.round_type.value if r.round_type else None,
                "amount": _estimate(r.amount),
                "pre_money_valuation": _estimate(r.pre_money_valuation),
                "post_money_valuation": _estimate(r.post_money_valuation),
                "evidence": evidence,
            },
            "participations": [
                {
                    "investor": self.org(p.investor),
                    "amount": _estimate(p.amount),
                    "new_money": bool(p.amount and p.amount.new_money),
                    "is_lead": p.is_lead,
                    "conditions": [
                        {"kind": c.kind, "description": c.description, **_evidence(c.quote)} for c in p.conditions
                    ],
                    **_evidence(p.amount.quote if p.amount else p.quote),
                }
                for p in d.participations
            ],
            "relationships": [
                {
                    "provider": self.org(x.provider),
                    "client": self.org(x.client) if x.client else None,
                    "kind": x.kind,
                    **_evidence(x.quote),
                }
                for x in d.relationships
            ],
            "subsidiaries": [
                {"parent": self.org(x.parent), "child": self.org(x.child), **_evidence(x.quote)} for x in d.subsidiaries
            ],
            "metrics": [
                {
                    "organization": self.org(m.organization) if m.organization else None,
                    "kind": m.kind,
                    "value": _estimate(m.value),
                    "percent": None if m.percent is None else format(m.percent, "f"),
                    "period_year": m.period_year,
                    "is_forecast": m.is_forecast,
                    **_evidence(m.quote),
                }
                for m in d.metrics
            ],
            "new_organizations": [o.name for o in d.new_organizations],
            "findings": [f.to_dict() for f in d.findings],
        }

    def org(self, o: Organization) -> dict[str, Any]:
        return {"name": o.name, "id": o.key if o.known else None}


def _estimate(f: Figure | None) -> dict[str, Any] | None:
    return None if f is None else f.estimate.to_dict()


def _evidence(q: Quote) -> dict[str, Any]:
    return {"span": [q.start, q.end], "text": q.text, "quote": q.sentence}


def known_organizations(text: str) -> list[KnownOrganization]:
    """The organizations whose name or an alias occurs in ``text`` (case-insensitively), with their parents:
    one query, so the extraction matches against a handful instead of the whole table."""
    lowered = text.lower()
    named = RawSQL("strpos(%s, lower(deals_organization.name)) > 0", (lowered,))
    aliased = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(deals_organization.aliases) AS a WHERE a <> '' AND strpos(%s, lower(a)) > 0)",
        (lowered,),
    )
    rows = (
        OrganizationModel.objects.alias(named=named, aliased=aliased)
        .filter(Q(named=True) | Q(aliased=True))
        .values_list("id", "name", "aliases", "parent__name")
        .order_by("id")
    )
    return [
        KnownOrganization(name=name, aliases=tuple(aliases or ()), key=pk, parent=parent)
        for pk, name, aliases, parent in rows
    ]


def build_draft(text: str, language: str | None = None, source: SourceInfo | None = None) -> DraftProposal:
    """Read ``text`` (``language`` "en", "de" or None to detect) into a proposal; nothing is written."""
    proposal = draft(text, language, known_organizations(text))
    ids = {o.name: (o.key if o.known and isinstance(o.key, int) else None) for o in proposal.organizations()}
    return DraftProposal(text=text, source=source or SourceInfo(), draft=proposal, organization_ids=ids)


# --- Accepting a reviewed draft ------------------------------------------------------------------------------

#: How far apart (days) a report and a pending round of the same target may be dated for the report to be
#: about that round rather than a new one.
NEARBY_DAYS = 120


@dataclass(frozen=True)
class Evidence:
    """The sentence an item was read from and the character span of its figure or cue in the report."""

    quote: str = ""
    span: tuple[int, int] | None = None

    @classmethod
    def of(cls, q: Quote | None) -> Evidence:
        return cls() if q is None else cls(q.sentence, (q.start, q.end))


@dataclass(frozen=True)
class OrgRef:
    """An organization of a reviewed draft: the known one's id, or a name to create."""

    name: str
    id: int | None = None


@dataclass
class ReviewedCondition:
    kind: str
    description: str
    evidence: Evidence = Evidence()


@dataclass
class ReviewedParticipation:
    investor: OrgRef
    amount: Estimate | None = None
    is_lead: bool = False
    conditions: list[ReviewedCondition] = field(default_factory=list)
    evidence: Evidence = Evidence()


@dataclass
class ReviewedRelationship:
    provider: OrgRef
    client: OrgRef | None
    kind: str
    evidence: Evidence = Evidence()


@dataclass
class ReviewedMetric:
    organization: OrgRef
    kind: str
    value: Estimate | None = None
    percent: Decimal | None = None
    period_year: int | None = None
    is_forecast: bool = False
    evidence: Evidence = Evidence()


@dataclass
class ReviewedDraft:
    """What the reviewer keeps of a proposal (edited or as proposed): the records :func:`draft_accept` writes.
    ``evidence`` maps a round field to where the report states it."""

    target: OrgRef
    status: str = ""
    round_type: str = ""
    amount: Estimate | None = None
    pre_money_valuation: Estimate | None = None
    post_money_valuation: Estimate | None = None
    participations: list[ReviewedParticipation] = field(default_factory=list)
    relationships: list[ReviewedRelationship] = field(default_factory=list)
    metrics: list[ReviewedMetric] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)


def _ref(o: Organization, ids: Mapping[str, int | None]) -> OrgRef:
    return OrgRef(o.name, ids.get(o.name))


def reviewed_from(proposal: DraftProposal) -> ReviewedDraft:
    """The proposal as it stands, to accept unedited or to start a review from (needs a target)."""
    d, ids = proposal.draft, proposal.organization_ids
    r = d.round
    if r.target is None:
        raise ValidationError({"target": _("The report names no organization raising the round.")})
    evidence = {}
    for name in ("status", "round_type", "amount", "pre_money_valuation", "post_money_valuation"):
        item = getattr(r, name)
        if item is not None:
            evidence[name] = Evidence.of(item.quote)
    return ReviewedDraft(
        target=_ref(r.target.value, ids),
        status=r.status.value if r.status else "",
        round_type=r.round_type.value if r.round_type else "",
        amount=r.amount.estimate if r.amount else None,
        pre_money_valuation=r.pre_money_valuation.estimate if r.pre_money_valuation else None,
        post_money_valuation=r.post_money_valuation.estimate if r.post_money_valuation else None,
        participations=[
            ReviewedParticipation(
                investor=_ref(p.investor, ids),
                amount=p.amount.estimate if p.amount else None,
                is_lead=p.is_lead,
                conditions=[ReviewedCondition(c.kind, c.description, Evidence.of(c.quote)) for c in p.conditions],
                evidence=Evidence.of(p.amount.quote if p.amount else p.quote),
            )
            for p in d.participations
        ],
        relationships=[
            ReviewedRelationship(
                _ref(x.provider, ids), _ref(x.client, ids) if x.client else None, x.kind, Evidence.of(x.quote)
            )
            for x in d.relationships
        ],
        metrics=[
            ReviewedMetric(
                organization=_ref(m.organization, ids),
                kind=m.kind,
                value=m.value.estimate if m.value else None,
                percent=m.percent,
                period_year=m.period_year,
                is_forecast=m.is_forecast,
                evidence=Evidence.of(m.value.quote if m.value else m.quote),
            )
            for m in d.metrics
            if m.organization is not None
        ],
        evidence=evidence,
    )


@dataclass
class AcceptResult:
    """What an acceptance wrote: the source, the round (new, or the pending one the report is about)."""

    source: Source
    round: FundingRound
    round_created: bool
    organizations_created: list[OrganizationModel]
    claims_created: int


class _Accept:
    """One acceptance's state: the source, the organizations resolved so far, the claims it counts."""

    def __init__(self, source: Source, user: Any) -> None:
        self.source, self.user = source, user
        self.orgs: dict[str, OrganizationModel] = {}
        self.created: list[OrganizationModel] = []

    def org(self, ref: OrgRef) -> OrganizationModel:
        key = ref.name.strip().lower()
        if ref.id is not None:
            found = OrganizationModel.objects.filter(pk=ref.id).first()
            if found is None:
                raise ValidationError({"organization": _("An organization of the draft no longer exists.")})
            self.orgs.setdefault(key, found)
            return found
        if key not in self.orgs:
            name = ref.name.strip()
            named = OrganizationModel.objects.filter(Q(name__iexact=name) | Q(aliases__contains=[name]))
            same = named.order_by("id").first()  # a name typed in review may be a known one's name or alias
            if same is None:
                same = services.organization_create(values={"name": name})
                self.created.append(same)
            self.orgs[key] = same
        return self.orgs[key]

    def claim(self, record: Model, field: str, value: Any, evidence: Evidence | None) -> None:
        """The source's claim of ``value`` for ``field`` of an existing ``record``, unless it made it already;
        the record's column follows the acceptance rule."""
        if value is None or value == "":
            return
        target = claims.TARGET_OF[type(record)]
        mine = Claim.objects.filter(**{target: record, "field": field, "source": self.source})
        if any(claims.same_value(claims.claim_value(c), value) for c in mine):
            return
        ev = evidence or Evidence()
        claims.claim_record(
            record=record,
            field=field,
            value=value,
            source=self.source,
            stated_on=self.source.published_on,
            quote=ev.quote,
            span=ev.span,
            user=self.user,
        )

    def quote(self, record: Model, evidence: Mapping[str, Evidence]) -> None:
        """Put the quotes and spans on the claims the services made from this source for ``record``."""
        target = claims.TARGET_OF[type(record)]
        for c in Claim.objects.filter(**{target: record, "source": self.source, "quote": ""}):
            ev = evidence.get(c.field)
            if ev is None or not ev.quote:
                continue
            c.quote = ev.quote
            c.span_start, c.span_end = ev.span if ev.span else (None, None)
            claims.claim_save(claim=c, user=self.user, apply=False)


def _pending_round(target: OrganizationModel, on: datetime.date) -> FundingRound | None:
    """The pending round of ``target`` dated near ``on`` (the report is about it), nearest first."""
    near = datetime.timedelta(days=NEARBY_DAYS)
    rounds = FundingRound.objects.filter(target=target, status__in=PENDING_STATUSES).filter(
        Q(reported_on__range=(on - near, on + near)) | Q(reported_on__isnull=True)
    )
    return min(rounds, key=lambda r: abs((r.reported_on or on) - on), default=None)


def _source(info: SourceInfo, language: str) -> Source:
    """The report's source: the one already stored for the same outlet, title and date, else a new one."""
    if info.published_on is None:
        raise ValidationError({"published_on": _("Give the date the report was published.")})
    same = Source.objects.filter(
        outlet__iexact=info.outlet.strip(), title__iexact=info.title.strip(), published_on=info.published_on
    ).first()
    if same is not None:
        return same
    values = {
        "outlet": info.outlet.strip(),
        "title": info.title.strip(),
        "published_on": info.published_on,
        "url": info.url.strip(),
        "language": language,
    }
    return services.record_save(instance=Source(), values=values)


@transaction.atomic
def draft_accept(
    *, reviewed: ReviewedDraft, source: SourceInfo, language: str = "en", user: Any = None
) -> AcceptResult:
    """Write a reviewed draft in one transaction: the source, the organizations that are new, the round (or,
    when ``target`` has a pending round dated near the report, new claims on that round instead of a
    duplicate), its participations with their conditions, the relationships and the metrics, every field a
    claim from the source with its quote and span. Accepting the same draft again adds nothing. A rule broken
    anywhere raises ValidationError and nothing is written."""
    src = _source(source, language)
    run = _Accept(src, user)
    before = Claim.objects.filter(source=src).count()
    target = run.org(reviewed.target)
    round_values: dict[str, Any] = {
        "status": reviewed.status,
        "round_type": reviewed.round_type,
        "amount": reviewed.amount,
        "pre_money_valuation": reviewed.pre_money_valuation,
        "post_money_valuation": reviewed.post_money_valuation,
    }
    existing = _pending_round(target, src.published_on)
    if existing is None:
        round = FundingRound(target=target, reported_on=src.published_on)
        for name, value in round_values.items():
            if value not in (None, ""):
                setattr(round, name, value)  # an Estimate field is set, not passed to the constructor
        round = services.round_save(
            round=round,
            sources=[src],
            user=user,
            status_changed_on=src.published_on,
            status_source=src,
            claim_source=src,
        )
        run.quote(round, reviewed.evidence)
    else:
        round = existing
        services.citation_add(instance=round, source=src)
        for name, value in round_values.items():
            run.claim(round, name, value, reviewed.evidence.get(name))
        round.refresh_from_db()
    for p in reviewed.participations:
        _accept_participation(run, round, p)
    for x in reviewed.relationships:
        _accept_relationship(run, x)
    for m in reviewed.metrics:
        _accept_metric(run, m)
    return AcceptResult(
        source=src,
        round=round,
        round_created=existing is None,
        organizations_created=run.created,
        claims_created=Claim.objects.filter(source=src).count() - before,
    )


def _accept_participation(run: _Accept, round: FundingRound, p: ReviewedParticipation) -> None:
    investor = run.org(p.investor)
    evidence = {"amount": p.evidence, "is_lead": p.evidence}
    participation = Participation.objects.filter(round=round, investor=investor).first()
    if participation is None:
        participation = Participation(round=round, investor=investor, is_lead=p.is_lead)
        if p.amount is not None:
            participation.amount = p.amount
        participation = services.participation_save(
            participation=participation, sources=[run.source], claim_source=run.source
        )
        run.quote(participation, evidence)
    else:
        services.citation_add(instance=participation, source=run.source)
        run.claim(participation, "amount", p.amount, p.evidence)
        if p.is_lead:
            run.claim(participation, "is_lead", True, p.evidence)
    have = {(c.kind, c.description) for c in participation.conditions.all()}
    for c in p.conditions:
        if (c.kind, c.description) in have:
            continue
        have.add((c.kind, c.description))
        condition = services.condition_save(
            condition=Condition(participation=participation, kind=c.kind, description=c.description),
            claim_source=run.source,
        )
        run.quote(condition, {"status": c.evidence})


def _accept_relationship(run: _Accept, x: ReviewedRelationship) -> None:
    provider = run.org(x.provider)
    client = run.org(x.client) if x.client else None
    if client is None:
        return  # a tie without a client is context, not a record
    found = Relationship.objects.filter(provider=provider, client=client, kind=x.kind).first()
    if found is None:
        found = services.record_save(
            instance=Relationship(provider=provider, client=client, kind=x.kind, description=x.evidence.quote[:500]),
            sources=[run.source],
        )
    else:
        services.citation_add(instance=found, source=run.source)


def _accept_metric(run: _Accept, m: ReviewedMetric) -> None:
    organization = run.org(m.organization)
    # a figure without its year is as of the report (an RPO share "macht 45 Prozent aus")
    period_date = None if m.period_year else run.source.published_on
    same = Metric.objects.filter(organization=organization, kind=m.kind, period_year=m.period_year)
    if period_date is not None:
        near = datetime.timedelta(days=NEARBY_DAYS)
        same = same.filter(period_date__range=(period_date - near, period_date + near))
    found = same.order_by("id").first()
    if found is None:
        values: dict[str, Any] = {
            "organization": organization,
            "kind": m.kind,
            "period_year": m.period_year,
            "period_date": period_date,
            "percent": m.percent,
            "is_forecast": m.is_forecast,
        }
        if m.value is not None:
            values["value"] = m.value
        metric = services.record_save(instance=Metric(), values=values, sources=[run.source])
        run.quote(metric, {"value": m.evidence})
    else:
        services.citation_add(instance=found, source=run.source)
        run.claim(found, "value", m.value, m.evidence)
