"""Dated exchange rates; a conversion uses the latest rate on or before the figure's date."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deals.engine.currencies import is_currency
from deals.models.audit import audited, version_field
from deals.models.validation import OneQueryConstraints


@audited
class FxRate(OneQueryConstraints):
    """1 ``base`` = ``rate`` ``quote`` on ``date``."""

    date = models.DateField(_("date"))
    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()

    class Meta:
        ordering = ["-date", "base", "quote"]
        verbose_name = _("FX rate")
        verbose_name_plural = _("FX rates")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "base", "quote"],
                name="fxrate_unique_per_day",
                violation_error_message=_("A rate for this pair on this date already exists."),
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fxrate_rate_positive"),
            models.CheckConstraint(condition=~Q(base=F("quote")), name="fxrate_distinct_currencies"),
            models.CheckConstraint(
                condition=Q(base__regex=r"^[A-Z]{3}$") & Q(quote__regex=r"^[A-Z]{3}$"), name="fxrate_currency_format"
            ),
        ]
        indexes = [models.Index(fields=["base", "quote", "-date"], name="fxrate_pair_date")]

    def __str__(self) -> str:
        rate = format(self.rate.normalize(), "f") if isinstance(self.rate, Decimal) else self.rate
        return f"{self.date}: 1 {self.base} = {rate} {self.quote}"

    def clean(self) -> None:
        super().clean()
        self.base, self.quote = (self.base or "").upper(), (self.quote or "").upper()
        errors = rate_errors(self.base, self.quote, self.rate)
        if errors:
            raise ValidationError(errors)


def rate_errors(base: str, quote: str, rate: Decimal | None) -> dict[str, Any]:
    """The rules of a rate, field by field: ISO 4217 codes, two different currencies, a positive rate. The
    model's ``clean()`` and the bulk loaders (deals/imports) both check rates with this one function."""
    errors: dict[str, Any] = {}
    for field, code in (("base", base), ("quote", quote)):
        if code and not is_currency(code):
            errors[field] = _("“%(code)s” is not an ISO 4217 currency code.") % {"code": code}
    if not errors and base and base == quote:
        errors["quote"] = _("Base and quote currencies must differ.")
    if rate is not None and rate <= 0:
        errors["rate"] = _("A rate must be greater than zero.")
    return errors
