"""Claims: what one source stated about one field of one record, and which statement the editors accept.

A record (a round, a participation, a condition, a metric, a relationship) keeps its columns, so the engine,
the API's figures and the pages read one value; its claims are the evidence behind that value. A money field's
claim holds an Estimate (``estimate_*`` columns), any other field's the stated value as text (``stated_value``:
a status, an ISO date, a round type, "true"/"false"). The record is named by one foreign key column per kind,
as :class:`~deals.models.sources.Citation` does, so every lookup ("the claims of these 50 rounds") is an
indexed ``IN`` on one column.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.choices import ClaimField
from deals.models.audit import audited, version_field
from deals.models.estimates import EstimateField, EstimateModel
from deals.models.sources import Source

#: The record columns of a claim, in the order of :data:`CLAIM_FIELDS`.
CLAIM_TARGETS = ("round", "participation", "condition", "metric", "relationship")

#: Which fields of each kind of record can be claimed, and whether the field is money (an Estimate).
CLAIM_FIELDS: dict[str, dict[str, bool]] = {
    "round": {
        "amount": True,
        "pre_money_valuation": True,
        "post_money_valuation": True,
        "status": False,
        "reported_on": False,
        "announced_on": False,
        "closed_on": False,
        "round_type": False,
    },
    "participation": {"amount": True, "is_lead": False, "instrument": False, "status": False},
    "condition": {"status": False},
    "metric": {"value": True},
    "relationship": {"annual_value": True},
}


def is_money(target: str, field: str) -> bool:
    """Whether ``field`` of a ``target`` record holds an Estimate (else a stated text value)."""
    return CLAIM_FIELDS[target][field]


def _one_target() -> Q:
    condition = Q()
    for target in CLAIM_TARGETS:
        condition |= Q(
            **{f"{target}__isnull": False}, **{f"{other}__isnull": True for other in CLAIM_TARGETS if other != target}
        )
    return condition


def _field_fits_target() -> Q:
    condition = Q()
    for target, fields in CLAIM_FIELDS.items():
        condition |= Q(**{f"{target}__isnull": False, "field__in": list(fields)})
    return condition


def _value_fits_field() -> Q:
    """A money field's claim holds an estimate and no text; any other field's the reverse."""
    money = Q()
    for target, fields in CLAIM_FIELDS.items():
        names = [name for name, is_estimate in fields.items() if is_estimate]
        if names:
            money |= Q(**{f"{target}__isnull": False, "field__in": names})
    holds_estimate = Q(estimate_qualifier__isnull=False, stated_value="")
    holds_text = Q(estimate_qualifier__isnull=True) & ~Q(stated_value="")
    return (money & holds_estimate) | (~money & holds_text)


@audited
class Claim(EstimateModel):
    """One source's statement about one field of one record: the figure or fact, where and when it was said,
    who recorded it, and whether an editor chose it as the accepted one (with a reason)."""

    round = models.ForeignKey(
        "deals.FundingRound", null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    participation = models.ForeignKey(
        "deals.Participation", null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    condition = models.ForeignKey(
        "deals.Condition", null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    metric = models.ForeignKey("deals.Metric", null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    relationship = models.ForeignKey(
        "deals.Relationship", null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    field = models.CharField(_("field"), max_length=24, choices=ClaimField.choices)
    estimate = EstimateField(_("stated figure"), currency_required=False)
    stated_value = models.CharField(
        _("stated value"),
        max_length=64,
        blank=True,
        help_text=_("For a field that is not money: a status, a date (YYYY-MM-DD), a round type, true or false."),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text=_("Empty: entered by hand."),
    )
    stated_on = models.DateField(_("stated on"), null=True, blank=True)
    quote = models.TextField(_("quote"), blank=True, help_text=_("The sentence or cell the statement comes from."))
    span_start = models.PositiveIntegerField(_("quote starts at"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("quote ends at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    accepted = models.BooleanField(
        _("chosen by an editor"), default=False, help_text=_("The editor's explicit choice for this field.")
    )
    accepted_reason = models.CharField(_("reason for the choice"), max_length=500, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["field", "stated_on", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="claim_exactly_one_target"),
            models.CheckConstraint(condition=_field_fits_target(), name="claim_field_fits_target"),
            models.CheckConstraint(condition=_value_fits_field(), name="claim_value_fits_field"),
            models.CheckConstraint(
                condition=Q(span_start=None, span_end=None)
                | Q(span_start__isnull=False, span_end__isnull=False, span_start__lte=models.F("span_end")),
                name="claim_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(accepted=True) | Q(accepted_reason="", accepted_at=None),
                name="claim_reason_only_when_chosen",
            ),
            *(
                models.UniqueConstraint(
                    fields=[target, "field"],
                    condition=Q(accepted=True, **{f"{target}__isnull": False}),
                    name=f"claim_one_choice_per_{target}_field",
                )
                for target in CLAIM_TARGETS
            ),
        ]

    def __str__(self) -> str:
        said = self.stated_value or (self.estimate.to_dict()["value"] if self.estimate else "")
        return f"{self.get_field_display()}: {said} ({self.source or _('entered by hand')})"

    @property
    def target(self) -> str:
        """Which kind of record the claim is about: "round", "participation", …"""
        return next(t for t in CLAIM_TARGETS if getattr(self, f"{t}_id") is not None)

    @property
    def record_id(self) -> int:
        return int(getattr(self, f"{self.target}_id"))

    def rule_errors(self) -> list[tuple[str, Any]]:
        errors: list[tuple[str, Any]] = []
        targets = [t for t in CLAIM_TARGETS if getattr(self, f"{t}_id", None) is not None]
        if len(targets) != 1:
            return [("round", _("A claim is about exactly one record."))]
        fields = CLAIM_FIELDS[targets[0]]
        if self.field not in fields:
            return [("field", _("This field cannot be claimed for this kind of record."))]
        if fields[self.field] and self.estimate_qualifier is None:
            errors.append(("estimate_qualifier", _("Give the stated figure.")))
        if fields[self.field] and self.stated_value:
            errors.append(("stated_value", _("A figure is given as an estimate, not as text.")))
        if not fields[self.field] and not self.stated_value:
            errors.append(("stated_value", _("Give the stated value.")))
        if not fields[self.field] and self.estimate_qualifier is not None:
            errors.append(("estimate_qualifier", _("This field is not a figure.")))
        if not fields[self.field] and self.stated_value:
            errors += self._stated_value_errors(targets[0])
        return errors

    def _stated_value_errors(self, target: str) -> list[tuple[str, Any]]:
        """The stated value must be one the record's column takes: a status of its choices, a real date, …"""
        column: Any = self._meta.get_field(target).related_model._meta.get_field(self.field)  # type: ignore[union-attr]
        try:
            column.clean(self.stated_value if column.get_internal_type() != "BooleanField" else self._flag(), None)
        except ValidationError as exc:
            return [("stated_value", message) for message in exc.messages]
        return []

    def _flag(self) -> bool:
        if self.stated_value not in {"true", "false"}:
            raise ValidationError(_("Give true or false."))
        return self.stated_value == "true"
