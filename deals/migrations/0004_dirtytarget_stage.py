"""Split the dirty set into two stages, so recomputed figures are readable before the circular-flow step.

Adds ``DirtyTarget.stage`` (rows already dirty start at the figures stage) and replaces ``deals_mark_dirty``
so that every mark sends its target back to the figures stage. Both versions of the function are frozen here
as they were when this migration was added.
"""

from django.db import migrations, models

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

# The function of 0003, before the dirty set had stages: reversing this migration restores it.
MARK_FUNCTION_WITHOUT_STAGE = """
CREATE OR REPLACE FUNCTION deals_mark_dirty(target_ids bigint[]) RETURNS void AS $$
BEGIN
    INSERT INTO deals_dirtytarget (target_id, marked_at, version)
    SELECT DISTINCT o.id, now(), 1
    FROM deals_organization o
    WHERE o.id = ANY(target_ids)
    ORDER BY o.id
    ON CONFLICT (target_id) DO UPDATE
        SET version = deals_dirtytarget.version + 1, marked_at = now();
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_dirty_triggers")]

    operations = [
        migrations.AddField(
            model_name="dirtytarget",
            name="stage",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "figures pending"), (2, "related-party flags pending")], db_default=1, default=1
            ),
        ),
        migrations.AddIndex(
            model_name="dirtytarget",
            index=models.Index(fields=["stage", "marked_at", "target"], name="deals_dirty_stage_claim"),
        ),
        migrations.RunSQL(MARK_FUNCTION, MARK_FUNCTION_WITHOUT_STAGE),
    ]
