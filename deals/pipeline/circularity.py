"""Stage 2 of the pipeline: circular flows and related-party analysis.

For each participation of the given targets' rounds: whether its investor's group is also a provider or
client of the target's group (or the counterparty of one of its conditions) — related party, with reasons —
and the money cycles investor → target → … → investor up to ``DEALTRACKER_CYCLE_MAX_LENGTH`` edges — at most
``DEALTRACKER_CYCLES_PER_INVESTMENT`` of them per investment, the shortest first, with
``cycles_truncated`` set on its figures when there are more — with the
flow back (bounded by the smallest known amount on the return path, in the investment's currency), the
round-trip ratio (flow back ÷ investment) and the net new cash (investment − flow back). A cycle through an
ended relationship is kept as historical (``is_current`` False).

Cost: the organizations' parents, the participations of the given targets and their conditions, the
relationships between the groups involved, and the graph around the targets loaded hop by hop up to the
longest cycle searched (two queries a hop): the work grows with the neighbourhood of the targets, not with
the database. Then one bounded search per target and investor. Everything is read as plain rows (no model
instances); the cycles are written with ``COPY`` and the flags by ``COPY`` into a temporary table and one
``UPDATE … FROM`` that touches only the rows whose flags changed. A full recompute loads the whole graph
once (:func:`whole_graph`) and passes it to every chunk instead: each target's neighbourhood is part of it
with the same edges in the same order, so the search finds the same cycles.

Two transactions that recompute one target at once (a full job's chunk and the incremental second stage)
take turns (:func:`lock_targets`): the cycles are replaced by a ``DELETE`` and a ``COPY``, and the second
``DELETE``, begun before the first transaction committed, would not see the rows it inserted and leave them
beside its own.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from deals import events
from deals.choices import ConditionStatus, ParticipationStatus, RoundStatus
from deals.engine.cycles import Edge, Links, flow_back, groups, links, predecessors, return_paths
from deals.engine.estimates import Estimate
from deals.engine.fx import Converter, RateTable
from deals.messages import message, sort_key
from deals.models import Condition, Organization, Participation
from deals.models.estimates import as_columns, column_names, from_columns
from deals.models.rounds import round_date_sql
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


@dataclass(frozen=True, slots=True)
class _Tie:
    """A relationship as the step reads it: the client pays the provider."""

    client: int
    provider: int
    kind: str
    amount: Estimate | None
    ended_on: datetime.date | None
    label: str

    def edge(self, roots: Mapping[int, int], today: datetime.date) -> Edge:
        current = self.ended_on is None or self.ended_on >= today
        return Edge(
            roots[self.client],
            roots[self.provider],
            self.kind,
            self.amount,
            current,
            self.label,
            self.client,
            self.provider,
        )


_TIES_SQL = f"""
SELECT r.client_id, r.provider_id, r.kind, {", ".join(f"r.{c}" for c in column_names("annual_value"))}, r.ended_on,
       provider.name, client.name
FROM deals_relationship r
JOIN deals_organization provider ON provider.id = r.provider_id
JOIN deals_organization client ON client.id = r.client_id
"""


def _ties(names: dict[int, str], where: str = "", params: Sequence[Any] = ()) -> list[_Tie]:
    """The relationships matching ``where`` (on ``r``) in one query, adding their organizations to ``names``.

    A tie's label orders the ties of one kind between two groups (the first stands for them): by the
    provider's name, then the client's."""
    with connection.cursor() as cursor:
        cursor.execute(_TIES_SQL + where, params)
        rows = cursor.fetchall()
    ties = []
    for client, provider, kind, value, low, high, qualifier, currency, ended_on, provider_name, client_name in rows:
        amount = from_columns(value, low, high, qualifier, currency)
        names[client], names[provider] = client_name, provider_name
        ties.append(_Tie(client, provider, kind, amount, ended_on, f"{provider_name} to {client_name}"))
    return ties


@dataclass(frozen=True)
class Graph:
    """Organization groups and the money edges between them, loaded once for many chunks of targets."""

    roots: dict[int, int]
    members: dict[int, list[int]]
    links: Links
    into: dict[int, set[int]]
    today: datetime.date
    names: dict[int, str]  # of the organizations the commercial ties name, for the cycles' labels


def _groups() -> tuple[dict[int, int], dict[int, list[int]]]:
    roots = group_roots()
    members: dict[int, list[int]] = defaultdict(list)
    for org_id, root in roots.items():
        members[root].append(org_id)
    return roots, members


class _Itself(dict[int, int]):
    """Each organization's group where only those in a group of several are stored: any other is its own."""

    def __missing__(self, key: int) -> int:
        return key


class _Alone(dict[int, list[int]]):
    """A group's members where only groups of several are stored: any other group is its one organization."""

    def __missing__(self, key: int) -> list[int]:
        return [key]


def _some_groups() -> tuple[dict[int, int], dict[int, list[int]]]:
    """:func:`_groups` read from the organizations that have a parent only (a few of them): reading every
    organization took most of a one-target recompute at 100,000 organizations."""
    parents: dict[int, int | None] = dict(
        Organization.objects.filter(parent__isnull=False).values_list("id", "parent_id")
    )
    roots, members = _Itself(groups(parents)), _Alone()
    for org_id, root in list(roots.items()):
        members.setdefault(root, [root])
        if org_id != root:
            members[root].append(org_id)
    return roots, members


def _equity_pairs(
    investor_ids: Sequence[int] | None = None, target_ids: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """The distinct (investor, target) pairs whose money flows (:func:`counted_money`), of ``investor_ids``
    and into the rounds of ``target_ids`` where given, else of everyone."""
    pairs = counted_money().values_list("investor_id", "round__target_id").distinct()
    if investor_ids is not None:
        pairs = pairs.filter(investor_id__in=investor_ids)
    if target_ids is not None:
        pairs = pairs.filter(round__target_id__in=target_ids)
    return list(pairs.iterator(chunk_size=20_000))


def _equity(roots: Mapping[int, int], investor: int, target: int) -> Edge:
    return Edge(roots[investor], roots[target], "equity", by=investor, via=target)


def whole_graph() -> Graph:
    """Every money edge, as :func:`_neighbourhood` loads them, for a full recompute to share across chunks."""
    today = timezone.localdate()
    roots, members = _groups()
    names: dict[int, str] = {}
    edges = {tie.edge(roots, today) for tie in _ties(names)}
    edges |= {_equity(roots, investor, target) for investor, target in _equity_pairs()}
    graph = links(edges)
    return Graph(roots, members, graph, predecessors(graph), today, names)


class _Loader:
    """The money edges around some groups, loaded by the members' ids in a few queries each, as Edges between
    the groups (:func:`whole_graph`'s edges, restricted)."""

    def __init__(
        self, roots: dict[int, int], members: dict[int, list[int]], today: datetime.date, names: dict[int, str]
    ) -> None:
        self.roots, self.members, self.today, self.names = roots, members, today, names

    def ids(self, groups: Iterable[int]) -> list[int]:
        return [org_id for root in groups for org_id in self.members[root]]

    def edges(self, sources: Iterable[int] | None = None, targets: Iterable[int] | None = None) -> set[Edge]:
        """The edges out of the ``sources`` groups, into the ``targets`` groups, or between the two."""
        where, params, payers, payees = [], [], None, None
        if sources is not None:
            payers = self.ids(sources)
            where.append("r.client_id = ANY(%s)")
            params.append(payers)
        if targets is not None:
            payees = self.ids(targets)
            where.append("r.provider_id = ANY(%s)")
            params.append(payees)
        if (payers is not None and not payers) or (payees is not None and not payees):
            return set()
        found = {tie.edge(self.roots, self.today) for tie in _ties(self.names, "WHERE " + " AND ".join(where), params)}
        found |= {_equity(self.roots, investor, target) for investor, target in _equity_pairs(payers, payees)}
        return found


def _neighbourhood(starts: set[int], goals: set[int], loader: _Loader, hops: int) -> set[Edge]:
    """Every money edge of every path of at most ``hops`` edges from a ``starts`` group to a ``goals`` group.

    A cycle search from a target back to its investor goes no further: loading only these edges keeps one
    target's recompute independent of the size of the database. They are found from both ends: the edges
    within ``a`` steps out of the starts, those within ``b`` steps into the goals, and the edges from a group
    the first reach to one the second reach, with ``a + b + 1 = hops`` — so an edge of such a path is in one
    of the three (the i-th edge of a path of k edges lies a or fewer steps after its start, or k − i − 1 ≤ b
    steps before its goal), where walking ``hops`` steps out of a target reaches a large share of a dense
    graph. :func:`links` orders them, so the search finds the same paths as over the whole graph."""
    edges: set[Edge] = set()
    ahead, behind = (hops - 1) // 2, hops - 1 - (hops - 1) // 2
    reached: dict[bool, set[int]] = {}
    for forward, steps, origin in ((True, ahead, starts), (False, behind, goals)):
        seen, frontier = set(origin), set(origin)
        for _step in range(steps):
            if not frontier:
                break
            found = loader.edges(sources=frontier) if forward else loader.edges(targets=frontier)
            edges |= found
            frontier = {edge.target if forward else edge.source for edge in found} - seen
            seen |= frontier
        reached[forward] = seen
    return edges | loader.edges(sources=reached[True], targets=reached[False])


@dataclass(slots=True)
class _Investment:
    """A participation as the step reads it (not withdrawn), with its counterparties' conditions."""

    id: int
    round_id: int
    investor_id: int
    target_id: int
    date: datetime.date | None
    amount: Estimate | None
    money_flows: bool
    conditions: list[tuple[int, str]]  # (counterparty, kind) of its conditions that name one


_INVESTMENTS_SQL = f"""
SELECT p.id, p.round_id, p.investor_id, r.target_id, {round_date_sql("r")},
       {", ".join(f"p.{c}" for c in column_names("amount"))},
       r.status <> %(abandoned)s AND NOT EXISTS (
           SELECT 1 FROM deals_condition c WHERE c.participation_id = p.id AND c.status = %(failed)s
       )
FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id
WHERE r.target_id = ANY(%(targets)s) AND p.status <> %(withdrawn)s
ORDER BY r.reported_on DESC, r.id DESC, p.is_lead DESC, p.amount_high DESC, p.id
"""
_CONDITIONS_SQL = """
SELECT c.participation_id, c.counterparty_id, c.kind
FROM deals_condition c JOIN deals_participation p ON p.id = c.participation_id
JOIN deals_fundinground r ON r.id = p.round_id
WHERE r.target_id = ANY(%s) AND c.counterparty_id IS NOT NULL
"""


def _investments(target_ids: Sequence[int]) -> list[_Investment]:
    """The participations of the targets' rounds that are not withdrawn, in the participations' order, with
    whether their money flows (:func:`counted_money`'s rule) and their conditions naming a counterparty."""
    params: dict[str, Any] = {
        "targets": list(target_ids),
        "abandoned": RoundStatus.ABANDONED.value,
        "failed": ConditionStatus.FAILED.value,
        "withdrawn": ParticipationStatus.WITHDRAWN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_INVESTMENTS_SQL, params)
        investments = [
            _Investment(pk, round_id, investor, target, date, from_columns(v, lo, hi, q, cur), flows, [])
            for pk, round_id, investor, target, date, v, lo, hi, q, cur, flows in cursor.fetchall()
        ]
        cursor.execute(_CONDITIONS_SQL, [list(target_ids)])
        conditions = cursor.fetchall()
    by_id = {i.id: i for i in investments}
    for participation_id, counterparty, kind in conditions:
        if participation_id in by_id:
            by_id[participation_id].conditions.append((counterparty, kind))
    return investments


def _reasons(
    investment: _Investment,
    roots: Mapping[int, int],
    names: Mapping[int, str],
    between: Mapping[tuple[int, int], list[_Tie]],
) -> list[dict[str, Any]]:
    """Why the investment is a related party's: codes with the names they quote (deals.messages)."""
    investor, target = roots[investment.investor_id], roots[investment.target_id]
    reasons = []
    for r in [*between.get((investor, target), ()), *between.get((target, investor), ())]:
        if roots[r.provider] == investor and roots[r.client] == target:
            params = {"kind": r.kind, "client": names[r.client]}
            if r.provider != investor:
                reasons.append(message("provider_of_via", **params, via=names[r.provider]))
            else:
                reasons.append(message("provider_of", **params))
        elif roots[r.client] == investor and roots[r.provider] == target:
            params = {"kind": r.kind, "provider": names[r.provider]}
            if r.client != investor:
                reasons.append(message("client_of_via", **params, via=names[r.client]))
            else:
                reasons.append(message("client_of", **params))
    for counterparty, kind in investment.conditions:
        if roots[counterparty] == investor:
            reasons.append(message("condition_with", kind=kind, counterparty=names[counterparty]))
    return sorted({sort_key(r): r for r in reasons}.values(), key=sort_key)


class _CycleRows:
    """Builds the stored cycles of investments: each return-path edge converted (for the flow back) and
    serialised once per currency and date, not once per cycle it is part of. The stored edges keep their
    amounts as reported."""

    def __init__(self, table: RateTable, roots: Mapping[int, int], names: Mapping[int, str], now: Any) -> None:
        self.table, self.roots, self.names, self.now = table, roots, names, now
        self.edges: dict[tuple[int, str | None, datetime.date | None], tuple[Edge, str]] = {}
        self.converters: dict[str | None, Converter] = {}
        self.rows: list[tuple[Any, ...]] = []

    def _edge(self, edge: Edge, currency: str | None, when: datetime.date | None) -> tuple[Edge, str]:
        converts = edge.amount is not None and currency is not None and edge.amount.currency not in (None, currency)
        key = (id(edge), currency, when) if converts else (id(edge), None, None)
        known = self.edges.get(key)
        if known is None:
            if converts:
                if currency not in self.converters:
                    self.converters[currency] = Converter(self.table, currency)
                amount = self.converters[currency].to(edge.amount, when)
                converted = Edge(edge.source, edge.target, edge.kind, amount, edge.current, edge.label)
            else:
                converted = edge
            data = {
                "from": edge.source,
                "to": edge.target,
                "by": edge.by,
                "via": edge.via,
                "kind": edge.kind,
                "current": edge.current,
                "label": self._label(edge),
                "amount": edge.amount.to_dict() if edge.amount else None,  # as reported; the flow back converts
            }
            known = self.edges[key] = (converted, json.dumps(data))
        return known

    def _label(self, edge: Edge) -> dict[str, Any] | str:
        """A commercial tie's label as a code (``tie``) with the kind and the two organizations' names."""
        if edge.kind == "equity" or edge.by is None or edge.via is None:
            return ""
        return message("tie", kind=edge.kind, provider=self.names[edge.via], client=self.names[edge.by])

    def add(self, investment: _Investment, paths: list[list[Edge]]) -> None:
        if not paths:
            return
        amount, when = investment.amount, investment.date
        currency = amount.currency if amount is not None else None
        investor, target = self.roots[investment.investor_id], self.roots[investment.target_id]
        first = json.dumps(
            {
                "from": investor,
                "to": target,
                "by": investment.investor_id,
                "via": investment.target_id,
                "kind": "equity",
                "amount": amount.to_dict() if amount else None,
            }
        )
        known = amount is not None and amount.is_known
        for path in paths:
            converted = [self._edge(edge, currency, when) for edge in path]
            back = flow_back([edge for edge, _ in converted])
            ratio = back / amount if back is not None and amount is not None and known else None
            net = amount - back if back is not None and amount is not None else None
            columns = {
                **as_columns("round_trip", ratio, ratio=True, fitted=True),
                **as_columns("net_new_cash", net, fitted=True),
            }
            self.rows.append(
                (
                    investment.target_id,
                    investment.round_id,
                    investor,
                    json.dumps([investor, target, *[edge.target for edge in path]]),
                    f"[{first}, {', '.join(data for _, data in converted)}]",
                    len(path) + 1,
                    all(edge.current for edge in path),
                    self.now,
                    *(columns[c] for c in _CYCLE_ESTIMATE_COLUMNS),
                )
            )


#: The columns the cycles are copied into, in the order :class:`_CycleRows` gives them.
_CYCLE_ESTIMATE_COLUMNS = (*column_names("round_trip", ratio=True), *column_names("net_new_cash"))
_CYCLE_COLUMNS = (
    "target_id",
    "round_id",
    "investor_id",
    "path",
    "edges",
    "length",
    "is_current",
    "computed_at",
    *_CYCLE_ESTIMATE_COLUMNS,
)


#: The high half of the advisory lock keys of :func:`lock_targets` (the low half is the target's id).
TARGET_LOCKS = 0x6463 << 32


def lock_targets(target_ids: Iterable[int]) -> None:
    """Wait until no other transaction is recomputing one of ``target_ids``, and hold them until this one ends.

    Transaction-level advisory locks in id order, so two recomputes of overlapping targets wait and never
    deadlock on them. Taken by whoever writes a target's cycles, before anything else it writes in the
    transaction: then a transaction that waits here holds nothing another one waits for."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s + t)) FROM unnest(%s::bigint[]) AS t",
            [TARGET_LOCKS, sorted(set(target_ids))],
        )


def _knows(graph: Graph, investments: Sequence[_Investment]) -> bool:
    """Whether every organization the investments name was there when ``graph`` was loaded."""
    named = {i.investor_id for i in investments} | {i.target_id for i in investments}
    named |= {counterparty for i in investments for counterparty, _ in i.conditions}
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
    lock_targets(target_ids)
    now, table = timezone.now(), table or rate_table()
    max_edges = settings.DEALTRACKER_CYCLE_MAX_LENGTH
    investments = _investments(target_ids)
    if graph is not None and not _knows(graph, investments):
        graph = None  # an organization created since the graph was loaded: load this neighbourhood afresh
    roots, members = (graph.roots, graph.members) if graph is not None else _some_groups()
    today = graph.today if graph is not None else timezone.localdate()
    involved = {roots[i.investor_id] for i in investments} | {roots[i.target_id] for i in investments}
    involved |= {roots[counterparty] for i in investments for counterparty, _ in i.conditions}
    ids = [org_id for root in involved for org_id in members[root]]
    names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name"))
    between: dict[tuple[int, int], list[_Tie]] = defaultdict(list)
    tie_names: dict[int, str] = {}  # the graph's names when it is loaded here
    for tie in _ties(tie_names, "WHERE r.provider_id = ANY(%s) AND r.client_id = ANY(%s)", [ids, ids]):
        between[(roots[tie.provider], roots[tie.client])].append(tie)
    if graph is None:
        loader = _Loader(roots, members, today, tie_names)
        starts, goals = {roots[i.target_id] for i in investments}, {roots[i.investor_id] for i in investments}
        near = links(_neighbourhood(starts, goals, loader, max_edges - 1))
        graph = Graph(roots, members, near, predecessors(near), today, loader.names)
    limit = settings.DEALTRACKER_CYCLES_PER_INVESTMENT
    cycles = _CycleRows(table, roots, graph.names, now)
    flags: list[tuple[int, bool, str, bool]] = []
    found: dict[tuple[int, int], tuple[list[list[Edge]], bool]] = {}
    for i in investments:
        reasons = _reasons(i, roots, names, between)
        investor, target = roots[i.investor_id], roots[i.target_id]
        truncated = False
        if i.money_flows and investor != target:
            if (target, investor) not in found:  # one search per pair, for all the investor's rounds in the target
                found[target, investor] = return_paths(graph.links, graph.into, target, investor, max_edges - 1, limit)
            paths, truncated = found[target, investor]
            cycles.add(i, paths)
        flags.append((i.id, bool(reasons), json.dumps(reasons), truncated))
    events.recompute_changes(
        target_ids=target_ids,
        cycles=[(row[1], row[2], json.loads(row[3])) for row in cycles.rows],
        flagged=[participation for participation, flagged, _, _ in flags if flagged],
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM deals_cycle WHERE target_id = ANY(%s)", [list(target_ids)])
        with cursor.cursor.copy(f"COPY deals_cycle ({', '.join(_CYCLE_COLUMNS)}) FROM STDIN") as copy:
            for row in cycles.rows:
                copy.write_row(row)
        _store_flags(cursor, flags)


def _store_flags(cursor: Any, flags: list[tuple[int, bool, str, bool]]) -> None:
    """Write the flags that changed: ``COPY`` into a temporary table, then one ``UPDATE … FROM`` of the rows
    whose flags differ (a participation without figures yet has none to update)."""
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS circularity_flags (participation_id bigint PRIMARY KEY, "
        "related_party boolean NOT NULL, related_party_reasons jsonb NOT NULL, cycles_truncated boolean NOT NULL)"
    )
    cursor.execute("TRUNCATE circularity_flags")
    with cursor.cursor.copy(
        "COPY circularity_flags (participation_id, related_party, related_party_reasons, cycles_truncated) FROM STDIN"
    ) as copy:
        for row in flags:
            copy.write_row(row)
    cursor.execute(
        "UPDATE deals_participationfigures f SET related_party = t.related_party, "
        "related_party_reasons = t.related_party_reasons, cycles_truncated = t.cycles_truncated "
        "FROM circularity_flags t WHERE f.participation_id = t.participation_id AND ("
        "f.related_party IS DISTINCT FROM t.related_party OR f.related_party_reasons IS DISTINCT FROM "
        "t.related_party_reasons OR f.cycles_truncated IS DISTINCT FROM t.cycles_truncated)"
    )
