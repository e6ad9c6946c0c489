"""Sources: who said so. Every figure can be traced to the reports that state it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.choices import Reliability
from deals.models.audit import audited, version_field


@audited
class Source(models.Model):
    """A report, press release or filing, cited by outlet, date and title."""

    outlet = models.CharField(_("outlet"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"))
    language = models.CharField(_("language"), max_length=8, default="en", help_text=_("e.g. en, de"))
    reliability = models.CharField(
        _("reliability"), max_length=12, choices=Reliability.choices, default=Reliability.REPORT
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()

    class Meta:
        ordering = ["-published_on", "outlet", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.outlet}, {self.published_on:%Y-%m-%d}: {self.title}"


CITATION_TARGETS = ("round", "participation", "relationship", "metric")


@audited
class Citation(models.Model):
    """Links a source to exactly one record it supports, with a note of what it says about it."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations")
    round = models.ForeignKey(
        "deals.FundingRound", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    participation = models.ForeignKey(
        "deals.Participation", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    relationship = models.ForeignKey(
        "deals.Relationship", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    metric = models.ForeignKey(
        "deals.Metric", null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    note = models.CharField(_("what it says"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(round__isnull=False, participation=None, relationship=None, metric=None)
                    | Q(round=None, participation__isnull=False, relationship=None, metric=None)
                    | Q(round=None, participation=None, relationship__isnull=False, metric=None)
                    | Q(round=None, participation=None, relationship=None, metric__isnull=False)
                ),
                name="citation_exactly_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["source", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"citation_unique_source_{target}",
                )
                for target in CITATION_TARGETS
            ),
        ]

    def __str__(self) -> str:
        return str(self.source)
