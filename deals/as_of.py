"""What Dealtracker showed at a moment: a page of rounds as believed then, from the audit history.

Every write to a round, a participation and a claim leaves a row in its event table (``@audited``), so the
state at a moment is each record's last event before it. The columns of the rounds, their participations and
their claims are read from there (one query each for a whole page), and the figures are computed by the same
pure engine as the recompute (:mod:`deals.engine.valuation`) on those inputs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from deals.choices import PENDING_STATUSES
from deals.engine.fx import Converter
from deals.engine.valuation import compute_round
from deals.models import Claim, Source
from deals.models.estimates import column_names, currency_of, fit, from_columns, read_columns
from deals.models.rounds import ROUND_DATE_COLUMNS, round_date
from deals.pipeline import recompute

#: The round columns an event row restores (the computed figures and the row version are not audited).
ROUND_COLUMNS = (
    "target_id",
    "round_type",
    "status",
    *(c for name in ROUND_DATE_COLUMNS for c in (name, f"{name}_precision")),
    *(c for name in ("amount", "pre_money_valuation", "post_money_valuation") for c in column_names(name)),
    "price_per_share",
    "shares_outstanding_pre",
    "notes",
    "ref",
)
PARTICIPATION_COLUMNS = ("id", "round_id", "investor_id", "is_lead", "status", *column_names("amount"), "instrument")
CLAIM_COLUMNS = tuple(f.attname for f in Claim._meta.concrete_fields if f.attname not in {"version"})


def parse_moment(text: str) -> datetime.datetime | None:
    """``YYYY-MM-DD`` (the end of that day, in the site's time zone) or an ISO 8601 time; None if neither."""
    day = parse_date(text) if len(text) == 10 else None
    if day is not None:
        start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start)
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _latest(model: str, when: datetime.datetime, **where: Any) -> QuerySet[Any, dict[str, Any]]:
    """Each tracked row's last event before ``when`` (one query: DISTINCT ON the tracked row)."""
    events = apps.get_model("deals", f"{model}Event").objects
    return (
        events.filter(pgh_created_at__lt=when, **where)
        .order_by("pgh_obj_id", "-pgh_created_at", "-pgh_id")
        .distinct("pgh_obj_id")
    )


def _untracked(model: str, ids: Iterable[int]) -> set[int]:
    """Which of these rows have no history at all: written where the audit triggers did not run (a bulk load
    with triggers off); for them the current row is the best knowledge there is."""
    events = apps.get_model("deals", f"{model}Event").objects
    ids = set(ids)
    return ids - set(events.filter(pgh_obj_id__in=ids).values_list("pgh_obj_id", flat=True).distinct())


def round_rows(rows: list[dict[str, Any]], when: datetime.datetime) -> list[dict[str, Any]]:
    """The rows (as :func:`deals.selectors.round_rows` reads them) with each round's columns as they were at
    ``when``; a round that did not exist then is left out, a round without any history is as it is now."""
    ids = [row["id"] for row in rows]
    events = {e["pgh_obj_id"]: e for e in _latest("FundingRound", when, pgh_obj_id__in=ids).values()}
    untracked = _untracked("FundingRound", set(ids) - set(events)) if len(events) < len(ids) else set()
    out = []
    for row in rows:
        event = events.get(row["id"])
        if row["id"] in untracked:
            out.append(row)
        elif event is not None and event["pgh_label"] != "delete":
            out.append({**row, **{column: event[column] for column in ROUND_COLUMNS}})
    return out


def participations(round_ids: list[int], when: datetime.datetime) -> list[tuple[Any, ...]]:
    """The participations of these rounds at ``when``, as :func:`deals.selectors.round_row_relations` gives
    them, with the instrument last (one without any history as it is now)."""
    from deals.models import Participation

    events = _latest("Participation", when, round_id__in=round_ids).values("pgh_label", *PARTICIPATION_COLUMNS)
    rows = [tuple(e[c] for c in PARTICIPATION_COLUMNS) for e in events if e["pgh_label"] != "delete"]
    tracked = apps.get_model("deals", "ParticipationEvent").objects.filter(round_id__in=round_ids)
    current = Participation.objects.filter(round_id__in=round_ids).exclude(pk__in=tracked.values("pgh_obj_id"))
    rows += [tuple(row) for row in current.values_list(*PARTICIPATION_COLUMNS)]
    return sorted(rows)


def claims_of(target: str, ids: Iterable[int], when: datetime.datetime) -> dict[int, dict[str, list[Claim]]]:
    """:func:`deals.claims.claims_of` at ``when``: the claims as they stood then, their editors' choices too."""
    events = [
        e
        for e in _latest("Claim", when, **{f"{target}_id__in": list(ids)}).values("pgh_label", *CLAIM_COLUMNS)
        if e["pgh_label"] != "delete"
    ]
    sources = Source.objects.in_bulk({e["source_id"] for e in events if e["source_id"]})
    grouped: dict[int, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for event in sorted(events, key=lambda e: e["id"]):
        claim = Claim(**{c: event[c] for c in CLAIM_COLUMNS})
        claim.source = sources.get(event["source_id"]) if event["source_id"] else None
        grouped[event[f"{target}_id"]][claim.field].append(claim)
    return grouped


def computed(row: dict[str, Any], participations: list[tuple[Any, ...]], table: Any) -> dict[str, Any]:
    """A round's ``computed`` at that moment: the engine's figures on its inputs then, in its own currency."""
    amount, pre, post = (read_columns(row, name) for name in ("amount", "pre_money_valuation", "post_money_valuation"))
    on = round_date(*(row[column] for column in ROUND_DATE_COLUMNS))
    round_row = recompute.RoundRow(
        row["id"],
        row["target_id"],
        row["round_type"],
        row["status"],
        on,
        amount,
        pre,
        post,
        row["price_per_share"],
        row["shares_outstanding_pre"],
    )
    parts = [recompute.ParticipationRow(p[0], p[2], p[4], p[-1], from_columns(*p[5:10])) for p in participations]
    native = Converter(table, currency_of(amount, post, pre))
    out = compute_round(recompute._round_input(round_row, parts, native))  # noqa: SLF001 (the recompute's own input)

    def figure(value: Any) -> dict[str, Any] | None:
        fitted = fit(value)
        return fitted.to_dict() if fitted is not None else None

    return {
        "pre_money": figure(out.pre_money),
        "post_money": figure(out.post_money),
        "pro_forma": row["status"] in PENDING_STATUSES,
        "computed_at": None,
        "stale": False,
        "related_party_pending": False,
        "warnings": [*out.warnings, *native.warnings],
    }
