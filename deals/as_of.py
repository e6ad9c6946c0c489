"""What Dealtracker showed at a moment: a page of rounds, participations or organizations as believed then,
from the audit history.

Every write to a round, a participation, a condition, a citation, a claim and an organization leaves a row in
its event table (``@audited``), so the state at a moment is each record's last event before it. The columns of
the records, their participations, conditions, sources and claims are read from there (one query each for a
whole page), and the figures are computed by the same pure engine as the recompute
(:mod:`deals.engine.valuation`) on those inputs. A record without any history at all (bulk-loaded with the
audit triggers off) is taken as it is now: that is the best knowledge there is.

The exchange rates the figures are converted with are those of then too (:func:`rates_then`: each rate's last
event before the moment), so a rate corrected later does not change an answer about the past.

Not in the history, so as they are now: the related-party flags of participations (the circular-flow analysis,
which runs over the whole graph and keeps no history of its own).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from deals import messages
from deals.choices import PENDING_STATUSES
from deals.engine.fx import Converter, Rate, RateTable
from deals.engine.valuation import ConditionIn, compute_round
from deals.models import (
    Claim,
    Condition,
    FundingRound,
    FxRate,
    Organization,
    Participation,
    ParticipationFigures,
    Position,
    Source,
)
from deals.models.audit import VERSION_FIELD
from deals.models.estimates import as_columns, column_names, fit, from_columns, read_columns
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
M = TypeVar("M", bound=Model)
CLAIM_COLUMNS = tuple(f.attname for f in Claim._meta.concrete_fields if f.attname not in {"version"})
CONDITION_COLUMNS = ("id", "participation_id", "kind", "description", "counterparty_id", "status")


def _tracked_columns(model: Any) -> tuple[str, ...]:
    """The columns of ``model`` its event rows keep (all but the row version)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname != VERSION_FIELD)


def parse_moment(text: str) -> datetime.datetime | None:
    """``YYYY-MM-DD`` (the end of that day, in the site's time zone) or an ISO 8601 time; None if neither."""
    try:
        day = parse_date(text) if len(text) == 10 else None
    except ValueError:  # well formed but no such day: 2026-02-30
        return None
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


def rates_then(when: datetime.datetime) -> RateTable:
    """The exchange rates as they were recorded at ``when`` (the table every figure of then converts with): each
    rate's last event before then, rates entered later or deleted by then left out, and the rates without any
    history (bulk-loaded with the audit triggers off) as they are now.

    Rates change rarely, and reading and indexing the 1,908 rates of the 1M-round data took 15-30 ms of every
    as-of request that converts: the last 16 tables are kept in this process (:func:`_kept_rates_then`), under
    the moment and the state of the rates (:func:`_rates_state`, one query), which any rate written since, with
    or without its history, changes; a table is never stale, only unused."""
    return _kept_rates_then(when, _rates_state())


@functools.lru_cache(maxsize=16)  # a date's moment is the end of that day, so moments repeat
def _kept_rates_then(when: datetime.datetime, state: tuple[Any, ...]) -> RateTable:
    """:func:`_read_rates_then`, kept by ``state`` as well as the moment: a new state is a new entry."""
    return _read_rates_then(when)


def _read_rates_then(when: datetime.datetime) -> RateTable:
    """:func:`rates_then` read from the database: two queries, read as plain values (model instances of a few
    thousand rates cost more than the rest of a page)."""
    columns = ("date", "base", "quote", "rate")
    then = [e[1:] for e in _latest("FxRate", when).values_list("pgh_label", *columns) if e[0] != "delete"]
    tracked = apps.get_model("deals", "FxRateEvent").objects.values("pgh_obj_id")
    now = FxRate.objects.order_by().exclude(pk__in=tracked).values_list(*columns)
    return RateTable(Rate(*row) for row in [*then, *now])


def _rates_state() -> tuple[Any, ...]:
    """What the rates of any moment follow from: the newest rate event and the number of them (an edit through
    the audit triggers, or history removed), the number of rates and the newest rate's id (rows loaded with the
    triggers off, which leave no event). One query over two small tables' indexes."""
    events = apps.get_model("deals", "FxRateEvent")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(pgh_id) FROM {events}), (SELECT count(*) FROM {events}), "  # noqa: S608 (table names)
            f"(SELECT max(id) FROM {FxRate._meta.db_table}), (SELECT count(*) FROM {FxRate._meta.db_table})"
        )
        row = cursor.fetchone()
    database = connection.settings_dict["NAME"]  # ids of another database say nothing of this one's rates
    return (database, *row) if row is not None else (database,)


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


def _states(model: str, ids: Iterable[int], when: datetime.datetime) -> tuple[dict[int, dict[str, Any]], set[int]]:
    """Each of these rows' last event before ``when``, by id (none for a row created later or deleted by then),
    and which of them have no history at all."""
    ids = list(ids)
    events = {e["pgh_obj_id"]: e for e in _latest(model, when, pgh_obj_id__in=ids).values()}
    untracked = _untracked(model, set(ids) - set(events)) if len(events) < len(ids) else set()
    return {pk: e for pk, e in events.items() if e["pgh_label"] != "delete"}, untracked


def _children(
    model: str, parent: str, ids: Iterable[int], when: datetime.datetime, columns: Iterable[str]
) -> list[dict[str, Any]]:
    """The rows of ``model`` whose column ``parent`` held one of ``ids`` at ``when``, as dicts of ``columns``:
    each row's last event before then (rows deleted by then left out), and the rows without any history as
    they are now. Two queries, whatever the number of ids."""
    ids, columns = list(ids), list(columns)
    if not ids:
        return []
    events = apps.get_model("deals", f"{model}Event").objects
    once = events.filter(pgh_created_at__lt=when, **{f"{parent}__in": ids}).values("pgh_obj_id")
    wanted = set(ids)
    then = [
        {c: e[c] for c in columns}
        for e in _latest(model, when, pgh_obj_id__in=once).values(*dict.fromkeys(("pgh_label", parent, *columns)))
        if e["pgh_label"] != "delete" and e[parent] in wanted  # a row moved elsewhere since is not theirs
    ]
    untracked = (
        apps.get_model("deals", model)
        .objects.filter(**{f"{parent}__in": ids})
        .exclude(Exists(events.filter(pgh_obj_id=OuterRef("pk"))))
        .order_by()
    )
    return then + list(untracked.values(*columns))


def _round_columns(rows: list[dict[str, Any]], when: datetime.datetime) -> list[dict[str, Any]]:
    """``rows`` (each with the round's ``id``) with the round's :data:`ROUND_COLUMNS` as they were at ``when``;
    a round that did not exist then is left out, a round without any history is as it is now."""
    events, untracked = _states("FundingRound", [row["id"] for row in rows], when)
    out = []
    for row in rows:
        event = events.get(row["id"])
        if row["id"] in untracked:
            out.append(row)
        elif event is not None:
            out.append({**row, **{column: event[column] for column in ROUND_COLUMNS}})
    return out


def round_rows(rows: list[dict[str, Any]], when: datetime.datetime) -> list[dict[str, Any]]:
    """The rows (as :func:`deals.selectors.round_rows` reads them) with each round's columns and sources as
    they were at ``when``; a round that did not exist then is left out, a round without any history is as it
    is now."""
    out = _round_columns(rows, when)
    sources = sources_of("round", [row["id"] for row in out], when)
    return [{**row, "source_ids": sources.get(row["id"], [])} for row in out]


def participations(round_ids: list[int], when: datetime.datetime) -> list[tuple[Any, ...]]:
    """The participations of these rounds at ``when``, as :func:`deals.selectors.round_row_relations` gives
    them, with the instrument last (one without any history as it is now)."""
    rows = _children("Participation", "round_id", round_ids, when, PARTICIPATION_COLUMNS)
    return sorted(tuple(row[c] for c in PARTICIPATION_COLUMNS) for row in rows)


def conditions(participation_ids: Iterable[int], when: datetime.datetime) -> dict[int, list[Condition]]:
    """The conditions of these participations at ``when``, by participation, in id order (unsaved rows)."""
    grouped: dict[int, list[Condition]] = defaultdict(list)
    rows = _children("Condition", "participation_id", participation_ids, when, CONDITION_COLUMNS)
    for row in sorted(rows, key=lambda r: r["id"]):
        grouped[row["participation_id"]].append(Condition(**row))
    return grouped


def sources_of(target: str, ids: Iterable[int], when: datetime.datetime) -> dict[int, list[int]]:
    """The ids of the sources each record (a ``round``, ``participation``, …) cited at ``when``, in the
    sources' own order (``Source.Meta.ordering``, as the API lists them)."""
    cited = _children("Citation", f"{target}_id", ids, when, (f"{target}_id", "source_id"))
    if not cited:
        return {}
    order = Source.objects.filter(pk__in={c["source_id"] for c in cited}).values_list("pk", flat=True)
    position = {pk: i for i, pk in enumerate(order)}
    grouped: dict[int, list[int]] = defaultdict(list)
    for c in sorted(cited, key=lambda c: position.get(c["source_id"], len(position))):
        grouped[c[f"{target}_id"]].append(c["source_id"])
    return grouped


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


def _inputs(
    row: dict[str, Any], participations: list[tuple[Any, ...]], conditions: dict[int, list[Condition]]
) -> tuple[recompute.RoundRow, list[recompute.ParticipationRow]]:
    """A round's inputs at that moment as the recompute reads them: its columns ``row``, its participations
    (as :func:`participations` gives them) and their conditions then."""
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
    parts = [
        recompute.ParticipationRow(
            p[0],
            p[2],
            p[4],
            p[-1],
            from_columns(*p[5:10]),
            tuple(ConditionIn(c.pk, c.kind, c.description, c.status) for c in conditions.get(p[0], [])),
        )
        for p in participations
    ]
    return round_row, parts


def _engine(
    row: dict[str, Any], participations: list[tuple[Any, ...]], conditions: dict[int, list[Condition]], table: Any
) -> tuple[Any, Converter]:
    """The engine's result for a round at that moment, in its own currency as the recompute computes it, with
    the converter it used."""
    round_row, parts = _inputs(row, participations, conditions)
    native = Converter(table, round_row.currency)
    return compute_round(recompute._round_input(round_row, parts, native)), native  # noqa: SLF001 (its own input)


def positions(target_ids: Iterable[int], when: datetime.datetime) -> list[Position]:
    """The positions in these targets at ``when`` (unsaved rows, factual and pro forma, ``computed_at`` None):
    the rows the recompute (:func:`deals.pipeline.recompute.compute`, the same engine) gives on the rounds,
    participations and conditions of then."""
    rows = _children("FundingRound", "target_id", target_ids, when, ("id", *ROUND_COLUMNS))
    by_round: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for part in participations([row["id"] for row in rows], when):
        by_round[part[1]].append(part)
    conditions_then = conditions([part[0] for parts in by_round.values() for part in parts], when)
    loaded: recompute.Loaded = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["target_id"], r["id"])):  # as the recompute loads them
        loaded[row["target_id"]].append(_inputs(row, by_round[row["id"]], conditions_then))
    batch = recompute.compute(loaded, rates_then(when)) if loaded else recompute.Batch()
    return [
        Position(**{**dict(zip(recompute.POSITION_COLUMNS, p, strict=True)), "computed_at": None})
        for p in batch.positions
    ]


def computed(
    row: dict[str, Any], participations: list[tuple[Any, ...]], conditions: dict[int, list[Condition]], table: Any
) -> dict[str, Any]:
    """A round's ``computed`` at that moment: the engine's figures on its inputs then, in its own currency."""
    out, native = _engine(row, participations, conditions, table)

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
        "warnings": [messages.as_api(w) for w in [*out.warnings, *native.warnings]],  # as the stored ones show
    }


def participations_then(current: list[Participation], when: datetime.datetime) -> list[Participation]:
    """These participations (rows read now, in this order) as the API showed them at ``when``: unsaved copies
    with the columns, the round, the conditions, the sources and the claims of then, and ``figures`` as the
    engine computes them on the round's inputs of then (the stake and the pending conditions; the related-party
    flags are today's). One created later is left out; one without any history keeps its columns of now.
    A fixed number of queries for the whole page."""
    states, untracked = _states("Participation", [p.pk for p in current], when)
    columns = _tracked_columns(Participation)
    kept: list[tuple[Participation, Participation]] = []
    for p in current:
        if p.pk in untracked:
            kept.append((p, p))
        elif p.pk in states:
            then = Participation(**{c: states[p.pk][c] for c in columns}, version=p.version)
            kept.append((then, p))
    round_ids = sorted({then.round_id for then, _ in kept})
    rounds = {
        row["id"]: row
        for row in _round_columns(
            list(FundingRound.objects.filter(pk__in=round_ids).values("id", *ROUND_COLUMNS)), when
        )
    }
    by_round: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for part in participations(list(rounds), when):
        by_round[part[1]].append(part)
    conditions_then = conditions([part[0] for parts in by_round.values() for part in parts], when)
    table = rates_then(when) if rounds else None
    outs = {pk: _engine(row, by_round[pk], conditions_then, table)[0] for pk, row in rounds.items()}
    ids = [then.pk for then, _ in kept]
    sources, claims = sources_of("participation", ids, when), claims_of("participation", ids, when)
    out = []
    for then, now in kept:
        row, result = rounds.get(then.round_id), outs.get(then.round_id)
        if row is not None:
            then.round = FundingRound(id=row["id"], **{c: row[c] for c in ROUND_COLUMNS})
        then.figures = _figures_then(then.pk, result, getattr(now, "figures", None))
        # What participation_queryset() prefetches, as it was then: Django's related managers read it from here.
        then._prefetched_objects_cache = {  # type: ignore[attr-defined]  # noqa: SLF001
            "conditions": conditions_then.get(then.pk, []),
            "sources": [Source(pk=pk) for pk in sources.get(then.pk, [])],
            "claims": sorted((c for cs in claims.get(then.pk, {}).values() for c in cs), key=lambda c: c.pk),
        }
        out.append(then)
    return out


def _figures_then(pk: int, result: Any, now: ParticipationFigures | None) -> ParticipationFigures:
    """A participation's figures from the engine's result for its round then (None: no round then)."""
    stake = result.stakes.get(pk) if result is not None else None
    pending = result.conditional.get(pk, ()) if result is not None else ()
    return ParticipationFigures(
        participation_id=pk,
        **as_columns("stake", stake, ratio=True, fitted=True),
        pending_conditions=recompute._conditions_data(pending),  # noqa: SLF001 (as the recompute stores them)
        # The circular-flow analysis runs over the whole graph and keeps no history: its flags as they are now.
        related_party=bool(now and now.related_party),
        related_party_reasons=list(now.related_party_reasons) if now else [],
        cycles_truncated=bool(now and now.cycles_truncated),
    )


def organizations_then(current: list[Organization], when: datetime.datetime) -> list[Organization]:
    """These organizations (rows read now, in this order) as the API showed them at ``when``: unsaved copies
    with their columns of then and the roles they had then (``is_investor``: a participation of theirs existed,
    ``is_target``: a round of theirs did). One created later is left out; one without any history keeps its
    columns of now. A fixed number of queries for the whole page."""
    ids = [o.pk for o in current]
    states, untracked = _states("Organization", ids, when)
    investors = {r["investor_id"] for r in _children("Participation", "investor_id", ids, when, ("investor_id",))}
    targets = {r["target_id"] for r in _children("FundingRound", "target_id", ids, when, ("target_id",))}
    columns = _tracked_columns(Organization)
    out = []
    for o in current:
        if o.pk in untracked:
            then = o
        elif o.pk in states:
            then = Organization(**{c: states[o.pk][c] for c in columns}, version=o.version)
        else:
            continue
        then.is_investor, then.is_target = then.pk in investors, then.pk in targets  # type: ignore[attr-defined]
        out.append(then)
    return out


#: The most targets a portfolio of a past moment is computed over: each is every round of that target computed
#: again, so a large fund's (thousands of targets) would take minutes of one web process.
PORTFOLIO_TARGETS_LIMIT = 300


class TooManyTargets(Exception):
    """A portfolio of a past moment over more targets than :data:`PORTFOLIO_TARGETS_LIMIT`."""

    def __init__(self, count: int) -> None:
        self.count, self.limit = count, PORTFOLIO_TARGETS_LIMIT
        super().__init__(
            f"A portfolio as of a date is computed for at most {self.limit:,} companies; "
            f"this investor held stakes in {count:,} then."
        )


def organization_positions(
    organization: Organization, when: datetime.datetime, *, as_investor: bool, pro_forma: bool
) -> list[Position]:
    """The organization's portfolio (``as_investor``) or cap table at ``when``, from :func:`positions` on the
    targets it held or was then, in the endpoints' order, with the names of then. A portfolio over more than
    :data:`PORTFOLIO_TARGETS_LIMIT` targets raises :class:`TooManyTargets`."""
    if as_investor:
        rounds = _children("Participation", "investor_id", [organization.pk], when, ("round_id",))
        held = _children("FundingRound", "id", {r["round_id"] for r in rounds}, when, ("target_id",))
        targets = {r["target_id"] for r in held}
        if len(targets) > PORTFOLIO_TARGETS_LIMIT:
            raise TooManyTargets(len(targets))
    else:
        targets = {organization.pk}
    side = "investor_id" if as_investor else "target_id"
    found = [p for p in positions(targets, when) if p.pro_forma == pro_forma and getattr(p, side) == organization.pk]
    ids = {p.investor_id for p in found} | {p.target_id for p in found}
    current = list(Organization.objects.filter(pk__in=ids))
    names = {o.pk: o for o in current} | {o.pk: o for o in organizations_then(current, when)}
    gone, _ = _states("Organization", ids - set(names), when)  # merged into another since: its row of then
    columns = _tracked_columns(Organization)
    names |= {pk: Organization(**{c: event[c] for c in columns}) for pk, event in gone.items()}
    for p in found:
        p.investor = names.get(p.investor_id) or Organization(pk=p.investor_id)  # nothing known of it: no name
        p.target = names.get(p.target_id) or Organization(pk=p.target_id)

    def order(p: Position) -> tuple[bool, Any, str]:  # as the database orders them: DESC puts nulls first
        high, name = (p.mark_value_high, p.target.name) if as_investor else (p.stake_high, p.investor.name)
        return (high is not None, -(high or 0), name)

    return sorted(found, key=order)


# --- The pages: model instances as they stood, so the round page and the deals list render them unchanged ---


def _fields(model: type[Model]) -> list[str]:
    """The columns of ``model`` its event rows keep (every concrete one but the row version)."""
    event = apps.get_model("deals", f"{model.__name__}Event")
    kept = {f.attname for f in event._meta.concrete_fields}
    return [f.attname for f in model._meta.concrete_fields if f.attname != VERSION_FIELD and f.attname in kept]


def _builder(model: type[M], fields: list[str]) -> Callable[[Sequence[Any]], M]:
    """Builds an unsaved ``model`` from a row of ``fields``' values, the others (the row version) at their defaults,
    as ``model(**{field: value, …})`` does, through the model's positional constructor: keywords cost a dict and a
    look-up per field, about half the instances' cost on a page of 50 rounds and their participations."""
    concrete = model._meta.concrete_fields
    at = {name: i for i, name in enumerate(fields)}
    slots = [(at.get(f.attname), f) for f in concrete]

    def build(row: Sequence[Any]) -> M:
        return model(*[f.get_default() if i is None else row[i] for i, f in slots])

    return build


def instances(model: type[M], when: datetime.datetime, **where: Any) -> list[M]:
    """The rows of ``model`` matching ``where`` at ``when``, as unsaved instances of it: each tracked row's last
    event before then (none if that was its delete), and the rows without any history as they are now. Two
    queries, through indexes: ``where`` names foreign keys the model and its event table share
    (``round_id__in=…``), or ``id__in=…`` (the events' ``pgh_obj_id``)."""
    fields = _fields(model)
    on_events = {("pgh_obj_id__in" if key == "id__in" else key): value for key, value in where.items()}
    build = _builder(model, fields)
    rows = [
        build(e)
        for e in _latest(model.__name__, when, **on_events).values_list(*fields, "pgh_label")
        if e[-1] != "delete"
    ]
    tracked = apps.get_model("deals", f"{model.__name__}Event").objects.filter(**on_events).values("pgh_obj_id")
    rows += list(model._default_manager.filter(**where).exclude(pk__in=tracked))
    return rows


def last_known(model: type[M], ids: Iterable[int | None]) -> dict[int, M]:
    """The rows ``ids`` of ``model`` by id as they are now; one deleted since (an organization merged into
    another) as it last was, from its last event (a delete's keeps the columns it had). One query, two if any
    is gone."""
    wanted = {pk for pk in ids if pk is not None}
    found: dict[int, M] = model._default_manager.in_bulk(wanted)
    if len(found) < len(wanted):
        fields = _fields(model)
        ever = timezone.now() + datetime.timedelta(days=1)
        for e in _latest(model.__name__, ever, pgh_obj_id__in=wanted - set(found)).values(*fields):
            found[e["id"]] = model(**{f: e[f] for f in fields})
    return found


def _prefetched(instance: Model, name: str, objects: list[Any]) -> None:
    """``instance.<name>.all()`` gives ``objects`` without a query, as a ``prefetch_related`` would have it."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()  # lazy: no query
    queryset._result_cache = list(objects)  # noqa: SLF001 (what Django's own prefetch sets)
    queryset._prefetch_done = True  # noqa: SLF001
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[manager.field.remote_field.cache_name] = queryset


def _round_row(round_: Any) -> recompute.RoundRow:
    return recompute.RoundRow(
        round_.pk,
        round_.target_id,
        round_.round_type,
        round_.status,
        round_.date,
        round_.amount,
        round_.pre_money_valuation,
        round_.post_money_valuation,
        round_.price_per_share,
        round_.shares_outstanding_pre,
    )


def _json(value: Any) -> Any:
    return getattr(value, "obj", value)  # a Jsonb wrapper, as the recompute writes it


def figures(round_: Any, participations: list[Any], conditions: dict[int, list[Any]], table: Any) -> None:
    """Set ``round_.figures`` and each participation's ``figures`` to what the recompute computes on these inputs
    (:func:`deals.pipeline.recompute.figures_of_round`, the engine with the rates of ``table``), unsaved. The
    related-party flags come from the circularity stage, which is not rerun: they are left unset (False)."""
    from deals.engine.valuation import ConditionIn
    from deals.models import ParticipationFigures, RoundFigures

    rows = [
        recompute.ParticipationRow(
            p.pk,
            p.investor_id,
            p.status,
            p.instrument,
            p.amount,
            tuple(ConditionIn(c.pk, c.kind, c.description, c.status) for c in conditions.get(p.pk, [])),
        )
        for p in participations
    ]
    batch = recompute.Batch()
    recompute.figures_of_round(_round_row(round_), rows, table, batch, None)
    round_.figures = RoundFigures(
        **{column: _json(value) for column, value in zip(recompute.ROUND_COLUMNS, batch.rounds[0], strict=True)}
    )
    by_id = {p.pk: p for p in participations}
    for values in batch.participations:
        columns = {c: _json(v) for c, v in zip(recompute.PARTICIPATION_COLUMNS, values, strict=True)}
        by_id[columns["participation_id"]].figures = ParticipationFigures(**columns)


@dataclass
class RoundThen:
    """A round page's records as they stood at a moment (:func:`round_then`)."""

    round: Any
    participations: list[Any]
    status_changes: list[Any]
    citations: list[Any]
    claims: dict[str, list[Claim]]


def round_then(pk: int, when: datetime.datetime) -> RoundThen | None:
    """The round ``pk`` as it stood at ``when``, with everything its page shows — its columns, participations
    (ordered as the page orders them, with their conditions), status changes, citations and claims, from the
    audit history — and its figures computed on those inputs (:func:`figures`); None if it did not exist then.
    A fixed number of queries; organizations and sources are named as they are now."""
    from deals.models import Citation, Condition, FundingRound, Organization, Participation, RoundStatusChange

    found = instances(FundingRound, when, id__in=[pk])
    if not found:
        return None
    round_ = found[0]
    participations = instances(Participation, when, round_id__in=[pk])
    conditions = instances(Condition, when, participation_id__in=[p.pk for p in participations])
    changes = instances(RoundStatusChange, when, round_id__in=[pk])
    citations = instances(Citation, when, round_id__in=[pk])
    claims = claims_of("round", [pk], when).get(pk, {})
    orgs = last_known(
        Organization,
        [round_.target_id, *(p.investor_id for p in participations), *(c.counterparty_id for c in conditions)],
    )
    cited: list[Any] = [*changes, *citations]
    sources = last_known(Source, [x.source_id for x in cited])

    round_.target = orgs[round_.target_id]
    by_participation: dict[int, list[Any]] = defaultdict(list)
    for condition in sorted(conditions, key=lambda c: c.pk):
        condition.counterparty = orgs.get(condition.counterparty_id) if condition.counterparty_id else None
        by_participation[condition.participation_id].append(condition)
    for p in participations:
        p.round, p.investor = round_, orgs[p.investor_id]
        _prefetched(p, "conditions", by_participation.get(p.pk, []))
    participations.sort(key=lambda p: (not p.is_lead, p.investor.name, p.pk))
    for record in cited:
        record.source = sources.get(record.source_id) if record.source_id else None
    changes.sort(key=lambda c: (c.changed_on, c.pk))
    citations.sort(key=lambda c: (-c.source.published_on.toordinal(), c.pk))
    figures(round_, participations, by_participation, rates_then(when))
    _prefetched(round_, "participations", participations)
    _prefetched(round_, "status_changes", changes)
    _prefetched(round_, "citations", citations)
    return RoundThen(round_, participations, changes, citations, claims)


def existed(when: datetime.datetime) -> Q:
    """Rounds that existed at ``when``: all but those recorded since (a round without any history, loaded with
    the audit off, is taken as it is now; one whose history starts with an update was there before it). One
    anti-join with the few rounds recorded since, where "recorded before, or no history at all" probed the
    history twice per round: 63 ms of the 1M deals list's count of up to 10,000."""
    events = apps.get_model("deals", "FundingRoundEvent").objects
    since = events.filter(pgh_obj_id=OuterRef("pk"), pgh_created_at__gte=when, pgh_label="insert")
    return ~Q(Exists(since))


def _list_order(p: Any) -> tuple[Any, ...]:
    """The participations' order in lists (the model's: lead first, the largest first, unknown amounts before
    known ones as PostgreSQL sorts NULLs in a descending order, then by id)."""
    return (not p.is_lead, p.amount_high is not None, -(p.amount_high or 0), p.pk)


def rounds_then(rounds: list[Any], when: datetime.datetime) -> list[Any]:
    """A page of a list of rounds (with their targets and participations' investors, as
    :meth:`~deals.models.rounds.FundingRoundQuerySet.for_list` reads them) as they stood at ``when``: each round's
    columns and participations from the audit history; a round that did not exist then is left out. Five
    queries, whatever the number of rounds."""
    from deals.models import FundingRound, Organization, Participation

    ids = [r.pk for r in rounds]
    if not ids:
        return []
    then = {r.pk: r for r in instances(FundingRound, when, id__in=ids)}
    participations = instances(Participation, when, round_id__in=ids)
    orgs = last_known(Organization, [*(p.investor_id for p in participations), *(r.target_id for r in then.values())])
    by_round: dict[int, list[Any]] = defaultdict(list)
    for p in participations:
        p.investor = orgs[p.investor_id]
        by_round[p.round_id].append(p)
    out = []
    for r in rounds:
        if r.pk not in then:
            continue
        round_ = then[r.pk]
        round_.target = orgs[round_.target_id]
        parts = sorted(by_round.get(r.pk, []), key=_list_order)
        for p in parts:
            p.round = round_
        _prefetched(round_, "participations", parts)
        out.append(round_)
    return out


@dataclass
class OrganizationThen:
    """An organization page's records as they stood at a moment (:func:`organization_then`)."""

    organization: Any
    subsidiaries: list[Any]
    funding: list[Any]  # its rounds as the target, newest first, with their participations and figures of then
    funding_total: int
    cap_table: list[Position]
    portfolio: list[Position] | None  # None: held stakes in more targets than are computed for a past moment
    portfolio_targets: int  # how many, when the portfolio is None
    relationships: list[Any]
    metrics: list[Any]
    claims: Any  # deals.claims.OrganizationClaims


def _newest_first(r: Any) -> tuple[datetime.date, int]:
    """Lists of rounds' order (deals.selectors.NEWEST_FIRST: the best-known date, undated last, then the id), to
    be sorted in reverse."""
    from deals.models.rounds import UNDATED

    return (r.date or UNDATED, r.pk)


def organization_then(pk: int, when: datetime.datetime, *, pro_forma: bool) -> OrganizationThen | None:
    """The organization ``pk`` as it stood at ``when``, with what its page shows — its columns, subsidiaries,
    its rounds as the target (their participations, and their figures computed on the inputs of then), its cap
    table and portfolio (:func:`organization_positions`), its relationships, metrics and the claims about them
    and about its rounds and investments — from the audit history; None if it did not exist then. Every list
    whole (the page caps what it shows); a fixed number of queries, whatever their lengths. Organizations and
    sources are named as they are now (one merged away since as it last was)."""
    from deals import claims as claim_rules
    from deals.models import Metric, Relationship

    found = instances(Organization, when, id__in=[pk])
    if not found:
        return None
    organization = found[0]
    subsidiaries = sorted(instances(Organization, when, parent_id__in=[pk]), key=lambda o: (o.name, o.pk))

    rounds = {r.pk: r for r in instances(FundingRound, when, target_id__in=[pk])}
    parts = instances(Participation, when, round_id__in=list(rounds))
    investments = instances(Participation, when, investor_id__in=[pk])
    invested = {r.pk: r for r in instances(FundingRound, when, id__in={p.round_id for p in investments})}
    conditions = instances(Condition, when, participation_id__in=[p.pk for p in parts])
    relationships = {
        r.pk: r
        for field in ("provider_id__in", "client_id__in")
        for r in instances(Relationship, when, **{field: [pk]})
    }
    metrics = instances(Metric, when, organization_id__in=[pk])
    orgs = last_known(
        Organization,
        [
            organization.parent_id,
            *(p.investor_id for p in parts),
            *(r.target_id for r in invested.values()),
            *(x for r in relationships.values() for x in (r.provider_id, r.client_id)),
        ],
    )

    organization.parent = orgs.get(organization.parent_id) if organization.parent_id else None
    by_round: dict[int, list[Any]] = defaultdict(list)
    by_participation: dict[int, list[Any]] = defaultdict(list)
    for condition in sorted(conditions, key=lambda c: c.pk):
        by_participation[condition.participation_id].append(condition)
    for p in parts:
        p.investor = orgs[p.investor_id]
        by_round[p.round_id].append(p)
    table = rates_then(when)
    for round_ in rounds.values():
        round_.target = organization
        listed = sorted(by_round.get(round_.pk, []), key=_list_order)
        for p in listed:
            p.round = round_
        figures(round_, listed, by_participation, table)
        _prefetched(round_, "participations", listed)
    for round_ in invested.values():
        round_.target = orgs[round_.target_id]
    for r in relationships.values():
        r.provider, r.client = orgs[r.provider_id], orgs[r.client_id]
    funding = sorted(rounds.values(), key=_newest_first, reverse=True)
    ordered_relationships = sorted(
        relationships.values(),
        key=lambda r: (r.started_on is None, -(r.started_on or datetime.date.min).toordinal(), r.pk),
    )
    ordered_metrics = sorted(
        metrics,
        key=lambda m: (
            m.kind,
            m.period_year is None,
            -(m.period_year or 0),
            m.period_date is None,
            -(m.period_date or datetime.date.min).toordinal(),
            m.pk,
        ),
    )

    of_metrics = claims_of("metric", [m.pk for m in metrics], when)
    of_relationships = claims_of("relationship", list(relationships), when)
    of_rounds = claims_of("round", list(rounds), when)
    of_investments = claims_of("participation", [p.pk for p in investments], when)
    claims = claim_rules.organization_claims_of(
        metrics=[(m, of_metrics.get(m.pk, {})) for m in ordered_metrics],
        relationships=[(r, of_relationships.get(r.pk, {})) for r in ordered_relationships],
        rounds=[(r, of_rounds.get(r.pk, {})) for r in funding],
        investments=[
            (invested[p.round_id], {"amount": of_investments.get(p.pk, {}).get("amount", [])})
            for p in investments
            if p.round_id in invested
        ],
    )
    portfolio: list[Position] | None = None
    try:
        portfolio = organization_positions(organization, when, as_investor=True, pro_forma=pro_forma)
        portfolio_targets = len({p.target_id for p in portfolio})
    except TooManyTargets as too_many:
        portfolio_targets = too_many.count
    return OrganizationThen(
        organization=organization,
        subsidiaries=subsidiaries,
        funding=funding,
        funding_total=len(funding),
        cap_table=organization_positions(organization, when, as_investor=False, pro_forma=pro_forma),
        portfolio=portfolio,
        portfolio_targets=portfolio_targets,
        relationships=ordered_relationships,
        metrics=ordered_metrics,
        claims=claims,
    )
