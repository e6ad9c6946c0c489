"""FilterSets shared by the REST API and the web UI (NetBox style): one definition of every filter.

Amount filters work in the reporting currency (``DEALTRACKER_REPORTING_CURRENCY``) on the converted figures
the recompute pipeline stores, so rounds in different currencies compare fairly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from deals.choices import (
    ClaimField,
    MetricKind,
    OrganizationKind,
    ParticipationStatus,
    RelationshipKind,
    Reliability,
    RoundStatus,
    RoundType,
)
from deals.models import (
    Claim,
    FundingRound,
    FxRate,
    Metric,
    Organization,
    Participation,
    Relationship,
    Source,
)
from deals.models.claims import CLAIM_TARGETS
from deals.ordering import ROUND_ORDER_CHOICES, ordered_rounds

#: A claim's record in the ?record= filter: kind:id.
CLAIM_RECORD = rf"^({'|'.join(CLAIM_TARGETS)}):[0-9]{{1,18}}$"

#: The amount filters: django-filter caps a number at 1e50; amounts are not negative.
AMOUNT_SCHEMA = {"type": "number", "minimum": 0, "maximum": 1e50}


class IntegerFilter(filters.Filter):
    """Whole numbers only (NumberFilter would also take 0.5)."""

    field_class = forms.IntegerField


class SearchMixin(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value) if value else queryset  # type: ignore[attr-defined]


class FundingRoundFilterSet(SearchMixin):
    # The round's own columns: no join, so no duplicate rows and no DISTINCT (which would sort every match).
    target = filters.ModelMultipleChoiceFilter(queryset=Organization.objects.all(), label=_("Target"), distinct=False)
    target_slug = filters.CharFilter(field_name="target__slug", label=_("Target (slug)"))
    investor = filters.ModelMultipleChoiceFilter(
        queryset=Organization.objects.all(), method="filter_investor", label=_("Investor")
    )
    investor_slug = filters.CharFilter(method="filter_investor_slug", label=_("Investor (slug)"))
    status = filters.MultipleChoiceFilter(choices=RoundStatus.choices, label=_("Status"), distinct=False)
    round_type = filters.MultipleChoiceFilter(choices=RoundType.choices, label=_("Round type"), distinct=False)
    date_from = filters.DateFilter(field_name="reported_on", lookup_expr="gte", label=_("Reported on or after"))
    date_to = filters.DateFilter(field_name="reported_on", lookup_expr="lte", label=_("Reported on or before"))
    amount_min = filters.NumberFilter(
        method="filter_amount_min", label=_("Amount at least (reporting currency)"), min_value=0
    )
    amount_max = filters.NumberFilter(
        method="filter_amount_max", label=_("Amount at most (reporting currency)"), min_value=0
    )
    # "currency" itself is the API's conversion parameter (?currency=USD), so the filter has its own name.
    amount_currency = filters.CharFilter(method="filter_currency", label=_("Currency of the amount"))
    ordering = filters.ChoiceFilter(
        choices=ROUND_ORDER_CHOICES,
        method="filter_ordering",
        label=_("Order by"),
        help_text=_(
            "date: by the round's date (closed, else announced, else first reported); amount: by the amount in "
            "the reporting currency; id: by when the round was entered. A leading minus reverses the order. "
            "Default: -date (newest first)."
        ),
    )

    class Meta:
        model = FundingRound
        fields = ["target", "status", "round_type"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_investor(self, queryset: QuerySet[FundingRound], name: str, value: Any) -> QuerySet[FundingRound]:
        if not value:
            return queryset
        taking_part = Participation.objects.filter(round=OuterRef("pk"), investor__in=value)
        return queryset.filter(Exists(taking_part))

    def filter_investor_slug(self, queryset: QuerySet[FundingRound], name: str, value: str) -> QuerySet[FundingRound]:
        if not value:
            return queryset
        taking_part = Participation.objects.filter(round=OuterRef("pk"), investor__slug=value.strip())
        return queryset.filter(Exists(taking_part))

    @extend_schema_field(AMOUNT_SCHEMA)
    def filter_amount_min(self, queryset: QuerySet[FundingRound], name: str, value: Decimal) -> QuerySet[FundingRound]:
        # A range qualifies when it can reach the minimum: its high bound (or value) is at least ``value``.
        return queryset.filter(
            Q(figures__amount_reporting_high__gte=value)
            | Q(figures__amount_reporting_high=None, figures__amount_reporting_low__gte=value)
        )

    @extend_schema_field(AMOUNT_SCHEMA)
    def filter_amount_max(self, queryset: QuerySet[FundingRound], name: str, value: Decimal) -> QuerySet[FundingRound]:
        return queryset.filter(
            Q(figures__amount_reporting_low__lte=value)
            | Q(figures__amount_reporting_low=None, figures__amount_reporting_high__lte=value)
        )

    def filter_ordering(self, queryset: QuerySet[FundingRound], name: str, value: str) -> QuerySet[FundingRound]:
        return ordered_rounds(queryset, value)

    def filter_currency(self, queryset: QuerySet[FundingRound], name: str, value: str) -> QuerySet[FundingRound]:
        codes = [code.strip().upper() for code in value.split(",") if code.strip()]
        return queryset.filter(amount_currency__in=codes) if codes else queryset


class OrganizationFilterSet(SearchMixin):
    kind = filters.MultipleChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"), distinct=False)
    country = filters.CharFilter(method="filter_country", label=_("Country"))
    role = filters.ChoiceFilter(
        choices=[("investor", _("Investor")), ("target", _("Target"))], method="filter_role", label=_("Role")
    )
    parent = filters.ModelChoiceFilter(queryset=Organization.objects.all(), label=_("Parent"))
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("founded_on", "founded_on"), ("country", "country")))

    class Meta:
        model = Organization
        fields = ["kind", "parent"]

    def filter_country(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        codes = [code.strip().upper() for code in value.split(",") if code.strip()]
        return queryset.filter(country__in=codes) if codes else queryset

    def filter_role(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        if value == "investor":
            return queryset.filter(Exists(Participation.objects.filter(investor=OuterRef("pk"))))
        if value == "target":
            return queryset.filter(Exists(FundingRound.objects.filter(target=OuterRef("pk"))))
        return queryset


class ParticipationFilterSet(filters.FilterSet):
    round = filters.ModelMultipleChoiceFilter(queryset=FundingRound.objects.all())
    investor = filters.ModelMultipleChoiceFilter(queryset=Organization.objects.all())
    status = filters.MultipleChoiceFilter(choices=ParticipationStatus.choices)
    is_lead = filters.BooleanFilter()

    class Meta:
        model = Participation
        fields = ["round", "investor", "status", "is_lead"]


class RelationshipFilterSet(filters.FilterSet):
    provider = filters.ModelMultipleChoiceFilter(queryset=Organization.objects.all())
    client = filters.ModelMultipleChoiceFilter(queryset=Organization.objects.all())
    kind = filters.MultipleChoiceFilter(choices=RelationshipKind.choices)
    current = filters.BooleanFilter(method="filter_current", label=_("Current (not ended)"))

    class Meta:
        model = Relationship
        fields = ["provider", "client", "kind"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_current(self, queryset: QuerySet[Relationship], name: str, value: bool | None) -> QuerySet[Relationship]:
        if value is None:
            return queryset
        current = Q(ended_on=None) | Q(ended_on__gte=timezone.localdate())
        return queryset.filter(current) if value else queryset.exclude(current)


class SourceFilterSet(filters.FilterSet):
    reliability = filters.MultipleChoiceFilter(choices=Reliability.choices)
    outlet = filters.CharFilter(lookup_expr="icontains")
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    published_from = filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_to = filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Source
        fields = ["reliability", "language"]

    def filter_q(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        return queryset.filter(Q(title__icontains=value) | Q(outlet__icontains=value)) if value else queryset


class MetricFilterSet(filters.FilterSet):
    period_year = IntegerFilter(label=_("Year"), min_value=0, max_value=32767)
    organization = filters.ModelMultipleChoiceFilter(queryset=Organization.objects.all())
    kind = filters.MultipleChoiceFilter(choices=MetricKind.choices)

    class Meta:
        model = Metric
        fields = ["organization", "kind", "period_year", "is_forecast"]


class ClaimFilterSet(filters.FilterSet):
    """Claims by record (``record=round:12``, or one of the record columns), field, source and dispute."""

    record = filters.CharFilter(
        method="filter_record",
        label=_("Record (kind:id, e.g. round:12)"),
        validators=[RegexValidator(CLAIM_RECORD, _("Give the record as kind:id, e.g. round:12."))],
    )
    field = filters.MultipleChoiceFilter(choices=ClaimField.choices)
    source = filters.ModelMultipleChoiceFilter(queryset=Source.objects.all(), distinct=False)
    by_hand = filters.BooleanFilter(field_name="source", lookup_expr="isnull", label=_("Entered by hand"))
    disputed = filters.BooleanFilter(field_name="disputed", label=_("Disputed"))

    class Meta:
        model = Claim
        fields = ["round", "participation", "condition", "metric", "relationship", "field", "source", "accepted"]

    def filter_record(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        target, _sep, pk = value.partition(":")
        return queryset.filter(**{f"{target}_id": int(pk)})


class FxRateFilterSet(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = FxRate
        fields = ["base", "quote", "date"]
