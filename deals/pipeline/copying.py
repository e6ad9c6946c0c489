"""Write computed rows with PostgreSQL's ``COPY``: far cheaper than the ORM's parameterised inserts when a
recompute writes thousands of rows (no model instances, no per-value quoting of a huge statement)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from psycopg.types.json import Jsonb


def columns(model: type[models.Model]) -> list[str]:
    """The columns a computed row gives: every concrete field but a generated (auto) primary key."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]


def copy_rows(cursor: Any, table: str, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> list[str]:
    """COPY ``rows`` (values by attribute name) into ``table``, shaped like ``model``'s; return its columns."""
    names = columns(model)
    json_fields = {f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
    json = [name in json_fields for name in names]
    with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Jsonb(row[c]) if j else row[c] for c, j in zip(names, json, strict=True)])
    return names


def layout(model: type[models.Model], names: Sequence[str]) -> tuple[str, ...]:
    """``names``, checked to be exactly the columns of ``model`` a computed row gives (see :func:`columns`):
    a row built as a tuple in this order then needs no per-row mapping by name."""
    expected = columns(model)
    if sorted(names) != sorted(expected) or len(set(names)) != len(names):
        raise ValueError(f"{model.__name__}: the layout {sorted(names)} is not its columns {sorted(expected)}.")
    return tuple(names)


def copy_tuples(cursor: Any, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows``, each a tuple of values in the order of ``names`` (JSON values wrapped in ``Jsonb``)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
