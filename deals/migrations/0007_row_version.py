"""A version on every row the API edits, the source of its ETags.

A BEFORE UPDATE trigger adds one to a row's version on every update, whichever path makes it (the ORM,
QuerySet.update(), raw SQL, and with ENABLE ALWAYS also under session_replication_role = replica). A change to a
row that another row's API object shows (a round's participations and sources, a participation's conditions
and sources, …) bumps that row too, from statement-level triggers; those stay off under replica, so a bulk load
of fresh rows does not rewrite their parents. The audit log leaves the version out (deals.models.audit).
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

VERSIONED = [
    "deals_organization",
    "deals_source",
    "deals_fundinground",
    "deals_participation",
    "deals_relationship",
    "deals_metric",
    "deals_fxrate",
]
# (child table, its column, the parent table whose API object shows the child)
PARENTS = [
    ("deals_participation", "round_id", "deals_fundinground"),
    ("deals_condition", "participation_id", "deals_participation"),
    ("deals_citation", "round_id", "deals_fundinground"),
    ("deals_citation", "participation_id", "deals_participation"),
    ("deals_citation", "relationship_id", "deals_relationship"),
    ("deals_citation", "metric_id", "deals_metric"),
]

INSTALL = (
    """
CREATE FUNCTION deals_row_version() RETURNS trigger AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- TG_ARGV: the parent table, the child's column that points at it. Transition tables: new_rows, old_rows.
CREATE FUNCTION deals_parent_version() RETURNS trigger AS $$
DECLARE
    changed text;
BEGIN
    changed := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %1$I FROM new_rows', TG_ARGV[1])
        WHEN 'DELETE' THEN format('SELECT %1$I FROM old_rows', TG_ARGV[1])
        ELSE format('SELECT %1$I FROM new_rows UNION SELECT %1$I FROM old_rows', TG_ARGV[1])
    END;
    -- In id order, so two transactions bumping the same parents lock them in the same order.
    EXECUTE format(
        'UPDATE %1$I SET version = version + 1 WHERE id IN (SELECT id FROM %1$I WHERE id IN (%2$s) ORDER BY id FOR UPDATE)',
        TG_ARGV[0], changed
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_row_version BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION deals_row_version();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_row_version;
"""
        for table in VERSIONED
    )
    + "".join(
        f"""
CREATE TRIGGER {child}_{column}_version_{op.lower()} AFTER {op} ON {child} {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION deals_parent_version('{parent}', '{column}');
"""
        for child, column, parent in PARENTS
        for op, referencing in (
            ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
            ("UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
            ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
        )
    )
)

UNINSTALL = (
    "".join(
        f"DROP TRIGGER IF EXISTS {child}_{column}_version_{op} ON {child};\n"
        for child, column, _parent in PARENTS
        for op in ("insert", "update", "delete")
    )
    + "".join(f"DROP TRIGGER IF EXISTS {table}_row_version ON {table};\n" for table in VERSIONED)
    + ("DROP FUNCTION IF EXISTS deals_parent_version();\nDROP FUNCTION IF EXISTS deals_row_version();\n")
)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0006_api_version"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="fundinground",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="fxrate",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="metric",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="organization",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="participation",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="relationship",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="source",
            name="update_update",
        ),
        migrations.AddField(
            model_name="fundinground",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="fxrate",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="metric",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="organization",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="participation",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="relationship",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="source",
            name="version",
            field=models.BigIntegerField(db_default=1, default=1, editable=False),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="fundinground",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."amount_currency" IS DISTINCT FROM (NEW."amount_currency") OR OLD."amount_high" IS DISTINCT FROM (NEW."amount_high") OR OLD."amount_low" IS DISTINCT FROM (NEW."amount_low") OR OLD."amount_qualifier" IS DISTINCT FROM (NEW."amount_qualifier") OR OLD."amount_value" IS DISTINCT FROM (NEW."amount_value") OR OLD."announced_on" IS DISTINCT FROM (NEW."announced_on") OR OLD."announced_on_precision" IS DISTINCT FROM (NEW."announced_on_precision") OR OLD."closed_on" IS DISTINCT FROM (NEW."closed_on") OR OLD."closed_on_precision" IS DISTINCT FROM (NEW."closed_on_precision") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."notes" IS DISTINCT FROM (NEW."notes") OR OLD."post_money_valuation_currency" IS DISTINCT FROM (NEW."post_money_valuation_currency") OR OLD."post_money_valuation_high" IS DISTINCT FROM (NEW."post_money_valuation_high") OR OLD."post_money_valuation_low" IS DISTINCT FROM (NEW."post_money_valuation_low") OR OLD."post_money_valuation_qualifier" IS DISTINCT FROM (NEW."post_money_valuation_qualifier") OR OLD."post_money_valuation_value" IS DISTINCT FROM (NEW."post_money_valuation_value") OR OLD."pre_money_valuation_currency" IS DISTINCT FROM (NEW."pre_money_valuation_currency") OR OLD."pre_money_valuation_high" IS DISTINCT FROM (NEW."pre_money_valuation_high") OR OLD."pre_money_valuation_low" IS DISTINCT FROM (NEW."pre_money_valuation_low") OR OLD."pre_money_valuation_qualifier" IS DISTINCT FROM (NEW."pre_money_valuation_qualifier") OR OLD."pre_money_valuation_value" IS DISTINCT FROM (NEW."pre_money_valuation_value") OR OLD."price_per_share" IS DISTINCT FROM (NEW."price_per_share") OR OLD."ref" IS DISTINCT FROM (NEW."ref") OR OLD."reported_on" IS DISTINCT FROM (NEW."reported_on") OR OLD."reported_on_precision" IS DISTINCT FROM (NEW."reported_on_precision") OR OLD."round_type" IS DISTINCT FROM (NEW."round_type") OR OLD."shares_outstanding_pre" IS DISTINCT FROM (NEW."shares_outstanding_pre") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."target_id" IS DISTINCT FROM (NEW."target_id") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at"))',
                    func='INSERT INTO "deals_fundingroundevent" ("amount_currency", "amount_high", "amount_low", "amount_qualifier", "amount_value", "announced_on", "announced_on_precision", "closed_on", "closed_on_precision", "created_at", "id", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "post_money_valuation_currency", "post_money_valuation_high", "post_money_valuation_low", "post_money_valuation_qualifier", "post_money_valuation_value", "pre_money_valuation_currency", "pre_money_valuation_high", "pre_money_valuation_low", "pre_money_valuation_qualifier", "pre_money_valuation_value", "price_per_share", "ref", "reported_on", "reported_on_precision", "round_type", "shares_outstanding_pre", "status", "target_id", "updated_at") VALUES (NEW."amount_currency", NEW."amount_high", NEW."amount_low", NEW."amount_qualifier", NEW."amount_value", NEW."announced_on", NEW."announced_on_precision", NEW."closed_on", NEW."closed_on_precision", NEW."created_at", NEW."id", NEW."notes", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."post_money_valuation_currency", NEW."post_money_valuation_high", NEW."post_money_valuation_low", NEW."post_money_valuation_qualifier", NEW."post_money_valuation_value", NEW."pre_money_valuation_currency", NEW."pre_money_valuation_high", NEW."pre_money_valuation_low", NEW."pre_money_valuation_qualifier", NEW."pre_money_valuation_value", NEW."price_per_share", NEW."ref", NEW."reported_on", NEW."reported_on_precision", NEW."round_type", NEW."shares_outstanding_pre", NEW."status", NEW."target_id", NEW."updated_at"); RETURN NULL;',
                    hash="42755c27c8c437d63c675c26810c816bac308365",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_96b34",
                    table="deals_fundinground",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="fxrate",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."base" IS DISTINCT FROM (NEW."base") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."date" IS DISTINCT FROM (NEW."date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."quote" IS DISTINCT FROM (NEW."quote") OR OLD."rate" IS DISTINCT FROM (NEW."rate"))',
                    func='INSERT INTO "deals_fxrateevent" ("base", "created_at", "date", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "rate") VALUES (NEW."base", NEW."created_at", NEW."date", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."quote", NEW."rate"); RETURN NULL;',
                    hash="3cca4f578cb835134394e6b0dbe22d5e5dc21998",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_8b51f",
                    table="deals_fxrate",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="metric",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_forecast" IS DISTINCT FROM (NEW."is_forecast") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."label" IS DISTINCT FROM (NEW."label") OR OLD."organization_id" IS DISTINCT FROM (NEW."organization_id") OR OLD."percent" IS DISTINCT FROM (NEW."percent") OR OLD."period_date" IS DISTINCT FROM (NEW."period_date") OR OLD."period_year" IS DISTINCT FROM (NEW."period_year") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."value_currency" IS DISTINCT FROM (NEW."value_currency") OR OLD."value_high" IS DISTINCT FROM (NEW."value_high") OR OLD."value_low" IS DISTINCT FROM (NEW."value_low") OR OLD."value_qualifier" IS DISTINCT FROM (NEW."value_qualifier") OR OLD."value_value" IS DISTINCT FROM (NEW."value_value"))',
                    func='INSERT INTO "deals_metricevent" ("created_at", "id", "is_forecast", "kind", "label", "organization_id", "percent", "period_date", "period_year", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "value_currency", "value_high", "value_low", "value_qualifier", "value_value") VALUES (NEW."created_at", NEW."id", NEW."is_forecast", NEW."kind", NEW."label", NEW."organization_id", NEW."percent", NEW."period_date", NEW."period_year", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at", NEW."value_currency", NEW."value_high", NEW."value_low", NEW."value_qualifier", NEW."value_value"); RETURN NULL;',
                    hash="bca66c6b74fe4ebe51e3eab1f540d85d9a5c5ac0",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_954ca",
                    table="deals_metric",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="organization",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."aliases" IS DISTINCT FROM (NEW."aliases") OR OLD."country" IS DISTINCT FROM (NEW."country") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."founded_on" IS DISTINCT FROM (NEW."founded_on") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."parent_id" IS DISTINCT FROM (NEW."parent_id") OR OLD."slug" IS DISTINCT FROM (NEW."slug") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."website" IS DISTINCT FROM (NEW."website"))',
                    func='INSERT INTO "deals_organizationevent" ("aliases", "country", "created_at", "description", "founded_on", "id", "kind", "name", "parent_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "updated_at", "website") VALUES (NEW."aliases", NEW."country", NEW."created_at", NEW."description", NEW."founded_on", NEW."id", NEW."kind", NEW."name", NEW."parent_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."slug", NEW."updated_at", NEW."website"); RETURN NULL;',
                    hash="707e9b4594b62b9919099fe65a22afe6581caeed",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_81f1c",
                    table="deals_organization",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="participation",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."amount_currency" IS DISTINCT FROM (NEW."amount_currency") OR OLD."amount_high" IS DISTINCT FROM (NEW."amount_high") OR OLD."amount_low" IS DISTINCT FROM (NEW."amount_low") OR OLD."amount_qualifier" IS DISTINCT FROM (NEW."amount_qualifier") OR OLD."amount_value" IS DISTINCT FROM (NEW."amount_value") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."instrument" IS DISTINCT FROM (NEW."instrument") OR OLD."investor_id" IS DISTINCT FROM (NEW."investor_id") OR OLD."is_lead" IS DISTINCT FROM (NEW."is_lead") OR OLD."round_id" IS DISTINCT FROM (NEW."round_id") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at"))',
                    func='INSERT INTO "deals_participationevent" ("amount_currency", "amount_high", "amount_low", "amount_qualifier", "amount_value", "created_at", "id", "instrument", "investor_id", "is_lead", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "round_id", "status", "updated_at") VALUES (NEW."amount_currency", NEW."amount_high", NEW."amount_low", NEW."amount_qualifier", NEW."amount_value", NEW."created_at", NEW."id", NEW."instrument", NEW."investor_id", NEW."is_lead", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."round_id", NEW."status", NEW."updated_at"); RETURN NULL;',
                    hash="066d9c1d4f4f812a4c78a84f9d957dcbebed9c95",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_f7e38",
                    table="deals_participation",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="relationship",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."annual_value_currency" IS DISTINCT FROM (NEW."annual_value_currency") OR OLD."annual_value_high" IS DISTINCT FROM (NEW."annual_value_high") OR OLD."annual_value_low" IS DISTINCT FROM (NEW."annual_value_low") OR OLD."annual_value_qualifier" IS DISTINCT FROM (NEW."annual_value_qualifier") OR OLD."annual_value_value" IS DISTINCT FROM (NEW."annual_value_value") OR OLD."client_id" IS DISTINCT FROM (NEW."client_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."ended_on" IS DISTINCT FROM (NEW."ended_on") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."provider_id" IS DISTINCT FROM (NEW."provider_id") OR OLD."started_on" IS DISTINCT FROM (NEW."started_on") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at"))',
                    func='INSERT INTO "deals_relationshipevent" ("annual_value_currency", "annual_value_high", "annual_value_low", "annual_value_qualifier", "annual_value_value", "client_id", "created_at", "description", "ended_on", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provider_id", "started_on", "updated_at") VALUES (NEW."annual_value_currency", NEW."annual_value_high", NEW."annual_value_low", NEW."annual_value_qualifier", NEW."annual_value_value", NEW."client_id", NEW."created_at", NEW."description", NEW."ended_on", NEW."id", NEW."kind", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."provider_id", NEW."started_on", NEW."updated_at"); RETURN NULL;',
                    hash="f11b315b46171e8d7aa797f5db44b0759d626708",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_0edc3",
                    table="deals_relationship",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="source",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."outlet" IS DISTINCT FROM (NEW."outlet") OR OLD."published_on" IS DISTINCT FROM (NEW."published_on") OR OLD."reliability" IS DISTINCT FROM (NEW."reliability") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."url" IS DISTINCT FROM (NEW."url"))',
                    func='INSERT INTO "deals_sourceevent" ("created_at", "id", "language", "note", "outlet", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "published_on", "reliability", "title", "url") VALUES (NEW."created_at", NEW."id", NEW."language", NEW."note", NEW."outlet", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."published_on", NEW."reliability", NEW."title", NEW."url"); RETURN NULL;',
                    hash="b4358d748eba76a89826f71ee626fdadafb9b6a4",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_d22b9",
                    table="deals_source",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(INSTALL, UNINSTALL),
    ]
