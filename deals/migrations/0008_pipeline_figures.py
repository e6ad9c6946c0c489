"""Drop the inputs' fingerprint nothing read, and keep the pending conditions a stake depends on."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deals", "0007_row_version")]

    operations = [
        migrations.RemoveField(model_name="participationfigures", name="fingerprint"),
        migrations.RemoveField(model_name="roundfigures", name="fingerprint"),
        migrations.AddField(
            model_name="participationfigures",
            name="pending_conditions",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "The pending conditions (id, kind, description) the stake depends on: it holds only if they "
                    "are met."
                ),
            ),
        ),
    ]
