"""Errors as field-level 400s: model validation and database integrity errors never surface as 500s."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def estimate_key(field: str) -> tuple[str, str | None]:
    """``amount_value`` → ("amount", "value") for Estimate columns; other names unchanged."""
    for part in ("_value", "_low", "_high", "_qualifier", "_currency"):
        if field.endswith(part):
            return field[: -len(part)], part[1:]
    return field, None


def nest_model_errors(message_dict: dict[str, list[str]]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for field, messages in message_dict.items():
        name, part = estimate_key(field)
        if part is None:
            nested[field if field != "__all__" else "non_field_errors"] = messages
        else:
            nested.setdefault(name, {})[part] = messages
    return nested


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = (
            nest_model_errors(exc.message_dict) if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [f"The change conflicts with existing data: {exc.__cause__ or exc}"]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
