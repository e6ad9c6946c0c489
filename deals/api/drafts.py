"""POST /api/drafts/: a report's text in, the proposed deal out (201), nothing written to the deal tables."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api import fields as strict
from deals.api.views import StrictQueryMixin
from deals.choices import ConditionKind, MetricKind, RelationshipKind, RoundStatus, RoundType
from deals.drafts import MAX_TEXT, SourceInfo, build_draft

DRAFT_ESTIMATE_SCHEMA: dict[str, Any] = {
    **{k: v for k, v in strict.ESTIMATE_SCHEMA.items() if k != "properties"},
    "properties": {k: v for k, v in strict.ESTIMATE_SCHEMA["properties"].items() if k != "converted"},
    "nullable": True,
    "description": "A figure as the report states it, in the API's Estimate shape; null when none was read.",
}


@extend_schema_field(DRAFT_ESTIMATE_SCHEMA)
class DraftEstimateField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return value


class SourceInputSerializer(serializers.Serializer):
    outlet = strict.StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    title = strict.StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    published_on = strict.StrictDateField(required=False, allow_null=True, default=None)
    url = strict.StrictURLField(max_length=500, required=False, allow_blank=True, default="")


class DraftRequestSerializer(serializers.Serializer):
    text = strict.StrictCharField(max_length=MAX_TEXT, help_text="The report's text, as pasted.")
    language = serializers.ChoiceField(
        choices=["en", "de"], required=False, allow_null=True, default=None, help_text="Detected when not given."
    )
    # A field named like Field.source: DRF takes declared fields off the class, the stubs do not know it.
    source = SourceInputSerializer(required=False)  # type: ignore[assignment]


class OrganizationRefSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    id = serializers.IntegerField(read_only=True, allow_null=True, help_text="null for an organization not known yet")


class EvidenceSerializer(serializers.Serializer):
    span = serializers.ListField(
        child=serializers.IntegerField(), min_length=2, max_length=2, read_only=True, help_text="[start, end) in text"
    )
    text = serializers.CharField(read_only=True, help_text="text[start:end]: the figure or cue itself")
    quote = serializers.CharField(read_only=True, help_text="the sentence that holds it")


class RoundEvidenceSerializer(serializers.Serializer):
    target = EvidenceSerializer(allow_null=True, read_only=True)
    status = EvidenceSerializer(allow_null=True, read_only=True)
    round_type = EvidenceSerializer(allow_null=True, read_only=True)
    amount = EvidenceSerializer(allow_null=True, read_only=True)
    pre_money_valuation = EvidenceSerializer(allow_null=True, read_only=True)
    post_money_valuation = EvidenceSerializer(allow_null=True, read_only=True)


class DraftRoundSerializer(serializers.Serializer):
    target = OrganizationRefSerializer(allow_null=True, read_only=True)
    status = serializers.ChoiceField(choices=RoundStatus.choices, allow_null=True, read_only=True)
    round_type = serializers.ChoiceField(choices=RoundType.choices, allow_null=True, read_only=True)
    amount = DraftEstimateField(read_only=True)
    pre_money_valuation = DraftEstimateField(read_only=True)
    post_money_valuation = DraftEstimateField(read_only=True)
    evidence = RoundEvidenceSerializer(read_only=True, help_text="Where each field was read, by field name.")


class DraftConditionSerializer(EvidenceSerializer):
    kind = serializers.ChoiceField(choices=ConditionKind.choices, read_only=True)
    description = serializers.CharField(read_only=True)


class DraftParticipationSerializer(EvidenceSerializer):
    investor = OrganizationRefSerializer(read_only=True)
    amount = DraftEstimateField(read_only=True)
    new_money = serializers.BooleanField(read_only=True, help_text="“a further”, “weitere”: on top of a stake")
    is_lead = serializers.BooleanField(read_only=True)
    conditions = DraftConditionSerializer(many=True, read_only=True)


class DraftRelationshipSerializer(EvidenceSerializer):
    provider = OrganizationRefSerializer(read_only=True)
    client = OrganizationRefSerializer(allow_null=True, read_only=True)
    kind = serializers.ChoiceField(choices=RelationshipKind.choices, read_only=True)


class DraftSubsidiarySerializer(EvidenceSerializer):
    parent = OrganizationRefSerializer(read_only=True)
    child = OrganizationRefSerializer(read_only=True)


class DraftMetricSerializer(EvidenceSerializer):
    organization = OrganizationRefSerializer(allow_null=True, read_only=True)
    kind = serializers.ChoiceField(choices=MetricKind.choices, read_only=True)
    value = DraftEstimateField(read_only=True)
    percent = serializers.CharField(allow_null=True, read_only=True)
    period_year = serializers.IntegerField(allow_null=True, read_only=True)
    is_forecast = serializers.BooleanField(read_only=True)


@extend_schema_field(
    {
        "type": "object",
        "description": "Something recognised: kind (money, percent, date, organization, new_organization, status, "
        "round_type, lead, condition, relationship, subsidiary), start, end, text, and what it is.",
        "properties": {
            "kind": {"type": "string"},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "text": {"type": "string"},
        },
        "required": ["kind", "start", "end", "text"],
        "additionalProperties": True,
    }
)
class FindingField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return value


class SourceOutputSerializer(serializers.Serializer):
    outlet = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    published_on = serializers.DateField(allow_null=True, read_only=True)
    url = serializers.CharField(read_only=True)


class DraftSerializer(serializers.Serializer):
    """A proposal to review: nothing of it is stored."""

    language = serializers.ChoiceField(choices=["en", "de"], read_only=True)
    source = SourceOutputSerializer(read_only=True)  # type: ignore[assignment]
    round = DraftRoundSerializer(read_only=True)
    participations = DraftParticipationSerializer(many=True, read_only=True)
    relationships = DraftRelationshipSerializer(many=True, read_only=True)
    subsidiaries = DraftSubsidiarySerializer(many=True, read_only=True)
    metrics = DraftMetricSerializer(many=True, read_only=True)
    new_organizations = serializers.ListField(child=serializers.CharField(), read_only=True)
    findings = serializers.ListField(child=FindingField(), read_only=True)


class CanEnterDeals(BasePermission):
    """Drafting is data entry: it needs the permission to add rounds (the Data entry role)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("deals.add_fundinground"))


class DraftView(StrictQueryMixin, APIView):
    """POST {"text", "language", "source": {"outlet", "title", "published_on", "url"}} → 201 with the proposed
    round, participations, relationships and metrics, each with the span and sentence it was read from.

    Every figure is one the text states; organizations are matched against those known (``id``) or proposed
    as new (``id`` null). The same text gives the same draft. Nothing is written."""

    takes_format = False
    renderer_classes = [JSONRenderer]
    permission_classes = [CanEnterDeals]

    @extend_schema(request=DraftRequestSerializer, responses={201: DraftSerializer})
    def post(self, request: Request) -> Response:
        incoming = DraftRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        proposal = build_draft(data["text"], data.get("language"), SourceInfo(**data.get("source", {})))
        return Response(DraftSerializer(proposal.to_data()).data, status=status.HTTP_201_CREATED)
