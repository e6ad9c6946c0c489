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


#: What a decimal field's name becomes on a page its reader may only view (see :class:`PlainDecimalsMixin`).
PLAIN = "_shown_plain"


class PlainDecimalsMixin:
    """For a model admin or inline: decimal fields are edited in a :class:`PlainDecimalInput`, and shown as
    plain numbers where the reader may only view them (the admin would print a read-only decimal with all
    its column's places: 60000000000.0000)."""

    formfield_overrides = {models.DecimalField: {"widget": PlainDecimalInput}}

    def _view_only(self, request: Any, obj: Any) -> bool:
        """On an existing record's page (or an inline's on it), when the reader may not change it."""
        return obj is not None and not self.has_change_permission(request, obj)

    def _decimal_names(self) -> set[str]:
        return {f.name for f in self.model._meta.concrete_fields if isinstance(f, models.DecimalField)}

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if not self._view_only(request, obj):
            return fieldsets
        decimals = self._decimal_names()

        def swap(name: Any) -> Any:
            if isinstance(name, list | tuple):
                return type(name)(swap(n) for n in name)
            return f"{name}{PLAIN}" if name in decimals else name

        return [(title, {**options, "fields": swap(options["fields"])}) for title, options in fieldsets]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if self._view_only(request, obj):
            fields += [f"{name}{PLAIN}" for name in sorted(self._decimal_names())]
        return fields

    def __getattr__(self, name: str) -> Any:
        if not name.endswith(PLAIN):
            raise AttributeError(name)
        field = self.model._meta.get_field(name.removesuffix(PLAIN))

        def shown(obj: Any) -> str:
            return plain_number(getattr(obj, field.name))

        shown.short_description = field.verbose_name  # type: ignore[attr-defined]
        return shown


def source_autocomplete() -> AutocompleteSelect:
    """The admin's search-as-you-type box for a source, as a status change's ``source`` has it."""
    from deals.models import RoundStatusChange

    return AutocompleteSelect(RoundStatusChange._meta.get_field("source"), admin.site)
