"""Circular-flow analysis on a generated network: 10,000 organizations and 100,000 money-flow edges.

Run: python -m bench.circular_flows [--organizations N] [--edges N] [--runs N]. Pure engine (no database):
the same search the recompute pipeline runs, one bounded search per target and investor over a graph built
once, keeping at most the default ``DEALTRACKER_CYCLES_PER_INVESTMENT`` cycles each.
Prints the median of the runs; the budget is 30 s.

``--database`` instead times the pipeline's circular-flow step itself (``recompute_circularity``) on the
configured database's data, as a full recompute runs it: the whole money graph loaded once, then every
target with rounds in chunks (``--chunk``), each chunk in its own transaction. Run it through
``manage.py shell -c`` or with ``DJANGO_SETTINGS_MODULE`` set; it rewrites the stored cycles and flags.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict

from deals.engine.cycles import Edge, links, predecessors, return_paths


def network(organizations: int, edges: int, seed: int) -> list[Edge]:
    """A few very active organizations and a long tail (power-law-like), 30 % equity, 70 % commercial."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) ** 0.8 for i in range(organizations)]
    nodes = list(range(organizations))
    sources = rng.choices(nodes, weights, k=edges // 2) + [rng.randrange(organizations) for _ in range(edges // 2)]
    return [Edge(s, rng.randrange(organizations), "equity" if rng.random() < 0.3 else "cloud") for s in sources]


def analyse(edges: list[Edge], max_length: int = 4, limit: int = 10) -> int:
    graph = links(edges)
    into = predecessors(graph)
    investors: dict[int, set[int]] = defaultdict(set)
    for edge in edges:
        if edge.kind == "equity" and edge.source != edge.target:
            investors[edge.target].add(edge.source)
    return sum(
        len(return_paths(graph, into, target, investor, max_length - 1, limit)[0])
        for target, goals in investors.items()
        for investor in goals
    )


def run(runs: int, organizations: int = 10_000, edges: int = 100_000, seed: int = 7) -> tuple[float, int]:
    """(median seconds of ``runs`` analyses, cycles found) on a generated network."""
    network_edges = network(organizations, edges, seed)
    timings, cycles = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        cycles = analyse(network_edges)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), cycles


def pipeline_step(chunk: int = 500, limit: int | None = None) -> dict[str, float]:
    """Seconds of the circular-flow step over the database's targets: graph loading, chunks, rows written."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.db import transaction

    from deals.models import Cycle, FundingRound
    from deals.pipeline import circularity
    from deals.pipeline.rates import rate_table

    ids = sorted(set(FundingRound.objects.values_list("target_id", flat=True)))[:limit]
    table = rate_table()
    start = time.perf_counter()
    graph = circularity.whole_graph()
    loaded = time.perf_counter()
    for i in range(0, len(ids), chunk):
        with transaction.atomic():
            circularity.recompute_circularity(target_ids=ids[i : i + chunk], graph=graph, table=table)
    done = time.perf_counter()
    return {
        "targets": len(ids),
        "graph_seconds": loaded - start,
        "chunks_seconds": done - loaded,
        "cycles": Cycle.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", action="store_true", help="time the pipeline step on the database's data")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--limit", type=int, help="only the first N targets by id")
    args = parser.parse_args()
    if args.database:
        figures = pipeline_step(args.chunk, args.limit)
        print(
            f"circular-flow step: {figures['targets']:,} targets in chunks of {args.chunk}: graph "
            f"{figures['graph_seconds']:.2f} s, chunks {figures['chunks_seconds']:.2f} s, {figures['cycles']:,} cycles"
        )
        return
    median, cycles = run(args.runs, args.organizations, args.edges, args.seed)
    print(
        f"circular flows: {args.organizations:,} organizations, {args.edges:,} edges, {cycles:,} cycles of up to "
        f"4 edges; median {median:.2f} s of {args.runs} runs (budget 30 s: {'met' if median <= 30 else 'missed'})"
    )


if __name__ == "__main__":
    main()
