"""Typing a figure as it is written ("up to €60bn", "10–20 Mrd. €", "at least 800bn EUR") instead of its five
parts: a form field that reads it with the report parser (deals/extraction/money.py), for the admin's forms.

A text the parser cannot read is a field error, never a guess; a text it reads fills the qualifier, value,
bounds and currency, and the model's own rules then check them as if typed one by one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.forms.models import ModelFormMetaclass
from django.http import HttpRequest, JsonResponse
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from deals import formatting
from deals.engine.estimates import Estimate
from deals.extraction.money import UnreadableEstimate, parse_estimate
from deals.models.estimates import PARTS, estimate_fields


def read_estimate(text: str) -> Estimate:
    """The Estimate ``text`` states, in the interface's language first; UnreadableEstimate if none."""
    language = "de" if (get_language() or "en").startswith("de") else "en"
    try:
        return parse_estimate(text, language)
    except UnreadableEstimate:
        return parse_estimate(text)


class EstimatePreviewInput(forms.TextInput):
    """A text input followed by the figure it reads as, in words, updated as one types (estimate_text.js)."""

    class Media:
        js = ["deals/estimate_text.js"]

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"class": "vTextField", "data-estimate-preview": reverse_lazy("estimate_preview"), **(attrs or {})}
        )

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        html = super().render(name, value, attrs, renderer)
        words = ""
        if value:
            try:
                words = formatting.describe(read_estimate(str(value)), language=get_language())
            except UnreadableEstimate:
                words = ""
        output_id = f"{(attrs or {}).get('id') or 'id_' + name}_words"
        return format_html(
            '{} <output id="{}" class="estimate-words" aria-live="polite">{}</output>', html, output_id, words
        )


class EstimateTextField(forms.CharField):
    """Cleans to an Estimate (None when empty); an unreadable text is this field's error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("label", _("As written"))
        kwargs.setdefault(
            "help_text",
            _("Type the figure as a report writes it, e.g. “up to €60bn”, “10–20 Mrd. €”; it fills the parts."),
        )
        kwargs.setdefault("widget", EstimatePreviewInput())
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Estimate | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return read_estimate(text)
        except UnreadableEstimate:
            raise forms.ValidationError(
                _("“%(text)s” does not read as one amount with its currency, e.g. “up to €60bn”."),
                code="unreadable",
                params={"text": text},
            ) from None


class EstimateTextFormMixin:
    """Fills an Estimate's five columns from its ``<name>_text`` field when one is given."""

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        for field in estimate_fields(self._meta.model):  # type: ignore[attr-defined]
            estimate = cleaned.get(f"{field.name}_text")
            if estimate is None:
                continue
            values = dict(
                zip(
                    PARTS,
                    (estimate.value, estimate.low, estimate.high, str(estimate.qualifier), estimate.currency),
                    strict=True,
                )
            )
            for part in field.columns():
                cleaned[part] = values[part.removeprefix(f"{field.name}_")]
        return cleaned


def with_estimate_text(form: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """``form`` with an "as written" field beside each of its model's Estimates (``amount_text`` …)."""
    model = form._meta.model
    attrs: dict[str, Any] = {f"{f.name}_text": EstimateTextField() for f in estimate_fields(model)}
    attrs["__module__"] = form.__module__
    built: type[forms.ModelForm] = ModelFormMetaclass(form.__name__, (EstimateTextFormMixin, form), attrs)  # type: ignore[assignment]
    return built


def model_form(model: type[Any]) -> type[forms.ModelForm]:
    """A plain ModelForm of ``model`` with the "as written" fields (for admins without a form of their own)."""
    return with_estimate_text(forms.modelform_factory(model, fields="__all__"))


@staff_member_required
@require_GET
def estimate_preview(request: HttpRequest) -> JsonResponse:
    """{"words": "up to €60bn"} for ?text=…, or {"error": …} when the text does not read as an amount."""
    text = request.GET.get("text", "")[:200]
    try:
        estimate = read_estimate(text)
    except UnreadableEstimate:
        return JsonResponse({"words": "", "error": str(_("Not readable as an amount with its currency."))})
    return JsonResponse(
        {"words": formatting.describe(estimate, language=get_language()), "estimate": estimate.to_dict()}
    )
