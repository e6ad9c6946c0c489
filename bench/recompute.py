"""Full recompute: the job's walk over all targets against one hand-written set-based SQL statement.

The pipeline is timed exactly as the full-recompute job runs it (targets by id in chunks of 500, one shared
rate table, ``recompute_targets`` per chunk in its own transaction), with the circular-flow step of each
chunk timed separately (see ``circularity_sample``): at benchmark scale that step alone would take hours.
The walk stops when it has done every target or spent the scale's budget; the rest is projected from its rate.
The SQL statement computes the same stakes (amount ÷ post-money with the engine's interval bounds, post-money
given or pre-money + amount, pre-money given or price per share × shares) and writes them into a table.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from typing import Any
from unittest import mock

from django.db import connection

from bench.common import Scale, Section, log, median
from deals import circularity
from deals.models import Organization, Participation
from deals.pipeline.recompute import rate_table, recompute_targets

CHUNK = 500
TOLERANCE = Decimal("2e-16")


def _lo(p: str) -> str:
    """SQL for the low bound of estimate ``p`` as the engine's interval reads it (undisclosed: 0)."""
    return (f"CASE WHEN {p}_qualifier = 'undisclosed' THEN 0 ELSE COALESCE({p}_low, CASE WHEN {p}_qualifier = "
            f"'approximately' THEN {p}_value END, 0) END")  # fmt: skip


def _hi(p: str) -> str:
    """SQL for the high bound of estimate ``p`` (NULL: unbounded)."""
    return (f"CASE WHEN {p}_qualifier = 'undisclosed' THEN NULL ELSE COALESCE({p}_high, CASE WHEN {p}_qualifier "
            f"IN ('approximately', 'exact') THEN {p}_value END) END")  # fmt: skip


STAKES_SQL = f"""
CREATE UNLOGGED TABLE bench_sql_stakes AS
WITH p AS (
    SELECT p.id, p.round_id, {_lo("p.amount")} AS lo, {_hi("p.amount")} AS hi
    FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id
    WHERE p.status <> 'withdrawn' AND p.amount_qualifier IS NOT NULL AND r.target_id <= %(last_target)s
), c AS (
    SELECT round_id, SUM(lo) AS lo, CASE WHEN COUNT(hi) = COUNT(*) THEN SUM(hi) END AS hi FROM p GROUP BY round_id
), r AS (
    SELECT r.id, r.status, r.post_money_valuation_qualifier IS NOT NULL AS post_given,
        r.post_money_valuation_qualifier AS post_q,
        {_lo("r.post_money_valuation")} AS given_lo, {_hi("r.post_money_valuation")} AS given_hi,
        r.pre_money_valuation_qualifier IS NOT NULL OR (r.post_money_valuation_qualifier IS NULL
            AND r.price_per_share IS NOT NULL AND r.shares_outstanding_pre IS NOT NULL) AS pre_exists,
        CASE WHEN r.pre_money_valuation_qualifier IS NOT NULL THEN {_lo("r.pre_money_valuation")}
             ELSE r.price_per_share * r.shares_outstanding_pre END AS pre_lo,
        CASE WHEN r.pre_money_valuation_qualifier IS NOT NULL THEN {_hi("r.pre_money_valuation")}
             ELSE r.price_per_share * r.shares_outstanding_pre END AS pre_hi,
        r.amount_qualifier IS NOT NULL OR c.round_id IS NOT NULL AS amount_exists,
        CASE WHEN r.amount_qualifier IS NOT NULL THEN {_lo("r.amount")} ELSE c.lo END AS a_lo,
        CASE WHEN r.amount_qualifier IS NOT NULL THEN {_hi("r.amount")} ELSE c.hi END AS a_hi
    FROM deals_fundinground r LEFT JOIN c ON c.round_id = r.id
    WHERE r.status <> 'abandoned' AND r.target_id <= %(last_target)s
), post AS (
    SELECT id,
        CASE WHEN post_given THEN given_lo WHEN pre_exists AND amount_exists THEN pre_lo + a_lo END AS lo,
        CASE WHEN post_given THEN given_hi WHEN pre_exists AND amount_exists THEN pre_hi + a_hi END AS hi,
        CASE WHEN post_given THEN post_q <> 'undisclosed'
             WHEN pre_exists AND amount_exists THEN NOT (pre_hi + a_hi IS NULL AND pre_lo + a_lo = 0)
             ELSE false END AS known
    FROM r
)
SELECT p.id AS participation_id,
    CASE WHEN post.hi IS NULL OR post.hi = 0 THEN 0 ELSE floor(p.lo / post.hi * 1e16) / 1e16 END AS stake_lo,
    CASE WHEN p.hi IS NULL OR post.lo = 0 THEN NULL ELSE ceil(p.hi / post.lo * 1e16) / 1e16 END AS stake_hi
FROM p JOIN post ON post.id = p.round_id
WHERE post.known
"""

#: The stored stake as an interval, for comparing with the SQL's.
STORED_SQL = f"""
SELECT s.participation_id, s.stake_lo, s.stake_hi, {_lo("f.stake")}, {_hi("f.stake")}
FROM bench_sql_stakes s JOIN deals_participationfigures f ON f.participation_id = s.participation_id
"""


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} h" if seconds >= 3600 else f"{seconds:,.0f} s"


def targets() -> list[int]:
    with_rounds = Organization.objects.filter(rounds__isnull=False).distinct().order_by("pk")
    return list(with_rounds.values_list("pk", flat=True))


def sql_stakes(last_target: int) -> tuple[float, int]:
    """Run the statement over the targets up to ``last_target``; (seconds, stakes written)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_sql_stakes")
        start = time.perf_counter()
        cursor.execute(STAKES_SQL, {"last_target": last_target})
        seconds = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_sql_stakes")
        return seconds, cursor.fetchone()[0]


def agreement() -> tuple[int, int]:
    """(stakes within 2e-16 of the pipeline's, stakes compared), over the rows both computed."""
    agree = total = 0
    with connection.cursor() as cursor:
        cursor.execute(STORED_SQL)
        for _, sql_lo, sql_hi, lo, hi in cursor.fetchall():
            total += 1
            close_lo = lo is not None and abs(sql_lo - lo) <= TOLERANCE
            close_hi = (hi is None and sql_hi is None) or (
                hi is not None and sql_hi is not None and abs(sql_hi - hi) <= TOLERANCE
            )
            agree += close_lo and close_hi
    return agree, total


def walk(ids: list[int], budget: float) -> dict[str, Any]:
    """The full-recompute job's loop without its circular-flow step, stopping after ``budget`` seconds."""
    start = time.perf_counter()
    rounds, done, checkpoints = 0, 0, []
    with mock.patch.object(circularity, "recompute_circularity", lambda **kwargs: None):
        table = rate_table()
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            rounds += recompute_targets(target_ids=chunk, table=table)
            done = i + len(chunk)
            checkpoints.append((rounds, time.perf_counter() - start, chunk[-1]))
            if time.perf_counter() - start > budget:
                break
    seconds = time.perf_counter() - start
    return {"rounds": rounds, "targets": done, "seconds": seconds, "last_target": ids[done - 1] if done else 0,
            "complete": done == len(ids), "checkpoints": checkpoints}  # fmt: skip


def circularity_sample(ids: list[int], sample: int, seed: int) -> dict[str, Any]:
    """Time the circular-flow step on a few random targets and on none (its fixed cost per chunk)."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(ids, min(sample, len(ids))))
    participations = Participation.objects.filter(round__target_id__in=chosen).count()
    nobody = Organization.objects.filter(rounds__isnull=True).values_list("pk", flat=True).first() or 0
    start = time.perf_counter()
    circularity.recompute_circularity(target_ids=[nobody])
    fixed = time.perf_counter() - start
    start = time.perf_counter()
    circularity.recompute_circularity(target_ids=chosen)
    seconds = time.perf_counter() - start
    return {"targets": len(chosen), "participations": participations, "fixed": fixed, "seconds": seconds}


def run(scale: Scale) -> Section:
    section = Section("Full recompute")
    ids = targets()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deals_fundinground")
        total_rounds = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM deals_participation")
        total_participations = cursor.fetchone()[0]
    log(f"recompute: walking {len(ids):,} targets ({total_rounds:,} rounds) for at most {scale.recompute_budget:.0f} s")
    result = walk(ids, scale.recompute_budget)
    rate = result["rounds"] / result["seconds"]
    log(f"recompute: {result['rounds']:,} rounds in {result['seconds']:.1f} s ({rate:,.0f} rounds/s)")
    # The figures at the smaller mark: the first checkpoint at or past 100k rounds (or the whole walk).
    mark = min(100_000, total_rounds)
    at_mark = next(((r, s, t) for r, s, t in result["checkpoints"] if r >= mark), None)
    cases: list[tuple[str, int, float, int, bool]] = []  # (label, rounds, seconds, last target, measured)
    if at_mark is not None:
        cases.append((f"{at_mark[0]:,} rounds", at_mark[0], at_mark[1], at_mark[2], True))
    if result["complete"]:
        if at_mark is None or at_mark[0] != result["rounds"]:
            cases.append((f"{result['rounds']:,} rounds (all)", result["rounds"], result["seconds"], ids[-1], True))
    else:
        cases.append((f"{total_rounds:,} rounds (all)", total_rounds, total_rounds / rate, ids[-1], False))
    for label, rounds, seconds, last_target, measured in cases:
        sql_runs = [sql_stakes(last_target) for _ in range(scale.repeats)]
        sql_seconds, stakes = median([s for s, _ in sql_runs]), sql_runs[0][1]
        ratio = seconds / sql_seconds
        how = "measured" if measured else f"projected from the walk's {rate:,.0f} rounds/s"
        met = seconds <= 60 and ratio <= 2 if rounds >= 1_000_000 else None
        section.add(f"Full recompute, {label}, stakes/figures/positions ({how})",
                    "≤ 60 s and ≤ 2× SQL at 1M" if rounds >= 1_000_000 else "—",
                    f"{seconds:,.1f} s ({rounds / seconds:,.0f} rounds/s); SQL {sql_seconds:.2f} s "
                    f"({stakes:,} stakes, {rounds / sql_seconds:,.0f} rounds/s); ratio {ratio:,.0f}×", met)  # fmt: skip
        section.figures[label] = {"rounds": rounds, "seconds": seconds, "sql_seconds": sql_seconds, "ratio": ratio,
                                  "measured": measured, "stakes": stakes}  # fmt: skip
        log(f"recompute {label}: {seconds:.1f} s vs SQL {sql_seconds:.2f} s")
    sql_stakes(result["last_target"])
    agree, compared = agreement()
    section.notes.append(
        f"The SQL statement and the pipeline agree on {agree:,} of {compared:,} stakes compared (bounds within "
        f"2e-16, the storage precision) over the {result['rounds']:,} rounds the walk recomputed."
    )
    sample = circularity_sample(ids, 5 if scale.rounds < 100_000 else 10, scale.seed)
    per_participation = max(sample["seconds"] - sample["fixed"], 0) / max(sample["participations"], 1)
    chunks = -(-len(ids) // CHUNK)
    projected = chunks * sample["fixed"] + total_participations * per_participation
    section.add(f"Circular-flow step of the full recompute, {total_rounds:,} rounds (projected)",
                "part of the 60 s at 1M",
                f"{sample['fixed']:.1f} s fixed per chunk + {per_participation * 1000:.1f} ms per participation "
                f"→ about {_duration(projected)} for {chunks:,} chunks",
                projected <= 60 if total_rounds >= 1_000_000 else None)  # fmt: skip
    section.figures["circularity"] = {**sample, "projected": projected}
    section.figures["walk"] = {k: v for k, v in result.items() if k != "checkpoints"}
    section.figures["totals"] = {"rounds": total_rounds, "participations": total_participations, "targets": len(ids)}
    log(f"circularity: fixed {sample['fixed']:.1f} s, {sample['seconds']:.1f} s for {sample['targets']} targets")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_sql_stakes")
    return section
