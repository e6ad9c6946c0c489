"""The proposal a report makes: a round, its participations, relationships and metrics, each with its quote.

Every figure of a draft is an amount read from the text (see :mod:`deals.extraction.money`), carried with the
span it was read from and the sentence around it; nothing is summed, converted or filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from deals.engine.estimates import Estimate
from deals.extraction.analysis import Amount, Analysis, Finding, analyse
from deals.extraction.text import KnownOrganization, Mention, Sentence


@dataclass(frozen=True)
class Organization:
    """An organization of a draft: ``key`` of the known one it matched, or None for a proposed new one."""

    name: str
    key: object = None
    known: bool = False

    @classmethod
    def of(cls, mention: Mention) -> Organization:
        return cls(mention.name, mention.key, mention.known)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "known": self.known}


@dataclass(frozen=True)
class Quote:
    """Where an item comes from: the span of its figure or cue, and the sentence that holds it."""

    start: int
    end: int
    text: str
    sentence: str

    @classmethod
    def of(cls, analysis: Analysis, start: int, end: int, sentence: Sentence | None = None) -> Quote:
        s = sentence or analysis.sentence_of(start)
        return cls(start, end, analysis.text[start:end], analysis.quote(s))

    def to_dict(self) -> dict[str, Any]:
        return {"span": [self.start, self.end], "text": self.text, "quote": self.sentence}


@dataclass(frozen=True)
class Figure:
    estimate: Estimate
    quote: Quote
    new_money: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**self.estimate.to_dict(), **self.quote.to_dict(), "new_money": self.new_money}


@dataclass(frozen=True)
class Value:
    """A non-figure field (status, round type, target) and the cue it was read from."""

    value: Any
    quote: Quote


@dataclass
class ConditionDraft:
    kind: str
    description: str
    quote: Quote


@dataclass
class ParticipationDraft:
    investor: Organization
    quote: Quote
    amount: Figure | None = None
    is_lead: bool = False
    conditions: list[ConditionDraft] = field(default_factory=list)


@dataclass
class RelationshipDraft:
    provider: Organization
    client: Organization | None
    kind: str
    quote: Quote


@dataclass
class SubsidiaryDraft:
    parent: Organization
    child: Organization
    quote: Quote


@dataclass
class MetricDraft:
    organization: Organization | None
    kind: str
    quote: Quote
    value: Figure | None = None
    percent: Decimal | None = None
    period_year: int | None = None
    is_forecast: bool = False


@dataclass
class RoundDraft:
    target: Value | None = None
    status: Value | None = None
    round_type: Value | None = None
    amount: Figure | None = None
    pre_money_valuation: Figure | None = None
    post_money_valuation: Figure | None = None


@dataclass
class Draft:
    language: str
    round: RoundDraft
    participations: list[ParticipationDraft]
    relationships: list[RelationshipDraft]
    subsidiaries: list[SubsidiaryDraft]
    metrics: list[MetricDraft]
    findings: list[Finding]
    new_organizations: list[Organization]

    def organizations(self) -> list[Organization]:
        """Every organization the draft names, once each, in order of appearance in the draft."""
        seen: dict[str, Organization] = {}
        if self.round.target is not None:
            seen.setdefault(self.round.target.value.name, self.round.target.value)
        for p in self.participations:
            seen.setdefault(p.investor.name, p.investor)
        for r in self.relationships:
            seen.setdefault(r.provider.name, r.provider)
            if r.client is not None:
                seen.setdefault(r.client.name, r.client)
        for sub in self.subsidiaries:
            seen.setdefault(sub.parent.name, sub.parent)
            seen.setdefault(sub.child.name, sub.child)
        for m in self.metrics:
            if m.organization is not None:
                seen.setdefault(m.organization.name, m.organization)
        return list(seen.values())

    def figures(self) -> list[Figure]:
        """Every figure the draft proposes (for checking each against the text)."""
        r = self.round
        out = [f for f in (r.amount, r.pre_money_valuation, r.post_money_valuation) if f is not None]
        out += [p.amount for p in self.participations if p.amount is not None]
        out += [m.value for m in self.metrics if m.value is not None]
        return out

    def to_dict(self) -> dict[str, Any]:
        def org(o: Organization | None) -> dict[str, Any] | None:
            return None if o is None else o.to_dict()

        def fig(f: Figure | None) -> dict[str, Any] | None:
            return None if f is None else f.to_dict()

        def val(v: Value | None, convert: Any = None) -> dict[str, Any] | None:
            if v is None:
                return None
            return {"value": convert(v.value) if convert else v.value, **v.quote.to_dict()}

        r = self.round
        return {
            "language": self.language,
            "round": {
                "target": val(r.target, org),
                "status": val(r.status),
                "round_type": val(r.round_type),
                "amount": fig(r.amount),
                "pre_money_valuation": fig(r.pre_money_valuation),
                "post_money_valuation": fig(r.post_money_valuation),
            },
            "participations": [
                {
                    "investor": org(p.investor),
                    "amount": fig(p.amount),
                    "is_lead": p.is_lead,
                    "conditions": [
                        {"kind": c.kind, "description": c.description, **c.quote.to_dict()} for c in p.conditions
                    ],
                    **p.quote.to_dict(),
                }
                for p in self.participations
            ],
            "relationships": [
                {"provider": org(x.provider), "client": org(x.client), "kind": x.kind, **x.quote.to_dict()}
                for x in self.relationships
            ],
            "subsidiaries": [
                {"parent": org(x.parent), "child": org(x.child), **x.quote.to_dict()} for x in self.subsidiaries
            ],
            "metrics": [
                {
                    "organization": org(m.organization),
                    "kind": m.kind,
                    "value": fig(m.value),
                    "percent": None if m.percent is None else format(m.percent, "f"),
                    "period_year": m.period_year,
                    "is_forecast": m.is_forecast,
                    **m.quote.to_dict(),
                }
                for m in self.metrics
            ],
            "new_organizations": [o.name for o in self.new_organizations],
            "findings": [f.to_dict() for f in self.findings],
        }


def _figure(a: Analysis, amount: Amount) -> Figure:
    m = amount.money
    return Figure(m.estimate, Quote.of(a, m.start, m.end, amount.sentence), m.further)


def draft(text: str, language: str | None = None, organizations: list[KnownOrganization] | None = None) -> Draft:
    """The proposal of ``text``: deterministic, and every figure is one the text states at its span."""
    a = analyse(text, language, organizations)
    participations = _participations(a)
    result = Draft(
        language=a.language,
        round=_round(a),
        participations=participations,
        relationships=_relationships(a),
        subsidiaries=_subsidiaries(a),
        metrics=_metrics(a, {a.target.name if a.target else None, *(p.investor.name for p in participations)}),
        findings=a.findings(),
        new_organizations=[],
    )
    result.new_organizations = [o for o in result.organizations() if not o.known]
    return result


def _round(a: Analysis) -> RoundDraft:
    r = RoundDraft()
    if a.target is not None:
        r.target = Value(Organization.of(a.target), Quote.of(a, a.target.start, a.target.end))
    if a.statuses:
        status, s, match = min(a.statuses, key=lambda st: (STATUS_ORDER[st[0]], st[2].start()))
        r.status = Value(status, Quote.of(a, match.start(), match.end(), s))
    specific = [rt for rt in a.round_types if rt[0] is not None]
    if specific:
        kind, s, match = specific[0]
        r.round_type = Value(kind, Quote.of(a, match.start(), match.end(), s))
    round_amounts = [x for x in a.amounts if x.role == "round"]
    if round_amounts:
        r.amount = _figure(a, round_amounts[0])
    for x in a.amounts:
        if x.role != "valuation":
            continue
        if x.basis == "pre" and r.pre_money_valuation is None:
            r.pre_money_valuation = _figure(a, x)
        elif x.basis != "pre" and r.post_money_valuation is None:
            r.post_money_valuation = _figure(a, x)
    return r


def _participations(a: Analysis) -> list[ParticipationDraft]:
    target_name = a.target.name if a.target else None
    children = {child.name for _, child, _ in a.subsidiaries}
    participations: dict[str, ParticipationDraft] = {}

    def participation(m: Mention, quote: Quote) -> ParticipationDraft:
        if m.name not in participations:
            participations[m.name] = ParticipationDraft(Organization.of(m), quote)
        return participations[m.name]

    for x in a.amounts:
        if x.role == "commitment" and x.organization is not None and x.organization.name != target_name:
            p = participation(x.organization, Quote.of(a, x.money.start, x.money.end, x.sentence))
            if p.amount is None:
                p.amount = _figure(a, x)
    for mention, s, start, end in a.leads:
        participation(mention, Quote.of(a, start, end, s)).is_lead = True
    for mention, s in a.listed:
        if mention.name not in children:
            participation(mention, Quote.of(a, mention.start, mention.end, s))
    for investor, kind, s, start, end in a.conditions:
        if investor is not None:
            p = participation(investor, Quote.of(a, start, end, s))
            p.conditions.append(ConditionDraft(kind, a.text[start:end].strip(" ."), Quote.of(a, start, end, s)))
    return list(participations.values())


def _relationships(a: Analysis) -> list[RelationshipDraft]:
    out: list[RelationshipDraft] = []
    seen: set[tuple[str, str | None, str]] = set()
    for provider, client, kind, s, start, end in a.ties:
        key = (provider.name, client.name if client else None, kind)
        if key in seen or provider.name == key[1]:
            continue
        seen.add(key)
        client_org = Organization.of(client) if client else None
        out.append(RelationshipDraft(Organization.of(provider), client_org, kind, Quote.of(a, start, end, s)))
    return out


def _subsidiaries(a: Analysis) -> list[SubsidiaryDraft]:
    out: list[SubsidiaryDraft] = []
    seen: set[tuple[str, str]] = set()
    for parent, child, s in a.subsidiaries:
        if (parent.name, child.name) in seen:
            continue
        seen.add((parent.name, child.name))
        start, end = min(parent.start, child.start), max(parent.end, child.end)
        out.append(SubsidiaryDraft(Organization.of(parent), Organization.of(child), Quote.of(a, start, end, s)))
    return out


def _metrics(a: Analysis, round_orgs: set[str | None]) -> list[MetricDraft]:
    out: list[MetricDraft] = []
    for x in a.amounts:
        if x.role != "metric" or x.metric_kind is None:
            continue
        org = x.organization
        if org is not None and org.name not in round_orgs:
            continue  # a figure about an organization outside the deal: not this draft's
        out.append(
            MetricDraft(
                Organization.of(org) if org else None,
                x.metric_kind,
                Quote.of(a, x.money.start, x.money.end, x.sentence),
                value=_figure(a, x),
                period_year=x.year,
                is_forecast=x.forecast,
            )
        )
    for p, s, role, org in a.percents:
        if role == "rpo_share":
            quote = Quote.of(a, p.start, p.end, s)
            out.append(MetricDraft(Organization.of(org) if org else None, "rpo_share", quote, percent=p.value))
    return out


STATUS_ORDER = {"abandoned": 0, "closed": 1, "announced": 2, "term_sheet": 3, "in_talks": 4, "rumored": 5}
