"""Background work: the dirty set the pipeline drains, and long jobs with their progress."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deals.choices import JobKind, JobState
from deals.models.organizations import Organization


class DirtyTarget(models.Model):
    """A target whose computed figures must be recomputed. Marked by database triggers in the same transaction
    as the change; ``version`` grows with every mark so a recompute can tell whether it saw the latest one.

    ``stage`` splits the work so new figures are readable before the slow circular-flow analysis has run:
    every mark (re)sets it to ``FIGURES``; the figures step moves it to ``FLAGS`` in the transaction that
    writes the figures, and the circular-flow step deletes the row in the transaction that writes the flags.
    """

    class Stage(models.IntegerChoices):
        FIGURES = 1, _("figures pending")
        FLAGS = 2, _("related-party flags pending")

    target = models.OneToOneField(Organization, primary_key=True, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField()
    version = models.BigIntegerField(default=1)
    # db_default: the triggers insert with plain SQL.
    stage = models.PositiveSmallIntegerField(choices=Stage.choices, default=Stage.FIGURES, db_default=Stage.FIGURES)

    class Meta:
        ordering = ["marked_at"]
        # Each lane claims its oldest rows: WHERE stage = … ORDER BY marked_at, target_id LIMIT … SKIP LOCKED.
        indexes = [models.Index(fields=["stage", "marked_at", "target"], name="deals_dirty_stage_claim")]
        verbose_name = _("dirty target")
        verbose_name_plural = _("dirty targets")

    def __str__(self) -> str:
        return f"Target {self.target_id} (marked {self.marked_at:%Y-%m-%d %H:%M:%S})"


class Job(models.Model):
    """A long-running job such as a full recompute, with its state and progress."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True, help_text=_("An import's report."))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")) | Q(progress_total=0),
                name="job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"


class WorkerHeartbeat(models.Model):
    """When a worker last ran the heartbeat task that beat sends: proof that broker, pool and database all
    make progress. One row per ``name``; /healthz reports unavailable when it is older than the threshold."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    beat_at = models.DateTimeField(_("last heartbeat"))
    hostname = models.CharField(_("worker"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
