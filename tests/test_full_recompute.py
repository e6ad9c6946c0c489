"""The full-recompute job stores exactly what ``recompute_targets`` stores: the figures by construction (one
loader and writer), the circular flows although the job shares one money graph across its chunks, and it
resumes and overwrites stale rows like a fresh recompute."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from deals.choices import JobKind, JobState
from deals.management.commands.generate_deals import Scale, generate
from deals.models import (
    Cycle,
    DirtyTarget,
    FundingRound,
    Job,
    Organization,
    ParticipationFigures,
    Position,
    Relationship,
    RoundFigures,
)
from deals.pipeline import circularity, services
from deals.pipeline.recompute import rate_table, recompute_chunk, recompute_figures, recompute_targets
from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCALE = Scale(organizations=300, rounds=1_200, relationships=400, seed=11)
#: Chunks small enough that the data spans many of them, and a prime so targets split unevenly.
CHUNK = 37


def _rows(model: Any, key: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    rows = model.objects.values()
    return {
        tuple(row[k] for k in key): {k: v for k, v in row.items() if k not in {"id", "computed_at"}} for row in rows
    }


def stored() -> dict[str, Any]:
    """Every stored result by natural key, all columns but the surrogate id and computed_at."""
    cycles = sorted(
        str(sorted((k, v) for k, v in row.items() if k not in {"id", "computed_at"})) for row in Cycle.objects.values()
    )
    return {
        "rounds": _rows(RoundFigures, ("round_id",)),
        "participations": _rows(ParticipationFigures, ("participation_id",)),
        "positions": _rows(Position, ("investor_id", "target_id", "pro_forma")),
        "cycles": cycles,
    }


def clear() -> None:
    for model in (Cycle, Position, ParticipationFigures, RoundFigures):
        model.objects.all().delete()


def run_job() -> Job:
    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": CHUNK})
    done = services.job_run_full_recompute(job_id=job.pk)
    assert done is not None and done.state == JobState.SUCCEEDED
    return done


def reference() -> dict[str, Any]:
    clear()
    recompute_targets(target_ids=list(Organization.objects.values_list("pk", flat=True)))
    return stored()


def assert_same(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    for kind in ("rounds", "participations", "positions"):
        assert actual[kind].keys() == expected[kind].keys(), kind
        differ = [key for key in expected[kind] if actual[kind][key] != expected[kind][key]]
        assert not differ, (kind, differ[:3], [(expected[kind][k], actual[kind][k]) for k in differ[:1]])
    assert actual["cycles"] == expected["cycles"]


@pytest.fixture
def demo() -> None:
    call_command("load_demo", rates="demo", stdout=io.StringIO())


@pytest.fixture
def generated() -> None:
    generate(SCALE)


def test_on_the_demo_data_the_job_stores_what_recompute_targets_stores(demo):
    expected = reference()
    # The comparison covers every kind of result, the related-party analysis included.
    assert expected["rounds"] and expected["positions"] and expected["cycles"]
    assert any(row["related_party"] and row["related_party_reasons"] for row in expected["participations"].values())
    clear()
    run_job()
    assert_same(expected, stored())


def test_on_generated_data_the_job_stores_what_recompute_targets_stores(generated):
    expected = reference()
    assert len(expected["rounds"]) == 1_200 and len(expected["participations"]) > 3_000
    assert any(row["stake_qualifier"] == "between" for row in expected["participations"].values())
    assert any(row["fx_rate"] is not None for row in expected["rounds"].values())
    assert any(row["pro_forma"] for row in expected["positions"].values())
    clear()
    job = run_job()
    assert (
        job.progress_done == job.progress_total == Organization.objects.filter(rounds__isnull=False).distinct().count()
    )
    assert_same(expected, stored())


def spoil() -> tuple[int, int, bool]:
    """Stored rows from an earlier state: wrong figures, wrong flags, and a position that no longer exists."""
    RoundFigures.objects.update(pre_money_value=None, pre_money_qualifier=None, warnings=["old"])
    ParticipationFigures.objects.update(
        stake_value=Decimal("0.5"), stake_qualifier="approximately", related_party=True, related_party_reasons=["old"]
    )
    some = Position.objects.filter(pro_forma=False).order_by("target_id", "investor_id").first()
    assert some is not None
    investor = Organization.objects.exclude(positions__target=some.target).order_by("pk").first()
    assert investor is not None
    Position.objects.create(investor=investor, target=some.target, pro_forma=False)
    Position.objects.filter(pk=some.pk).update(
        cost_value=Decimal(1), cost_qualifier="exact", cost_low=Decimal(1), cost_high=Decimal(1), cost_currency="EUR"
    )
    return investor.pk, some.target_id, False


def test_over_stale_rows_the_job_leaves_what_recompute_targets_leaves(generated):
    reference()
    extra = spoil()
    recompute_targets(target_ids=list(Organization.objects.values_list("pk", flat=True)))
    expected = stored()
    assert extra not in expected["positions"]
    clear()
    reference()
    spoil()
    run_job()
    assert_same(expected, stored())
    run_job()  # idempotent
    assert_same(expected, stored())


def test_the_figures_alone_leave_the_related_party_flags_to_the_circular_flow_step(demo):
    expected = reference()
    flagged = {k for k, row in expected["participations"].items() if row["related_party"]}
    assert flagged
    targets = list(Organization.objects.values_list("pk", flat=True))
    recompute_figures(target_ids=targets, table=rate_table())
    after = stored()["participations"]
    assert {k for k, row in after.items() if row["related_party"]} == flagged


def test_a_job_clears_the_targets_marked_before_it_started(generated):
    assert DirtyTarget.objects.exists()
    run_job()
    assert not DirtyTarget.objects.exists()


def test_a_chunk_naming_an_organization_newer_than_the_graph_falls_back_to_its_neighbourhood(demo):
    graph = circularity.whole_graph()
    round_ = FundingRound.objects.filter(participations__isnull=False).order_by("pk").first()
    assert round_ is not None
    newcomer = Organization.objects.create(name="Newcomer Capital", slug="newcomer-capital")
    ParticipationFactory(round=round_, investor=newcomer)
    assert newcomer.pk not in graph.roots
    expected = reference()
    clear()
    recompute_chunk(target_ids=list(Organization.objects.values_list("pk", flat=True)), table=rate_table(), graph=graph)
    assert ParticipationFigures.objects.filter(participation__investor=newcomer).exists()
    assert_same(expected, stored())


def test_a_job_cut_off_from_the_database_stays_resumable_and_finishes_the_same(demo, monkeypatch):
    """A dropped connection mid-job is no failure: the job keeps its cursor and the sweep resumes it."""
    from django.db import OperationalError
    from django.utils import timezone

    expected = reference()
    clear()
    calls = {"n": 0}
    real_chunk = services.recompute_chunk

    def cut_off_on_the_second_chunk(**kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_chunk(**kwargs)

    monkeypatch.setattr(services, "recompute_chunk", cut_off_on_the_second_chunk)
    job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE, params={"chunk_size": 2})
    with pytest.raises(OperationalError):
        services.job_run_full_recompute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.progress_done == 2 and job.error == ""
    assert services.job_run_full_recompute(job_id=job.pk) is None  # its heartbeat is still fresh
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - services.stale_after() * 2)
    assert job.pk in services.stale_jobs()
    done = services.job_run_full_recompute(job_id=job.pk)
    assert done is not None and done.state == JobState.SUCCEEDED
    assert_same(expected, stored())


def _circular_flows(target: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    cycles = sorted(
        str(sorted((k, v) for k, v in row.items() if k not in {"id", "computed_at"}))
        for row in Cycle.objects.filter(target_id=target).values()
    )
    flags = list(
        ParticipationFigures.objects.filter(participation__round__target_id=target)
        .order_by("participation_id")
        .values_list("participation_id", "related_party", "related_party_reasons", "cycles_truncated")
    )
    return cycles, flags


def test_one_targets_neighbourhood_finds_what_the_whole_graph_finds(generated, settings):
    """An edit recomputes one target's circular flows from the edges near it, loaded from both ends of the
    cycles (out of the target, into its investors, and between the two): target by target, the same cycles and
    flags as over the whole graph, also where two ties of one kind join the same client and provider."""
    settings.DEALTRACKER_CYCLES_PER_INVESTMENT = 1_000  # every cycle, so no bound hides a missing one
    tie = Relationship.objects.exclude(annual_value_value=None).order_by("pk").first()
    assert tie is not None
    Relationship.objects.create(provider=tie.provider, client=tie.client, kind=tie.kind)
    reference()
    graph, table = circularity.whole_graph(), rate_table()
    targets = sorted(set(FundingRound.objects.values_list("target_id", flat=True)))
    lengths: set[int] = set()
    for target in targets:
        circularity.recompute_circularity(target_ids=[target])
        near = _circular_flows(target)
        circularity.recompute_circularity(target_ids=[target], graph=graph, table=table)
        assert _circular_flows(target) == near, target
        lengths |= set(Cycle.objects.filter(target_id=target).values_list("length", flat=True))
    assert lengths == {2, 3, 4}  # two-party cycles, and paths that need the edges between the two ends
