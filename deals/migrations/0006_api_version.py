"""A data version that every committed write to the tables the API shows changes, for its response cache."""

from django.db import migrations

from deals.api.cache import install_sql, uninstall_sql


class Migration(migrations.Migration):
    dependencies = [("deals", "0005_cycle_bound")]

    operations = [migrations.RunSQL(install_sql(), uninstall_sql())]
