"""How the admin shows numbers: amounts in words in the reader's language ("up to €60bn"), and decimals
without the zeros their columns pad them with (60000000000, not 60000000000.0000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.utils.translation import get_language

from deals import formatting


def plain_number(value: Decimal | None) -> str:
    """``value`` without trailing zeros and never in exponent notation: 60000000000.0000 → 60000000000."""
    if value is None:
        return "—"
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def in_words(estimate: Any) -> str:
    """An estimate in words in the active language: "up to €60bn", "bis zu 60 Mrd. €"."""
    return formatting.describe(estimate, language=get_language())


class PlainDecimalInput(forms.NumberInput):
    """A number box that shows a stored 60000000000.0000 as 60000000000 (what was typed)."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return plain_number(value)
        return super().format_value(value)


class PlainDecimalsMixin:
    """For a model admin or inline: decimal fields are edited in a :class:`PlainDecimalInput`."""

    formfield_overrides = {models.DecimalField: {"widget": PlainDecimalInput}}


def source_autocomplete() -> AutocompleteSelect:
    """The admin's search-as-you-type box for a source, as a status change's ``source`` has it."""
    from deals.models import RoundStatusChange

    return AutocompleteSelect(RoundStatusChange._meta.get_field("source"), admin.site)
