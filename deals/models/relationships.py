"""Commercial ties between organizations: the base of circular-flow analysis."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deals.choices import RelationshipKind
from deals.models.audit import audited, version_field
from deals.models.estimates import EstimateField, EstimateModel
from deals.models.organizations import Organization
from deals.models.sources import Source


@audited
class Relationship(EstimateModel):
    """A provider sells to a client (NVIDIA supplies OpenAI's GPUs); money flows client → provider."""

    provider = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="relationships_as_provider"
    )
    client = models.ForeignKey(
        Organization, verbose_name=_("client"), on_delete=models.PROTECT, related_name="relationships_as_client"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RelationshipKind.choices, default=RelationshipKind.OTHER)
    description = models.CharField(_("description"), max_length=500, blank=True)
    annual_value = EstimateField(_("annual value"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    sources = models.ManyToManyField(
        Source,
        through="deals.Citation",
        through_fields=("relationship", "source"),
        related_name="relationships",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    class Meta:
        ordering = ["provider", "client", "id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider=F("client")),
                name="relationship_distinct_parties",
                violation_error_message=_("Provider and client must differ."),
            ),
            models.CheckConstraint(
                condition=Q(started_on=None) | Q(ended_on=None) | Q(started_on__lte=F("ended_on")),
                name="relationship_started_before_ended",
            ),
        ]
        indexes = [models.Index(fields=["client", "provider"], name="relationship_client_provider")]

    def __str__(self) -> str:
        return f"{self.provider} → {self.client} ({self.get_kind_display()})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.ended_on is None or self.ended_on >= on

    def clean(self) -> None:
        super().clean()
        if self.provider_id and self.provider_id == self.client_id:
            raise ValidationError({"client": _("Provider and client must differ.")})
        if self.started_on and self.ended_on and self.started_on > self.ended_on:
            raise ValidationError({"ended_on": _("A relationship cannot end before it started.")})
