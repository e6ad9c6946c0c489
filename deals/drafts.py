"""A draft deal from a report: the extraction (deals/extraction/) run against the organizations in the database.

``build_draft`` reads and proposes; it writes nothing. Accepting a reviewed draft (creating the source, the
records and their claims in one transaction) is a service of its own that takes a :class:`DraftProposal`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.expressions import RawSQL

from deals.extraction import Draft, KnownOrganization, draft
from deals.extraction.draft import Figure, Organization, Quote
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
