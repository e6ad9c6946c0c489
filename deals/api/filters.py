"""The API's filter backend: the shared FilterSets, taking exactly the spellings the OpenAPI schema lists.

Django's form fields are lenient for people typing into forms: a blank value means "no filter", dates may
come as 10/25/2006, booleans as "yes". Scripts deserve the contract instead: a parameter that is present
must hold a value of its documented type (ISO dates, ``true``/``false``), or the request is a 400 naming it.
The web UI uses the same FilterSets through its own views, which drop blank form fields first.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _problem(flt: filters.Filter, value: str) -> str | None:
    if isinstance(flt, filters.BooleanFilter):
        return None if value in ("true", "false") else "Use true or false."
    if isinstance(flt, filters.DateFilter):
        return None if ISO_DATE.fullmatch(value) else "Use an ISO 8601 date, e.g. 2026-01-30."
    if value == "" and not isinstance(flt, (filters.CharFilter, filters.OrderingFilter)):  # "" = no text, no order
        return "Give a value, or leave the parameter out."
    return None


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors: dict[str, list[str]] = {}
            for name, flt in filterset.filters.items():
                for value in request.query_params.getlist(name):
                    problem = _problem(flt, value)
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise ValidationError(errors)
        return filterset
