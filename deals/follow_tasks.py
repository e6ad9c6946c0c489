"""Celery tasks of following: fan-out of an event, immediate e-mails, daily digests, webhook deliveries.

Thin, as deals/tasks.py's: ids in, a service of deals/alerts.py or deals/webhooks.py called, safe to run twice.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from deals import alerts, webhooks

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(name="deals.fan_out_event", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True)
def fan_out_event(event_id: int) -> None:
    """One event to all its subscribers: the writer only enqueues this, however many follow it."""
    work = alerts.fan_out(event_id=event_id)
    for user_id in work["emails"]:
        send_event_email.delay(user_id, event_id)
    for delivery_id in work["deliveries"]:
        deliver_webhook.delay(delivery_id)


@shared_task(name="deals.send_event_email", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True)
def send_event_email(user_id: int, event_id: int) -> None:
    alerts.send_event_email(user_id=user_id, event_id=event_id)


@shared_task(name="deals.send_digests")
def send_digests() -> None:
    """Sent by beat once a day: one digest task per user who chose the digest."""
    for user_id in alerts.digest_users():
        send_digest.delay(user_id)


@shared_task(name="deals.send_digest", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True)
def send_digest(user_id: int) -> None:
    alerts.send_digest(user_id=user_id)


@shared_task(name="deals.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Task, delivery_id: int) -> None:
    """One attempt; a failed one is retried after an exponential backoff with jitter, until the webhook's
    attempts run out (the delivery log says each outcome)."""
    outcome = webhooks.attempt(delivery_id)
    if outcome is False:
        countdown = webhooks.backoff(self.request.retries + 1)
        if settings.CELERY_TASK_ALWAYS_EAGER:  # eager runs (tests) retry in line, without waiting
            deliver_webhook.apply(args=(delivery_id,), retries=self.request.retries + 1)
            return
        raise self.retry(countdown=countdown)
