"""Audit history: database triggers (django-pghistory) keep every insert, update and delete of the input
models, with who and from where, including bulk updates and raw SQL that bypass the ORM."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pghistory
from django.db import connection, models

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


@contextmanager
def bulk_writes(**metadata: Any) -> Iterator[None]:
    """For a transaction that writes thousands of audited rows (an import, a merge): its audit events grouped
    under one context with ``metadata``, and pgtrigger's list of ignored triggers set (empty) for the
    transaction. Enter it inside the transaction.

    Each audited row's trigger reads both settings inside an exception block, and where a setting is missing the
    block fails. In a transaction whose foreign-key checks are deferred (the schema's default), each failed block
    costs more than the one before, as the rows written grow: three statements of 10,000 claims each took 3.9 s,
    7.4 s and 10.8 s with neither setting, and 0.30 s each with both. Where the checks are immediate, or the table
    has no foreign keys, the failed blocks cost the same with every row, and setting the two costs about as much
    as it saves."""
    with pghistory.context(**metadata), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        yield
