"""Claims: what each source stated about a field of a record (deals.models.claims), with their audit
triggers, and the data version's triggers on the new table (frozen from deals.api.cache, as 0009 did)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

VERSION_TRIGGERS_SQL = """
CREATE TRIGGER deals_claim_version_insert AFTER INSERT ON deals_claim REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_claim ENABLE ALWAYS TRIGGER deals_claim_version_insert;
CREATE TRIGGER deals_claim_version_update AFTER UPDATE ON deals_claim REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_claim ENABLE ALWAYS TRIGGER deals_claim_version_update;
CREATE TRIGGER deals_claim_version_delete AFTER DELETE ON deals_claim REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_claim ENABLE ALWAYS TRIGGER deals_claim_version_delete;
CREATE TRIGGER deals_claim_version_truncate AFTER TRUNCATE ON deals_claim  FOR EACH STATEMENT EXECUTE FUNCTION deals_data_statement();
ALTER TABLE deals_claim ENABLE ALWAYS TRIGGER deals_claim_version_truncate;
"""

DROP_VERSION_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS deals_claim_version_insert ON deals_claim;
DROP TRIGGER IF EXISTS deals_claim_version_update ON deals_claim;
DROP TRIGGER IF EXISTS deals_claim_version_delete ON deals_claim;
DROP TRIGGER IF EXISTS deals_claim_version_truncate ON deals_claim;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0012_search_indexes"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("amount", "amount"),
                            ("pre_money_valuation", "pre-money valuation"),
                            ("post_money_valuation", "post-money valuation"),
                            ("status", "status"),
                            ("reported_on", "first reported on"),
                            ("announced_on", "announced on"),
                            ("closed_on", "closed on"),
                            ("round_type", "round type"),
                            ("is_lead", "lead investor"),
                            ("instrument", "instrument"),
                            ("value", "value"),
                            ("annual_value", "annual value"),
                        ],
                        max_length=24,
                        verbose_name="field",
                    ),
                ),
                (
                    "stated_value",
                    models.CharField(
                        blank=True,
                        help_text="For a field that is not money: a status, a date (YYYY-MM-DD), a round type, true or false.",
                        max_length=64,
                        verbose_name="stated value",
                    ),
                ),
                ("stated_on", models.DateField(blank=True, null=True, verbose_name="stated on")),
                (
                    "quote",
                    models.TextField(
                        blank=True, help_text="The sentence or cell the statement comes from.", verbose_name="quote"
                    ),
                ),
                ("span_start", models.PositiveIntegerField(blank=True, null=True, verbose_name="quote starts at")),
                ("span_end", models.PositiveIntegerField(blank=True, null=True, verbose_name="quote ends at")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                (
                    "accepted",
                    models.BooleanField(
                        default=False,
                        help_text="The editor's explicit choice for this field.",
                        verbose_name="chosen by an editor",
                    ),
                ),
                ("accepted_reason", models.CharField(blank=True, max_length=500, verbose_name="reason for the choice")),
                ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="chosen at")),
                ("version", models.BigIntegerField(db_default=1, default=1, editable=False)),
                (
                    "estimate_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (value)",
                    ),
                ),
                (
                    "estimate_low",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (low)",
                    ),
                ),
                (
                    "estimate_high",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (high)",
                    ),
                ),
                (
                    "estimate_qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exact", "exact"),
                            ("approximately", "approximately"),
                            ("up_to", "up to"),
                            ("at_least", "at least"),
                            ("between", "between"),
                            ("undisclosed", "undisclosed"),
                        ],
                        max_length=16,
                        null=True,
                        verbose_name="stated figure (qualifier)",
                    ),
                ),
                (
                    "estimate_currency",
                    models.CharField(blank=True, max_length=3, null=True, verbose_name="stated figure (currency)"),
                ),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "condition",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="deals.condition",
                    ),
                ),
                (
                    "metric",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="deals.metric",
                    ),
                ),
                (
                    "participation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="deals.participation",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="deals.relationship",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="deals.fundinground",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: entered by hand.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="deals.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "claim",
                "verbose_name_plural": "claims",
                "ordering": ["field", "stated_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="ClaimEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("amount", "amount"),
                            ("pre_money_valuation", "pre-money valuation"),
                            ("post_money_valuation", "post-money valuation"),
                            ("status", "status"),
                            ("reported_on", "first reported on"),
                            ("announced_on", "announced on"),
                            ("closed_on", "closed on"),
                            ("round_type", "round type"),
                            ("is_lead", "lead investor"),
                            ("instrument", "instrument"),
                            ("value", "value"),
                            ("annual_value", "annual value"),
                        ],
                        max_length=24,
                        verbose_name="field",
                    ),
                ),
                (
                    "stated_value",
                    models.CharField(
                        blank=True,
                        help_text="For a field that is not money: a status, a date (YYYY-MM-DD), a round type, true or false.",
                        max_length=64,
                        verbose_name="stated value",
                    ),
                ),
                ("stated_on", models.DateField(blank=True, null=True, verbose_name="stated on")),
                (
                    "quote",
                    models.TextField(
                        blank=True, help_text="The sentence or cell the statement comes from.", verbose_name="quote"
                    ),
                ),
                ("span_start", models.PositiveIntegerField(blank=True, null=True, verbose_name="quote starts at")),
                ("span_end", models.PositiveIntegerField(blank=True, null=True, verbose_name="quote ends at")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                (
                    "accepted",
                    models.BooleanField(
                        default=False,
                        help_text="The editor's explicit choice for this field.",
                        verbose_name="chosen by an editor",
                    ),
                ),
                ("accepted_reason", models.CharField(blank=True, max_length=500, verbose_name="reason for the choice")),
                ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="chosen at")),
                (
                    "estimate_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (value)",
                    ),
                ),
                (
                    "estimate_low",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (low)",
                    ),
                ),
                (
                    "estimate_high",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=22,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="stated figure (high)",
                    ),
                ),
                (
                    "estimate_qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exact", "exact"),
                            ("approximately", "approximately"),
                            ("up_to", "up to"),
                            ("at_least", "at least"),
                            ("between", "between"),
                            ("undisclosed", "undisclosed"),
                        ],
                        max_length=16,
                        null=True,
                        verbose_name="stated figure (qualifier)",
                    ),
                ),
                (
                    "estimate_currency",
                    models.CharField(blank=True, max_length=3, null=True, verbose_name="stated figure (currency)"),
                ),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "condition",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.condition",
                    ),
                ),
                (
                    "metric",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.metric",
                    ),
                ),
                (
                    "participation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.participation",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="deals.claim",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.relationship",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.fundinground",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Empty: entered by hand.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="deals.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("condition__isnull", True),
                        ("metric__isnull", True),
                        ("participation__isnull", True),
                        ("relationship__isnull", True),
                        ("round__isnull", False),
                    ),
                    models.Q(
                        ("condition__isnull", True),
                        ("metric__isnull", True),
                        ("participation__isnull", False),
                        ("relationship__isnull", True),
                        ("round__isnull", True),
                    ),
                    models.Q(
                        ("condition__isnull", False),
                        ("metric__isnull", True),
                        ("participation__isnull", True),
                        ("relationship__isnull", True),
                        ("round__isnull", True),
                    ),
                    models.Q(
                        ("condition__isnull", True),
                        ("metric__isnull", False),
                        ("participation__isnull", True),
                        ("relationship__isnull", True),
                        ("round__isnull", True),
                    ),
                    models.Q(
                        ("condition__isnull", True),
                        ("metric__isnull", True),
                        ("participation__isnull", True),
                        ("relationship__isnull", False),
                        ("round__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="claim_exactly_one_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "field__in",
                            [
                                "amount",
                                "pre_money_valuation",
                                "post_money_valuation",
                                "status",
                                "reported_on",
                                "announced_on",
                                "closed_on",
                                "round_type",
                            ],
                        ),
                        ("round__isnull", False),
                    ),
                    models.Q(
                        ("field__in", ["amount", "is_lead", "instrument", "status"]), ("participation__isnull", False)
                    ),
                    models.Q(("condition__isnull", False), ("field__in", ["status"])),
                    models.Q(("field__in", ["value"]), ("metric__isnull", False)),
                    models.Q(("field__in", ["annual_value"]), ("relationship__isnull", False)),
                    _connector="OR",
                ),
                name="claim_field_fits_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(
                            models.Q(
                                ("field__in", ["amount", "pre_money_valuation", "post_money_valuation"]),
                                ("round__isnull", False),
                            ),
                            models.Q(("field__in", ["amount"]), ("participation__isnull", False)),
                            models.Q(("field__in", ["value"]), ("metric__isnull", False)),
                            models.Q(("field__in", ["annual_value"]), ("relationship__isnull", False)),
                            _connector="OR",
                        ),
                        ("estimate_qualifier__isnull", False),
                        ("stated_value", ""),
                    ),
                    models.Q(
                        models.Q(
                            models.Q(
                                ("field__in", ["amount", "pre_money_valuation", "post_money_valuation"]),
                                ("round__isnull", False),
                            ),
                            models.Q(("field__in", ["amount"]), ("participation__isnull", False)),
                            models.Q(("field__in", ["value"]), ("metric__isnull", False)),
                            models.Q(("field__in", ["annual_value"]), ("relationship__isnull", False)),
                            _connector="OR",
                            _negated=True,
                        ),
                        ("estimate_qualifier__isnull", True),
                        models.Q(("stated_value", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="claim_value_fits_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("span_end", None), ("span_start", None)),
                    models.Q(
                        ("span_end__isnull", False),
                        ("span_start__isnull", False),
                        ("span_start__lte", models.F("span_end")),
                    ),
                    _connector="OR",
                ),
                name="claim_span_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("accepted", True), models.Q(("accepted_at", None), ("accepted_reason", "")), _connector="OR"
                ),
                name="claim_reason_only_when_chosen",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted", True), ("round__isnull", False)),
                fields=("round", "field"),
                name="claim_one_choice_per_round_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted", True), ("participation__isnull", False)),
                fields=("participation", "field"),
                name="claim_one_choice_per_participation_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted", True), ("condition__isnull", False)),
                fields=("condition", "field"),
                name="claim_one_choice_per_condition_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted", True), ("metric__isnull", False)),
                fields=("metric", "field"),
                name="claim_one_choice_per_metric_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted", True), ("relationship__isnull", False)),
                fields=("relationship", "field"),
                name="claim_one_choice_per_relationship_field",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_qualifier__isnull", False),
                    models.Q(
                        ("estimate_value__isnull", True),
                        ("estimate_low__isnull", True),
                        ("estimate_high__isnull", True),
                        ("estimate_currency__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="claim_estimate_empty_without_qualifier",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_qualifier__isnull", True),
                    (
                        "estimate_qualifier__in",
                        ["exact", "approximately", "up_to", "at_least", "between", "undisclosed"],
                    ),
                    _connector="OR",
                ),
                name="claim_estimate_qualifier_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_currency__isnull", True), ("estimate_currency__regex", "^[A-Z]{3}$"), _connector="OR"
                ),
                name="claim_estimate_currency_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_value__isnull", True), ("estimate_value__gte", 0), _connector="OR"),
                    models.Q(("estimate_low__isnull", True), ("estimate_low__gte", 0), _connector="OR"),
                ),
                name="claim_estimate_non_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_low__isnull", True),
                    ("estimate_value__isnull", True),
                    ("estimate_low__lte", models.F("estimate_value")),
                    _connector="OR",
                ),
                name="claim_estimate_low_le_value",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_value__isnull", True),
                    ("estimate_high__isnull", True),
                    ("estimate_value__lte", models.F("estimate_high")),
                    _connector="OR",
                ),
                name="claim_estimate_value_le_high",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimate_low__isnull", True),
                    ("estimate_high__isnull", True),
                    ("estimate_low__lte", models.F("estimate_high")),
                    _connector="OR",
                ),
                name="claim_estimate_low_le_high",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "exact"), _negated=True),
                    models.Q(
                        ("estimate_value__isnull", False),
                        ("estimate_high", models.F("estimate_value")),
                        ("estimate_low", models.F("estimate_value")),
                    ),
                    _connector="OR",
                ),
                name="claim_estimate_exact_is_a_point",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "approximately"), _negated=True),
                    ("estimate_value__isnull", False),
                    _connector="OR",
                ),
                name="claim_estimate_approximately_has_value",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "up_to"), _negated=True),
                    models.Q(("estimate_value__isnull", False), ("estimate_high", models.F("estimate_value"))),
                    _connector="OR",
                ),
                name="claim_estimate_up_to_high_is_value",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "at_least"), _negated=True),
                    models.Q(
                        ("estimate_value__isnull", False),
                        ("estimate_low", models.F("estimate_value")),
                        ("estimate_high__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="claim_estimate_at_least_low_is_value",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "between"), _negated=True),
                    models.Q(("estimate_low__isnull", False), ("estimate_high__isnull", False)),
                    _connector="OR",
                ),
                name="claim_estimate_between_has_bounds",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("estimate_qualifier", "undisclosed"), _negated=True),
                    models.Q(
                        ("estimate_value__isnull", True),
                        ("estimate_low__isnull", True),
                        ("estimate_high__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="claim_estimate_undisclosed_has_no_numbers",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "deals_claimevent" ("accepted", "accepted_at", "accepted_by_id", "accepted_reason", "condition_id", "created_at", "estimate_currency", "estimate_high", "estimate_low", "estimate_qualifier", "estimate_value", "field", "id", "metric_id", "note", "participation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "recorded_by_id", "relationship_id", "round_id", "source_id", "span_end", "span_start", "stated_on", "stated_value") VALUES (NEW."accepted", NEW."accepted_at", NEW."accepted_by_id", NEW."accepted_reason", NEW."condition_id", NEW."created_at", NEW."estimate_currency", NEW."estimate_high", NEW."estimate_low", NEW."estimate_qualifier", NEW."estimate_value", NEW."field", NEW."id", NEW."metric_id", NEW."note", NEW."participation_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."quote", NEW."recorded_by_id", NEW."relationship_id", NEW."round_id", NEW."source_id", NEW."span_end", NEW."span_start", NEW."stated_on", NEW."stated_value"); RETURN NULL;',
                    hash="81ac639a692d951c9f28d8e0d515626715724425",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_2d60e",
                    table="deals_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."accepted" IS DISTINCT FROM (NEW."accepted") OR OLD."accepted_at" IS DISTINCT FROM (NEW."accepted_at") OR OLD."accepted_by_id" IS DISTINCT FROM (NEW."accepted_by_id") OR OLD."accepted_reason" IS DISTINCT FROM (NEW."accepted_reason") OR OLD."condition_id" IS DISTINCT FROM (NEW."condition_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."estimate_currency" IS DISTINCT FROM (NEW."estimate_currency") OR OLD."estimate_high" IS DISTINCT FROM (NEW."estimate_high") OR OLD."estimate_low" IS DISTINCT FROM (NEW."estimate_low") OR OLD."estimate_qualifier" IS DISTINCT FROM (NEW."estimate_qualifier") OR OLD."estimate_value" IS DISTINCT FROM (NEW."estimate_value") OR OLD."field" IS DISTINCT FROM (NEW."field") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."metric_id" IS DISTINCT FROM (NEW."metric_id") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."participation_id" IS DISTINCT FROM (NEW."participation_id") OR OLD."quote" IS DISTINCT FROM (NEW."quote") OR OLD."recorded_by_id" IS DISTINCT FROM (NEW."recorded_by_id") OR OLD."relationship_id" IS DISTINCT FROM (NEW."relationship_id") OR OLD."round_id" IS DISTINCT FROM (NEW."round_id") OR OLD."source_id" IS DISTINCT FROM (NEW."source_id") OR OLD."span_end" IS DISTINCT FROM (NEW."span_end") OR OLD."span_start" IS DISTINCT FROM (NEW."span_start") OR OLD."stated_on" IS DISTINCT FROM (NEW."stated_on") OR OLD."stated_value" IS DISTINCT FROM (NEW."stated_value"))',
                    func='INSERT INTO "deals_claimevent" ("accepted", "accepted_at", "accepted_by_id", "accepted_reason", "condition_id", "created_at", "estimate_currency", "estimate_high", "estimate_low", "estimate_qualifier", "estimate_value", "field", "id", "metric_id", "note", "participation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "recorded_by_id", "relationship_id", "round_id", "source_id", "span_end", "span_start", "stated_on", "stated_value") VALUES (NEW."accepted", NEW."accepted_at", NEW."accepted_by_id", NEW."accepted_reason", NEW."condition_id", NEW."created_at", NEW."estimate_currency", NEW."estimate_high", NEW."estimate_low", NEW."estimate_qualifier", NEW."estimate_value", NEW."field", NEW."id", NEW."metric_id", NEW."note", NEW."participation_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."quote", NEW."recorded_by_id", NEW."relationship_id", NEW."round_id", NEW."source_id", NEW."span_end", NEW."span_start", NEW."stated_on", NEW."stated_value"); RETURN NULL;',
                    hash="379b93da0508b19007c796f5beac4861da27be37",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_ade77",
                    table="deals_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "deals_claimevent" ("accepted", "accepted_at", "accepted_by_id", "accepted_reason", "condition_id", "created_at", "estimate_currency", "estimate_high", "estimate_low", "estimate_qualifier", "estimate_value", "field", "id", "metric_id", "note", "participation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "recorded_by_id", "relationship_id", "round_id", "source_id", "span_end", "span_start", "stated_on", "stated_value") VALUES (OLD."accepted", OLD."accepted_at", OLD."accepted_by_id", OLD."accepted_reason", OLD."condition_id", OLD."created_at", OLD."estimate_currency", OLD."estimate_high", OLD."estimate_low", OLD."estimate_qualifier", OLD."estimate_value", OLD."field", OLD."id", OLD."metric_id", OLD."note", OLD."participation_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."quote", OLD."recorded_by_id", OLD."relationship_id", OLD."round_id", OLD."source_id", OLD."span_end", OLD."span_start", OLD."stated_on", OLD."stated_value"); RETURN NULL;',
                    hash="d3779a5f7449a1693668e427e5d7e32c05211a81",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_12b37",
                    table="deals_claim",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(VERSION_TRIGGERS_SQL, reverse_sql=DROP_VERSION_TRIGGERS_SQL),
    ]
