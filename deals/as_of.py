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
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from deals.choices import PENDING_STATUSES
from deals.engine.fx import Converter
from deals.engine.valuation import compute_round
from deals.models import Claim, Source
from deals.models.audit import VERSION_FIELD
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
M = TypeVar("M", bound=Model)
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


# --- The pages: model instances as they stood, so the round page and the deals list render them unchanged ---


def _fields(model: type[Model]) -> list[str]:
    """The columns of ``model`` its event rows keep (every concrete one but the row version)."""
    event = apps.get_model("deals", f"{model.__name__}Event")
    kept = {f.attname for f in event._meta.concrete_fields}
    return [f.attname for f in model._meta.concrete_fields if f.attname != VERSION_FIELD and f.attname in kept]


def instances(model: type[M], when: datetime.datetime, **where: Any) -> list[M]:
    """The rows of ``model`` matching ``where`` at ``when``, as unsaved instances of it: each tracked row's last
    event before then (none if that was its delete), and the rows without any history as they are now. Two
    queries, through indexes: ``where`` names foreign keys the model and its event table share
    (``round_id__in=…``), or ``id__in=…`` (the events' ``pgh_obj_id``)."""
    fields = _fields(model)
    on_events = {("pgh_obj_id__in" if key == "id__in" else key): value for key, value in where.items()}
    rows = [
        model(**{f: e[f] for f in fields})
        for e in _latest(model.__name__, when, **on_events).values("pgh_label", *fields)
        if e["pgh_label"] != "delete"
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
    figures(round_, participations, by_participation, recompute.rate_table())
    _prefetched(round_, "participations", participations)
    _prefetched(round_, "status_changes", changes)
    _prefetched(round_, "citations", citations)
    return RoundThen(round_, participations, changes, citations, claims)


def existed(when: datetime.datetime) -> Q:
    """Rounds that existed at ``when``: recorded before then, or without any history (as they are now)."""
    events = apps.get_model("deals", "FundingRoundEvent").objects
    before = events.filter(pgh_obj_id=OuterRef("pk"), pgh_created_at__lt=when, pgh_label="insert")
    return Q(Exists(before)) | ~Q(Exists(events.filter(pgh_obj_id=OuterRef("pk"))))


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
