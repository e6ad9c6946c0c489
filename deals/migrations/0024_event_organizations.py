"""The organizations of each event as rows keyed (organization, event): the newest events of an organization
are a walk down that key which stops at the page's end, where the GIN index on ``organization_ids`` gave
every event of the organizations to read from the heap and sort (What's new: 4,000 rows for 20 organizations
at 10M events). The event table's triggers keep the rows equal to the array for every statement that inserts
or updates events (the services, the imports' INSERT … SELECT), with ENABLE ALWAYS like the data version's
(bulk loads with session_replication_role = replica write them too); the existing events are copied once."""

import django.db.models.deletion
from django.db import migrations, models

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS deals_event_organizations_insert ON deals_event;
DROP TRIGGER IF EXISTS deals_event_organizations_update ON deals_event;
DROP FUNCTION IF EXISTS deals_event_organizations_insert();
DROP FUNCTION IF EXISTS deals_event_organizations_update();
"""

TRIGGERS_SQL = (
    DROP_TRIGGERS_SQL
    + """
CREATE FUNCTION deals_event_organizations_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deals_eventorganization (organization_id, event_id)
    SELECT o, n.id FROM new_rows n CROSS JOIN LATERAL unnest(n.organization_ids) o WHERE o IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE FUNCTION deals_event_organizations_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deals_eventorganization l
    USING old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.organization_ids IS DISTINCT FROM n.organization_ids
      AND l.event_id = o.id AND l.organization_id = ANY (o.organization_ids)
      AND NOT (l.organization_id = ANY (coalesce(n.organization_ids, '{}')));
    INSERT INTO deals_eventorganization (organization_id, event_id)
    SELECT x, n.id FROM new_rows n JOIN old_rows o ON o.id = n.id CROSS JOIN LATERAL unnest(n.organization_ids) x
    WHERE o.organization_ids IS DISTINCT FROM n.organization_ids AND x IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_event_organizations_insert AFTER INSERT ON deals_event
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_event_organizations_insert();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_organizations_insert;
CREATE TRIGGER deals_event_organizations_update AFTER UPDATE ON deals_event
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deals_event_organizations_update();
ALTER TABLE deals_event ENABLE ALWAYS TRIGGER deals_event_organizations_update;
"""
)

# In key order: the index is built from the left, not written into at random places.
COPY_SQL = """
INSERT INTO deals_eventorganization (organization_id, event_id)
SELECT DISTINCT o, e.id FROM deals_event e CROSS JOIN LATERAL unnest(e.organization_ids) o WHERE o IS NOT NULL
ORDER BY 1, 2;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0023_event_receipts"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventOrganization",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "organization_id", "event", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("organization_id", models.BigIntegerField()),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="organization_links",
                        to="deals.event",
                    ),
                ),
            ],
            options={
                "verbose_name": "organization of an event",
                "verbose_name_plural": "organizations of events",
            },
        ),
        migrations.RunSQL(TRIGGERS_SQL, reverse_sql=DROP_TRIGGERS_SQL),
        migrations.RunSQL(COPY_SQL, reverse_sql=migrations.RunSQL.noop),
    ]
