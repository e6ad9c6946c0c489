"""The network page's graph: who invests in whom and who supplies whom, with money cycles highlighted.

Money flows along every edge: an investor pays a target, a client pays its provider. Cycles are stored per
group (a subsidiary counts as its parent, e.g. AWS as Amazon), so a drawn edge is part of a cycle when the
edge between the two groups is. The graph is always small: the organizations of the latest cycles, or one
organization's neighbourhood, capped at ``MAX_NODES``; the layout is a circle, drawn as SVG on the server.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from deals.models import Cycle, Organization, Relationship
from deals.pipeline.circularity import counted_money, group_roots

MAX_NODES = 40
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
class Link:
    source: int
    target: int
    kind: str  # "equity", a relationship kind, or "member" (subsidiary of)
    label: str
    in_cycle: bool = False


@dataclass
class Graph:
    nodes: dict[int, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    truncated: bool = False

    def svg(self) -> SafeString:
        return draw(self)


def _equity_pairs(query: Q) -> set[tuple[int, int]]:
    return set(counted_money().filter(query).values_list("investor_id", "round__target_id").distinct()[:500])


def build(*, focus: Organization | None = None) -> Graph:
    """The latest cycles' organizations, or ``focus`` and its direct neighbours."""
    graph = Graph()
    cycles = Cycle.objects.filter(is_current=True).select_related("round", "investor", "target")
    if focus is not None:
        cycles = cycles.filter(Q(investor=focus) | Q(target=focus) | Q(path__contains=[focus.pk]))
        pairs = _equity_pairs(Q(investor=focus) | Q(round__target=focus))
        rels = list(Relationship.objects.filter(Q(provider=focus) | Q(client=focus))[:500])
        family = set(Organization.objects.filter(Q(parent=focus) | Q(pk=focus.parent_id)).values_list("id", flat=True))
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
    graph.truncated = len(dict.fromkeys(wanted)) > MAX_NODES
    ids = list(dict.fromkeys(wanted))[:MAX_NODES]
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
    _links(graph, set(graph.nodes))
    _layout(graph, focus)
    return graph


def _distinct(cycles: QuerySet[Cycle]) -> list[Cycle]:
    """The latest rounds' cycles, each path once (a target's several rounds repeat the same paths)."""
    ordered = cycles.order_by(F("round__reported_on").desc(nulls_last=True), "length", "id")
    seen: dict[tuple[int, ...], Cycle] = {}
    for cycle in ordered[: MAX_CYCLES * 4]:
        seen.setdefault(tuple(cycle.path), cycle)
    return list(seen.values())[:MAX_CYCLES]


def _links(graph: Graph, ids: set[int]) -> None:
    in_cycle = {(edge["from"], edge["to"]) for cycle in graph.cycles for edge in cycle.edges}
    names = graph.names
    root = {org_id: node.root_id for org_id, node in graph.nodes.items()}
    for investor, target in _equity_pairs(Q(investor__in=ids, round__target__in=ids)):
        label = _("%(investor)s invests in %(target)s") % {"investor": names[investor], "target": names[target]}
        graph.links.append(Link(investor, target, "equity", label, (root[investor], root[target]) in in_cycle))
    for r in Relationship.objects.filter(provider__in=ids, client__in=ids):
        label = _("%(client)s pays %(provider)s for %(kind)s") % {
            "client": names[r.client_id],
            "provider": names[r.provider_id],
            "kind": r.get_kind_display().lower(),
        }
        graph.links.append(
            Link(r.client_id, r.provider_id, r.kind, label, (root[r.client_id], root[r.provider_id]) in in_cycle)
        )
    for org_id, node in graph.nodes.items():
        if node.org.parent_id in ids:
            label = _("%(child)s is part of %(parent)s") % {"child": names[org_id], "parent": names[node.org.parent_id]}
            graph.links.append(Link(org_id, node.org.parent_id, "member", label))


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
        kind = "member" if link.kind == "member" else ("equity" if link.kind == "equity" else "commercial")
        css = f"edge edge-{kind}{' edge-cycle' if link.in_cycle else ''}"
        marker = "" if link.kind == "member" else ("url(#arrow-cycle)" if link.in_cycle else "url(#arrow)")
        lines.append((css, *(round(v, 1) for v in _shorten(a.x, a.y, b.x, b.y)), marker, link.label))
    edges = format_html_join(
        "",
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" marker-end="{}"><title>{}</title></line>',
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
