"""The events of each saved search as rows keyed (search, event): the newest events of a saved search are a walk
down that key which stops at the page's end, where the live filter joined to the events read thousands of
events to find 50 (What's new at 10M events: about 4,000 rounds looked up for 47 matches). The fan-out writes a
row for every search an event's round meets; the searches saved before this migration get their newest past
events here, as saving one does."""

import django.db.models.deletion
from django.db import migrations, models


def fill_saved_searches(apps, schema_editor):
    if not apps.get_model("deals", "SavedSearch").objects.exists():
        return  # a new database: nothing to fill, and no need of the application's code
    # The saving service itself: it reads the filter through the deals list's FilterSet, as the fan-out does.
    from deals import follow
    from deals.models import SavedSearch

    for search in SavedSearch.objects.using(schema_editor.connection.alias).all():
        follow.saved_search_fill(search)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0025_search_name_prefix"),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedSearchEvent",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "search", "event", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_search_links",
                        to="deals.event",
                    ),
                ),
                (
                    "search",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="event_links",
                        to="deals.savedsearch",
                    ),
                ),
            ],
            options={
                "verbose_name": "event of a saved search",
                "verbose_name_plural": "events of saved searches",
            },
        ),
        migrations.RunPython(fill_saved_searches, migrations.RunPython.noop),
    ]
