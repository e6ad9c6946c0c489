"""The full recompute's figures, read and written set-based: same engine and rows as ``recompute_figures``.

``recompute_figures`` reads rounds as model instances with prefetched participations and writes with the
ORM's upserts; at a million rounds building and saving model instances costs more than the engine itself.
Here a chunk of targets is read with two plain queries into light rows carrying the attributes the engine
input needs, the rows to store are computed by the very same ``figures_of_round`` and
``positions_of_target``, and they are written with ``COPY`` into temporary tables followed by one
``INSERT … ON CONFLICT DO UPDATE`` per table and one set-based delete of stale positions. What is stored is
identical to ``recompute_figures`` (``tests/test_full_recompute.py`` checks it column by column).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from deals import circularity
from deals.engine.estimates import Estimate
from deals.engine.fx import RateTable
from deals.models import ParticipationFigures, Position, RoundFigures
from deals.models.estimates import PARTS, from_columns
from deals.pipeline import copying
from deals.pipeline.recompute import CIRCULAR_COLUMNS, Batch, compute

_ESTIMATES = ("amount", "pre_money_valuation", "post_money_valuation")
_ROUNDS_SQL = f"""
SELECT id, target_id, status, closed_on, announced_on, reported_on, price_per_share, shares_outstanding_pre,
       {", ".join(f"{name}_{part}" for name in _ESTIMATES for part in PARTS)}
FROM deals_fundinground WHERE target_id = ANY(%s) ORDER BY target_id, id
"""
_PARTICIPATIONS_SQL = f"""
SELECT p.id, p.round_id, p.investor_id, p.status, {", ".join(f"p.amount_{part}" for part in PARTS)}
FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id
WHERE r.target_id = ANY(%s) ORDER BY p.id
"""


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A round's inputs with the attribute names of ``FundingRound`` that the engine input reads."""

    pk: int
    target_id: int
    status: str
    date: datetime.date | None
    amount: Estimate | None
    pre_money_valuation: Estimate | None
    post_money_valuation: Estimate | None
    price_per_share: Decimal | None
    shares_outstanding_pre: Decimal | None

    @property
    def currency(self) -> str | None:
        """As ``FundingRound.currency``: the first currency among amount, post-money and pre-money."""
        for estimate in (self.amount, self.post_money_valuation, self.pre_money_valuation):
            if estimate is not None and estimate.currency:
                return str(estimate.currency)
        return None


@dataclass(frozen=True, slots=True)
class ParticipationRow:
    pk: int
    investor_id: int
    status: str
    amount: Estimate | None


def load(target_ids: Sequence[int]) -> dict[int, list[tuple[RoundRow, list[ParticipationRow]]]]:
    """The rounds of ``target_ids`` by target, in target and id order, each with its participations by id."""
    ids = list(target_ids)
    participations: dict[int, list[ParticipationRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_PARTICIPATIONS_SQL, [ids])
        for pk, round_id, investor_id, status, *amount in cursor.fetchall():
            participations[round_id].append(ParticipationRow(pk, investor_id, status, from_columns(*amount)))
        cursor.execute(_ROUNDS_SQL, [ids])
        rows = cursor.fetchall()
    by_target: dict[int, list[tuple[RoundRow, list[ParticipationRow]]]] = defaultdict(list)
    for pk, target_id, status, closed_on, announced_on, reported_on, price, shares, *figures in rows:
        amount, pre, post = (from_columns(*figures[i : i + 5]) for i in range(0, 15, 5))
        round_ = RoundRow(pk, target_id, status, closed_on or announced_on or reported_on, amount, pre, post, price,
                          shares)  # fmt: skip
        by_target[target_id].append((round_, participations.pop(pk, [])))
    return by_target


def _copy(cursor: Any, model: Any, rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """COPY ``rows`` into an emptied temporary table shaped like ``model``'s; (its name, its columns)."""
    table = model._meta.db_table
    temporary, names = f"full_{table}", ", ".join(copying.columns(model))
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {temporary} AS SELECT {names} FROM {table} WITH NO DATA")
    cursor.execute(f"TRUNCATE {temporary}")
    return temporary, copying.copy_rows(cursor, temporary, model, rows)


def _upsert(cursor: Any, model: Any, temporary: str, columns: list[str], conflict: list[str],
            keep: Sequence[str] = ()) -> None:  # fmt: skip
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in conflict and c not in keep)
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({names}) SELECT {names} FROM {temporary} "
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}"
    )


def write(target_ids: Sequence[int], batch: Batch) -> None:
    """Store ``batch`` as ``recompute_figures`` does: upsert every row, delete the targets' stale positions.

    The related-party and cycle columns of existing participation figures are left alone: they belong to the
    circular-flow analysis."""
    with connection.cursor() as cursor:
        temporary, columns = _copy(cursor, RoundFigures, batch.rounds)
        _upsert(cursor, RoundFigures, temporary, columns, ["round_id"])
        temporary, columns = _copy(cursor, ParticipationFigures, batch.participations)
        _upsert(cursor, ParticipationFigures, temporary, columns, ["participation_id"], keep=CIRCULAR_COLUMNS)
        temporary, columns = _copy(cursor, Position, batch.positions)
        cursor.execute(
            f"DELETE FROM deals_position p WHERE p.target_id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM {temporary} t "
            "WHERE t.investor_id = p.investor_id AND t.target_id = p.target_id AND t.pro_forma = p.pro_forma)",
            [list(target_ids)],
        )
        _upsert(cursor, Position, temporary, columns, ["investor_id", "target_id", "pro_forma"])


@transaction.atomic
def recompute_figures_fast(*, target_ids: Sequence[int], table: RateTable) -> int:
    """``recompute_figures`` for a chunk of a full recompute, read and written set-based; return the rounds."""
    batch = compute(load(target_ids), table)
    write(target_ids, batch)
    return len(batch.rounds)


@transaction.atomic
def recompute_chunk(*, target_ids: Sequence[int], table: RateTable, graph: circularity.Graph) -> int:
    """One chunk of a full recompute: what ``recompute_targets`` stores, with the job's shared graph."""
    count = recompute_figures_fast(target_ids=target_ids, table=table)
    circularity.recompute_circularity(target_ids=list(target_ids), graph=graph, table=table)
    return count
