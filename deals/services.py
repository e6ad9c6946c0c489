"""Writes that touch several rows or have side effects (HackSoft style: keyword-only, typed, atomic)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from deals.choices import RoundStatus
from deals.models import FundingRound, RoundStatusChange, Source


@transaction.atomic
def round_record_status_change(
    *,
    round: FundingRound,
    from_status: str,
    user: Any = None,
    changed_on: datetime.date | None = None,
    source: Source | None = None,
    note: str = "",
) -> RoundStatusChange | None:
    """Record that ``round`` moved from ``from_status`` to its current status (nothing if it did not move)."""
    if from_status == round.status:
        return None
    return RoundStatusChange.objects.create(
        round=round,
        changed_on=changed_on or timezone.localdate(),
        from_status=from_status,
        to_status=round.status,
        source=source,
        note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def round_change_status(
    *,
    round: FundingRound,
    to_status: str,
    changed_on: datetime.date | None = None,
    source: Source | None = None,
    note: str = "",
    user: Any = None,
) -> FundingRound:
    """Move a round to ``to_status``, filling its announced/closed date when that step has none yet."""
    locked = FundingRound.objects.select_for_update().get(pk=round.pk)
    from_status = locked.status
    changed_on = changed_on or timezone.localdate()
    locked.status = to_status
    if to_status in {RoundStatus.ANNOUNCED, RoundStatus.CLOSED} and locked.announced_on is None:
        locked.announced_on = changed_on
    if to_status == RoundStatus.CLOSED and locked.closed_on is None:
        locked.closed_on = changed_on
    locked.full_clean()
    locked.save()
    round_record_status_change(
        round=locked, from_status=from_status, user=user, changed_on=changed_on, source=source, note=note
    )
    return locked
