"""The events of each saved search as rows keyed (search, event): the newest events of a saved search are a walk
down that key which stops at the page's end, where the live filter joined to the events read thousands of
events to find 50 (What's new at 10M events: about 4,000 rounds looked up for 47 matches). The fan-out writes a
row for every search an event's round meets, and saving a search writes its newest past events; a search saved
before this migration (``filled_at`` empty) is given them when it is first read."""

import django.db.models.deletion
from django.db import migrations, models


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
        migrations.AddField(
            model_name="savedsearch",
            name="filled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="past events read at"),
        ),
    ]
