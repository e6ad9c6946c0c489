"""Money cycles in a flow graph: bounded-length simple paths back to an investor.

Nodes are organization groups (an organization with its parents and subsidiaries). Money flows along
equity edges (investor → target) and commercial edges (client → provider). A cycle through a round is the
investment edge investor → target followed by a return path target → … → investor of at most
``max_edges - 1`` edges; a depth-bounded search from the target finds every such path, so the cost grows
with the number of paths of that length, not with the size of the whole graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from deals.engine.estimates import Estimate


@dataclass(frozen=True)
class Edge:
    """Money flowing from ``source`` to ``target``; ``current`` is False for ended relationships."""

    source: int
    target: int
    kind: str
    amount: Estimate | None = None
    current: bool = True
    label: str = ""


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


def adjacency(edges: Iterable[Edge]) -> dict[int, list[Edge]]:
    out: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.source != edge.target:
            out[edge.source].append(edge)
    return out


def return_paths(graph: dict[int, list[Edge]], start: int, goal: int, max_edges: int) -> list[list[Edge]]:
    """Every simple path from ``start`` to ``goal`` with at most ``max_edges`` edges."""
    return paths_to_any(graph, start, {goal}, max_edges).get(goal, [])


def predecessors(graph: Mapping[int, Iterable[Edge]]) -> dict[int, set[int]]:
    """For each node, the nodes with an edge into it."""
    into: dict[int, set[int]] = defaultdict(set)
    for source, edges in graph.items():
        for edge in edges:
            into[edge.target].add(source)
    return into


def paths_to_any(
    graph: dict[int, list[Edge]],
    start: int,
    goals: set[int],
    max_edges: int,
    into: Mapping[int, set[int]] | None = None,
) -> dict[int, list[list[Edge]]]:
    """Every simple path from ``start`` to any of ``goals`` with at most ``max_edges`` edges, by goal.

    One search serves all investors of a target, so the work grows with the number of targets, not of
    investments. A path may pass through one goal on its way to another. With ``into`` (see
    :func:`predecessors`) the search does not step onto a node whose last remaining edge cannot reach a goal:
    the same paths in the same order, without scanning the out-edges of every node two steps away.
    """
    found: dict[int, list[list[Edge]]] = defaultdict(list)
    path: list[Edge] = []
    visited = {start}
    near: set[int] = set().union(*(into.get(goal, ()) for goal in goals)) if into is not None else set()

    def walk(node: int) -> None:
        last_step = len(path) + 1 == max_edges
        prune = into is not None and len(path) + 2 == max_edges
        for edge in graph.get(node, ()):
            if edge.target in goals:
                found[edge.target].append([*path, edge])
            if not last_step and edge.target not in visited and not (prune and edge.target not in near):
                visited.add(edge.target)
                path.append(edge)
                walk(edge.target)
                path.pop()
                visited.discard(edge.target)

    if max_edges > 0:
        walk(start)
    return found


def flow_back(path: list[Edge]) -> Estimate | None:
    """What can flow back along ``path``: bounded by its smallest known amount; None when any is unknown."""
    amounts = [edge.amount for edge in path]
    if not amounts or any(a is None or not a.is_known for a in amounts):
        return None
    return min(
        (a for a in amounts if a is not None), key=lambda a: a.bounds[1] if a.bounds[1] is not None else a.bounds[0]
    )
