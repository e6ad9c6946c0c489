"""The bench database: created beside the configured one, migrated, filled by ``generate_deals``."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench.common import Scale, Section, log, timed
from deals.management.commands.generate_deals import Scale as GeneratorScale
from deals.management.commands.generate_deals import generate


def _admin_connection() -> psycopg.Connection[Any]:
    """A connection to the configured (not the bench) database, to create and drop the bench database."""
    db = settings.DATABASES["default"]
    params = {
        "dbname": getattr(settings, "BENCH_SOURCE_DATABASE", db["NAME"]),
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)  # fmt: skip


def _generated_scale() -> dict[str, Any] | None:
    """The scale the bench database was generated at, or None if it has none (or does not exist)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'scale'")
            row = cursor.fetchone()
    except Exception:
        connection.close()
        return None
    return json.loads(row[0]) if row else None


def _wanted(scale: Scale) -> dict[str, Any]:
    return {"organizations": scale.organizations, "rounds": scale.rounds, "relationships": scale.relationships,
            "seed": scale.seed}  # fmt: skip


def prepare(scale: Scale, *, reuse: bool) -> Section:
    """A bench database holding exactly ``scale``'s generated data; regenerated unless ``reuse`` finds it."""
    section = Section("Data")
    name = settings.DATABASES["default"]["NAME"]
    section.figures["database"] = name
    if reuse and _generated_scale() == _wanted(scale):
        log(f"reusing the generated data in {name}")
        section.notes.append("Data reused from an earlier run at the same scale and seed (not regenerated).")
        section.figures["reused"] = True
        return section
    connection.close()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    log(f"created {name}; migrating")
    call_command("migrate", verbosity=0)
    log(f"generating {scale.rounds:,} rounds")
    seconds, counts = timed(lambda: generate(GeneratorScale(scale.organizations, scale.rounds, scale.relationships,
                                                             scale.seed)))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
        cursor.execute("INSERT INTO bench_meta VALUES ('scale', %s)", [json.dumps(_wanted(scale))])
    section.figures.update(counts=counts, seconds=seconds, reused=False)
    summary = ", ".join(f"{count:,} {key}" for key, count in counts.items())
    section.add(
        f"Generate {scale.rounds:,} rounds (`manage.py generate_deals`, COPY)",
        "minutes (≤ 10 min)",
        f"{seconds:.0f} s ({counts['participation'] / seconds:,.0f} participations/s)",
        seconds <= 600,
    )
    section.notes.append(f"Generated with seed {scale.seed}: {summary}.")
    log(f"generated in {seconds:.0f} s: {summary}")
    return section
