"""Following: a receipt per event and subscriber, so a fan-out that runs again counts nobody's unread event
twice (inserted with ON CONFLICT DO NOTHING on the unique pair); and the event table's indexes for reading at
scale: the GIN index on organization_ids without a pending list (each read scanned every event inserted since
the last VACUUM, 56,000 of them after a bulk load), and no second index on round_id beside (round, -id). The
event table gets the data version's triggers (/api/events/ reads through the response cache), as frozen text."""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROP_VERSION_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS deals_event_version_insert ON deals_event;
DROP TRIGGER IF EXISTS deals_event_version_update ON deals_event;
DROP TRIGGER IF EXISTS deals_event_version_delete ON deals_event;
DROP TRIGGER IF EXISTS deals_event_version_truncate ON deals_event;
"""

VERSION_TRIGGERS_SQL = (
    DROP_VERSION_TRIGGERS_SQL
    + """
CREATE TRIGGER deals_event_version_insert AFTER INSERT ON deals_event REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_version_insert;
CREATE TRIGGER deals_event_version_update AFTER UPDATE ON deals_event REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_version_update;
CREATE TRIGGER deals_event_version_delete AFTER DELETE ON deals_event REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_version_delete;
CREATE TRIGGER deals_event_version_truncate AFTER TRUNCATE ON deals_event  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_version_truncate;
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0019_round_date_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EventReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="deals.event",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "event receipt",
                "verbose_name_plural": "event receipts",
                "constraints": [models.UniqueConstraint(fields=("event", "user"), name="event_receipt_once")],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="event", name="event_organizations"),
                migrations.AddIndex(
                    model_name="event",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["organization_ids"], name="event_organizations"
                    ),
                ),
            ],
            # The same index with another storage parameter: no rebuild, and the pending list merged now.
            database_operations=[
                migrations.RunSQL(
                    "ALTER INDEX event_organizations SET (fastupdate = off);"
                    " SELECT gin_clean_pending_list('event_organizations');",
                    "ALTER INDEX event_organizations RESET (fastupdate);",
                ),
            ],
        ),
        migrations.AlterField(
            model_name="event",
            name="round",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="change_events",
                to="deals.fundinground",
                verbose_name="round",
            ),
        ),
        migrations.RunSQL(VERSION_TRIGGERS_SQL, reverse_sql=DROP_VERSION_TRIGGERS_SQL),
    ]
