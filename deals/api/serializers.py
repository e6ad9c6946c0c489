"""Serializers: every write goes through the model's full_clean(), so no database constraint ends as a 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from rest_framework import serializers

from deals import messages, services
from deals.api import fields as strict
from deals.api import round_data
from deals.api.fields import CurrencyField, EstimateField, StrictDecimalField
from deals.choices import JobKind
from deals.models import (
    Condition,
    FundingRound,
    FxRate,
    Job,
    Metric,
    Organization,
    Participation,
    Relationship,
    Source,
)

CLAIMS_HELP = (
    "Per claimable field: whether its claims disagree (disputed), the id of the accepted claim, and every claim "
    "with its source and date, in the order they were recorded."
)


# Takes each field only in the JSON type and spelling the OpenAPI schema gives for it. (Comments, not
# docstrings, on serializers: the schema would show a docstring as the object's description.)
class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: strict.StrictCharField,
        models.TextField: strict.StrictCharField,
        models.SlugField: strict.StrictSlugField,
        models.URLField: strict.StrictURLField,
        models.IntegerField: strict.StrictIntegerField,
        models.SmallIntegerField: strict.StrictIntegerField,
        models.BigIntegerField: strict.StrictIntegerField,
        models.PositiveIntegerField: strict.StrictIntegerField,
        models.PositiveSmallIntegerField: strict.StrictIntegerField,
        models.BooleanField: strict.StrictBooleanField,
        models.DateField: strict.StrictDateField,
        models.DecimalField: StrictDecimalField,
    }
    serializer_related_field = strict.StrictPrimaryKeyRelatedField


# Validates the input; the write is a service's (deals.services), which runs the model's full_clean() and
# its rules, so the API writes exactly what the admin and the imports write. Model errors come back as
# field-level 400s (deals.api.errors).
class ValidatedModelSerializer(StrictModelSerializer):
    def create(self, validated_data: dict[str, Any]) -> Any:
        return self.write(None, validated_data)

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return self.write(instance, validated_data)

    def write(self, instance: Any, data: dict[str, Any]) -> Any:
        """Save through the service of this model; a model with no rule of its own is saved as it is."""
        sources = data.pop("sources", None)
        model: Any = self.Meta.model
        return services.record_save(instance=instance or model(), values=data, sources=sources)

    def user(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)


class SourceSerializer(ValidatedModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "outlet", "title", "url", "published_on", "language", "reliability", "note"]


class OrganizationSerializer(ValidatedModelSerializer):
    roles = serializers.SerializerMethodField()
    country = strict.CountryField(required=False)
    slug = strict.StrictSlugField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Unique; derived from the name (and made unique) when not given on create.",
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "country",
            "website",
            "description",
            "founded_on",
            "parent",
            "aliases",
            "roles",
        ]

    def validate_slug(self, value: str) -> str:
        others = Organization.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError("An organization with this slug already exists.")
        return value

    def write(self, instance: Any, data: dict[str, Any]) -> Any:
        if instance is None:
            return services.organization_create(values=data)
        return services.organization_update(organization=instance, values=data)

    def get_roles(self, obj: Organization) -> list[str]:
        roles = []
        if getattr(obj, "is_investor", False):
            roles.append("investor")
        if getattr(obj, "is_target", False):
            roles.append("target")
        return roles


class ConditionSerializer(StrictModelSerializer):
    class Meta:
        model = Condition
        fields = ["kind", "description", "counterparty", "status"]


def figures_estimate(figures: Any, prefix: str) -> dict[str, Any] | None:
    estimate = getattr(figures, prefix) if figures is not None else None
    return estimate.to_dict() if estimate is not None else None


class ParticipationSerializer(ValidatedModelSerializer):
    amount = EstimateField("amount")
    conditions = ConditionSerializer(many=True, required=False)
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)
    computed = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField(help_text=CLAIMS_HELP)

    class Meta:
        model = Participation
        fields = [
            "id",
            "round",
            "investor",
            "amount",
            "is_lead",
            "instrument",
            "status",
            "conditions",
            "sources",
            "computed",
            "claims",
        ]

    def get_claims(self, obj: Participation) -> dict[str, Any]:
        from deals.api.claim_data import fields_data

        by_field: dict[str, list[Any]] = {}
        for claim in obj.claims.all():  # prefetched with their sources (selectors.participation_queryset)
            by_field.setdefault(claim.field, []).append(claim)
        return fields_data(by_field)

    def get_computed(self, obj: Participation) -> dict[str, Any]:
        figures = getattr(obj, "figures", None)
        stake = figures_estimate(figures, "stake")
        return {
            "stake": {k: stake[k] for k in ("value", "low", "high", "qualifier")} if stake else None,
            "related_party": bool(figures and figures.related_party),
            # Each reason as {"code", "params", "text"}: the text in the request's language.
            "related_party_reasons": [messages.as_api(r) for r in figures.related_party_reasons] if figures else [],
            # More money cycles run through it than /api/organizations/{id}/cycles/ holds (the shortest are).
            "cycles_truncated": bool(figures and figures.cycles_truncated),
            # Conditions still pending: the stake holds only if they are met ([{"id", "kind", "description"}]).
            "pending_conditions": list(figures.pending_conditions) if figures else [],
        }

    def write(self, instance: Any, data: dict[str, Any]) -> Any:
        options = {
            "conditions": data.pop("conditions", None),
            "sources": data.pop("sources", None),
            "user": self.user(),
        }
        if instance is None:
            return services.participation_create(values=data, **options)
        return services.participation_update(participation=instance, values=data, **options)


class ParticipationSummarySerializer(serializers.ModelSerializer):
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    amount = EstimateField("amount", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "investor", "investor_name", "amount", "is_lead", "status"]


class RoundListSerializer(serializers.ListSerializer):
    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        return round_data.rounds_data_of([r.pk for r in rows], self.context.get("converter"))


#: What ``computed`` holds; the row builder (deals.api.round_data) makes it, the schema documents it.
ROUND_COMPUTED_HELP = (
    "Read-only figures of the recompute: pre_money and post_money (Estimates or null), pro_forma (the round has "
    "not closed), computed_at, stale (the figures wait for the worker), related_party_pending (the related-party "
    'flags and cycles of the target wait for it; true whenever stale) and warnings (each {"code", "params", '
    '"text"}: a stable code, the values it quotes, and the sentence in the request\'s language).'
)


# A round's input and its schema. Its output, for reads and writes alike, is the row builder's
# (deals.api.round_data): one place builds a round's JSON. (A docstring would become the schema's description.)
class RoundSerializer(ValidatedModelSerializer):
    amount = EstimateField("amount")
    pre_money_valuation = EstimateField("pre_money_valuation")
    post_money_valuation = EstimateField("post_money_valuation")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)
    participations = ParticipationSummarySerializer(many=True, read_only=True)
    computed = serializers.DictField(read_only=True, help_text=ROUND_COMPUTED_HELP)
    claims = serializers.DictField(read_only=True, help_text=CLAIMS_HELP)
    status_changed_on = strict.StrictDateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="When the status sent was reported (recorded in the status history); today if not given. "
        "Used only when the status changes. On or after reported_on when it fills announced_on or closed_on.",
    )
    status_source = strict.StrictPrimaryKeyRelatedField(
        queryset=Source.objects.all(),
        write_only=True,
        required=False,
        allow_null=True,
        help_text="The id of the source that reported the status change (recorded in the status history).",
    )
    status_note = strict.StrictCharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="A note on the status change (recorded in the status history).",
    )

    class Meta:
        model = FundingRound
        fields = [
            "id",
            "target",
            "round_type",
            "status",
            "reported_on",
            "reported_on_precision",
            "announced_on",
            "announced_on_precision",
            "closed_on",
            "closed_on_precision",
            "amount",
            "pre_money_valuation",
            "post_money_valuation",
            "price_per_share",
            "shares_outstanding_pre",
            "notes",
            "ref",
            "sources",
            "participations",
            "computed",
            "claims",
            "status_changed_on",
            "status_source",
            "status_note",
        ]
        list_serializer_class = RoundListSerializer

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return round_data.rounds_data_of([instance.pk], self.context.get("converter"))[0]

    def validate_ref(self, value: str | None) -> str | None:
        return value or None  # references are unique; a blank one is none

    def write(self, instance: Any, data: dict[str, Any]) -> Any:
        options = {
            "sources": data.pop("sources", None),
            "user": self.user(),
            "status_changed_on": data.pop("status_changed_on", None),
            "status_source": data.pop("status_source", None),
            "status_note": data.pop("status_note", ""),
        }
        if instance is None:
            return services.round_create(values=data, **options)
        return services.round_update(round=instance, values=data, **options)


class RelationshipSerializer(ValidatedModelSerializer):
    annual_value = EstimateField("annual_value")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "provider",
            "client",
            "kind",
            "description",
            "annual_value",
            "started_on",
            "ended_on",
            "sources",
        ]


class MetricSerializer(ValidatedModelSerializer):
    value = EstimateField("value")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)

    class Meta:
        model = Metric
        fields = [
            "id",
            "organization",
            "kind",
            "label",
            "period_year",
            "period_date",
            "value",
            "percent",
            "is_forecast",
            "sources",
        ]


class FxRateSerializer(ValidatedModelSerializer):
    rate = StrictDecimalField(max_digits=24, decimal_places=10, min_value=Decimal(0), normalize_output=True)
    base = CurrencyField()
    quote = CurrencyField()

    class Meta:
        model = FxRate
        fields = ["id", "date", "base", "quote", "rate"]


class JobSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=JobKind.choices, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "state", "progress", "created_at", "started_at", "finished_at", "error", "result"]
        read_only_fields = ["state", "created_at", "started_at", "finished_at", "error", "result"]

    def get_progress(self, obj: Job) -> dict[str, int]:
        return {"done": obj.progress_done, "total": obj.progress_total}


class JobStartSerializer(serializers.Serializer[Any]):
    """What ``POST /api/jobs/`` takes: the jobs it starts (imports start at ``POST /api/imports/``)."""

    kind = serializers.ChoiceField(choices=[(JobKind.FULL_RECOMPUTE.value, JobKind.FULL_RECOMPUTE.label)])
