"""The bounded return-path search against an exhaustive one on random networks."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from bench.circular_flows import network
from deals.engine.cycles import Edge, edge_order, links, predecessors, return_paths
from deals.engine.estimates import Estimate


def every_path(edges: list[Edge], start: int, goal: int, max_edges: int) -> list[list[Edge]]:
    """Every simple path start → … → goal, walked edge by edge, one edge per kind between two nodes, in the
    order ``return_paths`` promises: shortest first, then by the nodes nearest the goal, then by the edges."""
    first: dict[tuple[int, int, str], Edge] = {}
    for edge in sorted(edges, key=edge_order):
        if edge.source != edge.target:
            first.setdefault((edge.source, edge.target, edge.kind), edge)
    out: dict[int, list[Edge]] = {}
    for edge in first.values():
        out.setdefault(edge.source, []).append(edge)
    found: list[list[Edge]] = []

    def walk(node: int, path: list[Edge], seen: set[int]) -> None:
        for edge in out.get(node, []):
            if edge.target == goal:
                found.append([*path, edge])
            elif len(path) + 1 < max_edges and edge.target not in seen:
                walk(edge.target, [*path, edge], seen | {edge.target})

    walk(start, [], {start})
    return sorted(found, key=lambda p: (len(p), [e.source for e in reversed(p)], [edge_order(e) for e in p]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_search_finds_every_simple_path_in_its_order_and_stops_at_the_limit(seed):
    edges = network(300, 3_000, seed)
    edges += [Edge(e.source, e.target, e.kind, label="second tie") for e in edges[:300]]  # parallel ties
    graph = links(edges)
    into = predecessors(graph)
    rng = random.Random(seed)
    found = truncated = 0
    for start in rng.sample(sorted(graph), 40):
        for goal in rng.sample(sorted(graph), 10):
            if goal == start:
                continue
            expected = every_path(edges, start, goal, 3)
            assert return_paths(graph, into, start, goal, 3) == (expected, False)
            for limit in (1, 5):
                assert return_paths(graph, into, start, goal, 3, limit) == (expected[:limit], len(expected) > limit)
            found += len(expected)
            truncated += len(expected) > 5
    assert found > 100 and truncated > 0


def test_a_path_reaches_the_goal_only_at_its_end_and_visits_no_node_twice():
    graph = links(
        [Edge(1, 2, "x"), Edge(2, 1, "x"), Edge(2, 3, "x"), Edge(3, 1, "x"), Edge(3, 2, "x"), Edge(1, 3, "x")]
    )
    paths, more = return_paths(graph, predecessors(graph), start=2, goal=1, max_edges=3)
    assert [[(e.source, e.target) for e in p] for p in paths] == [[(2, 1)], [(2, 3), (3, 1)]]
    assert not more  # not 2 → 1 → 3 → 1, nor 2 → 3 → 2 → 1


def test_parallel_ties_of_one_kind_are_one_flow_and_of_two_kinds_two():
    edges = [Edge(2, 1, "cloud", label="b"), Edge(2, 1, "cloud", label="a"), Edge(2, 1, "chips")]
    graph = links(edges)
    paths, _ = return_paths(graph, predecessors(graph), start=2, goal=1, max_edges=1)
    assert [(p[0].kind, p[0].label) for p in paths] == [("chips", ""), ("cloud", "a")]


def test_which_parallel_tie_stands_for_them_does_not_depend_on_the_order_they_come_in():
    """Two contracts of one kind between the same client and provider are one flow; the one with a known amount
    (the larger first) stands for it, however they were loaded."""
    known = Edge(1, 2, "services", Estimate.exact(Decimal(5), "USD"), label="Cloud to Lab")
    larger = Edge(1, 2, "services", Estimate.exact(Decimal(9), "USD"), label="Cloud to Lab")
    unknown = Edge(1, 2, "services", None, label="Cloud to Lab")
    back = Edge(2, 1, "equity")
    for order in itertools.permutations([known, larger, unknown, back]):
        assert links(order)[1][2] == [larger]
