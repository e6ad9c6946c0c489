"""Alerts: the fan-out of one event to its subscribers (unread counts, immediate e-mails, webhook deliveries)
and the daily digest. Run by Celery (deals/follow_tasks.py); each step is safe to run twice."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deals import events
from deals.choices import AlertMode
from deals.follow import (
    followed_events,
    mark_unread,
    saved_search_events_add,
    saved_searches_met,
    settings_of,
    subscribers,
)
from deals.models import EmailAlert, Event, FollowerSettings, Webhook, WebhookDelivery
from deals.roles import may_see_authors

DIGEST_LIMIT = 200


def fan_out(*, event_id: int) -> dict[str, list[int]]:
    """Hand ``event`` to everyone who follows what it is about: the saved searches its round meets hold it,
    one more unread event each, an e-mail for those who want it at once, a delivery for each of their
    webhooks that takes its kind. Returns what to enqueue (e-mail user ids, delivery ids); rows already there
    are kept, so a second run (a worker that died mid-task, a redelivered message) sends nothing twice and
    counts nobody's unread event twice."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return {"emails": [], "deliveries": []}
    searches = saved_searches_met(event)
    users = subscribers(event, searches)
    with transaction.atomic():
        saved_search_events_add(event_id=event.pk, searches=searches)
        mark_unread(event_id=event.pk, user_ids=users)
        immediate = list(
            FollowerSettings.objects.filter(user_id__in=users, alert_mode=AlertMode.IMMEDIATE).values_list(
                "user_id", flat=True
            )
        )
        webhooks = Webhook.objects.filter(user_id__in=users, is_active=True).filter(
            Q(kinds=[]) | Q(kinds__contains=[event.kind])
        )
        for webhook in webhooks:
            WebhookDelivery.objects.get_or_create(webhook=webhook, event=event, defaults={"key": uuid.uuid4()})
        deliveries = list(
            WebhookDelivery.objects.filter(event=event, delivered_at=None, state="pending").values_list("pk", flat=True)
        )
    return {"emails": immediate, "deliveries": deliveries}


def _mail(user: Any, subject: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(settings_of(user).language):
        body = render_to_string(template, {**context, "site": settings.DEALTRACKER_SITE_URL, "user": user})
        send_mail(str(subject), body, None, [user.email])


def send_event_email(*, user_id: int, event_id: int) -> bool:
    """E-mail ``event`` to the user once (the EmailAlert row is the key); False if sent before or not wanted."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    event = Event.objects.select_related("actor").filter(pk=event_id).first()
    if user is None or event is None or not user.email:
        return False
    with transaction.atomic():
        alert, _created = EmailAlert.objects.select_for_update().get_or_create(user=user, event=event)
        if alert.sent_at is not None:
            return False
        with translation.override(settings_of(user).language):
            subject = _("Dealtracker: %(title)s") % {"title": events.title(event)}
            _mail(
                user,
                subject,
                "deals/follow/email_event.txt",
                {"event": event, "line": events.line(event, authors=may_see_authors(user))},
            )
        alert.sent_at = timezone.now()
        alert.save(update_fields=["sent_at"])
    return True


def send_digest(*, user_id: int) -> int:
    """E-mail the user the events of what they follow since their last digest (none: no e-mail); the number
    of events it held. The settings row is locked, so two runs cannot send the same events twice."""
    with transaction.atomic():
        row = FollowerSettings.objects.select_for_update().select_related("user").filter(user_id=user_id).first()
        if row is None or row.alert_mode != AlertMode.DAILY or not row.user.email:
            return 0
        found = followed_events(row.user, limit=DIGEST_LIMIT, after=row.digest_event_id, oldest_first=True)
        if not found:
            return 0
        with translation.override(row.language):
            authors = may_see_authors(row.user)
            lines = [{"title": events.title(e), "line": events.line(e, authors=authors), "event": e} for e in found]
            subject = _("Dealtracker: %(n)s changes to what you follow") % {"n": len(found)}
            _mail(row.user, subject, "deals/follow/email_digest.txt", {"lines": lines})
        row.digest_event_id = found[-1].pk
        row.save(update_fields=["digest_event_id"])
    return len(found)


def digest_users() -> list[int]:
    return list(FollowerSettings.objects.filter(alert_mode=AlertMode.DAILY).values_list("user_id", flat=True))
