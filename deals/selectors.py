"""Reads shared by the API and the web UI, each written once with its related rows loaded up front."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pghistory.models
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline
from django.db.models import Case, Count, F, Model, OuterRef, Prefetch, QuerySet, Subquery, Sum, TextField, When
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils.translation import gettext as _

from deals.choices import RoundStatus
from deals.engine.estimates import Estimate
from deals.models import (
    Citation,
    Claim,
    Condition,
    Cycle,
    DirtyTarget,
    FundingRound,
    FxRate,
    Metric,
    Organization,
    Participation,
    Position,
    Relationship,
    RoundFigures,
    RoundStatusChange,
)
from deals.models.estimates import column_names, from_columns
from deals.models.rounds import (
    PARTICIPATION_ORDER,
    round_date_expression,
    round_date_precision_expression,
    round_sort_date,
)


def round_queryset() -> QuerySet[FundingRound]:
    """The rounds the API filters and orders; :func:`round_rows` reads a page of them as plain rows."""
    return FundingRound.objects.all()


def dirty_stages(target_ids: set[int]) -> dict[int, int]:
    """The recompute stage each of the given targets waits for; a target that waits for none is left out."""
    if not target_ids:
        return {}
    return dict(DirtyTarget.objects.filter(target_id__in=target_ids).values_list("target_id", "stage"))


def recompute_state(stage: int | None, *, has_figures: bool) -> dict[str, bool]:
    """Whether a round's stored figures wait for the recompute (``stale``) and whether its related-party flags
    do (``related_party_pending``), from its target's stage in :func:`dirty_stages`: the API's ``computed``
    and the round page say the same."""
    return {
        "stale": not has_figures or stage == DirtyTarget.Stage.FIGURES,
        "related_party_pending": not has_figures or stage is not None,
    }


#: The columns of a round the API shows, and of its stored figures (``figures__round`` is None without figures).
ROUND_ROW_COLUMNS = (
    "id",
    "target_id",
    "round_type",
    "status",
    "reported_on",
    "reported_on_precision",
    "announced_on",
    "announced_on_precision",
    "closed_on",
    "closed_on_precision",
    *(c for name in ("amount", "pre_money_valuation", "post_money_valuation") for c in column_names(name)),
    "price_per_share",
    "shares_outstanding_pre",
    "notes",
    "ref",
    "version",
    "figures__round",
    *(f"figures__{c}" for name in ("pre_money", "post_money") for c in column_names(name)),
    "figures__computed_at",
    "figures__warnings",
)


def _round_row_extras() -> dict[str, Any]:
    """What a round row carries besides its columns, read by the same statement: its target's recompute stage
    (as :func:`dirty_stages` gives it; None when it waits for none) and its sources' ids, in the sources' own
    order (``Source.Meta.ordering``)."""
    return {
        "dirty_stage": Subquery(DirtyTarget.objects.filter(target_id=OuterRef("target_id")).values("stage")[:1]),
        "source_ids": ArraySubquery(
            Citation.objects.filter(round_id=OuterRef("id"))
            .order_by("-source__published_on", "source__outlet", "source_id")
            .values("source_id")
        ),
    }


def round_rows(rounds: QuerySet[FundingRound]) -> QuerySet[FundingRound, dict[str, Any]]:
    """``rounds`` (filtered and ordered as they are) as plain rows of :data:`ROUND_ROW_COLUMNS` with
    ``dirty_stage`` and ``source_ids``, for reads that build their output without model instances;
    :func:`round_row_relations` reads their participations."""
    extras = _round_row_extras()
    return rounds.select_related(None).prefetch_related(None).annotate(**extras).values(*ROUND_ROW_COLUMNS, *extras)


def round_row_relations(round_ids: list[int]) -> dict[str, Any]:
    """For a page of rounds, as plain rows in one statement: their participations as the API summarises them
    (ordered by id) and the names of those investors."""
    if not round_ids:
        return {"participations": [], "investor_names": {}}
    # The investor's name by a look-up per row: joined, the planner merges the page's participations with the
    # whole organization index (9 ms for 161 rows at 1M rounds, against 1.4 ms).
    name = Subquery(Organization.objects.filter(pk=OuterRef("investor_id")).values("name"))
    rows = (
        Participation.objects.filter(round_id__in=round_ids)
        .order_by("id")
        .values_list("id", "round_id", "investor_id", "is_lead", "status", *column_names("amount"))
        .annotate(investor_name=name)
    )
    participations, names = [], {}
    for row in rows:
        participations.append(row[:-1])
        names[row[2]] = row[-1]
    return {"participations": participations, "investor_names": names}


def participation_queryset() -> QuerySet[Participation]:
    return Participation.objects.select_related("round", "investor", "figures").prefetch_related(
        "conditions", "sources", Prefetch("claims", Claim.objects.select_related("source").order_by("id"))
    )


def organization_queryset() -> QuerySet[Organization]:
    return Organization.objects.with_roles()


def relationship_queryset() -> QuerySet[Relationship]:
    return Relationship.objects.select_related("provider", "client").prefetch_related("sources")


def metric_queryset() -> QuerySet[Metric]:
    return Metric.objects.select_related("organization").prefetch_related("sources")


def organization_portfolio(*, organization: Organization, pro_forma: bool = False) -> QuerySet[Position]:
    """The organization's positions as an investor: target, stake, cost, mark value, MOIC."""
    return (
        Position.objects.filter(investor=organization, pro_forma=pro_forma)
        .select_related("investor", "target", "as_of_round")
        .order_by("-mark_value_high", "target__name")
    )


def organization_funding(*, organization: Organization) -> QuerySet[FundingRound]:
    """The organization's rounds as a target, newest first (as every list of rounds), with their stored
    valuations."""
    return round_queryset().filter(target=organization).order_by(*NEWEST_FIRST)


def organization_latest_rounds(*, organization: Organization, limit: int) -> QuerySet[FundingRound]:
    """The organization's latest ``limit`` rounds as a target, newest first, as every list of rounds shows them.
    Its page shows these rather than every round: the largest targets have hundreds."""
    return FundingRound.objects.for_list().filter(target=organization).order_by(*NEWEST_FIRST)[:limit]


def organization_valuations(
    *, organization: Organization, limit: int
) -> list[tuple[datetime.date | None, str, Estimate]]:
    """(date, how precisely it is known, post-money in the reporting currency) of the organization's latest
    ``limit`` valued rounds, oldest first: only the columns the valuation chart plots, so charting hundreds of
    rounds stays cheap."""
    columns = column_names("post_money_reporting")
    rows = (
        RoundFigures.objects.filter(round__target=organization, post_money_reporting_qualifier__isnull=False)
        .annotate(when=round_date_expression("round__"), precision=round_date_precision_expression("round__"))
        .order_by(round_sort_date("round__").desc(), F("round_id").desc())
        .values_list("when", "precision", *columns)[:limit]
    )
    return [
        (when, precision, estimate)
        for when, precision, *parts in reversed(rows)
        if (estimate := from_columns(*parts)) is not None
    ]


def organization_cap_table(*, organization: Organization, pro_forma: bool = False) -> QuerySet[Position]:
    """Known holders of the organization and their stakes after its latest counted round."""
    return (
        Position.objects.filter(target=organization, pro_forma=pro_forma)
        .select_related("investor", "target", "as_of_round")
        .order_by("-stake_high", "investor__name")
    )


def round_cycles(*, round: FundingRound) -> QuerySet[Cycle]:
    return Cycle.objects.filter(round=round).select_related("investor", "target").order_by("length", "id")


def organization_cycles(*, organization: Organization) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(target=organization).select_related("investor", "target", "round")
        | Cycle.objects.filter(investor=organization).select_related("investor", "target", "round")
    ).order_by("length", "id")


def round_detail_queryset() -> QuerySet[FundingRound]:
    """One round with everything its page shows: participants and their figures, conditions, sources, the
    status timeline and the citations' notes."""
    return FundingRound.objects.select_related("target", "target__parent", "figures").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("investor", "figures")
            .prefetch_related(Prefetch("conditions", queryset=Condition.objects.select_related("counterparty")))
            .order_by("-is_lead", "investor__name"),
        ),
        Prefetch("status_changes", queryset=RoundStatusChange.objects.select_related("source").order_by("changed_on")),
        Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("-source__published_on")),
    )


#: Rounds newest first by their date (closed, else announced, else first reported), then by id; undated ones
#: last. The ``-date`` order of :mod:`deals.ordering`, written out for queries that need no cursor.
NEWEST_FIRST = (round_sort_date().desc(), F("id").desc())


def search_results(text: str, *, limit: int) -> tuple[list[Organization], list[FundingRound]]:
    """What the search page shows for ``text``: the best-matching organizations and the newest matching deals,
    at least ``limit`` of each when there are (one more tells that there are more). The organizations are read
    once for both: the deals are those of the best of them, as targets and investors, and of the words.

    Each deal comes in one statement with its target, ``investor_names`` (in the order of a round's
    participations) and ``passage``, the ``ts_headline`` of its notes where they hold the words (else None): the
    page shows nothing else of them, so it reads neither participations nor figures."""
    from deals import search

    best = max(limit, search.ORGS_PER_ROUND_SEARCH)
    orgs = list(Organization.objects.search(text, best=best)[:best])
    investors = (
        Participation.objects.filter(round=OuterRef("pk")).order_by(*PARTICIPATION_ORDER).values("investor__name")
    )
    query = search.text_query(text)
    passage = SearchHeadline("notes", query, config="english", start_sel=search.START, stop_sel=search.STOP)
    rounds: list[FundingRound] = list(
        FundingRound.objects.search(text, newest=limit, organizations=[o.pk for o in orgs])
        .select_related("target")
        .alias(search_doc=search.round_document())
        .annotate(
            investor_names=ArraySubquery(investors),
            passage=Case(When(search_doc=query, then=passage), default=None, output_field=TextField()),
        )
        .order_by(*NEWEST_FIRST)[:limit]
    )
    return orgs, rounds


def latest_rounds(*, limit: int = 10) -> QuerySet[FundingRound]:
    return FundingRound.objects.for_list().order_by(*NEWEST_FIRST)[:limit]


def largest_rounds(*, limit: int = 5) -> QuerySet[FundingRound]:
    """The largest counted rounds by their amount in the reporting currency (the top of each range)."""
    return (
        FundingRound.objects.for_list()
        .exclude(status=RoundStatus.ABANDONED)
        .filter(figures__amount_reporting_high__isnull=False)
        .order_by("-figures__amount_reporting_high", "-id")[:limit]
    )


def rounds_by_status() -> list[tuple[str, str, int]]:
    """(status, label, number of rounds) for every status, zeros included, in the order of the lifecycle."""
    counts = dict(FundingRound.objects.values_list("status").annotate(n=Count("id")).order_by())
    return [(value, str(label), counts.get(value, 0)) for value, label in RoundStatus.choices]


def capital_per_quarter(*, quarters: int = 12) -> list[tuple[datetime.date, Decimal, int]]:
    """Capital raised per quarter in the reporting currency: (quarter start, amount, rounds), last ``quarters``
    quarters that had announced or closed rounds. A range counts with its central value, else its midpoint."""
    point = Coalesce(
        "figures__amount_reporting_value",
        (F("figures__amount_reporting_low") + F("figures__amount_reporting_high")) / 2,
        "figures__amount_reporting_high",
        "figures__amount_reporting_low",
    )
    when = round_date_expression()
    rows = (
        FundingRound.objects.filter(status__in=[RoundStatus.ANNOUNCED, RoundStatus.CLOSED])
        .annotate(quarter=TruncQuarter(when))
        .exclude(quarter=None)
        .values("quarter")
        .annotate(raised=Sum(point), rounds=Count("id"))
        .order_by("-quarter")[:quarters]
    )
    return [(row["quarter"], row["raised"] or Decimal(0), row["rounds"]) for row in reversed(rows)]


#: Co-investors are counted over an investor's latest rounds only: the busiest investors of the benchmark have
#: tens of thousands of rounds, and counting their co-investors over all of them took 170 ms per page view.
CO_INVESTOR_WINDOW = 1000


def organization_co_investors(
    *, organization: Organization, limit: int = 12, window: int = CO_INVESTOR_WINDOW
) -> QuerySet[Organization]:
    """Who invested alongside the organization most often in its latest ``window`` rounds as an investor, with the
    number of shared rounds. An investor takes part in a round once (a unique constraint), so no DISTINCT."""
    its_rounds = Participation.objects.filter(investor=organization).order_by("-round_id").values("round_id")[:window]
    return (
        Organization.objects.filter(participations__round_id__in=its_rounds)
        .exclude(pk=organization.pk)
        .annotate(shared=Count("participations"))
        .order_by("-shared", "name")[:limit]
    )


def organization_invested_in_more_than(*, organization: Organization, rounds: int) -> bool:
    """Whether the organization took part in more than ``rounds`` rounds (without counting them all)."""
    return Participation.objects.filter(investor=organization).order_by()[rounds : rounds + 1].exists()


def object_history(obj: Model, *, limit: int = 500, related: bool = False) -> list[dict[str, Any]]:
    """The audit log of ``obj`` (and, with ``related``, of the rows that point at it), newest first."""
    events = pghistory.models.Events.objects.references(obj) if related else pghistory.models.Events.objects.tracks(obj)
    return [_describe_event(event) for event in events.order_by("-pgh_created_at", "-pgh_id")[:limit]]


def _describe_event(event: Any) -> dict[str, Any]:
    context = event.pgh_context or {}
    diff = event.pgh_diff or {}
    return {
        "when": event.pgh_created_at,
        "label": event.pgh_label,
        "model": event.pgh_model,
        "who": context.get("username") or context.get("user") or _("system (no user)"),
        "url": context.get("url", ""),
        "changes": [(name, values[0], values[1]) for name, values in sorted(diff.items())],
    }


def choice_labels(model: type[Model], field: str) -> dict[str, str]:
    """Each choice's label in the active language. ``get_FOO_display`` hashes every lazily translated label on
    each call: 0.4 ms for the 28 round types, 25 ms for a page of 50 rounds."""
    choices: Any = model._meta.get_field(field).flatchoices  # type: ignore[union-attr]
    return {value: str(label) for value, label in choices}


def with_labels(rounds: Iterable[FundingRound]) -> list[FundingRound]:
    """The rounds with ``round_type_label`` and ``status_label`` set, which the round templates show."""
    types, statuses = choice_labels(FundingRound, "round_type"), choice_labels(FundingRound, "status")
    labelled = list(rounds)
    for r in labelled:
        r.round_type_label = types.get(r.round_type, r.round_type)  # type: ignore[attr-defined]
        r.status_label = statuses.get(r.status, r.status)  # type: ignore[attr-defined]
    return labelled


def round_currencies() -> list[str]:
    """Currencies to offer in the deals filter: those with exchange rates, and the reporting currency."""
    # order_by() drops the model's ordering, which DISTINCT would otherwise have to include (a sort of every rate).
    codes = {str(settings.REPORTING_CURRENCY)}
    for base, quote in FxRate.objects.order_by().values_list("base", "quote").distinct():
        codes |= {base, quote}
    return sorted(codes)
