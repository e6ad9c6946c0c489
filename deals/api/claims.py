"""The claims API: /api/claims/ (list, detail, create, CSV), POST /api/claims/{id}/accept/, and the per-field
claims and dispute markers that rounds and participations carry (read for a whole page in one query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from deals import claims, filtersets
from deals.api import fields as strict
from deals.api.fields import EstimateField
from deals.api.serializers import ValidatedModelSerializer
from deals.api.views import DOCUMENTED, DealsViewSet
from deals.models import Claim, Condition, FundingRound, Metric, Participation, Relationship, Source
from deals.models.claims import CLAIM_TARGETS, is_money


class ClaimSerializer(ValidatedModelSerializer):
    round = strict.StrictPrimaryKeyRelatedField(queryset=FundingRound.objects.all(), required=False, allow_null=True)
    participation = strict.StrictPrimaryKeyRelatedField(
        queryset=Participation.objects.all(), required=False, allow_null=True
    )
    condition = strict.StrictPrimaryKeyRelatedField(queryset=Condition.objects.all(), required=False, allow_null=True)
    metric = strict.StrictPrimaryKeyRelatedField(queryset=Metric.objects.all(), required=False, allow_null=True)
    relationship = strict.StrictPrimaryKeyRelatedField(
        queryset=Relationship.objects.all(), required=False, allow_null=True
    )
    source = strict.StrictPrimaryKeyRelatedField(  # type: ignore[assignment]  # a declared field, not Field.source
        queryset=Source.objects.all(), required=False, allow_null=True, help_text="Empty: entered by hand."
    )
    estimate = EstimateField("estimate", help_text="The stated figure, for a money field.")
    disputed = serializers.BooleanField(read_only=True, help_text="Another claim on this field contradicts it.")

    class Meta:
        model = Claim
        fields = [
            "id",
            *CLAIM_TARGETS,
            "field",
            "estimate",
            "stated_value",
            "source",
            "stated_on",
            "quote",
            "span_start",
            "span_end",
            "note",
            "recorded_by",
            "created_at",
            "accepted",
            "accepted_reason",
            "accepted_by",
            "accepted_at",
            "disputed",
        ]
        read_only_fields = ["recorded_by", "created_at", "accepted", "accepted_reason", "accepted_by", "accepted_at"]
        # The one-choice-per-field constraints concern ``accepted``, which only the accept action writes.
        validators: list[Any] = []

    def write(self, instance: Any, data: dict[str, Any]) -> Any:
        records = [data[t] for t in CLAIM_TARGETS if data.get(t) is not None]
        if len(records) != 1:
            raise serializers.ValidationError({"round": ["Give exactly one record: round, participation, …"]})
        record, field = records[0], data.get("field", "")
        target = claims.TARGET_OF[type(record)]
        money = field in claims.CLAIM_FIELDS[target] and is_money(target, field)
        span_start, span_end = data.get("span_start"), data.get("span_end")
        return claims.claim_record(
            record=record,
            field=field,
            value=_estimate(data) if money else data.get("stated_value", ""),
            source=data.get("source"),
            stated_on=data.get("stated_on"),
            quote=data.get("quote", ""),
            span=(int(span_start), int(span_end)) if span_start is not None and span_end is not None else None,
            note=data.get("note", ""),
            user=self.user(),
        )


def _estimate(data: Mapping[str, Any]) -> Any:
    """The Estimate in the validated columns of the estimate field (EstimateField gives them as columns)."""
    probe = Claim(**{k: v for k, v in data.items() if k.startswith("estimate_")})
    return probe.estimate


class ClaimAcceptSerializer(serializers.Serializer):
    reason = strict.StrictCharField(max_length=500, help_text="Why this claim is the one to believe.")


@DOCUMENTED
class ClaimViewSet(DealsViewSet):
    """What each source stated about a field of a record; the accepted one is what the record shows."""

    serializer_class = ClaimSerializer
    filterset_class = filtersets.ClaimFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> Any:
        return claims.with_disputed(Claim.objects.select_related("source")).order_by("id")

    @extend_schema(request=ClaimAcceptSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Make this claim the editor's choice for its field, with a reason; the record's figures follow."""
        if not request.user.has_perm("deals.change_claim"):
            raise PermissionDenied
        claim = self.get_object()
        body = ClaimAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claims.claim_accept(claim=claim, reason=body.validated_data["reason"], user=request.user)
        return self.object_response(self.reread(claim.pk), status.HTTP_200_OK)
