"""Stage 2 of the pipeline: circular flows and related-party analysis.

For each participation of the given targets' rounds: whether its investor's group is also a provider or
client of the target's group (or the counterparty of one of its conditions) — related party, with reasons —
and the money cycles investor → target → … → investor up to ``DEALTRACKER_CYCLE_MAX_LENGTH`` edges — at most
``DEALTRACKER_CYCLES_PER_INVESTMENT`` of them per investment, the shortest first, with
``cycles_truncated`` set on its figures when there are more — with the
flow back (bounded by the smallest known amount on the return path, in the investment's currency), the
round-trip ratio (flow back ÷ investment) and the net new cash (investment − flow back). A cycle through an
ended relationship is kept as historical (``is_current`` False).

Cost: the organizations' parents, the participations of the given targets, the relationships between the
groups involved, and the graph around the targets loaded hop by hop up to the longest cycle searched (two
queries a hop): the work grows with the neighbourhood of the targets, not with the database. Then one
bounded search per target and investor. A full recompute loads the whole graph once (:func:`whole_graph`) and
passes it to every chunk instead: each target's neighbourhood is part of it with the same edges in the same
order, so the search finds the same cycles.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from deals import events
from deals.choices import ConditionStatus, ParticipationStatus, RoundStatus
from deals.engine.cycles import Edge, Links, flow_back, groups, links, predecessors, return_paths
from deals.engine.fx import Converter, RateTable
from deals.models import Condition, Cycle, Organization, Participation, ParticipationFigures, Relationship
from deals.models.estimates import as_columns
from deals.pipeline import copying
from deals.pipeline.rates import rate_table


def counted_money() -> QuerySet[Participation]:
    """Participations whose money flows, the engine's rule in SQL: not withdrawn, in a round not abandoned,
    and with no failed condition. Every equity edge of the money graph (here and on the network page) is one."""
    failed = Condition.objects.filter(participation=OuterRef("pk"), status=ConditionStatus.FAILED)
    return (
        Participation.objects.exclude(status=ParticipationStatus.WITHDRAWN)
        .exclude(round__status=RoundStatus.ABANDONED)
        .exclude(Exists(failed))
    )


def group_roots(ids: set[int] | None = None) -> dict[int, int]:
    """Each organization's group (the top of its parent chain: AWS → Amazon), of ``ids`` or of all of them.

    For given ids the parents are fetched level by level (a handful of queries); the chain is walked by
    :func:`deals.engine.cycles.groups` either way."""
    if ids is None:
        return groups(dict(Organization.objects.values_list("id", "parent_id")))
    parents: dict[int, int | None] = {}
    todo = set(ids)
    while todo:
        rows = dict(Organization.objects.filter(pk__in=todo).values_list("id", "parent_id"))
        parents.update(rows)
        todo = {p for p in rows.values() if p is not None and p not in parents}
    roots = groups(parents)
    return {org_id: roots.get(org_id, org_id) for org_id in ids}


def _rel_edge(r: Relationship, roots: dict[int, int], today: datetime.date) -> Edge:
    return Edge(
        roots[r.client_id],
        roots[r.provider_id],
        r.kind,
        r.annual_value,
        r.is_current(today),
        f"{r.get_kind_display().lower()} from {r.provider.name} to {r.client.name}",
    )


@dataclass(frozen=True)
class Graph:
    """Organization groups and the money edges between them, loaded once for many chunks of targets."""

    roots: dict[int, int]
    members: dict[int, list[int]]
    links: Links
    into: dict[int, set[int]]
    today: datetime.date


def _groups() -> tuple[dict[int, int], dict[int, list[int]]]:
    roots = group_roots()
    members: dict[int, list[int]] = defaultdict(list)
    for org_id, root in roots.items():
        members[root].append(org_id)
    return roots, members


def whole_graph() -> Graph:
    """Every money edge, as :func:`_neighbourhood` loads them, for a full recompute to share across chunks."""
    today = timezone.localdate()
    roots, members = _groups()
    edges = {_rel_edge(r, roots, today) for r in Relationship.objects.select_related("provider", "client")}
    pairs = counted_money().values_list("investor_id", "round__target_id").distinct()
    edges |= {Edge(roots[investor], roots[target], "equity") for investor, target in pairs.iterator(chunk_size=20_000)}
    graph = links(edges)
    return Graph(roots, members, graph, predecessors(graph), today)


def _neighbourhood(
    start: set[int], roots: dict[int, int], members: dict[int, list[int]], hops: int, today: datetime.date
) -> set[Edge]:
    """The money edges within ``hops`` steps of the ``start`` groups, loaded hop by hop.

    A cycle search from a target never goes further than ``hops`` edges, so this is all of the graph it can
    see: loading only it keeps one target's recompute independent of the size of the database; :func:`links`
    orders them, so the search finds the same paths whichever targets a batch holds."""
    edges: set[Edge] = set()
    done: set[int] = set()
    frontier = set(start)
    equity = counted_money()
    for _hop in range(hops):
        ids = [org_id for root in frontier - done for org_id in members[root]]
        done |= frontier
        if not ids:
            break
        found = {
            _rel_edge(r, roots, today)
            for r in Relationship.objects.filter(client_id__in=ids).select_related("provider", "client")
        }
        pairs = equity.filter(investor_id__in=ids).values_list("investor_id", "round__target_id").distinct()
        found |= {Edge(roots[investor], roots[target], "equity") for investor, target in pairs}
        edges |= found
        frontier = {edge.target for edge in found} - done
    return edges


def _reasons(
    participation: Participation,
    roots: dict[int, int],
    names: dict[int, str],
    between: dict[tuple[int, int], list[Relationship]],
) -> list[str]:
    investor, target = roots[participation.investor_id], roots[participation.round.target_id]
    reasons = []
    for r in [*between.get((investor, target), []), *between.get((target, investor), [])]:
        via = lambda org_id: f" via {names[org_id]}" if org_id != investor else ""  # noqa: E731
        if roots[r.provider_id] == investor and roots[r.client_id] == target:
            reasons.append(f"provider of {r.get_kind_display().lower()} to {names[r.client_id]}{via(r.provider_id)}")
        elif roots[r.client_id] == investor and roots[r.provider_id] == target:
            reasons.append(f"client of {names[r.provider_id]} for {r.get_kind_display().lower()}{via(r.client_id)}")
    for condition in participation.conditions.all():
        if condition.counterparty_id and roots[condition.counterparty_id] == investor:
            reasons.append(f"condition: {condition.get_kind_display().lower()} with {names[condition.counterparty_id]}")
    return sorted(set(reasons))


def _cycle(
    participation: Participation, path: list[Edge], roots: dict[int, int], table: RateTable, now: Any
) -> dict[str, Any]:
    amount = participation.amount
    converter = Converter(table, amount.currency if amount is not None else None)
    when = participation.round.date
    converted = [
        Edge(edge.source, edge.target, edge.kind, converter.to(edge.amount, when), edge.current, edge.label)
        for edge in path
    ]
    back = flow_back(converted)
    ratio = back / amount if back is not None and amount is not None and amount.is_known else None
    net = amount - back if back is not None and amount is not None else None
    investor, target = roots[participation.investor_id], roots[participation.round.target_id]
    nodes = [investor, target, *[edge.target for edge in path]]
    edges = [{"from": investor, "to": target, "kind": "equity", "amount": amount.to_dict() if amount else None}]
    edges += [
        {
            "from": e.source,
            "to": e.target,
            "kind": e.kind,
            "current": e.current,
            "label": e.label,
            "amount": e.amount.to_dict() if e.amount else None,
        }
        for e in path
    ]
    return dict(
        target_id=participation.round.target_id,
        round_id=participation.round_id,
        investor_id=investor,
        path=nodes,
        edges=edges,
        length=len(path) + 1,
        is_current=all(e.current for e in path),
        computed_at=now,
        **as_columns("round_trip", ratio, ratio=True, fitted=True),
        **as_columns("net_new_cash", net, fitted=True),
    )


def _knows(graph: Graph, participations: Sequence[Participation]) -> bool:
    """Whether every organization the participations name was there when ``graph`` was loaded."""
    named = {p.investor_id for p in participations} | {p.round.target_id for p in participations}
    named |= {c.counterparty_id for p in participations for c in p.conditions.all() if c.counterparty_id}
    return named <= graph.roots.keys()


@transaction.atomic
def recompute_circularity(
    *, target_ids: Sequence[int], graph: Graph | None = None, table: RateTable | None = None
) -> None:
    """Recompute cycles and related-party flags for the rounds of ``target_ids``.

    Without ``graph`` the neighbourhood of the targets is loaded; a full recompute passes the whole graph
    (and its rate table) it loaded once."""
    if not target_ids:
        return
    now, table = timezone.now(), table or rate_table()
    max_edges = settings.DEALTRACKER_CYCLE_MAX_LENGTH
    participations = list(
        Participation.objects.filter(round__target_id__in=target_ids)
        .exclude(status=ParticipationStatus.WITHDRAWN)
        .select_related("round")
        .prefetch_related("conditions")
        .annotate(money_flows=Exists(counted_money().filter(pk=OuterRef("pk"))))
    )
    if graph is not None and not _knows(graph, participations):
        graph = None  # an organization created since the graph was loaded: load this neighbourhood afresh
    roots, members = (graph.roots, graph.members) if graph is not None else _groups()
    today = graph.today if graph is not None else timezone.localdate()
    involved = {roots[p.investor_id] for p in participations} | {roots[p.round.target_id] for p in participations}
    involved |= {roots[c.counterparty_id] for p in participations for c in p.conditions.all() if c.counterparty_id}
    ids = [org_id for root in involved for org_id in members[root]]
    names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name"))
    between: dict[tuple[int, int], list[Relationship]] = defaultdict(list)
    for r in Relationship.objects.filter(provider_id__in=ids, client_id__in=ids).select_related("provider", "client"):
        between[(roots[r.provider_id], roots[r.client_id])].append(r)
    targets = {roots[p.round.target_id] for p in participations}
    if graph is None:
        near = links(_neighbourhood(targets, roots, members, max_edges - 1, today))
        graph = Graph(roots, members, near, predecessors(near), today)
    limit = settings.DEALTRACKER_CYCLES_PER_INVESTMENT
    cycles: list[dict[str, Any]] = []
    flags: dict[int, list[str]] = {}
    truncated: dict[int, bool] = {}
    found: dict[tuple[int, int], tuple[list[list[Edge]], bool]] = {}
    for p in participations:
        flags[p.pk] = _reasons(p, roots, names, between)
        investor, target = roots[p.investor_id], roots[p.round.target_id]
        if not p.money_flows or investor == target:
            truncated[p.pk] = False
            continue
        if (target, investor) not in found:  # one search per pair, for all the investor's rounds in the target
            found[target, investor] = return_paths(graph.links, graph.into, target, investor, max_edges - 1, limit)
        paths, truncated[p.pk] = found[target, investor]
        cycles.extend(_cycle(p, path, roots, table, now) for path in paths)
    events.recompute_changes(target_ids=target_ids, cycles=cycles, flags=flags)
    Cycle.objects.filter(target_id__in=target_ids).delete()
    with connection.cursor() as cursor:
        copying.copy_rows(cursor, Cycle._meta.db_table, Cycle, cycles)
    _store_flags(flags, truncated)


def _store_flags(flags: dict[int, list[str]], truncated: dict[int, bool]) -> None:
    """Write the flags that changed, in statements of bounded size (one CASE arm per row each)."""
    rows = []
    for row in ParticipationFigures.objects.filter(participation_id__in=list(flags)):
        reasons, more = flags[row.participation_id], truncated[row.participation_id]
        if row.related_party_reasons != reasons or row.related_party != bool(reasons) or row.cycles_truncated != more:
            row.related_party, row.related_party_reasons, row.cycles_truncated = bool(reasons), reasons, more
            rows.append(row)
    fields = ["related_party", "related_party_reasons", "cycles_truncated"]
    ParticipationFigures.objects.bulk_update(rows, fields, batch_size=500)
