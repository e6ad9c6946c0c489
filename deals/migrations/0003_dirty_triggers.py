"""Mark affected targets dirty from database triggers, so every write path feeds the recompute pipeline."""

from django.db import migrations

from deals.pipeline.triggers import install_sql, uninstall_sql


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_groups")]

    operations = [migrations.RunSQL(install_sql(), uninstall_sql())]
