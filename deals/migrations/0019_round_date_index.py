"""An index on the rounds' sort date (closed, else announced, else first reported; undated as 0001-01-01) and
id, in that order, descending: every list of rounds is newest first by it, and the API's cursor walks it from
where the previous page ended in either direction, however deep the page."""

import datetime

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0018_auth_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="fundinground",
            index=models.Index(
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce(
                        "closed_on", "announced_on", "reported_on", models.Value(datetime.date(1, 1, 1))
                    ),
                    descending=True,
                ),
                models.OrderBy(models.F("id"), descending=True),
                name="round_date_id_desc",
            ),
        ),
    ]
