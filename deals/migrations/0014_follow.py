"""Following: events, follows, saved searches, alert settings, e-mail alerts, webhooks and their deliveries."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0013b_claims_backfill"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("round_created", "New round"),
                            ("status_changed", "Status change"),
                            ("amount_revised", "Amount revised"),
                            ("valuation_revised", "Valuation revised"),
                            ("participant_added", "New participant"),
                            ("participant_withdrawn", "Participant withdrawn"),
                            ("condition_met", "Condition met"),
                            ("condition_failed", "Condition failed"),
                            ("condition_waived", "Condition waived"),
                            ("cycle_found", "New money cycle"),
                            ("related_party", "Related-party flag"),
                            ("claim_created", "New claim"),
                            ("claim_disputed", "Claim disputed"),
                            ("claim_accepted", "Claim accepted"),
                        ],
                        max_length=24,
                        verbose_name="kind",
                    ),
                ),
                (
                    "organization_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), blank=True, default=list, size=None
                    ),
                ),
                ("occurred_at", models.DateTimeField(db_index=True, verbose_name="when")),
                ("params", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="change_events",
                        to="deals.fundinground",
                        verbose_name="round",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="change_events",
                        to="deals.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "event",
                "verbose_name_plural": "events",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="EmailAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="deals.event"),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Follow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followers",
                        to="deals.organization",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followers",
                        to="deals.fundinground",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="follows", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "follow",
                "verbose_name_plural": "follows",
                "ordering": ["user", "id"],
            },
        ),
        migrations.CreateModel(
            name="FollowerSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "alert_mode",
                    models.CharField(
                        choices=[("off", "No e-mails"), ("immediate", "Immediately"), ("daily", "Daily digest")],
                        default="off",
                        max_length=10,
                        verbose_name="e-mail alerts",
                    ),
                ),
                (
                    "feed_token",
                    models.CharField(help_text="In feed URLs; a new one revokes the old.", max_length=64, unique=True),
                ),
                ("seen_event_id", models.BigIntegerField(default=0, help_text="The newest event shown on What's new.")),
                (
                    "digest_event_id",
                    models.BigIntegerField(default=0, help_text="The newest event the last digest contained."),
                ),
                ("last_visit_at", models.DateTimeField(blank=True, null=True)),
                (
                    "unread",
                    models.PositiveIntegerField(default=0, help_text="Events of what the user follows not yet seen."),
                ),
                ("language", models.CharField(default="en", max_length=8, verbose_name="language of e-mails")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follower_settings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "follower settings",
                "verbose_name_plural": "follower settings",
            },
        ),
        migrations.CreateModel(
            name="SavedSearch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("query", models.CharField(blank=True, max_length=2000, verbose_name="filter")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_searches",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "saved search",
                "verbose_name_plural": "saved searches",
                "ordering": ["user", "name"],
            },
        ),
        migrations.CreateModel(
            name="Webhook",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("url", models.URLField(max_length=500, verbose_name="URL")),
                (
                    "secret",
                    models.CharField(
                        help_text="Signs each delivery (HMAC-SHA256).", max_length=128, verbose_name="secret"
                    ),
                ),
                (
                    "kinds",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            choices=[
                                ("round_created", "New round"),
                                ("status_changed", "Status change"),
                                ("amount_revised", "Amount revised"),
                                ("valuation_revised", "Valuation revised"),
                                ("participant_added", "New participant"),
                                ("participant_withdrawn", "Participant withdrawn"),
                                ("condition_met", "Condition met"),
                                ("condition_failed", "Condition failed"),
                                ("condition_waived", "Condition waived"),
                                ("cycle_found", "New money cycle"),
                                ("related_party", "Related-party flag"),
                                ("claim_created", "New claim"),
                                ("claim_disputed", "Claim disputed"),
                                ("claim_accepted", "Claim accepted"),
                            ],
                            max_length=24,
                        ),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="kinds",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("disabled_reason", models.CharField(blank=True, max_length=500, verbose_name="why disabled")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhooks",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook",
                "verbose_name_plural": "webhooks",
                "ordering": ["user", "id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.UUIDField(unique=True)),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "Pending"), ("delivered", "Delivered"), ("failed", "Failed")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("response_status", models.PositiveIntegerField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "event",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="deals.event"),
                ),
                (
                    "webhook",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="deals.webhook"
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-id"],
            },
        ),
        migrations.AddIndex(
            model_name="event",
            index=django.contrib.postgres.indexes.GinIndex(fields=["organization_ids"], name="event_organizations"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["round", "-id"], name="event_round_id"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["kind", "-id"], name="event_kind_id"),
        ),
        migrations.AddConstraint(
            model_name="emailalert",
            constraint=models.UniqueConstraint(fields=("user", "event"), name="email_alert_once"),
        ),
        migrations.AddIndex(
            model_name="follow",
            index=models.Index(fields=["organization"], name="follow_organization"),
        ),
        migrations.AddIndex(
            model_name="follow",
            index=models.Index(fields=["round"], name="follow_round"),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("organization", None), ("round__isnull", False)),
                    models.Q(("organization__isnull", False), ("round", None)),
                    _connector="OR",
                ),
                name="follow_one_thing",
            ),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(fields=("user", "organization"), name="follow_organization_once"),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(fields=("user", "round"), name="follow_round_once"),
        ),
        migrations.AddConstraint(
            model_name="savedsearch",
            constraint=models.UniqueConstraint(fields=("user", "name"), name="saved_search_name_once"),
        ),
        migrations.AddConstraint(
            model_name="webhookdelivery",
            constraint=models.UniqueConstraint(fields=("webhook", "event"), name="webhook_delivery_once"),
        ),
    ]
