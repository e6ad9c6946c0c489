"""Money cycles in a flow graph: bounded-length simple paths back to an investor.

Nodes are organization groups (an organization with its parents and subsidiaries). Money flows along
equity edges (investor → target) and commercial edges (client → provider). A cycle through a round is the
investment edge investor → target followed by a return path target → … → investor of at most
``max_edges - 1`` edges. Around the hubs of a real network such paths number in the millions, so the search
returns a bounded number of them, the shortest first, and says whether there were more
(:func:`return_paths`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deals.engine.estimates import Estimate


@dataclass(frozen=True)
class Edge:
    """Money flowing from ``source`` to ``target``; ``current`` is False for ended relationships.

    ``by`` and ``via`` are the organizations that actually pay and receive (the client and the provider, the
    investor and the target), where ``source`` and ``target`` are their groups: AWS for Amazon's group."""

    source: int
    target: int
    kind: str
    amount: Estimate | None = None
    current: bool = True
    label: str = ""
    by: int | None = None
    via: int | None = None


def groups(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Each organization's group: the top of its parent chain (AWS → Amazon)."""
    roots: dict[int, int] = {}
    for org in parents:
        seen = [org]
        node = org
        parent = parents.get(node)
        while parent is not None and parent not in seen:
            node = parent
            seen.append(node)
            parent = parents.get(node)
        roots[org] = node
    return roots


#: Source → target → the edges between them: one per kind (parallel ties of one kind are one flow), in
#: :func:`edge_order`, so the first relationship of a kind by label, current before ended, then by the
#: organizations that pay and receive, then one with a known amount (the largest first), stands for it.
Links = dict[int, dict[int, list[Edge]]]


def edge_order(edge: Edge) -> tuple[Any, ...]:
    """The order of :data:`Links`: a total order, so which of two parallel ties stands for them never depends on
    the order they were loaded in (two contracts of one kind between the same client and provider)."""
    amount = edge.amount
    worth: tuple[Any, ...] = (1,) if amount is None else (0, amount.currency or "", *_descending(amount.bounds))
    return (edge.source, edge.target, edge.kind, edge.label, not edge.current, edge.by or 0, edge.via or 0, *worth)


def _descending(bounds: tuple[Decimal, Decimal | None]) -> tuple[Decimal, bool, Decimal]:
    """An amount's bounds as a key that puts the largest first (an open upper bound before any)."""
    low, high = bounds
    return (-low, high is not None, -(high if high is not None else low))


def links(edges: Iterable[Edge]) -> Links:
    """The money edges by source and target, one per kind between two nodes; self-loops dropped."""
    out: dict[int, dict[int, list[Edge]]] = defaultdict(dict)
    for edge in sorted(edges, key=edge_order):
        if edge.source == edge.target:
            continue
        between = out[edge.source].setdefault(edge.target, [])
        if not between or between[-1].kind != edge.kind:
            between.append(edge)
    return dict(out)


def predecessors(graph: Links) -> dict[int, set[int]]:
    """For each node, the nodes with an edge into it."""
    into: dict[int, set[int]] = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            into[target].add(source)
    return dict(into)


def return_paths(
    graph: Links, into: Mapping[int, set[int]], start: int, goal: int, max_edges: int, limit: int | None = None
) -> tuple[list[list[Edge]], bool]:
    """The simple paths ``start`` → … → ``goal`` of at most ``max_edges`` edges; and whether there are more.

    At most ``limit`` of them (all with None): the shortest first, then by the nodes nearest the goal, then
    by the edges' kinds. The search runs backwards from the goal and meets the start's own edges one step
    before it, so its cost is the number of paths it returns plus, for each node two steps before the goal,
    one intersection of two neighbour sets: around a hub it neither walks every path of the hub's
    neighbourhood nor stores them all.
    """
    found: list[list[Edge]] = []
    for length in range(1, max_edges + 1):
        for path in _exact(graph, into, start, goal, length, frozenset((goal,))):
            if limit is not None and len(found) == limit:
                return found, True
            found.append(path)
    return found, False


def _exact(
    graph: Links, into: Mapping[int, set[int]], start: int, goal: int, length: int, avoid: frozenset[int]
) -> Iterator[list[Edge]]:
    """The simple paths ``start`` → … → ``goal`` of exactly ``length`` edges whose inner nodes avoid ``avoid``."""
    out = graph.get(start, {})
    if length == 1:
        for edge in out.get(goal, ()):
            yield [edge]
    elif length == 2:
        yield from _two(graph, into, out, goal, avoid)
    else:
        for y in sorted(into.get(goal, ())):
            if y == start or y in avoid:
                continue
            lasts = graph[y][goal]
            heads = (
                _two(graph, into, out, y, avoid | {y})
                if length == 3
                else _exact(graph, into, start, y, length - 1, avoid | {y})
            )
            for head in heads:
                for last in lasts:
                    yield [*head, last]


def _two(
    graph: Links, into: Mapping[int, set[int]], out: dict[int, list[Edge]], goal: int, avoid: frozenset[int]
) -> list[list[Edge]]:
    """The paths of two edges from the node whose edges are ``out`` to ``goal``: through the nodes both sides
    know, found by intersecting the smaller side with the larger."""
    before = into.get(goal)
    if not before or not out:
        return []
    inner = [x for x in before if x in out] if len(before) <= len(out) else [x for x in out if x in before]
    if len(inner) > 1:
        inner.sort()
    return [[first, last] for x in inner if x not in avoid for first in out[x] for last in graph[x][goal]]


def flow_back(path: list[Edge]) -> Estimate | None:
    """What can flow back along ``path``: bounded by its smallest known amount; None when any is unknown."""
    amounts = [edge.amount for edge in path]
    if not amounts or any(a is None or not a.is_known for a in amounts):
        return None
    return min(
        (a for a in amounts if a is not None), key=lambda a: a.bounds[1] if a.bounds[1] is not None else a.bounds[0]
    )
