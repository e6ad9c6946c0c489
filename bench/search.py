"""Search timings: what the search page asks the database for, at the scale of the data in ``DATABASE_URL``.

``python -m bench.search`` times, for each query people type, the page's two reads: the best 21 organizations
and the newest 21 matching deals (each the median of a few runs, in milliseconds, as the database answers them),
and both as the page reads them (``selectors.search_results``: the organizations once, for both groups, and the
deals' targets and investors); then the whole page, as a reader's request goes through Django (middleware, session,
view, template) in this process, with Django's test client.
Generated data has no notes and few famous names, so ``--seed-texts`` first gives every tenth round a sentence
of notes (triggers off, like ``generate_deals``) and adds the organizations the examples name.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from typing import Any

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
    # Vacuumed as autovacuum would after such an update, or every text search reads the text index's pending
    # list of the 100,000 new notes (19,803 entries left in it, 12 ms on an empty result) first.
    with connection.cursor() as cursor:
        for table in ("deals_organization", "deals_fundinground", "deals_participation"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _page_exhaustive(text: str, limit: int = 21) -> tuple[list[object], list[object]]:
    """The page's reads as they were before the bounded organization search: every match ranked."""
    from deals import search, selectors
    from deals.models import FundingRound, Organization

    orgs = list(Organization.objects.search(text)[: max(limit, search.ORGS_PER_ROUND_SEARCH)])
    rounds = list(
        FundingRound.objects.for_list()
        .search(text, newest=limit, organizations=[o.pk for o in orgs])
        .order_by(*selectors.NEWEST_FIRST)[:limit]
    )
    return orgs, rounds  # type: ignore[return-value]


Row = tuple[str, dict[str, float], int, int, str]


def _reader() -> Any:
    """A test client logged in as a user who may read the deals (created in the benchmark's database once)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-search", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    logging.getLogger("axes").setLevel(logging.WARNING)  # its line per login is no benchmark output
    client.force_login(user)
    return client


def _whole_page(client: Any, text: str) -> None:
    from django.urls import reverse

    response = client.get(reverse("deals:search"), {"q": text})
    if response.status_code != 200:
        raise RuntimeError(f"/search/?q={text} answered {response.status_code}")


def run(repeats: int = 5) -> list[Row]:
    """For each query, the median milliseconds of each read, before (every match ranked) and after (bounded)
    taken alternately, and of the whole page; the organizations and deals found; and how the bounded
    organizations compare."""
    from django.test.utils import override_settings

    from deals import selectors
    from deals.models import FundingRound, Organization

    results = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = _reader()
        for text in QUERIES:
            _whole_page(client, text)  # the session and the extension check, once
            reads = {
                "orgs before": lambda t=text: list(Organization.objects.search(t)[:21]),
                "orgs after": lambda t=text: list(Organization.objects.search(t, best=21)[:21]),
                "deals": lambda t=text: list(
                    FundingRound.objects.search(t, newest=21).order_by(*selectors.NEWEST_FIRST)[:21]
                ),
                "page before": lambda t=text: _page_exhaustive(t),
                "page after": lambda t=text: selectors.search_results(t, limit=21),
                "whole page": lambda t=text: _whole_page(client, t),
            }
            times: dict[str, list[float]] = {name: [] for name in reads}
            found: dict[str, object] = {}
            for _ in range(repeats):  # each read once per turn, so load falls on before and after alike
                for name, read in reads.items():
                    started = time.perf_counter()
                    found[name] = read()
                    times[name].append((time.perf_counter() - started) * 1000)
            before, after = found["orgs before"], found["orgs after"]
            ranks = [round(o.search_rank, 6) for o in before] == [round(o.search_rank, 6) for o in after]  # type: ignore[attr-defined]
            same = "same" if before == after else "same ranks" if ranks else "DIFFERENT ranks"
            medians = {name: statistics.median(ms) for name, ms in times.items()}
            results.append((text, medians, len(after), len(found["deals"]), same))  # type: ignore[arg-type]
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
    print(
        "| query | orgs before ms | orgs after ms | found | bounded vs all | deals ms | found "
        "| page before ms | page after ms | whole page ms |\n|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"
    )
    for text, ms, orgs, rounds, same in run(args.repeats):
        print(
            f"| {text} | {ms['orgs before']:.1f} | {ms['orgs after']:.1f} | {orgs} | {same} | {ms['deals']:.1f} "
            f"| {rounds} | {ms['page before']:.1f} | {ms['page after']:.1f} | {ms['whole page']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
