"""Webhook deliveries: a JSON body signed with HMAC-SHA256 over "<timestamp>.<body>" (the scheme of Stripe's
``Stripe-Signature`` and GitHub's ``X-Hub-Signature-256``), POSTed to the endpoint's checked address.

Headers of each POST:

- ``Dealtracker-Timestamp``: seconds since the epoch when it was signed;
- ``Dealtracker-Signature``: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>``;
- ``Idempotency-Key``: the delivery's UUID, the same on every retry (at least once: a receiver that saw the
  key already has the event).

The host is resolved and every address checked at delivery time as well, and the connection goes to the
checked address, so a name that resolves elsewhere later (DNS rebinding) cannot reach a private network.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import random
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deals import events
from deals.choices import DeliveryState
from deals.follow import address_refused, settings_of
from deals.models import Event, Webhook, WebhookDelivery

SIGNATURE_HEADER = "Dealtracker-Signature"
TIMESTAMP_HEADER = "Dealtracker-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, tolerance_s: int = 300, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (against replays)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def payload(event: Event, delivery: WebhookDelivery) -> dict[str, Any]:
    with translation.override("en"):
        text = events.title(event)
    return {
        "id": str(delivery.key),
        "event": {
            "id": event.pk,
            "kind": event.kind,
            "round": event.round_id,
            "organizations": event.organization_ids,
            "source": event.source_id,
            "occurred_at": event.occurred_at.isoformat(),
            "params": event.params,
            "text": text,
        },
    }


def backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (1, 2, …): doubling from the base, capped, with full jitter."""
    base = settings.DEALTRACKER_WEBHOOK_BACKOFF_SECONDS
    ceiling = min(settings.DEALTRACKER_WEBHOOK_BACKOFF_MAX_SECONDS, base * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not a secret)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate against the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` at an address checked now; the response status (raises OSError/ValueError)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    refused = address_refused(host)
    if refused:
        raise ValueError(refused)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = str(socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)[0][4][0])
    if address_refused(address):  # the address connected to is the one checked
        raise ValueError(address_refused(address))
    timeout = settings.DEALTRACKER_WEBHOOK_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, address, port, timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers={**headers, "Host": parts.netloc})
        response = connection.getresponse()
        response.read(65536)
        return int(response.status)
    finally:
        connection.close()


def attempt(delivery_id: int) -> bool | None:
    """One delivery attempt: True when delivered (or delivered before), False when it should be retried,
    None when there is nothing (more) to do (gone, disabled, or out of attempts)."""
    delivery = WebhookDelivery.objects.select_related("webhook", "event").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == DeliveryState.DELIVERED:
        return True if delivery is not None else None
    webhook = delivery.webhook
    if not webhook.is_active or delivery.state == DeliveryState.FAILED:
        return None
    body = json.dumps(payload(delivery.event, delivery), separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Dealtracker-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
        IDEMPOTENCY_HEADER: str(delivery.key),
    }
    status, error = None, ""
    try:
        status = post(webhook.url, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        error = str(exc)[:500] or type(exc).__name__
    return _record(delivery, status, error)


@transaction.atomic
def _record(delivery: WebhookDelivery, status: int | None, error: str) -> bool | None:
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "response_status": status, "error": error}
    if not error:
        values.update(state=DeliveryState.DELIVERED, delivered_at=timezone.now())
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**values)
        Webhook.objects.filter(pk=delivery.webhook_id).update(consecutive_failures=0)
        return True
    if attempts < settings.DEALTRACKER_WEBHOOK_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**values)
        return False
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, **values)
    webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
    webhook.consecutive_failures += 1
    if webhook.consecutive_failures >= settings.DEALTRACKER_WEBHOOK_DISABLE_AFTER and webhook.is_active:
        webhook.is_active = False
        webhook.disabled_reason = _("Disabled after %(n)s failed deliveries in a row; the last: %(error)s") % {
            "n": webhook.consecutive_failures,
            "error": error,
        }
        transaction.on_commit(lambda: _notify_disabled(webhook.pk))
    webhook.save(update_fields=["consecutive_failures", "is_active", "disabled_reason"])
    return None


def _notify_disabled(webhook_id: int) -> None:
    webhook = Webhook.objects.select_related("user").get(pk=webhook_id)
    user = webhook.user
    if not user.email:
        return
    with translation.override(settings_of(user).language):
        send_mail(
            _("Dealtracker: webhook disabled"),
            _("Your webhook %(url)s was disabled. %(reason)s\nRe-enable it on your following page: %(link)s")
            % {
                "url": webhook.url,
                "reason": webhook.disabled_reason,
                "link": f"{settings.DEALTRACKER_SITE_URL}/following/",
            },
            None,
            [user.email],
        )
