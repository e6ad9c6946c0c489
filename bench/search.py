"""Search timings: what the search page asks the database for, at the scale of the data in ``DATABASE_URL``.

``python -m bench.search`` times, for each query people type, the page's two reads: the best 21 organizations
and the newest 21 matching deals (each the median of a few runs, in milliseconds, as the database answers them).
Generated data has no notes and few famous names, so ``--seed-texts`` first gives every tenth round a sentence
of notes (triggers off, like ``generate_deals``) and adds the organizations the examples name.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

QUERIES = ("Open AI", "openai", "NVIDIAs", "Antropic", "Microsoft", "ventures", "Rechenzentren", "chips", "zz")
SENTENCES = (
    "The round pays for chips and data centres.",
    "Die Runde finanziert Rechenzentren und Chips.",
    "Led by a sovereign fund, with a secondary sale.",
    "Die Bewertung stieg nach dem Umsatzsprung deutlich.",
)


def seed_texts() -> None:
    from django.db import connection, transaction

    from deals.models import FundingRound, Organization, Participation

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE deals_fundinground SET notes = (%s::text[])[1 + (id / 10) %% 4] WHERE id %% 10 = 0",
            [list(SENTENCES)],
        )
    for name, aliases in (("OpenAI", ["OpenAI Global"]), ("NVIDIA", ["NVIDIA Corporation"]), ("Anthropic", [])):
        org, _ = Organization.objects.get_or_create(slug=name.lower(), defaults={"name": name, "aliases": aliases})
        for round_ in FundingRound.objects.order_by("?")[:5]:
            Participation.objects.get_or_create(round=round_, investor=org, defaults={"status": "committed"})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_organization")
        cursor.execute("ANALYZE deals_fundinground")


def timed(read: object, repeats: int) -> tuple[float, int]:
    """The median milliseconds of ``list(read())`` and how many rows it gave."""
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        rows = len(read())  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def run(repeats: int = 5) -> list[tuple[str, float, int, float, int]]:
    from deals import selectors
    from deals.models import FundingRound, Organization

    results = []
    for text in QUERIES:
        orgs_ms, orgs = timed(lambda t=text: list(Organization.objects.search(t)[:21]), repeats)
        rounds_ms, rounds = timed(
            lambda t=text: list(FundingRound.objects.search(t).order_by(*selectors.NEWEST_FIRST)[:21]), repeats
        )
        results.append((text, orgs_ms, orgs, rounds_ms, rounds))
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--seed-texts", action="store_true", help="add notes and famous names first")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealtracker.settings")
    import django

    django.setup()
    from deals.models import FundingRound, Organization

    if args.seed_texts:
        seed_texts()
    print(f"{FundingRound.objects.count():,} rounds, {Organization.objects.count():,} organizations")
    print("| query | organizations ms | found | deals ms | found |\n|---|---:|---:|---:|---:|")
    for text, orgs_ms, orgs, rounds_ms, rounds in run(args.repeats):
        print(f"| {text} | {orgs_ms:.1f} | {orgs} | {rounds_ms:.1f} | {rounds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
