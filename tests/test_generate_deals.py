"""The benchmark data generator loads valid, realistic rows with COPY and is reproducible by seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from deals.choices import Qualifier, RoundStatus
from deals.management.commands.generate_deals import TABLES, Scale, generate
from deals.models import (
    Condition,
    DirtyTarget,
    FundingRound,
    Organization,
    Participation,
    ParticipationFigures,
    Relationship,
)
from deals.pipeline.recompute import recompute_targets

pytestmark = pytest.mark.django_db(transaction=True)
SCALE = Scale(organizations=400, rounds=1_500, relationships=150, seed=5)
#: Columns that hold the time of the load rather than generated values.
CLOCK = {"created_at", "updated_at"}


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    with connection.cursor() as cursor:
        for key, table in TABLES.items():
            columns = [f'"{c}"' for c in table.columns if c not in CLOCK]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY id")
            rows[key] = cursor.fetchall()
    return rows


def _empty() -> None:
    names = ", ".join(table.name for table in TABLES.values())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}, deals_dirtytarget RESTART IDENTITY CASCADE")


def test_it_generates_the_requested_scale_with_every_kind_of_row():
    counts = generate(SCALE)
    assert counts["round"] == FundingRound.objects.count() == 1_500
    assert counts["relationship"] == Relationship.objects.count() == 150
    assert counts["organization"] == Organization.objects.count() == 400
    assert 2.5 <= Participation.objects.count() / 1_500 <= 3.5
    assert set(FundingRound.objects.values_list("status", flat=True)) == set(RoundStatus.values)
    assert set(Participation.objects.values_list("amount_qualifier", flat=True)) == set(Qualifier.values)
    assert len(set(FundingRound.objects.values_list("amount_currency", flat=True))) >= 5
    assert Condition.objects.exists() and Organization.objects.filter(parent__isnull=False).exists()
    # Power law: the busiest investor takes part in many more rounds than the median one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deals_participation GROUP BY investor_id ORDER BY 1 DESC")
        activity = [row[0] for row in cursor.fetchall()]
    assert activity[0] >= 10 * activity[len(activity) // 2]
    assert DirtyTarget.objects.count() == FundingRound.objects.values("target").distinct().count()


def test_generated_rows_are_valid_and_referentially_sound():
    generate(SCALE)
    # Check constraints held during COPY; foreign keys are not checked there, so check them here.
    with connection.cursor() as cursor:
        for sql in (
            "SELECT count(*) FROM deals_participation p LEFT JOIN deals_fundinground r ON r.id = p.round_id "
            "WHERE r.id IS NULL",
            "SELECT count(*) FROM deals_participation p LEFT JOIN deals_organization o ON o.id = p.investor_id "
            "WHERE o.id IS NULL",
            "SELECT count(*) FROM deals_participation p JOIN deals_fundinground r ON r.id = p.round_id "
            "WHERE r.target_id = p.investor_id",
            "SELECT count(*) FROM deals_fundinground r LEFT JOIN deals_organization o ON o.id = r.target_id "
            "WHERE o.id IS NULL",
            "SELECT count(*) FROM deals_organization c LEFT JOIN deals_organization p ON p.id = c.parent_id "
            "WHERE c.parent_id IS NOT NULL AND p.id IS NULL",
            "SELECT count(*) FROM deals_relationship r LEFT JOIN deals_organization o ON o.id = r.client_id "
            "WHERE o.id IS NULL",
            "SELECT count(*) FROM deals_citation c LEFT JOIN deals_source s ON s.id = c.source_id WHERE s.id IS NULL",
        ):
            cursor.execute(sql)
            assert cursor.fetchone()[0] == 0, sql
    for model in (FundingRound, Participation, Relationship, Organization):
        for row in model.objects.order_by("?")[:40]:
            row.full_clean(validate_unique=False, validate_constraints=False)
    # The pipeline computes figures for them, and new rows get ids after the generated ones.
    targets = list(FundingRound.objects.values_list("target_id", flat=True).distinct()[:20])
    assert recompute_targets(target_ids=targets) > 0
    assert ParticipationFigures.objects.exists()
    Organization.objects.create(name="Created after generation", slug="created-after-generation")


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    generate(SCALE)
    first = _dump()
    _empty()
    generate(SCALE)
    assert _dump() == first
    _empty()
    generate(Scale(SCALE.organizations, SCALE.rounds, SCALE.relationships, seed=6))
    assert _dump()["round"] != first["round"]


def test_the_command_reports_what_it_generated(capsys):
    call_command("generate_deals", organizations=30, rounds=100, seed=2)
    out = capsys.readouterr().out
    assert "100 round" in out and "seed 2" in out
    assert FundingRound.objects.count() == 100
