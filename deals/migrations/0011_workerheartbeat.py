"""The worker heartbeat /healthz reads: a worker that stops running tasks shows as unavailable."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deals", "0009_current_triggers")]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("name", models.CharField(max_length=50, primary_key=True, serialize=False, verbose_name="name")),
                ("beat_at", models.DateTimeField(verbose_name="last heartbeat")),
                ("hostname", models.CharField(blank=True, max_length=255, verbose_name="worker")),
            ],
            options={
                "verbose_name": "worker heartbeat",
                "verbose_name_plural": "worker heartbeats",
                "ordering": ["name"],
            },
        ),
    ]
