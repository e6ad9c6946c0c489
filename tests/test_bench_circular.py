"""The circular-flow benchmark's code runs on tiny data (no timing assertions)."""

from __future__ import annotations

from bench.circular_flows import analyse, network
from deals.engine.cycles import Edge


def test_the_benchmark_network_is_reproducible_and_analysable():
    edges = network(200, 2_000, seed=3)
    assert edges == network(200, 2_000, seed=3)
    assert analyse(edges) >= 0


def test_the_benchmark_counts_a_known_cycle():
    edges = [Edge(1, 2, "equity"), Edge(2, 3, "cloud"), Edge(3, 1, "cloud"), Edge(2, 1, "cloud")]
    assert analyse(edges) == 2  # 1 → 2 → 1 and 1 → 2 → 3 → 1
