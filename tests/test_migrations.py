"""The migrations leave every database with the functions and triggers the code defines today.

Migrations carry their SQL frozen as it was when each was written, so a later change to
``deals/pipeline/triggers.py`` or ``deals/api/cache.py`` reaches existing databases only through a new
migration. This test builds scratch databases on the test server and compares their catalogues
(``pg_get_functiondef``, ``pg_get_triggerdef`` and the enabled state):

- one migrated from zero in a single ``migrate``, another one migration at a time, as a deployment that
  ran every release did: both must end the same;
- the first, with the live modules' SQL installed over it: nothing may change, or a migration is missing;
- the first again, migrated back to before the catch-up migration: it must match the step-by-step database
  at that point, and migrating forward again must restore today's state; so must migrating forward a copy
  whose earlier migrations had run the live modules' SQL, as they did before they were frozen.

It compares catalogues, not names, so it holds for any migration added later. A second test reads the
migrations and refuses any that imports the app's own modules.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from tests.support.workers import BASE_DIR, database_url

MIGRATIONS = BASE_DIR / "deals" / "migrations"

#: The migration that brought databases created before it to the triggers of its day.
CATCH_UP = "0009_current_triggers"

#: Functions of the app (named deals_…) and every function a trigger runs, whoever named it.
FUNCTIONS_SQL = r"""
SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.prokind = 'f'
  AND (p.proname LIKE 'deals\_%' OR p.oid IN (SELECT tgfoid FROM pg_trigger WHERE NOT tgisinternal))
"""
TRIGGERS_SQL = """
SELECT 'trigger ' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) || ' -- enabled: ' || t.tgenabled::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT t.tgisinternal
"""
# A trigger function no trigger runs was left behind by a migration that moved its triggers elsewhere.
ORPHANS_SQL = r"""
SELECT p.oid::regprocedure::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.proname LIKE 'deals\_%' AND p.prorettype = 'trigger'::regtype
  AND p.oid NOT IN (SELECT tgfoid FROM pg_trigger)
ORDER BY 1
"""

Catalogue = dict[str, str]


def _url(name: str) -> str:
    return database_url({**settings.DATABASES["default"], "NAME": name})


def _server() -> psycopg.Connection[Any]:
    return psycopg.connect(_url("postgres"), autocommit=True)


@contextlib.contextmanager
def scratch_databases() -> Iterator[Callable[..., str]]:
    """Create empty databases (or copies of one) on the test server; drop them all afterwards."""
    created: list[str] = []

    def create(template: str | None = None) -> str:
        name = f"dt_migrations_{uuid.uuid4().hex[:12]}"
        with _server() as server:
            server.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        created.append(name)
        return name

    try:
        yield create
    finally:
        with _server() as server:
            for name in created:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database: str, *args: str) -> None:
    """Run manage.py in its own process against ``database``, as a deployment's release step would."""
    env = {**os.environ, "DATABASE_URL": _url(database)}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def catalogue(database: str) -> Catalogue:
    with psycopg.connect(_url(database)) as conn:
        rows = conn.execute(FUNCTIONS_SQL).fetchall() + conn.execute(TRIGGERS_SQL).fetchall()
    return dict(rows)


def orphans(database: str) -> list[str]:
    with psycopg.connect(_url(database)) as conn:
        return [row[0] for row in conn.execute(ORPHANS_SQL)]


def run_sql(database: str, *scripts: str) -> None:
    with psycopg.connect(_url(database)) as conn:
        for script in scripts:
            conn.execute(script.encode())  # several statements, no parameters: one simple query each


def differences(expected: Catalogue, actual: Catalogue, *, expected_name: str, actual_name: str) -> list[str]:
    found = []
    for key in sorted(expected.keys() | actual.keys()):
        if key not in actual:
            found.append(f"{key}: only in {expected_name}")
        elif key not in expected:
            found.append(f"{key}: only in {actual_name}")
        elif expected[key] != actual[key]:
            diff = difflib.unified_diff(
                expected[key].splitlines(), actual[key].splitlines(), expected_name, actual_name, lineterm=""
            )
            found.append(f"{key} differs:\n" + "\n".join(diff))
    return found


def deals_plan() -> tuple[list[str], str]:
    """The deals migrations in the order they apply, and the one the catch-up migration follows."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (leaf,) = graph.leaf_nodes("deals")
    plan = [name for app, name in graph.forwards_plan(leaf) if app == "deals"]
    assert CATCH_UP in plan, f"the catch-up migration {CATCH_UP} is not among the deals migrations {plan}"
    (before,) = [parent.key[1] for parent in graph.node_map[("deals", CATCH_UP)].parents if parent.key[0] == "deals"]
    return plan, before


def live_sql() -> tuple[list[str], list[str]]:
    """What the app's modules install today, and what they remove."""
    from deals.api import cache
    from deals.pipeline import triggers

    return [triggers.install_sql(), cache.install_sql()], [triggers.uninstall_sql(), cache.uninstall_sql()]


def live_sql_for_tables_of(database: str) -> list[str]:
    """:func:`live_sql`'s install, leaving out the data version's triggers on tables ``database`` lacks: an older
    main's modules of the day named only the tables it had (a table added later is not there yet)."""
    from deals.api import cache
    from deals.pipeline import triggers

    with psycopg.connect(_url(database), autocommit=True) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    versioned = cache.VERSIONED_TABLES
    try:
        cache.VERSIONED_TABLES = tuple(t for t in versioned if t in tables)
        return [triggers.install_sql(), cache.install_sql()]
    finally:
        cache.VERSIONED_TABLES = versioned


class Findings(list[str]):
    """What differs, gathered over all comparisons so that one run names every problem."""

    def compare(self, headline: str, expected: Catalogue, actual: Catalogue, names: tuple[str, str]) -> None:
        self.note(headline, differences(expected, actual, expected_name=names[0], actual_name=names[1]))

    def note(self, headline: str, found: list[str]) -> None:
        if found:
            self.append(headline + "\n  " + "\n  ".join(found))


def migrate_step_by_step(database: str, plan: list[str]) -> dict[str, Catalogue]:
    """Apply one deals migration per ``migrate`` and then the rest; the catalogue after each step."""
    steps = {}
    for name in plan:
        manage(database, "migrate", "deals", name, "--no-input", "-v0")
        steps[name] = catalogue(database)
    manage(database, "migrate", "--no-input", "-v0")
    return steps


def test_every_way_of_migrating_ends_with_the_triggers_the_code_defines() -> None:
    plan, before = deals_plan()
    install, uninstall = live_sql()
    findings = Findings()
    with scratch_databases() as create:
        at_once = create()
        manage(at_once, "migrate", "--no-input", "-v0")
        today = catalogue(at_once)
        step_by_step = create()
        steps = migrate_step_by_step(step_by_step, plan)
        findings.compare(
            "Migrating one migration at a time ends differently from migrating in one go:",
            today,
            catalogue(step_by_step),
            ("in one go", "step by step"),
        )
        findings.note(
            "Trigger functions no trigger runs (drop them in the migration that moved them):", orphans(at_once)
        )

        live = create(template=at_once)
        run_sql(live, *uninstall)
        assert today.keys() - catalogue(live).keys(), "the live uninstall_sql() removed nothing: nothing to compare"
        run_sql(live, *install)
        findings.compare(
            "The migrations install other functions or triggers than deals/pipeline/triggers.py and "
            "deals/api/cache.py define today. After changing those modules, add a migration that installs the "
            "new definitions as frozen SQL (docs/development.md):",
            today,
            catalogue(live),
            ("migrated", "live modules"),
        )

        manage(at_once, "migrate", "deals", before, "--no-input", "-v0")
        findings.compare(
            f"Migrating back to {before} leaves other triggers than that migration had left:",
            steps[before],
            catalogue(at_once),
            ("step by step", "reversed"),
        )
        # Before the migrations were frozen, they ran the live modules' SQL of the day they were applied.
        older_main = create(template=at_once)
        run_sql(older_main, *uninstall, *live_sql_for_tables_of(older_main))
        manage(older_main, "migrate", "--no-input", "-v0")
        findings.compare(
            "A database whose earlier migrations ran the modules' SQL of their day ends differently:",
            today,
            catalogue(older_main),
            ("from zero", "older main"),
        )
        manage(at_once, "migrate", "--no-input", "-v0")
        findings.compare(
            f"Migrating forward again from {before} ends differently from the first time:",
            today,
            catalogue(at_once),
            ("first", "again"),
        )

    assert not findings, "\n\n".join(findings)


def test_no_migration_imports_the_apps_own_code() -> None:
    """What a migration installs must not change when the app's modules do: its SQL and data are its own."""
    importing = {}
    for path in sorted(MIGRATIONS.glob("[0-9]*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            own = [n for n in names if n.split(".")[0] in {"deals", "dealtracker"}]
            if own:
                importing.setdefault(path.name, []).extend(own)
    assert not importing, f"migrations import the app's code; write its SQL or data into them instead: {importing}"
