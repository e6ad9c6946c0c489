"""Recompute the stored figures of a set of targets: round figures, stakes and positions.

Reads every input of the targets in a fixed number of queries, runs the pure engine, and writes the results
with bulk upserts (no per-row save). Idempotent: running it twice leaves the same rows apart from
``computed_at``. Figures are converted into the reporting currency at the latest rate on or before each
round's date; a missing rate leaves the converted figure empty with a warning, never a rate of 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from deals import circularity
from deals.engine.estimates import Estimate
from deals.engine.fx import Rate, RateTable, convert
from deals.engine.valuation import ParticipationIn, RoundIn, compute_positions, compute_round, fingerprint
from deals.models import FundingRound, FxRate, Participation, ParticipationFigures, Position, RoundFigures
from deals.models.estimates import MONEY_DIGITS, MONEY_PLACES, PARTS, RATIO_DIGITS, RATIO_PLACES

#: The columns of participation figures that belong to the circular-flow analysis, which runs next.
CIRCULAR_COLUMNS = ("related_party", "related_party_reasons", "cycles_truncated")
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
RATIO_LIMIT = Decimal(10) ** (RATIO_DIGITS - RATIO_PLACES)


def rate_table() -> RateTable:
    rows = FxRate.objects.values_list("date", "base", "quote", "rate")
    return RateTable(Rate(*row) for row in rows)


def _fit(estimate: Estimate | None, *, ratio: bool) -> Estimate | None:
    """Round outward to storage precision; a figure too large for its column is stored as unknown."""
    if estimate is None:
        return None
    places, limit = (RATIO_PLACES, RATIO_LIMIT) if ratio else (MONEY_PLACES, MONEY_LIMIT)
    fitted = estimate.quantized(places)
    for x in (fitted.value, fitted.low, fitted.high):
        if x is not None and x >= limit:
            return Estimate.undisclosed(estimate.currency)
    return fitted


_NAMES: dict[tuple[str, bool], tuple[str, ...]] = {}


def _columns(name: str, estimate: Estimate | None, *, ratio: bool = False) -> dict[str, Any]:
    names = _NAMES.get((name, ratio))
    if names is None:
        names = _NAMES.setdefault((name, ratio), tuple(f"{name}_{part}" for part in (PARTS[:4] if ratio else PARTS)))
    fitted = _fit(estimate, ratio=ratio)
    if fitted is None:
        return dict.fromkeys(names)
    values = (fitted.value, fitted.low, fitted.high, str(fitted.qualifier), fitted.currency)
    return dict(zip(names, values, strict=False))


class _Converter:
    """Converts a round's figures into one currency at the round's date, collecting warnings."""

    def __init__(self, table: RateTable, round_: FundingRound) -> None:
        self.table, self.date = table, round_.date
        self.warnings: list[str] = []
        self.rate: Rate | None = None

    def to(self, estimate: Estimate | None, currency: str | None) -> Estimate | None:
        if estimate is None or currency is None or estimate.currency in (None, currency):
            return estimate
        result = convert(estimate, currency, self.date, self.table)
        if result.warning:
            self.warnings.append(result.warning)
        elif result.rate is not None and result.rate_date is not None:
            self.rate = Rate(result.rate_date, str(estimate.currency), currency, result.rate)
        return result.estimate


def _round_input(round_: Any, participations: Iterable[Any], converter: _Converter, currency: str | None) -> RoundIn:
    """The engine's input for ``round_`` (a FundingRound or a raw row with the same attributes)."""
    return RoundIn(
        id=round_.pk, target_id=round_.target_id, status=round_.status, date=round_.date,
        amount=converter.to(round_.amount, currency), pre_money=converter.to(round_.pre_money_valuation, currency),
        post_money=converter.to(round_.post_money_valuation, currency), currency=currency,
        participations=[ParticipationIn(p.pk, p.investor_id, converter.to(p.amount, currency), p.status)
                        for p in participations],
        price_per_share=round_.price_per_share, shares_outstanding_pre=round_.shares_outstanding_pre,
    )  # fmt: skip


def _load(target_ids: Sequence[int]) -> dict[int, list[tuple[FundingRound, list[Participation]]]]:
    rounds = (
        FundingRound.objects.filter(target_id__in=target_ids)
        .prefetch_related(Prefetch("participations", queryset=Participation.objects.order_by("id")))
        .order_by("target_id", "id")
    )
    by_target: dict[int, list[tuple[FundingRound, list[Participation]]]] = defaultdict(list)
    for round_ in rounds:
        by_target[round_.target_id].append((round_, list(round_.participations.all())))
    return by_target


class Batch:
    """The rows one recompute writes, as column values by attribute name (written by ORM upserts or COPY)."""

    def __init__(self) -> None:
        self.rounds: list[dict[str, Any]] = []
        self.participations: list[dict[str, Any]] = []
        self.positions: list[dict[str, Any]] = []


def figures_of_round(round_: Any, participations: Sequence[Any], table: RateTable, batch: Batch, now: Any) -> RoundIn:
    """Compute one round in its own currency and queue its rows; return its input in the reporting currency.

    ``round_`` and ``participations`` are model instances or raw rows with the same attributes: every path
    that stores figures goes through here, so there is one definition of what is stored."""
    reporting = settings.REPORTING_CURRENCY
    native = _Converter(table, round_)
    own = _round_input(round_, participations, native, round_.currency)
    out = compute_round(own)
    to_reporting = _Converter(table, round_)
    inputs = fingerprint(own)  # once per round: every participation's row carries the round's fingerprint
    amount_reporting = to_reporting.to(out.amount, reporting)
    post_reporting = to_reporting.to(out.post_money, reporting)
    rate = to_reporting.rate
    batch.rounds.append(dict(
        round_id=round_.pk, pro_forma=out.pro_forma, counted=out.counted,
        warnings=[*out.warnings, *native.warnings, *dict.fromkeys(to_reporting.warnings)],
        fingerprint=inputs, computed_at=now, fx_rate=rate.rate if rate else None,
        fx_rate_date=rate.date if rate else None,
        **_columns("pre_money", out.pre_money), **_columns("post_money", out.post_money),
        **_columns("amount_reporting", amount_reporting), **_columns("post_money_reporting", post_reporting),
    ))  # fmt: skip
    for p in own.participations:
        batch.participations.append(dict(
            participation_id=p.id, fingerprint=inputs, computed_at=now, related_party=False, related_party_reasons=[],
            cycles_truncated=False,
            **_columns("stake", out.stakes.get(p.id), ratio=True),
            **_columns("amount_reporting", to_reporting.to(p.amount, reporting)),
        ))  # fmt: skip
    return _round_input(round_, participations, _Converter(table, round_), reporting)


def positions_of_target(target_id: int, rounds: list[RoundIn], batch: Batch, now: Any) -> None:
    for pro_forma in (False, True):
        for p in compute_positions(rounds, include_pro_forma=pro_forma):
            batch.positions.append(dict(
                investor_id=p.investor_id, target_id=target_id, pro_forma=pro_forma, as_of_round_id=p.as_of_round_id,
                computed_at=now, **_columns("stake", p.stake, ratio=True), **_columns("cost", p.cost),
                **_columns("mark_value", p.mark_value), **_columns("moic", p.moic, ratio=True),
                **_columns("step_up", p.step_up, ratio=True),
            ))  # fmt: skip


def compute(by_target: Mapping[int, Sequence[tuple[Any, Sequence[Any]]]], table: RateTable) -> Batch:
    """The rows to write for targets' rounds with their participations, however they were read."""
    now = timezone.now()
    batch = Batch()
    for target_id, rounds in by_target.items():
        in_reporting = [
            figures_of_round(round_, participations, table, batch, now) for round_, participations in rounds
        ]
        positions_of_target(target_id, in_reporting, batch, now)
    return batch


def _update_fields(model: Any, keys: Iterable[str]) -> list[str]:
    skip = set(keys)
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip and not f.primary_key]


def _write(target_ids: Sequence[int], batch: Batch) -> None:
    RoundFigures.objects.bulk_create([RoundFigures(**row) for row in batch.rounds], update_conflicts=True,
                                     unique_fields=["round"],
                                     update_fields=_update_fields(RoundFigures, ["round_id"]))  # fmt: skip
    participation_fields = _update_fields(ParticipationFigures, ["participation_id", *CIRCULAR_COLUMNS])
    ParticipationFigures.objects.bulk_create(
        [ParticipationFigures(**row) for row in batch.participations],
        update_conflicts=True,
        unique_fields=["participation"],
        update_fields=participation_fields,
    )
    keep = {(p["investor_id"], p["target_id"], p["pro_forma"]) for p in batch.positions}
    stale = Position.objects.filter(target_id__in=target_ids).values_list("pk", "investor_id", "target_id", "pro_forma")
    Position.objects.filter(pk__in=[pk for pk, *key in stale if tuple(key) not in keep]).delete()
    Position.objects.bulk_create(
        [Position(**row) for row in batch.positions],
        update_conflicts=True,
        unique_fields=["investor", "target", "pro_forma"],
        update_fields=_update_fields(Position, ["investor_id", "target_id", "pro_forma"]),
    )


@transaction.atomic
def recompute_figures(*, target_ids: Sequence[int], table: RateTable | None = None) -> int:
    """Recompute the round figures, stakes and positions of ``target_ids``; return the number of rounds."""
    batch = compute(_load(target_ids), table or rate_table())
    _write(list(target_ids), batch)
    return len(batch.rounds)


@transaction.atomic
def recompute_targets(*, target_ids: Sequence[int], table: RateTable | None = None) -> int:
    """Recompute everything stored for ``target_ids``, the circular-flow flags included; return the rounds."""
    count = recompute_figures(target_ids=target_ids, table=table)
    circularity.recompute_circularity(target_ids=list(target_ids))
    return count
