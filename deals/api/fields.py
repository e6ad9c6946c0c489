"""The Estimate object of the API: {"value", "low", "high", "qualifier", "currency"}, decimals as strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deals.choices import Qualifier
from deals.engine.estimates import Estimate, EstimateError
from deals.models.estimates import MONEY_DIGITS, MONEY_PLACES, PARTS

ESTIMATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An uncertain amount. exact: low = high = value; approximately: value, optional bounds; up_to: high = "
        "value; at_least: low = value, no high; between: low and high; undisclosed: no numbers. A write may "
        "send only what the qualifier needs and the server fills the implied bound."
    ),
    "properties": {
        "value": {"type": "string", "format": "decimal", "nullable": True, "example": "30000000000"},
        "low": {"type": "string", "format": "decimal", "nullable": True},
        "high": {"type": "string", "format": "decimal", "nullable": True, "example": "30000000000"},
        "qualifier": {"type": "string", "enum": Qualifier.values},
        "currency": {"type": "string", "nullable": True, "example": "EUR", "description": "ISO 4217"},
        "converted": {
            "type": "object", "nullable": True, "readOnly": True,
            "description": "With ?currency=XYZ: the figure at the latest rate on or before its date.",
            "properties": {k: {"type": "string", "nullable": True}
                           for k in ("currency", "value", "low", "high", "rate", "rate_date")},
        },
    },
    "required": ["qualifier"],
}  # fmt: skip


def _decimal(raw: Any, part: str, errors: dict[str, list[str]]) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        errors[part] = ["A number is required (send decimals as strings)."]
        return None
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        errors[part] = [f"“{raw}” is not a number."]
        return None
    if not number.is_finite():
        errors[part] = ["A finite number is required."]
        return None
    _sign, digits, exponent = number.as_tuple()
    places = max(0, -int(exponent))
    if places > MONEY_PLACES or len(digits) - places > MONEY_DIGITS - MONEY_PLACES:
        errors[part] = [f"At most {MONEY_DIGITS - MONEY_PLACES} digits before and {MONEY_PLACES} after the point."]
        return None
    return number


@extend_schema_field(ESTIMATE_SCHEMA)
class EstimateField(serializers.Field):
    """Reads and writes the five columns of a model Estimate as one object (source="*")."""

    def __init__(self, prefix: str, **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance: Any) -> dict[str, Any] | None:
        estimate = getattr(instance, self.prefix)
        if estimate is None:
            return None
        data: dict[str, Any] = estimate.to_dict()
        converter = self.context.get("converter")
        if converter is not None:
            data["converted"] = converter.convert(estimate, instance, self.prefix)
        return data

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, {f"{self.prefix}_{part}": None for part in PARTS}
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected an object with qualifier, value, low, high and currency.")
        errors: dict[str, list[str]] = {}
        unknown = set(data) - {"value", "low", "high", "qualifier", "currency", "converted"}
        if unknown:
            errors["non_field_errors"] = [f"Unknown keys: {', '.join(sorted(unknown))}."]
        numbers = {part: _decimal(data.get(part), part, errors) for part in ("value", "low", "high")}
        currency = data.get("currency")
        if currency is not None and not isinstance(currency, str):
            errors["currency"] = ["A three-letter ISO 4217 code is required."]
        if "qualifier" not in data:
            errors["qualifier"] = ["This field is required."]
        if errors:
            raise serializers.ValidationError(errors)
        try:
            estimate = Estimate.build(qualifier=data["qualifier"], currency=currency or None, **numbers)
        except EstimateError as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from None
        if estimate.currency is None and estimate.qualifier != Qualifier.UNDISCLOSED:
            raise serializers.ValidationError({"currency": ["Give the currency of this figure (ISO 4217)."]})
        columns = {
            "value": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
            "qualifier": estimate.qualifier.value,
            "currency": estimate.currency,
        }
        return {f"{self.prefix}_{part}": columns[part] for part in PARTS}  # fmt: skip
