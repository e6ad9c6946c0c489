"""The network page's graph: who invests in whom and who supplies whom, with money cycles highlighted.

Money flows along every edge: an investor pays a target, a client pays its provider. Cycles are stored per
group (a subsidiary counts as its parent, e.g. AWS as Amazon), so a drawn edge is part of a cycle when the
edge between the two groups is. The graph is the organizations of the latest cycles, or one organization's
neighbourhood, capped at ``MAX_NODES`` for the server's SVG (a circle, the page without JavaScript) and at up to
``MAX_NODES_INTERACTIVE`` for the browser's interactive graph, which reads ``as_json``. Both can be narrowed to
kinds of relationship and to a year; every edge carries its amount and the sources that report it.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deals.choices import RelationshipKind
from deals.engine.estimates import Estimate, Qualifier, total
from deals.formatting import describe
from deals.models import Citation, Cycle, Organization, Participation, Relationship
from deals.pipeline.circularity import counted_money, group_roots

MAX_NODES = 40
#: The browser draws this many nodes by default, and at most ``MAX_NODES_INTERACTIVE`` when asked (``limit``).
NODES_INTERACTIVE = 150
MAX_NODES_INTERACTIVE = 1000
EQUITY, MEMBER = "equity", "member"
#: Every kind of edge the filters offer: investments, each kind of commercial relationship, group membership.
KINDS = (EQUITY, *RelationshipKind.values, MEMBER)
MAX_CYCLES = 30
SIZE = 720
RADIUS = 18


@dataclass
class Node:
    org: Organization
    root_id: int
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Filters:
    """What the network shows: some kinds of edge (all when empty) in one year (any when None)."""

    kinds: frozenset[str] = frozenset()
    year: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        """The filters of a query string; unknown kinds and impossible years are ignored, not an error."""
        kinds = frozenset(k for k in query.getlist("kind") if k in KINDS)
        if query.getlist("kind") and not kinds:
            kinds = frozenset({"none"})  # every kind unticked: nothing, rather than everything
        year = query.get("year", "").strip()
        return cls(kinds, int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None)

    def shows(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def equity(self) -> Q:
        return Q(round__reported_on__year=self.year) if self.year else Q()

    def relationships(self) -> Q:
        if not self.year:
            return Q(kind__in=[k for k in RelationshipKind.values if self.shows(k)])
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        return (
            Q(kind__in=[k for k in RelationshipKind.values if self.shows(k)])
            & (Q(started_on=None) | Q(started_on__lte=last))
            & (Q(ended_on=None) | Q(ended_on__gte=first))
        )


@dataclass(frozen=True)
class Link:
    source: int
    target: int
    kind: str  # "equity", a relationship kind, or "member" (subsidiary of)
    label: str
    in_cycle: bool = False
    amount: Estimate | None = None
    sources: tuple[str, ...] = ()

    @property
    def weight(self) -> Decimal:
        """The amount that sets the edge's width: its highest figure (the value if open-ended)."""
        if self.amount is None:
            return Decimal(0)
        return self.amount.high or self.amount.value or self.amount.low or Decimal(0)

    def width(self) -> float:
        """1 to 8 pixels, by the amount's order of magnitude (€1m → 1, €100bn and more → 8)."""
        weight = self.weight
        if weight <= 0:
            return 1.0
        return round(min(8.0, max(1.0, 1 + (math.log10(float(weight)) - 6) * 7 / 5)), 1)

    def title(self) -> str:
        """The tooltip: what the edge means, its amount and its sources."""
        parts = [self.label]
        if self.amount is not None:
            parts.append(describe(self.amount, language=get_language()))
        if self.sources:
            parts.append(_("Sources: %(sources)s") % {"sources": "; ".join(self.sources)})
        return " · ".join(parts)


@dataclass
class Graph:
    nodes: dict[int, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    truncated: bool = False

    def svg(self) -> SafeString:
        return draw(self)


def _investments(query: Q) -> QuerySet[Participation]:
    """The money edges the recompute counts (:func:`deals.pipeline.circularity.counted_money`), narrowed."""
    return counted_money().filter(query)


def _equity_pairs(query: Q, limit: int) -> set[tuple[int, int]]:
    return set(_investments(query).values_list("investor_id", "round__target_id").distinct()[:limit])


def build(*, focus: Organization | None = None, filters: Filters | None = None, max_nodes: int = MAX_NODES) -> Graph:
    """The latest cycles' organizations, or ``focus`` and its direct neighbours (the most connected first)."""
    filters = filters or Filters()
    graph = Graph()
    cycles = Cycle.objects.filter(is_current=True).select_related("round", "investor", "target")
    limit = max(500, max_nodes * 5)
    if focus is not None:
        cycles = cycles.filter(Q(investor=focus) | Q(target=focus) | Q(path__contains=[focus.pk]))
        pairs = (
            _equity_pairs((Q(investor=focus) | Q(round__target=focus)) & filters.equity(), limit)
            if filters.shows(EQUITY)
            else set()
        )
        rels = list(
            Relationship.objects.filter((Q(provider=focus) | Q(client=focus)) & filters.relationships())[:limit]
        )
        family = (
            set(Organization.objects.filter(Q(parent=focus) | Q(pk=focus.parent_id)).values_list("id", flat=True))
            if filters.shows(MEMBER)
            else set()
        )
        degree = Counter[int]()
        for a, b in pairs:
            degree[a] += 1
            degree[b] += 1
        for r in rels:
            degree[r.provider_id] += 1
            degree[r.client_id] += 1
        ranked = [org_id for org_id, _n in degree.most_common() if org_id != focus.pk]
        wanted = [focus.pk, *sorted(family), *[i for i in ranked if i not in family]]
    else:
        graph.cycles = _distinct(cycles)
        members = {org_id for cycle in graph.cycles for org_id in cycle.path}
        members |= set(Organization.objects.filter(parent__in=members).values_list("id", flat=True))
        wanted = sorted(members)
    graph.truncated = len(dict.fromkeys(wanted)) > max_nodes
    ids = list(dict.fromkeys(wanted))[:max_nodes]
    if focus is not None:
        graph.cycles = _distinct(cycles)
    orgs = Organization.objects.in_bulk(ids)
    roots = group_roots(set(ids))
    for org_id in ids:
        if org_id in orgs:
            graph.nodes[org_id] = Node(orgs[org_id], roots[org_id])
    graph.names = {org_id: node.org.name for org_id, node in graph.nodes.items()}
    root_names = dict(Organization.objects.filter(pk__in=set(roots.values())).values_list("id", "name"))
    for cycle in graph.cycles:
        for org_id in cycle.path:
            graph.names.setdefault(org_id, root_names.get(org_id, str(org_id)))
    _links(graph, set(graph.nodes), filters, limit)
    _layout(graph, focus)
    return graph


def _distinct(cycles: QuerySet[Cycle]) -> list[Cycle]:
    """The latest rounds' cycles, each path once (a target's several rounds repeat the same paths)."""
    ordered = cycles.order_by(F("round__reported_on").desc(nulls_last=True), "length", "id")
    seen: dict[tuple[int, ...], Cycle] = {}
    for cycle in ordered[: MAX_CYCLES * 4]:
        seen.setdefault(tuple(cycle.path), cycle)
    return list(seen.values())[:MAX_CYCLES]


def _links(graph: Graph, ids: set[int], filters: Filters, limit: int) -> None:
    in_cycle = {(edge["from"], edge["to"]) for cycle in graph.cycles for edge in cycle.edges}
    # The organizations that actually pay and supply on a cycle's edges (AWS, not Amazon's group), where the
    # stored cycle names them; a commercial tie is in a cycle only when it is the one the cycle runs through.
    supplied = {
        (edge["by"], edge["via"], edge["kind"])
        for cycle in graph.cycles
        for edge in cycle.edges
        if edge.get("via") is not None
    }
    exact = {(edge["from"], edge["to"]) for cycle in graph.cycles for edge in cycle.edges if edge.get("via")}
    names = graph.names
    root = {org_id: node.root_id for org_id, node in graph.nodes.items()}
    investments: dict[tuple[int, int], list[Participation]] = defaultdict(list)
    if filters.shows(EQUITY):
        query = Q(investor__in=ids, round__target__in=ids) & filters.equity()
        for p in _investments(query).select_related("figures").annotate(target_id=F("round__target_id"))[:limit]:
            investments[(p.investor_id, p.target_id)].append(p)
    rels = list(Relationship.objects.filter(Q(provider__in=ids, client__in=ids) & filters.relationships())[:limit])
    sources = _sources([p.pk for ps in investments.values() for p in ps], [r.pk for r in rels])
    for (investor, target), ps in investments.items():
        label = _("%(investor)s invests in %(target)s") % {"investor": names[investor], "target": names[target]}
        cited = tuple(dict.fromkeys(s for p in ps for s in sources[("participation", p.pk)]))
        cycle = (root[investor], root[target]) in in_cycle
        graph.links.append(Link(investor, target, EQUITY, label, cycle, _invested(ps), cited))
    for r in rels:
        label = _("%(client)s pays %(provider)s for %(kind)s") % {
            "client": names[r.client_id],
            "provider": names[r.provider_id],
            "kind": r.get_kind_display().lower(),
        }
        groups = (root[r.client_id], root[r.provider_id])
        cycle = (r.client_id, r.provider_id, r.kind) in supplied if groups in exact else groups in in_cycle
        amount = r.annual_value if r.annual_value and r.annual_value.qualifier != "undisclosed" else None
        cited = tuple(sources[("relationship", r.pk)])
        graph.links.append(Link(r.client_id, r.provider_id, r.kind, label, cycle, amount, cited))
    if filters.shows(MEMBER):
        for org_id, node in graph.nodes.items():
            if node.org.parent_id in ids:
                label = _("%(child)s is part of %(parent)s") % {
                    "child": names[org_id],
                    "parent": names[node.org.parent_id],
                }
                graph.links.append(Link(org_id, node.org.parent_id, MEMBER, label))


def _invested(participations: list[Participation]) -> Estimate | None:
    """What an investor put into a target over its rounds, in the reporting currency where it was converted."""
    converted = [
        p.figures.amount_reporting
        for p in participations
        if getattr(p, "figures", None) is not None and p.figures.amount_reporting is not None
    ]
    if converted:
        return _settled(total(converted, str(settings.REPORTING_CURRENCY)))
    if len(participations) == 1 and participations[0].amount is not None:
        return participations[0].amount  # not converted yet: shown in its own currency
    return None


def _settled(amount: Estimate | None) -> Estimate | None:
    """A sum whose bounds differ by conversion rounding only (under 0.5 %) as one approximate figure, so that an
    edge reads "≈ €22.5bn" rather than "€22.5–22.5bn"."""
    if amount is None or amount.low is None or not amount.high or amount.low == amount.high:
        return amount
    if amount.high - amount.low > amount.high / 200:
        return amount
    middle = amount.value if amount.value is not None else (amount.low + amount.high) / 2
    return Estimate(Qualifier.APPROXIMATELY, middle, amount.low, amount.high, amount.currency)


def _sources(participations: list[int], relationships: list[int]) -> dict[tuple[str, int], list[str]]:
    """The outlets and dates citing each participation and relationship, newest first (one query)."""
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    if not participations and not relationships:
        return found
    citations = (
        Citation.objects.filter(Q(participation__in=participations) | Q(relationship__in=relationships))
        .select_related("source")
        .order_by("-source__published_on", "id")
    )
    for c in citations:
        text = f"{c.source.outlet}, {c.source.published_on.isoformat()}"
        if c.participation_id is not None:
            found[("participation", c.participation_id)].append(text)
        if c.relationship_id is not None:
            found[("relationship", c.relationship_id)].append(text)
    return found


def _layout(graph: Graph, focus: Organization | None) -> None:
    """A circle, with subsidiaries next to their parents and the focus (if any) in the middle."""
    centre = SIZE / 2
    ring = [n for n in graph.nodes.values() if focus is None or n.org.pk != focus.pk]
    ring.sort(key=lambda n: (graph.names.get(n.root_id, "").lower(), n.org.pk != n.root_id, n.org.name.lower()))
    if focus is not None and focus.pk in graph.nodes:
        graph.nodes[focus.pk].x = graph.nodes[focus.pk].y = centre
    r = centre - 90
    for i, node in enumerate(ring):
        angle = 2 * math.pi * i / max(len(ring), 1) - math.pi / 2
        node.x, node.y = centre + r * math.cos(angle), centre + r * math.sin(angle)


def _shorten(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float, float, float]:
    """Cut a line back by the node radius at both ends, so arrowheads land on the circle's edge."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    dx, dy = (x2 - x1) / length * (RADIUS + 2), (y2 - y1) / length * (RADIUS + 2)
    return x1 + dx, y1 + dy, x2 - dx, y2 - dy


def draw(graph: Graph) -> SafeString:
    if not graph.nodes:
        return mark_safe("")
    lines = []
    for link in graph.links:
        a, b = graph.nodes[link.source], graph.nodes[link.target]
        kind = _family(link.kind)
        css = f"edge edge-{kind}{' edge-cycle' if link.in_cycle else ''}"
        marker = "" if link.kind == "member" else ("url(#arrow-cycle)" if link.in_cycle else "url(#arrow)")
        coords = (round(v, 1) for v in _shorten(a.x, a.y, b.x, b.y))
        lines.append((css, *coords, link.width(), marker, link.title()))
    edges = format_html_join(
        "",
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}" marker-end="{}"><title>{}</title></line>',
        lines,
    )
    nodes = format_html_join(
        "",
        '<a href="{}" class="node node-{}"><circle cx="{}" cy="{}" r="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text></a>',
        (
            (
                reverse("deals:network") + f"?focus={n.org.slug}",
                n.org.kind,
                round(n.x, 1),
                round(n.y, 1),
                RADIUS,
                round(n.x, 1),
                round(n.y + RADIUS + 14, 1),
                n.org.name,
            )
            for n in graph.nodes.values()
        ),
    )
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow"/></marker>'
        '<marker id="arrow-cycle" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-cycle"/></marker></defs>'
    )
    title = _("Network of investments and commercial relationships")
    return format_html(
        '<svg class="network" viewBox="0 0 {} {}" role="group" aria-label="{}"><title>{}</title>{}{}{}</svg>',
        SIZE,
        SIZE,
        title,
        title,
        mark_safe(defs),  # noqa: S308 (a constant of this module)
        edges,
        nodes,
    )


def as_json(graph: Graph, focus: Organization | None) -> dict[str, Any]:
    """The graph as the browser's interactive view reads it: Cytoscape's elements, with texts ready to show."""
    network_url = reverse("deals:network")
    nodes = [
        {
            "data": {
                "id": str(org_id),
                "name": node.org.name,
                "slug": node.org.slug,
                "kind": node.org.kind,
                "url": node.org.get_absolute_url(),
                "network_url": f"{network_url}?focus={node.org.slug}",
                "focus": focus is not None and org_id == focus.pk,
            }
        }
        for org_id, node in graph.nodes.items()
    ]
    edges = [
        {
            "data": {
                "id": f"e{i}",
                "source": str(link.source),
                "target": str(link.target),
                "kind": link.kind,
                "family": _family(link.kind),
                "cycle": link.in_cycle,
                "width": link.width(),
                "label": link.label,
                "amount": describe(link.amount, language=get_language()) if link.amount is not None else "",
                "sources": list(link.sources),
            }
        }
        for i, link in enumerate(graph.links)
    ]
    cycles = [
        {
            "investor": cycle.investor_id,
            "target": cycle.target_id,
            "round": cycle.round_id,
            "path": cycle.path,
            # Each step between groups with the organizations that actually pay (by) and receive (via).
            "edges": [{k: edge.get(k) for k in ("from", "to", "by", "via", "kind")} for edge in cycle.edges],
        }
        for cycle in graph.cycles
    ]
    return {
        "elements": {"nodes": nodes, "edges": edges},
        "cycles": cycles,
        "truncated": graph.truncated,
        "focus": focus and focus.slug,
    }


def _family(kind: str) -> str:
    """How an edge is drawn: an investment, a payment for goods or services, or group membership."""
    return kind if kind in (EQUITY, MEMBER) else "commercial"


def kind_label(kind: str) -> str:
    if kind == EQUITY:
        return _("Investment")
    if kind == MEMBER:
        return _("Part of a group")
    return str(RelationshipKind(kind).label)
