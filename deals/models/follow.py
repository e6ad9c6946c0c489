"""Following the deals: events that mean something, who follows what, saved searches, alerts and webhooks.

Events are written once, by the services that make the change (deals/events.py), and read as stored: no page or
feed derives them from the audit history per request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.choices import AlertMode, DeliveryState, EventKind
from deals.models.organizations import Organization
from deals.models.rounds import FundingRound
from deals.models.sources import Source


class Event(models.Model):
    """One change that means something: a new round, a status move, a revised amount, a new participant, …

    ``organization_ids`` are every organization involved (the round's target, the investor, a counterparty),
    so "events of what I follow" is one indexed array overlap; ``params`` are what the sentence needs (old and
    new values as Estimate dicts, statuses as codes, names as they were), rendered in the reader's language."""

    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    round = models.ForeignKey(
        FundingRound,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_events",
        db_index=False,  # event_round_id (round, -id) serves it
    )
    organization_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL, related_name="change_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # No pending list: every read would scan the events inserted since the last VACUUM linearly.
            GinIndex(fields=["organization_ids"], name="event_organizations", fastupdate=False),
            models.Index(fields=["round", "-id"], name="event_round_id"),
            models.Index(fields=["kind", "-id"], name="event_kind_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class EventOrganization(models.Model):
    """An organization an event names: ``Event.organization_ids`` a row each, keyed ``(organization, event)``,
    so the newest events of an organization are a walk down its key that stops at the page's end (the GIN
    index on the array finds the same events but holds no order: every one of them is read and sorted).

    Written by the database, not by the writers: the event table's insert and update triggers keep it equal
    to the array (migration 0024), for every statement that writes events (a service, an import's
    ``INSERT … SELECT``). Events are not deleted by the application; a delete cascades here through the
    event's key (there is no index on ``event`` alone: a delete of many events reads the table)."""

    pk = models.CompositePrimaryKey("organization_id", "event")
    organization_id = models.BigIntegerField()
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organization_links", db_index=False)

    class Meta:
        verbose_name = _("organization of an event")
        verbose_name_plural = _("organizations of events")

    def __str__(self) -> str:
        return f"{self.organization_id} #{self.event_id}"


class Follow(models.Model):
    """A user follows an organization or a round (exactly one of them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    round = models.ForeignKey(FundingRound, null=True, blank=True, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization=None, round__isnull=False) | Q(organization__isnull=False, round=None),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "organization"], name="follow_organization_once"),
            models.UniqueConstraint(fields=["user", "round"], name="follow_round_once"),
        ]
        indexes = [
            models.Index(fields=["organization"], name="follow_organization"),
            models.Index(fields=["round"], name="follow_round"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization or self.round}"


class SavedSearch(models.Model):
    """A deals-list filter under a name ("EU AI rounds over EUR 100m"): the list's query string, read back by
    the same FilterSet, so the saved search matches what the list shows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When its newest past events were written (deals.follow.saved_search_fill); empty for a search saved
    #: before searches kept their events, which is filled when it is first read.
    filled_at = models.DateTimeField(_("past events read at"), null=True, blank=True)

    class Meta:
        ordering = ["user", "name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_once")]

    def __str__(self) -> str:
        return self.name


class SavedSearchEvent(models.Model):
    """An event whose round met a saved search's filter: written by the event's fan-out, which asks every
    saved search right after the event, and, for the newest past events, when the search is saved or its
    filter changed (:func:`deals.follow.saved_search_save`). Keyed ``(search, event)``, so a search's newest
    events are a walk down its key that stops at the page's end, however many rounds the filter matches (the
    live filter joined to the events read thousands of events for 50 matches).

    A search's events are so those that met it when they happened: a round that stops matching keeps its
    earlier events in the search's feed, as a feed reader keeps the entries it has read."""

    pk = models.CompositePrimaryKey("search", "event")
    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="event_links", db_index=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="saved_search_links", db_index=False)

    class Meta:
        verbose_name = _("event of a saved search")
        verbose_name_plural = _("events of saved searches")

    def __str__(self) -> str:
        return f"{self.search_id} #{self.event_id}"


class FollowerSettings(models.Model):
    """A user's alert choice, feed token and what they have seen (the last visit, the last digest)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_settings")
    alert_mode = models.CharField(_("e-mail alerts"), max_length=10, choices=AlertMode.choices, default=AlertMode.OFF)
    feed_token = models.CharField(max_length=64, unique=True, help_text=_("In feed URLs; a new one revokes the old."))
    seen_event_id = models.BigIntegerField(default=0, help_text=_("The newest event shown on What's new."))
    digest_event_id = models.BigIntegerField(default=0, help_text=_("The newest event the last digest contained."))
    last_visit_at = models.DateTimeField(null=True, blank=True)
    unread = models.PositiveIntegerField(default=0, help_text=_("Events of what the user follows not yet seen."))
    language = models.CharField(_("language of e-mails"), max_length=8, default="en")

    class Meta:
        verbose_name = _("follower settings")
        verbose_name_plural = _("follower settings")

    def __str__(self) -> str:
        return str(self.user)


class EventReceipt(models.Model):
    """An event counted as unread for a subscriber: the fan-out inserts these with ON CONFLICT DO NOTHING and
    counts only the rows it inserted, so a re-run (after a worker crash) counts nobody twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", db_index=False)  # the key's

    class Meta:
        verbose_name = _("event receipt")
        verbose_name_plural = _("event receipts")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="event_receipt_once")]

    def __str__(self) -> str:
        return f"{self.user} #{self.event_id}"


class EmailAlert(models.Model):
    """An event e-mailed to a user at once: the row is the idempotency key, so a retried task sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="email_alert_once")]

    def __str__(self) -> str:
        return f"{self.user} #{self.event_id}"


class Webhook(models.Model):
    """An endpoint that receives a signed JSON POST for each event of what its owner follows (and of the
    kinds it names, all when none)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=128, help_text=_("Signs each delivery (HMAC-SHA256)."))
    kinds = ArrayField(
        models.CharField(max_length=24, choices=EventKind.choices), verbose_name=_("kinds"), default=list, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(_("why disabled"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: its idempotency key, its attempts and how the last one went."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(unique=True)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_once")]

    def __str__(self) -> str:
        return f"{self.webhook} #{self.event_id}: {self.state}"
