"""Split the dirty set into two stages, so recomputed figures are readable before the circular-flow step.

Adds ``DirtyTarget.stage`` (rows already dirty start at the figures stage) and replaces ``deals_mark_dirty``
so that every mark sends its target back to the figures stage.
"""

from django.db import migrations, models

from deals.pipeline.triggers import MARK_FUNCTION, MARK_FUNCTION_WITHOUT_STAGE


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
