"""The acceptance test of following, end to end with a real Celery worker and a real local HTTP receiver: a followed
round moves from in talks to announced through the API → exactly one event, one e-mail, one webhook delivery with a
valid signature and one feed entry, also when the receiver first answers with an error and the delivery is retried."""

from __future__ import annotations

import contextlib
import datetime
import email
import html
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.urls import reverse

from deals import follow, services, webhooks
from deals.choices import DeliveryState, EventKind
from deals.engine.estimates import Estimate
from deals.models import Event, WebhookDelivery
from deals.models.estimates import as_columns
from tests.factories import OrganizationFactory
from tests.support.polling import poll
from tests.support.servers import Receiver
from tests.support.workers import celery_worker, database_url

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@contextlib.contextmanager
def worker(mail_dir: Path) -> Iterator[Any]:
    """A worker process whose e-mails go to files in ``mail_dir`` and whose retries wait a second at most; tasks
    sent meanwhile go to it (not eager)."""
    from dealtracker.celery import app

    extra = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DEALTRACKER_WEBHOOK_ALLOW_PRIVATE": "true",
        "DEALTRACKER_WEBHOOK_BACKOFF_SECONDS": "1",
        "DEALTRACKER_WEBHOOK_BACKOFF_MAX_SECONDS": "2",
    }
    app.conf.task_always_eager = False
    try:
        with celery_worker(
            broker_url=settings.CELERY_BROKER_URL,
            result_backend=settings.CELERY_RESULT_BACKEND,
            database=database_url(connection.settings_dict),
            extra_env=extra,
        ) as process:
            yield process
    finally:
        app.conf.task_always_eager = True


def messages_in(mail_dir: Path) -> list[email.message.Message]:
    """Every e-mail the file backend wrote (a file holds the messages of one connection, separated by dashes)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip()))
    return found


def body_of(message: email.message.Message) -> str:
    if message["Content-Transfer-Encoding"] in {"base64", "quoted-printable"}:
        return bytes(message.get_payload(decode=True)).decode(message.get_content_charset() or "utf-8")
    return str(message.get_payload())


def test_a_followed_round_announced_through_the_api_is_one_event_email_delivery_and_feed_entry(
    transactional_db, mail_dir, settings
):
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = True
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    amount = as_columns("amount", Estimate.build(qualifier="up_to", value=Decimal("60000000000"), currency="EUR"))
    round_ = services.round_create(
        values={
            "target": openai,
            "round_type": "series_f",
            "status": "in_talks",
            "reported_on": datetime.date(2026, 1, 5),
            **amount,
        }
    )
    admin = User.objects.create_superuser("admin", "admin@example.com", "x-very-long-pass")
    follower = User.objects.create_user("follower", "follower@example.com", "x-very-long-pass")
    follower.groups.add(Group.objects.get(name="Viewer"))
    follow.follow(user=follower, round=round_)
    follow.settings_update(user=follower, alert_mode="immediate", language="en")
    with Receiver(answers=[500]) as receiver, worker(mail_dir):
        webhook = follow.webhook_save(user=follower, url=receiver.url)
        client = Client()
        client.force_login(admin)
        response = client.patch(f"/api/rounds/{round_.pk}/", {"status": "announced"}, content_type="application/json")
        assert response.status_code == 200, response.content

        delivered = poll(
            lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).first(),
            deadline_s=120,
            what="the webhook delivery after a retry",
        )
        poll(lambda: messages_in(mail_dir), deadline_s=60, what="the alert e-mail")

        moved = Event.objects.filter(kind=EventKind.STATUS_CHANGED)
        assert moved.count() == 1
        event = moved.get()
        assert delivered.event_id == event.pk and delivered.attempts == 2

        # The receiver answered 500 once, then got the same delivery (same key) again and took it.
        assert [status for _h, _b, status in receiver.received] == [500, 200]
        assert {h["Idempotency-Key"] for h, _b, _s in receiver.received} == {str(delivered.key)}
        (accepted,) = receiver.accepted()
        headers, body, _status = accepted
        assert webhooks.verify(webhook.secret, headers["Dealtracker-Signature"], body)

        (message,) = messages_in(mail_dir)
        assert message["To"] == "follower@example.com"
        assert "Status: In talks → Announced" in body_of(message)

        token = follow.settings_of(follower).feed_token
        feed = Client().get(reverse("deals:feed_user", args=[token])).content.decode()
        titles = [html.unescape(t) for t in re.findall(r"<entry>.*?<title>(.*?)</title>", feed, re.S)]
        assert titles.count("OpenAI · Series F — Status: In talks → Announced") == 1

        assert WebhookDelivery.objects.count() == 1 and len(receiver.accepted()) == 1
        assert len(messages_in(mail_dir)) == 1
