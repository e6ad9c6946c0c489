"""Stage 1: recompute the stored figures of a set of targets — round figures, stakes and positions.

One path for every caller (a dirty batch, ``--target``, a chunk of the full job): the targets' rounds,
participations and conditions are read with three plain queries into light rows, the pure engine computes
the rows to store, and they are written with ``COPY`` into temporary tables followed by one
``INSERT … ON CONFLICT DO UPDATE`` per table and one set-based delete of stale positions. No model instances
are built on the way in or out: at a million rounds building and saving them cost more than the engine.

Idempotent: running it twice leaves the same rows apart from ``computed_at``. Figures are converted into the
reporting currency at the latest rate on or before each round's date (the price per share too, before it is
multiplied by the shares); a missing rate leaves the converted figure empty with a warning, never a rate of 1.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from deals.engine.estimates import Estimate
from deals.engine.fx import Converter, RateTable
from deals.engine.valuation import (
    ConditionIn,
    ParticipationIn,
    RoundIn,
    RoundOut,
    compute_position_views,
    compute_round,
)
from deals.models import ParticipationFigures, Position, RoundFigures
from deals.models.estimates import column_names, currency_of, fitted_columns, from_columns
from deals.models.rounds import ROUND_DATE_COLUMNS, round_date
from deals.pipeline import circularity, copying
from deals.pipeline.rates import rate_table

__all__ = [
    "Batch",
    "compute",
    "load",
    "rate_table",
    "recompute_chunk",
    "recompute_figures",
    "recompute_targets",
    "write",
]

#: The columns of participation figures that belong to the circular-flow analysis, which runs next.
CIRCULAR_COLUMNS = ("related_party", "related_party_reasons", "cycles_truncated")

_ESTIMATES = ("amount", "pre_money_valuation", "post_money_valuation")
_ROUNDS_SQL = f"""
SELECT id, target_id, round_type, status, {", ".join(ROUND_DATE_COLUMNS)}, price_per_share, shares_outstanding_pre,
       {", ".join(column for name in _ESTIMATES for column in column_names(name))}
FROM deals_fundinground WHERE target_id = ANY(%s) ORDER BY target_id, id
"""
_PARTICIPATIONS_SQL = f"""
SELECT p.id, p.round_id, p.investor_id, p.status, p.instrument, {", ".join(f"p.{c}" for c in column_names("amount"))}
FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id
WHERE r.target_id = ANY(%s) ORDER BY p.id
"""
_CONDITIONS_SQL = """
SELECT c.participation_id, c.id, c.kind, c.description, c.status
FROM deals_condition c JOIN deals_participation p ON p.id = c.participation_id
JOIN deals_fundinground r ON r.id = p.round_id
WHERE r.target_id = ANY(%s) ORDER BY c.id
"""


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A round's inputs as the recompute reads them."""

    pk: int
    target_id: int
    round_type: str
    status: str
    date: datetime.date | None
    amount: Estimate | None
    pre_money_valuation: Estimate | None
    post_money_valuation: Estimate | None
    price_per_share: Decimal | None
    shares_outstanding_pre: Decimal | None

    @property
    def currency(self) -> str | None:
        return currency_of(self.amount, self.post_money_valuation, self.pre_money_valuation)


@dataclass(frozen=True, slots=True)
class ParticipationRow:
    pk: int
    investor_id: int
    status: str
    instrument: str
    amount: Estimate | None
    conditions: tuple[ConditionIn, ...] = ()


Loaded = dict[int, list[tuple[RoundRow, list[ParticipationRow]]]]


def load(target_ids: Sequence[int]) -> Loaded:
    """The rounds of ``target_ids`` by target, in target and id order, each with its participations by id."""
    ids = list(target_ids)
    conditions: dict[int, list[ConditionIn]] = defaultdict(list)
    participations: dict[int, list[ParticipationRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_CONDITIONS_SQL, [ids])
        for participation_id, *condition in cursor.fetchall():
            conditions[participation_id].append(ConditionIn(*condition))
        cursor.execute(_PARTICIPATIONS_SQL, [ids])
        for pk, round_id, investor_id, status, instrument, *amount in cursor.fetchall():
            row = ParticipationRow(
                pk, investor_id, status, instrument, from_columns(*amount), tuple(conditions.pop(pk, ()))
            )
            participations[round_id].append(row)
        cursor.execute(_ROUNDS_SQL, [ids])
        rows = cursor.fetchall()
    by_target: Loaded = defaultdict(list)
    for pk, target_id, round_type, status, closed_on, announced_on, reported_on, price, shares, *figures in rows:
        amount, pre, post = (from_columns(*figures[i : i + 5]) for i in range(0, 15, 5))
        round_ = RoundRow(
            pk,
            target_id,
            round_type,
            status,
            round_date(closed_on, announced_on, reported_on),
            amount,
            pre,
            post,
            price,
            shares,
        )
        by_target[target_id].append((round_, participations.pop(pk, [])))
    return by_target


def _round_input(round_: RoundRow, participations: Sequence[ParticipationRow], converter: Converter) -> RoundIn:
    """The engine's input for ``round_`` with every figure in the converter's currency."""
    on, to = round_.date, converter.to
    price = None
    if round_.price_per_share is not None and round_.currency is not None:
        price_estimate = to(Estimate.exact(round_.price_per_share, round_.currency), on)
        price = price_estimate.value if price_estimate is not None else None
    return RoundIn(
        id=round_.pk,
        target_id=round_.target_id,
        status=round_.status,
        date=on,
        amount=to(round_.amount, on),
        pre_money=to(round_.pre_money_valuation, on),
        post_money=to(round_.post_money_valuation, on),
        currency=converter.currency,
        participations=[
            ParticipationIn(p.pk, p.investor_id, to(p.amount, on), p.status, p.instrument, p.conditions)
            for p in participations
        ],
        price_per_share=price,
        shares_outstanding_pre=round_.shares_outstanding_pre,
        round_type=round_.round_type,
    )


def _estimate_columns(*estimates: tuple[str, bool]) -> tuple[str, ...]:
    return tuple(column for name, ratio in estimates for column in column_names(name, ratio=ratio))


# The rows a recompute writes are tuples in these column orders (checked against the models when written).
ROUND_COLUMNS = (
    *_estimate_columns(("pre_money", False), ("post_money", False)),
    *_estimate_columns(("amount_reporting", False), ("post_money_reporting", False)),
    "round_id",
    "pro_forma",
    "counted",
    "warnings",
    "computed_at",
    "fx_rate",
    "fx_rate_date",
)
PARTICIPATION_COLUMNS = (
    *_estimate_columns(("stake", True), ("amount_reporting", False)),
    "participation_id",
    "computed_at",
    "related_party",
    "related_party_reasons",
    "cycles_truncated",
    "pending_conditions",
)
POSITION_COLUMNS = (
    *_estimate_columns(("stake", True), ("cost", False), ("mark_value", False), ("moic", True), ("step_up", True)),
    "investor_id",
    "target_id",
    "pro_forma",
    "as_of_round_id",
    "computed_at",
)
_NO_REASONS = Jsonb([])


class Batch:
    """The rows one recompute writes, as tuples of column values in the orders above."""

    def __init__(self) -> None:
        self.rounds: list[tuple[Any, ...]] = []
        self.participations: list[tuple[Any, ...]] = []
        self.positions: list[tuple[Any, ...]] = []


def _conditions_data(conditions: Sequence[ConditionIn]) -> list[dict[str, Any]]:
    return [{"id": c.id, "kind": c.kind, "description": c.description} for c in conditions]


def figures_of_round(
    round_: RoundRow, participations: Sequence[ParticipationRow], table: RateTable, batch: Batch, now: Any
) -> tuple[RoundIn, RoundOut | None]:
    """Compute one round in its own currency and queue its rows; return its input in the reporting currency,
    with its result when that is the same computation (the round is in the reporting currency already)."""
    reporting = settings.REPORTING_CURRENCY
    native = Converter(table, round_.currency)
    own = _round_input(round_, participations, native)
    out = compute_round(own)
    to_reporting = Converter(table, reporting)
    on = round_.date
    amount_reporting = to_reporting.to(out.amount, on)
    post_reporting = to_reporting.to(out.post_money, on)
    rate = to_reporting.rate
    batch.rounds.append(
        (
            *fitted_columns(out.pre_money),
            *fitted_columns(out.post_money),
            *fitted_columns(amount_reporting),
            *fitted_columns(post_reporting),
            round_.pk,
            out.pro_forma,
            out.counted,
            Jsonb([*out.warnings, *native.warnings, *to_reporting.warnings]),
            now,
            rate.rate if rate else None,
            rate.date if rate else None,
        )
    )
    stakes, conditional = out.stakes, out.conditional
    for p in own.participations:
        batch.participations.append(
            (
                *fitted_columns(stakes.get(p.id), ratio=True),
                *fitted_columns(to_reporting.to(p.amount, on)),
                p.id,
                now,
                False,
                _NO_REASONS,
                False,
                Jsonb(_conditions_data(conditional.get(p.id, ()))),
            )
        )
    if round_.currency == reporting:  # the same input, so the same result: computed once
        return own, out
    return _round_input(round_, participations, Converter(table, reporting)), None


def positions_of_target(
    target_id: int, rounds: Sequence[tuple[RoundIn, RoundOut | None]], batch: Batch, now: Any
) -> None:
    outs = {r.id: out for r, out in rounds if out is not None}
    views = compute_position_views([r for r, _ in rounds], outs=outs)
    for pro_forma, positions in zip((False, True), views, strict=True):
        for p in positions:
            batch.positions.append(
                (
                    *fitted_columns(p.stake, ratio=True),
                    *fitted_columns(p.cost),
                    *fitted_columns(p.mark_value),
                    *fitted_columns(p.moic, ratio=True),
                    *fitted_columns(p.step_up, ratio=True),
                    p.investor_id,
                    target_id,
                    pro_forma,
                    p.as_of_round_id,
                    now,
                )
            )


def compute(by_target: Mapping[int, Sequence[tuple[RoundRow, Sequence[ParticipationRow]]]], table: RateTable) -> Batch:
    """The rows to write for targets' rounds with their participations."""
    now = timezone.now()
    batch = Batch()
    for target_id, rounds in by_target.items():
        in_reporting = [
            figures_of_round(round_, participations, table, batch, now) for round_, participations in rounds
        ]
        positions_of_target(target_id, in_reporting, batch, now)
    return batch


def _copy(cursor: Any, model: Any, names: Sequence[str], rows: list[tuple[Any, ...]]) -> str:
    """COPY ``rows`` into an emptied temporary table shaped like ``model``'s; return its name."""
    table = model._meta.db_table
    temporary, names = f"recompute_{table}", copying.layout(model, names)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {temporary} AS SELECT {', '.join(names)} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {temporary}")
    copying.copy_tuples(cursor, temporary, names, rows)
    return temporary


def _upsert(
    cursor: Any, model: Any, temporary: str, columns: Sequence[str], conflict: list[str], keep: Sequence[str] = ()
) -> int:
    """Insert new rows and update the rows whose stored figures differ; return how many rows were written.

    A row whose figures are unchanged is not touched at all (``computed_at`` included): a rerun over
    unchanged inputs writes nothing, so it leaves no dead tuples, no WAL and the API's data version alone."""
    names = ", ".join(columns)
    compared = [c for c in columns if c not in conflict and c not in keep and c != "computed_at"]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in conflict and c not in keep)
    table = model._meta.db_table
    stored_row = ", ".join(f"{table}.{c}" for c in compared)
    differs = f"({stored_row}) IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)})"
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {temporary} "
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates} WHERE {differs}"
    )
    return int(cursor.rowcount)


def write(target_ids: Sequence[int], batch: Batch) -> int:
    """Store ``batch``: insert new rows, update changed ones, delete the targets' positions it no longer has;
    return the number of rows inserted, updated or deleted (0 when nothing changed).

    The related-party and cycle columns of existing participation figures are left alone: they belong to the
    circular-flow analysis."""
    with connection.cursor() as cursor:
        temporary = _copy(cursor, RoundFigures, ROUND_COLUMNS, batch.rounds)
        written = _upsert(cursor, RoundFigures, temporary, ROUND_COLUMNS, ["round_id"])
        temporary = _copy(cursor, ParticipationFigures, PARTICIPATION_COLUMNS, batch.participations)
        written += _upsert(
            cursor, ParticipationFigures, temporary, PARTICIPATION_COLUMNS, ["participation_id"], keep=CIRCULAR_COLUMNS
        )
        temporary = _copy(cursor, Position, POSITION_COLUMNS, batch.positions)
        cursor.execute(
            f"DELETE FROM deals_position p WHERE p.target_id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM {temporary} t "
            "WHERE t.investor_id = p.investor_id AND t.target_id = p.target_id AND t.pro_forma = p.pro_forma)",
            [list(target_ids)],
        )
        written += int(cursor.rowcount)
        written += _upsert(cursor, Position, temporary, POSITION_COLUMNS, ["investor_id", "target_id", "pro_forma"])
    return written


@transaction.atomic
def recompute_figures(*, target_ids: Sequence[int], table: RateTable | None = None) -> int:
    """Recompute the round figures, stakes and positions of ``target_ids``; return the number of rounds."""
    return recompute_figures_written(target_ids=target_ids, table=table)[0]


@transaction.atomic
def recompute_figures_written(*, target_ids: Sequence[int], table: RateTable | None = None) -> tuple[int, int]:
    """:func:`recompute_figures`, returning (rounds computed, rows inserted, updated or deleted)."""
    batch = compute(load(target_ids), table or rate_table())
    return len(batch.rounds), write(target_ids, batch)


@transaction.atomic
def recompute_targets(*, target_ids: Sequence[int], table: RateTable | None = None) -> int:
    """Recompute everything stored for ``target_ids``, the circular-flow flags included; return the rounds."""
    circularity.lock_targets(target_ids)  # before the figures' rows are written (see lock_targets)
    count = recompute_figures(target_ids=target_ids, table=table)
    circularity.recompute_circularity(target_ids=list(target_ids), table=table)
    return count


@transaction.atomic
def recompute_chunk(*, target_ids: Sequence[int], table: RateTable, graph: circularity.Graph) -> int:
    """One chunk of a full recompute: what :func:`recompute_targets` stores, with the job's shared graph;
    return the number of figure rows written (inserted, updated or deleted)."""
    circularity.lock_targets(target_ids)  # before the figures' rows are written (see lock_targets)
    _rounds, written = recompute_figures_written(target_ids=target_ids, table=table)
    circularity.recompute_circularity(target_ids=list(target_ids), graph=graph, table=table)
    return written
