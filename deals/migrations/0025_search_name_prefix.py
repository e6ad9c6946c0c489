"""The prefix index of the bounded organization search (``Organization.objects.search(text, best=n)``): queries
under three letters match names by their start, which no trigram index can serve (a substring scan of every
name took 40-100 ms at 100,000 organizations). ``text_pattern_ops``, because the database's collation is not C.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("deals", "0024_event_organizations")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS organization_name_prefix ON deals_organization (lower(name) text_pattern_ops);",
            "DROP INDEX IF EXISTS organization_name_prefix;",
        )
    ]
