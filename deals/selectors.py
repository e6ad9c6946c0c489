"""Reads shared by the API and the web UI, each written once with its related rows loaded up front."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from deals.models import (
    Cycle,
    DirtyTarget,
    FundingRound,
    Metric,
    Organization,
    Participation,
    Position,
    Relationship,
)


def round_queryset() -> QuerySet[FundingRound]:
    """Rounds with their target, stored figures, participants and sources, and whether they are stale."""
    return (
        FundingRound.objects.select_related("target", "figures")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("investor").order_by("id")),
            "sources",
        )
        .annotate(is_dirty=Exists(DirtyTarget.objects.filter(target=OuterRef("target_id"))))
    )


def participation_queryset() -> QuerySet[Participation]:
    return Participation.objects.select_related("round", "investor", "figures").prefetch_related(
        "conditions", "sources"
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
        .select_related("target", "as_of_round")
        .order_by("-mark_value_high", "target__name")
    )


def organization_funding(*, organization: Organization) -> QuerySet[FundingRound]:
    """The organization's rounds as a target, oldest first, with their stored valuations."""
    return round_queryset().filter(target=organization).order_by("reported_on", "id")


def organization_cap_table(*, organization: Organization, pro_forma: bool = False) -> QuerySet[Position]:
    """Known holders of the organization and their stakes after its latest counted round."""
    return (
        Position.objects.filter(target=organization, pro_forma=pro_forma)
        .select_related("investor", "as_of_round")
        .order_by("-stake_high", "investor__name")
    )


def round_cycles(*, round: FundingRound) -> QuerySet[Cycle]:
    return Cycle.objects.filter(round=round).select_related("investor", "target").order_by("length", "id")


def organization_cycles(*, organization: Organization) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(target=organization).select_related("investor", "target", "round")
        | Cycle.objects.filter(investor=organization).select_related("investor", "target", "round")
    ).order_by("length", "id")
