"""Figures the recompute pipeline derives from the inputs and stores, so pages and the API never
recompute them per request. Each row has ``computed_at``; a target in the dirty set has stale rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deals.models.estimates import EstimateField, EstimateModel
from deals.models.organizations import Organization
from deals.models.rounds import FundingRound, Participation


class RoundFigures(EstimateModel):
    """What a round implies: post- and pre-money, whether it is pro forma, and consistency warnings."""

    round = models.OneToOneField(FundingRound, primary_key=True, on_delete=models.CASCADE, related_name="figures")
    pre_money = EstimateField(_("pre-money valuation"))
    post_money = EstimateField(_("post-money valuation"))
    amount_reporting = EstimateField(_("amount in the reporting currency"))
    post_money_reporting = EstimateField(_("post-money valuation in the reporting currency"))
    fx_rate = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    fx_rate_date = models.DateField(null=True, blank=True)
    pro_forma = models.BooleanField(default=False)
    counted = models.BooleanField(default=True, help_text=_("False for abandoned rounds."))
    warnings = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round"]
        verbose_name = _("round figures")
        verbose_name_plural = _("round figures")
        indexes = [models.Index(fields=["amount_reporting_high"], name="roundfigures_amount_high")]

    def __str__(self) -> str:
        return f"Figures of {self.round_id}"


class ParticipationFigures(EstimateModel):
    """A participation's implied stake, its amount in the reporting currency and related-party flags."""

    participation = models.OneToOneField(
        Participation, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    stake = EstimateField(_("stake"), ratio=True)
    amount_reporting = EstimateField(_("amount in the reporting currency"))
    related_party = models.BooleanField(default=False)
    related_party_reasons = models.JSONField(default=list, blank=True)
    cycles_truncated = models.BooleanField(
        default=False,
        help_text=_("More money cycles run through this investment than are stored: the shortest ones are kept."),
    )
    pending_conditions = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "The pending conditions (id, kind, description) the stake depends on: it holds only if they are met."
        ),
    )
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participation"]
        verbose_name = _("participation figures")
        verbose_name_plural = _("participation figures")

    def __str__(self) -> str:
        return f"Figures of participation {self.participation_id}"


class Position(EstimateModel):
    """An investor's holding in a target across rounds: diluted stake, cost, mark value, MOIC.

    ``pro_forma`` positions include rounds that have not closed yet; factual ones only announced and closed
    rounds.
    """

    investor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="positions")
    target = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="holders")
    pro_forma = models.BooleanField(default=False)
    stake = EstimateField(_("stake"), ratio=True)
    cost = EstimateField(_("cost basis"))
    mark_value = EstimateField(_("mark-to-market value"))
    moic = EstimateField(_("multiple on invested capital"), ratio=True)
    step_up = EstimateField(_("step-up"), ratio=True)
    as_of_round = models.ForeignKey(FundingRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["investor", "target", "pro_forma"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["investor", "target", "pro_forma"], name="position_unique"),
        ]
        indexes = [models.Index(fields=["target", "pro_forma"], name="position_target")]

    def __str__(self) -> str:
        return f"{self.investor} in {self.target}"


class Cycle(EstimateModel):
    """A money cycle through a round's target: investor → target → … → investor group."""

    target = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cycles")
    round = models.ForeignKey(FundingRound, null=True, blank=True, on_delete=models.CASCADE, related_name="cycles")
    investor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cycles_as_investor")
    path = models.JSONField(default=list, help_text=_("Organization ids along the cycle, first = last."))
    edges = models.JSONField(default=list, help_text=_("Each edge: from, to, kind, amount (Estimate dict)."))
    length = models.PositiveSmallIntegerField()
    round_trip = EstimateField(_("round-trip ratio"), ratio=True)
    net_new_cash = EstimateField(_("net new cash"))
    is_current = models.BooleanField(default=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target", "length", "id"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        indexes = [
            models.Index(fields=["round"], name="cycle_round"),
            models.Index(fields=["investor"], name="cycle_investor"),
        ]

    def __str__(self) -> str:
        return f"Cycle of length {self.length} through {self.target_id}"
