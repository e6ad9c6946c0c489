"""Database triggers that mark targets dirty in the same transaction as any change to the inputs.

Statement-level triggers with transition tables, so a ``QuerySet.update()`` of many rows costs one upsert
into ``deals_dirtytarget``, and every write path — ORM, admin, API, raw SQL, COPY with triggers on —
is covered. Each mark bumps the row's ``version`` so a recompute can tell whether it saw the latest change,
and sends the target back to the figures stage (stage 1), whichever stage it had reached: a change that
arrives while or after its figures were recomputed must be recomputed again, never only flagged.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from deals.models.rounds import round_date_sql

MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION deals_mark_dirty(target_ids bigint[]) RETURNS void AS $$
BEGIN
    INSERT INTO deals_dirtytarget (target_id, marked_at, version, stage)
    SELECT DISTINCT o.id, now(), 1, 1
    FROM deals_organization o
    WHERE o.id = ANY(target_ids)
    ORDER BY o.id
    ON CONFLICT (target_id) DO UPDATE
        SET version = deals_dirtytarget.version + 1, marked_at = now(), stage = 1;
END;
$$ LANGUAGE plpgsql;
"""

# What each table's changed rows say about which targets to mark. {rows} is a transition table.
AFFECTED_TARGETS = {
    "deals_fundinground": "SELECT target_id FROM {rows}",
    "deals_participation": "SELECT r.target_id FROM {rows} x JOIN deals_fundinground r ON r.id = x.round_id",
    "deals_condition": (
        "SELECT r.target_id FROM {rows} x JOIN deals_participation p ON p.id = x.participation_id "
        "JOIN deals_fundinground r ON r.id = p.round_id"
    ),
    # A tie between two groups can make the rounds of any member of either group related-party.
    "deals_relationship": (
        "SELECT g.id FROM {rows} x JOIN deals_organization o ON o.id IN (x.provider_id, x.client_id) "
        "JOIN deals_organization g ON g.id = o.id OR g.parent_id = o.id OR g.id = o.parent_id "
        "OR (o.parent_id IS NOT NULL AND g.parent_id = o.parent_id)"
    ),
    "deals_organization": "SELECT x.id FROM {rows} x UNION SELECT x.parent_id FROM {rows} x",
}


# A rate affects every round dated on or after it with a figure in either currency: exactly the rounds dated on
# or after the earliest written rate of one of their currencies. Joined by currency to those few earliest dates
# (one hash join per figure column); joined rate by rate, loading the ECB history beside 10,000 rounds took 62 s.
FX_TARGETS_FUNCTION = (
    "\nCREATE OR REPLACE FUNCTION deals_fx_targets(currencies text[], firsts date[]) RETURNS bigint[] AS $$\n"
    "    SELECT ARRAY(\n"
    + "\n        UNION\n".join(
        "        SELECT r.target_id FROM unnest(currencies, firsts) AS f(currency, first)\n"
        f"        JOIN deals_fundinground r ON r.{column} = f.currency\n"
        f"        WHERE {round_date_sql('r')} >= f.first"
        for column in ("amount_currency", "post_money_valuation_currency", "pre_money_valuation_currency")
    )
    + "\n    )\n$$ LANGUAGE sql STABLE;\n"
)


def _fx_function(event: str) -> str:
    rows = {"INSERT": ["new_rows"], "DELETE": ["old_rows"], "UPDATE": ["new_rows", "old_rows"]}[event]
    dates = " UNION ALL ".join(f"SELECT base, date FROM {r} UNION ALL SELECT quote, date FROM {r}" for r in rows)
    return f"""
CREATE OR REPLACE FUNCTION deals_fxrate_mark_dirty_{event.lower()}() RETURNS trigger AS $$
DECLARE
    currencies text[];
    firsts date[];
BEGIN
    SELECT array_agg(currency), array_agg(first) INTO currencies, firsts FROM (
        SELECT currency, min(date) AS first FROM ({dates}) AS x(currency, date) GROUP BY currency
    ) AS f;
    PERFORM deals_mark_dirty(deals_fx_targets(currencies, firsts));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _function(table: str, event: str) -> str:
    if table == "deals_fxrate":
        return _fx_function(event)
    rows = {"INSERT": ["new_rows"], "DELETE": ["old_rows"], "UPDATE": ["new_rows", "old_rows"]}[event]
    selects = " UNION ".join(AFFECTED_TARGETS[table].format(rows=r) for r in rows)
    return f"""
CREATE OR REPLACE FUNCTION {table}_mark_dirty_{event.lower()}() RETURNS trigger AS $$
BEGIN
    PERFORM deals_mark_dirty(ARRAY(SELECT DISTINCT t FROM ({selects}) AS affected(t) WHERE t IS NOT NULL));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(table: str, event: str) -> str:
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    }[event]
    name = f"{table}_mark_dirty_{event.lower()}"
    return (
        f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
    )


#: The tables whose changes mark targets: those of AFFECTED_TARGETS and the exchange rates.
MARKING_TABLES = (*AFFECTED_TARGETS, "deals_fxrate")


def install_sql() -> str:
    parts = [MARK_FUNCTION, FX_TARGETS_FUNCTION]
    for table in MARKING_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            parts += [_function(table, event), _trigger(table, event)]
    return "\n".join(parts)


def uninstall_sql() -> str:
    parts = []
    for table in MARKING_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_mark_dirty_{event.lower()}"
            parts += [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
    parts.append("DROP FUNCTION IF EXISTS deals_fx_targets(text[], date[]);")
    parts.append("DROP FUNCTION IF EXISTS deals_mark_dirty(bigint[]);")
    return "\n".join(parts)


# Marks a write's targets ahead of the write. A worker holds the dirty rows of the targets it recomputes, and
# the figures it stores refer to their rounds, participations and organizations (each foreign key check takes
# FOR KEY SHARE on the referred row). A write that locked such a row first and then marked its target would
# wait for the worker while the worker waited for it: a deadlock, one of the two aborted. (Django's save
# rewrites every column, the unique ones too, and PostgreSQL then takes the row's full FOR UPDATE lock, which
# a key share waits for.) Taking the marks first puts the two in the worker's order: the dirty row, then the
# record. The trigger's own mark afterwards finds the row already held by the writer.
_MARK_FIRST_SQL = """
SELECT deals_mark_dirty(ARRAY(
    SELECT unnest(%(targets)s::bigint[])
    UNION SELECT target_id FROM deals_fundinground WHERE id = ANY(%(rounds)s::bigint[])
    UNION SELECT r.target_id FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id
        WHERE p.id = ANY(%(participations)s::bigint[])
    UNION SELECT parent_id FROM deals_organization WHERE id = ANY(%(organizations)s::bigint[])
))
"""


def mark_first(instance: Any) -> None:
    """Mark the targets a write of ``instance`` (a round, participation, condition or organization, as it is
    about to be saved or deleted) would mark, before the write locks its row; other models need nothing."""
    from deals.models import Condition, FundingRound, Organization, Participation

    ids: dict[str, list[int | None]] = {"targets": [], "rounds": [], "participations": [], "organizations": []}
    if isinstance(instance, FundingRound):
        ids["targets"] = [instance.target_id]
        ids["rounds"] = [instance.pk]
    elif isinstance(instance, Participation):
        ids["rounds"] = [instance.round_id]
        ids["participations"] = [instance.pk]
    elif isinstance(instance, Condition):
        ids["participations"] = [instance.participation_id]
    elif isinstance(instance, Organization):
        ids["targets"] = [instance.pk, instance.parent_id]
        ids["organizations"] = [instance.pk]
    else:
        return
    params = {name: [i for i in values if i is not None] for name, values in ids.items()}
    if any(params.values()):
        with connection.cursor() as cursor:
            cursor.execute(_MARK_FIRST_SQL, params)
