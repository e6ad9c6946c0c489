"""Serializers: every write goes through the model's full_clean(), so no database constraint ends as a 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from rest_framework import serializers

from deals import selectors
from deals.api import fields as strict
from deals.api.errors import nest_model_errors
from deals.api.fastread import FastReadMixin
from deals.api.fields import CurrencyField, EstimateField, StrictDecimalField
from deals.choices import JobKind
from deals.engine.fx import Converter as Converter  # the API's ?currency= uses the pipeline's converter
from deals.models import (
    Citation,
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


class StrictModelSerializer(serializers.ModelSerializer):
    """Takes each field only in the JSON type and spelling the OpenAPI schema gives for it."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: strict.StrictCharField, models.TextField: strict.StrictCharField,
        models.SlugField: strict.StrictSlugField, models.URLField: strict.StrictURLField,
        models.IntegerField: strict.StrictIntegerField, models.SmallIntegerField: strict.StrictIntegerField,
        models.BigIntegerField: strict.StrictIntegerField, models.PositiveIntegerField: strict.StrictIntegerField,
        models.PositiveSmallIntegerField: strict.StrictIntegerField, models.BooleanField: strict.StrictBooleanField,
        models.DateField: strict.StrictDateField, models.DecimalField: StrictDecimalField,
    }  # fmt: skip
    serializer_related_field = strict.StrictPrimaryKeyRelatedField


class ValidatedModelSerializer(StrictModelSerializer):
    """Builds the instance, runs full_clean() and saves; model errors come back as field-level 400s."""

    nested_writes: tuple[str, ...] = ()

    def _save(self, instance: Any, data: dict[str, Any]) -> Any:
        nested = {name: data.pop(name) for name in self.nested_writes if name in data}
        sources = data.pop("sources", None)
        for key, value in data.items():
            setattr(instance, key, value)
        try:
            instance.full_clean(validate_constraints=True)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(nest_model_errors(exc.message_dict)) from None
        instance.save()
        if sources is not None:
            self.save_sources(instance, sources)
        self.save_nested(instance, nested)
        return instance

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Any:
        model: Any = self.Meta.model
        return self._save(model(), validated_data)

    @transaction.atomic
    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        return self._save(instance, validated_data)

    def save_sources(self, instance: Any, sources: list[Source]) -> None:
        target = {FundingRound: "round", Participation: "participation", Relationship: "relationship",
                  Metric: "metric"}[type(instance)]  # fmt: skip
        Citation.objects.filter(**{target: instance}).exclude(source__in=sources).delete()
        for source in sources:
            Citation.objects.get_or_create(**{target: instance, "source": source})

    def save_nested(self, instance: Any, nested: dict[str, Any]) -> None:
        return None


class SourceSerializer(ValidatedModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "outlet", "title", "url", "published_on", "language", "reliability", "note"]


class OrganizationSerializer(ValidatedModelSerializer):
    roles = serializers.SerializerMethodField()
    country = strict.CountryField(required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "country", "website", "description", "founded_on", "parent",
                  "aliases", "roles"]  # fmt: skip

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
    nested_writes = ("conditions",)

    class Meta:
        model = Participation
        fields = ["id", "round", "investor", "amount", "is_lead", "instrument", "status", "conditions", "sources",
                  "computed"]  # fmt: skip

    def get_computed(self, obj: Participation) -> dict[str, Any]:
        figures = getattr(obj, "figures", None)
        stake = figures_estimate(figures, "stake")
        return {
            "stake": {k: stake[k] for k in ("value", "low", "high", "qualifier")} if stake else None,
            "related_party": bool(figures and figures.related_party),
            "related_party_reasons": list(figures.related_party_reasons) if figures else [],
            # More money cycles run through it than /api/organizations/{id}/cycles/ holds (the shortest are).
            "cycles_truncated": bool(figures and figures.cycles_truncated),
        }

    def save_nested(self, instance: Any, nested: dict[str, Any]) -> None:
        if "conditions" in nested:
            instance.conditions.all().delete()
            Condition.objects.bulk_create(Condition(participation=instance, **c) for c in nested["conditions"])


class ParticipationSummarySerializer(FastReadMixin, serializers.ModelSerializer):
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    amount = EstimateField("amount", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "investor", "investor_name", "amount", "is_lead", "status"]


class RoundListSerializer(serializers.ListSerializer):
    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        return super().to_representation(selectors.with_dirty_state(rows))


class RoundSerializer(FastReadMixin, ValidatedModelSerializer):
    amount = EstimateField("amount")
    pre_money_valuation = EstimateField("pre_money_valuation")
    post_money_valuation = EstimateField("post_money_valuation")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)
    participations = ParticipationSummarySerializer(many=True, read_only=True)
    computed = serializers.SerializerMethodField()

    class Meta:
        model = FundingRound
        fields = ["id", "target", "round_type", "status", "reported_on", "reported_on_precision", "announced_on",
                  "announced_on_precision", "closed_on", "closed_on_precision", "amount", "pre_money_valuation",
                  "post_money_valuation", "price_per_share", "shares_outstanding_pre", "notes", "ref", "sources",
                  "participations", "computed"]  # fmt: skip
        list_serializer_class = RoundListSerializer

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if not hasattr(instance, "is_dirty"):  # a single round; a list marks its page at once
            selectors.with_dirty_state([instance])
        return super().to_representation(instance)

    def validate_ref(self, value: str | None) -> str | None:
        return value or None  # references are unique; a blank one is none

    def get_computed(self, obj: FundingRound) -> dict[str, Any]:
        figures = getattr(obj, "figures", None)
        return {
            "pre_money": figures_estimate(figures, "pre_money"),
            "post_money": figures_estimate(figures, "post_money"),
            "pro_forma": obj.is_pro_forma,
            "computed_at": figures.computed_at if figures else None,
            "stale": figures is None or bool(getattr(obj, "is_dirty", False)),
            "related_party_pending": figures is None or bool(getattr(obj, "flags_pending", False)),
            "warnings": list(figures.warnings) if figures else [],
        }


class RelationshipSerializer(ValidatedModelSerializer):
    annual_value = EstimateField("annual_value")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)

    class Meta:
        model = Relationship
        fields = ["id", "provider", "client", "kind", "description", "annual_value", "started_on", "ended_on",
                  "sources"]  # fmt: skip


class MetricSerializer(ValidatedModelSerializer):
    value = EstimateField("value")
    sources = strict.StrictPrimaryKeyRelatedField(queryset=Source.objects.all(), many=True, required=False)

    class Meta:
        model = Metric
        fields = ["id", "organization", "kind", "label", "period_year", "period_date", "value", "percent",
                  "is_forecast", "sources"]  # fmt: skip


class FxRateSerializer(ValidatedModelSerializer):
    rate = StrictDecimalField(max_digits=24, decimal_places=10, min_value=Decimal(0), normalize_output=True)
    base = CurrencyField()
    quote = CurrencyField()

    class Meta:
        model = FxRate
        fields = ["id", "date", "base", "quote", "rate"]


class JobSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=JobKind.choices)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "state", "progress", "created_at", "started_at", "finished_at", "error"]
        read_only_fields = ["state", "created_at", "started_at", "finished_at", "error"]

    def get_progress(self, obj: Job) -> dict[str, int]:
        return {"done": obj.progress_done, "total": obj.progress_total}
