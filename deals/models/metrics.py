"""Metrics about an organization: revenue, costs, funding need, exposure shares."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.choices import MetricKind
from deals.models.audit import audited, version_field
from deals.models.estimates import EstimateField, EstimateModel
from deals.models.organizations import Organization
from deals.models.sources import Source


@audited
class Metric(EstimateModel):
    """A figure about an organization for a year or a date: an amount (Estimate) or a percentage."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="metrics"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MetricKind.choices)
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        help_text=_("What exactly is measured, e.g. “AI share of commercial RPO”."),
    )
    period_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    period_date = models.DateField(_("date"), null=True, blank=True)
    value = EstimateField(_("value"))
    percent = models.DecimalField(_("percent"), max_digits=7, decimal_places=3, null=True, blank=True)
    is_forecast = models.BooleanField(_("forecast"), default=False)
    sources = models.ManyToManyField(
        Source, through="deals.Citation", through_fields=("metric", "source"), related_name="metrics", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    class Meta:
        ordering = ["organization", "kind", "-period_year", "-period_date", "id"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_year__isnull=False) | Q(period_date__isnull=False), name="metric_has_period"
            ),
            models.CheckConstraint(
                condition=Q(value_qualifier__isnull=True) | Q(percent__isnull=True), name="metric_value_or_percent"
            ),
            models.CheckConstraint(
                condition=Q(value_qualifier__isnull=False) | Q(percent__isnull=False), name="metric_has_a_figure"
            ),
            models.CheckConstraint(
                condition=Q(percent=None) | Q(percent__gte=0, percent__lte=100), name="metric_percent_range"
            ),
        ]

    def __str__(self) -> str:
        period = self.period_year or self.period_date
        return f"{self.organization}: {self.get_kind_display()} {period}"

    def rule_errors(self) -> list[tuple[str, Any]]:
        errors: list[tuple[str, Any]] = []
        if self.period_year is None and self.period_date is None:
            errors.append(("period_year", _("Give the year or the date the figure is for.")))
        if self.value is not None and self.percent is not None:
            errors.append(("percent", _("Give either an amount or a percentage, not both.")))
        elif self.value is None and self.percent is None:
            errors.append(("percent", _("Give an amount or a percentage.")))
        if self.percent is not None and not (Decimal(0) <= self.percent <= Decimal(100)):
            errors.append(("percent", _("A percentage lies between 0 and 100.")))
        return errors
