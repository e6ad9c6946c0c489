"""Audit history: database triggers (django-pghistory) keep every insert, update and delete of the input
models, with who and from where, including bulk updates and raw SQL that bypass the ORM."""

from __future__ import annotations

from typing import TypeVar

import pghistory
from django.db import models

M = TypeVar("M", bound=type[models.Model])


def audited(model: M) -> M:
    """Track ``model``'s rows in an event table ``<Model>Event``."""
    tracker = pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return tracker(model)
