"""Enqueue a recompute after a transaction that changed inputs commits (once per transaction).

The triggers already marked the targets dirty in that transaction; this only wakes a worker at once
instead of at the next minute's sweep. Writes that bypass the ORM (raw SQL, bulk updates) rely on the sweep.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from deals.models import Condition, FundingRound, FxRate, Organization, Participation, Relationship

logger = logging.getLogger(__name__)
INPUTS = (FundingRound, Participation, Condition, Relationship, FxRate, Organization)


def _send() -> None:
    from deals.tasks import recompute_dirty

    try:
        recompute_dirty.delay()
    except Exception:  # the broker is down: the write stands and the minute's sweep picks the target up
        logger.warning("Could not enqueue a recompute; the sweep will pick it up.", exc_info=True)


def _enqueue(**kwargs: Any) -> None:
    if connection.in_atomic_block and any(entry[1] is _send for entry in connection.run_on_commit):
        return
    transaction.on_commit(_send)


def connect() -> None:
    for model in INPUTS:
        post_save.connect(_enqueue, sender=model, dispatch_uid=f"recompute-{model.__name__}-save")
        post_delete.connect(_enqueue, sender=model, dispatch_uid=f"recompute-{model.__name__}-delete")
