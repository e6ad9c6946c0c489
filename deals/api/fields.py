"""The Estimate object of the API: {"value", "low", "high", "qualifier", "currency"}, decimals as strings."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deals.choices import Qualifier
from deals.countries import COUNTRY_CODES
from deals.engine.currencies import ISO_4217_CODES
from deals.engine.estimates import Estimate, EstimateError
from deals.extraction.money import UnreadableEstimate, parse_estimate
from deals.models import FundingRound, Metric, Participation, Relationship
from deals.models.estimates import MONEY_DIGITS, MONEY_PLACES, as_columns

CURRENCY_CODES = sorted(ISO_4217_CODES)
CURRENCY_SCHEMA: dict[str, Any] = {"type": "string", "enum": CURRENCY_CODES, "description": "ISO 4217"}


def decimal_pattern(*, digits: int, places: int, signed: bool = False) -> str:
    """The one spelling of a decimal the API accepts: plain digits, an optional point and fraction, as a string."""
    fraction = rf"(\.\d{{1,{places}}})?" if places else ""
    return rf"^{'-?' if signed else ''}\d{{1,{digits - places}}}{fraction}$"


MONEY_PATTERN = decimal_pattern(digits=MONEY_DIGITS, places=MONEY_PLACES)


class StrictDecimalField(serializers.DecimalField):
    """A decimal sent as a string of digits ("12.5"): no exponent, no spaces, no JSON number, nothing the
    OpenAPI pattern would not allow, so what the schema promises and what the server takes are the same.
    Not negative unless ``min_value`` says so: every decimal here is a price, a count, a rate or a share."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.whole_digits, self.places = max_digits - decimal_places, decimal_places

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not re.fullmatch(self.pattern, data):
            places = f" and at most {self.places} after the point" if self.places else ""
            raise serializers.ValidationError(
                f'Send a decimal as a string of digits, e.g. "12.5": at most {self.whole_digits} digits before '
                f"the point{places}."
            )
        return super().to_internal_value(data)

    @property
    def pattern(self) -> str:
        signed = self.min_value is not None and self.min_value < 0  # money, prices, rates: none is negative
        return decimal_pattern(digits=self.whole_digits + self.places, places=self.places, signed=signed)


@extend_schema_field(CURRENCY_SCHEMA)
class CurrencyField(serializers.ChoiceField):
    """An ISO 4217 code, listed in the schema as an enum."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=sorted(ISO_4217_CODES), **kwargs)
        self.error_messages["invalid_choice"] = "“{input}” is not an ISO 4217 currency code."


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", *sorted(COUNTRY_CODES)],
        "description": "ISO 3166-1 alpha-2 code, e.g. US; empty if unknown.",
    }
)
class CountryField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=["", *sorted(COUNTRY_CODES)], allow_blank=True, **kwargs)
        self.error_messages["invalid_choice"] = "“{input}” is not an ISO 3166-1 alpha-2 country code."


class StrictDecimalFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field = self.target
        return {"type": "string", "format": "decimal", "pattern": field.pattern, "nullable": field.allow_null}


ESTIMATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An uncertain amount. exact: low = high = value; approximately: value, optional bounds; up_to: high = "
        "value; at_least: low = value, no high; between: low and high; undisclosed: no numbers. A write may "
        "send only what the qualifier needs and the server fills the implied bound. A write may instead send "
        '{"text": "up to €60bn"} alone: the figure as a report writes it ("10–20 Mrd. €", "at least 800bn EUR"), '
        "read by the report parser; a text it cannot read as one amount with its currency is refused."
    ),
    "properties": {
        "value": {
            "type": "string",
            "format": "decimal",
            "pattern": MONEY_PATTERN,
            "nullable": True,
            "example": "30000000000",
        },
        "low": {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, "nullable": True},
        "high": {
            "type": "string",
            "format": "decimal",
            "pattern": MONEY_PATTERN,
            "nullable": True,
            "example": "30000000000",
        },
        "qualifier": {"type": "string", "enum": Qualifier.values},
        "currency": {**CURRENCY_SCHEMA, "nullable": True, "example": "EUR"},
        "converted": {
            "type": "object",
            "nullable": True,
            "readOnly": True,
            "description": "With ?currency=XYZ: the figure at the latest rate on or before its date.",
            "properties": {
                k: {"type": "string", "nullable": True}
                for k in ("currency", "value", "low", "high", "rate", "rate_date")
            },
        },
    },
    "required": ["qualifier"],
    "additionalProperties": False,
}


def _decimal(raw: Any, part: str, errors: dict[str, list[str]]) -> Decimal | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not re.fullmatch(MONEY_PATTERN, raw):
        errors[part] = [
            f'Send a decimal as a string of digits, e.g. "30000000000": at most {MONEY_DIGITS - MONEY_PLACES} '
            f"digits before the point and {MONEY_PLACES} after it."
        ]
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:  # the pattern admits only numbers; kept for safety
        errors[part] = [f"“{raw}” is not a number."]
        return None


def date_of(instance: Any) -> datetime.date | None:
    """The date a figure of ``instance`` is converted at: its round's date, a relationship's start, …"""
    if isinstance(instance, FundingRound):
        return instance.date
    if isinstance(instance, Participation):
        return instance.round.date
    if isinstance(instance, Relationship):
        return instance.started_on or timezone.localdate()
    if isinstance(instance, Metric):
        return instance.period_date or (datetime.date(instance.period_year, 12, 31) if instance.period_year else None)
    return getattr(instance, "date", None)


def _from_text(data: dict[str, Any]) -> Estimate:
    """{"text": "up to €60bn"}: the figure as written, read by the report parser, or a field error."""
    if set(data) != {"text"}:
        raise serializers.ValidationError({"text": ["Send either text alone or the figure's parts, not both."]})
    text = data["text"]
    if not isinstance(text, str) or len(text) > 200:
        raise serializers.ValidationError(
            {"text": ["Expected the figure as written, a string of at most 200 characters."]}
        )
    try:
        return parse_estimate(text)
    except UnreadableEstimate as exc:
        raise serializers.ValidationError({"text": [str(exc)]}) from None


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
            data["converted"] = converter.convert_on(estimate, date_of(instance))
        return data

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, as_columns(self.prefix, None)
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected an object with qualifier, value, low, high and currency.")
        if "text" in data:
            return as_columns(self.prefix, _from_text(data))
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
            estimate = Estimate.build(qualifier=data["qualifier"], currency=currency, **numbers)
        except EstimateError as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from None
        if estimate.currency is None and estimate.qualifier != Qualifier.UNDISCLOSED:
            raise serializers.ValidationError({"currency": ["Give the currency of this figure (ISO 4217)."]})
        return as_columns(self.prefix, estimate)


class _Strict:
    """Refuse values whose JSON type is not the one the schema gives (DRF would coerce 5 into "5" and back)."""

    json_types: tuple[type, ...] = (str,)

    def to_internal_value(self, data: Any) -> Any:
        if (isinstance(data, bool) and bool not in self.json_types) or not isinstance(data, self.json_types):
            raise serializers.ValidationError(f"Expected {self.json_name}, got {type(data).__name__}.")
        return super().to_internal_value(data)  # type: ignore[misc]

    @property
    def json_name(self) -> str:
        return {str: "a string", int: "a whole number", bool: "true or false"}[self.json_types[0]]


class StrictCharField(_Strict, serializers.CharField):
    pass


class StrictSlugField(_Strict, serializers.SlugField):
    pass


class StrictURLField(_Strict, serializers.URLField):
    pass


class StrictIntegerField(_Strict, serializers.IntegerField):
    json_types = (int,)


class StrictBooleanField(_Strict, serializers.BooleanField):
    json_types = (bool,)


class StrictDateField(_Strict, serializers.DateField):
    """An ISO 8601 calendar date, YYYY-MM-DD exactly (Python would also read 20260130)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data):
            raise serializers.ValidationError("Use an ISO 8601 date, e.g. 2026-01-30.")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id is a whole number in JSON, not a string of digits."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(f"Expected an id (a whole number), got {type(data).__name__}.")
        return super().to_internal_value(data)
