"""Audit history: database triggers (django-pghistory) keep every insert, update and delete of the input
models, with who and from where, including bulk updates and raw SQL that bypass the ORM."""

from __future__ import annotations

from typing import TypeVar

import pghistory
from django.db import models

M = TypeVar("M", bound=type[models.Model])


def audited(model: M) -> M:
    """Track ``model``'s rows in an event table ``<Model>Event``. The row version is left out: it follows
    from the other columns' changes, and a version-only bump (a child row changed) is no change of the row."""
    tracker = pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=[VERSION_FIELD]
    )
    return tracker(model)


VERSION_FIELD = "version"


def version_field() -> models.BigIntegerField[int, int]:
    """A row's version, the API's ETag: a BEFORE UPDATE trigger (migration 0007) adds one on every update,
    through the ORM, ``QuerySet.update()`` or raw SQL, so no write path can leave it behind."""
    return models.BigIntegerField(default=1, db_default=1, editable=False)
