"""Worker liveness: the heartbeat a worker records and the age /healthz reads back."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from deals.models import WorkerHeartbeat

HEARTBEAT = "worker"


@transaction.atomic
def heartbeat_record(*, hostname: str = "", name: str = HEARTBEAT) -> WorkerHeartbeat:
    """Store now as the time a worker last ran a task (an upsert, so running it twice is harmless)."""
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "hostname": hostname[:255]}
    )
    return beat


def heartbeat_age(*, name: str = HEARTBEAT) -> datetime.timedelta | None:
    """How long ago a worker last ran the heartbeat task; None if none ever did."""
    beat_at = WorkerHeartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else timezone.now() - beat_at
