"""The dirty set's two stages: figures are committed and readable before the circular-flow step runs, a mark
at any moment sends its target back to the figures stage, two workers never hold one target, a failure
between the stages loses nothing, and a real worker shows an edit's figures first and its flags after."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import connection, connections, transaction

from deals import services as deal_services
from deals.api.serializers import RoundSerializer
from deals.choices import JobKind
from deals.models import (
    Cycle,
    DirtyTarget,
    FundingRound,
    Job,
    Organization,
    Participation,
    ParticipationFigures,
    Relationship,
)
from deals.pipeline import circularity, services
from deals.pipeline.recompute import recompute_targets
from deals.selectors import round_queryset
from deals.tasks import sweep_dirty_targets
from tests.factories import FundingRoundFactory, OrganizationFactory, ParticipationFactory, RelationshipFactory
from tests.support.polling import poll
from tests.support.workers import database_url

FIGURES, FLAGS = DirtyTarget.Stage.FIGURES, DirtyTarget.Stage.FLAGS
M = Decimal(10) ** 6
DEADLINE = 60.0


def stage_of(target_id: int) -> int | None:
    return DirtyTarget.objects.filter(target_id=target_id).values_list("stage", flat=True).first()


def related_deal() -> tuple[FundingRound, Participation]:
    """An investor that is also the target's cloud provider: its participation is related-party."""
    target, investor = OrganizationFactory(), OrganizationFactory()
    round_ = FundingRoundFactory(
        target=target,
        post_money_valuation_qualifier="exact",
        post_money_valuation_value=1000 * M,
        post_money_valuation_low=1000 * M,
        post_money_valuation_high=1000 * M,
        post_money_valuation_currency="EUR",
    )
    participation = ParticipationFactory(round=round_, investor=investor)
    RelationshipFactory(provider=investor, client=target, kind="cloud")
    DirtyTarget.objects.filter(target=investor).delete()  # marked by the tie; it has no rounds to recompute
    return round_, participation


def computed(round_: FundingRound) -> dict[str, Any]:
    return RoundSerializer(round_queryset().get(pk=round_.pk)).data["computed"]


@pytest.mark.django_db
class TestStages:
    def test_stage_1_commits_the_figures_and_stage_2_the_flags(self):
        round_, participation = related_deal()
        target = round_.target_id
        assert stage_of(target) == FIGURES

        assert services.dirty_figures_batch() == [target]
        assert stage_of(target) == FLAGS
        figures = ParticipationFigures.objects.get(participation=participation)
        assert figures.stake_value == Decimal("0.05")
        assert figures.related_party is False, "the flags are the second stage's"

        assert services.dirty_flags_batch() == [target]
        assert stage_of(target) is None
        figures.refresh_from_db()
        assert figures.related_party is True and figures.related_party_reasons

    def test_the_api_says_the_figures_are_current_while_the_flags_are_pending(self):
        round_, _ = related_deal()
        assert computed(round_)["stale"] and computed(round_)["related_party_pending"]
        services.dirty_figures_batch()
        assert not computed(round_)["stale"]
        assert computed(round_)["related_party_pending"]
        services.dirty_flags_batch()
        assert not computed(round_)["stale"] and not computed(round_)["related_party_pending"]

    def test_a_mark_between_the_stages_sends_the_target_back_to_stage_1(self):
        round_, participation = related_deal()
        target = round_.target_id
        services.dirty_figures_batch()
        version = DirtyTarget.objects.get(target_id=target).version
        Participation.objects.filter(pk=participation.pk).update(
            amount_value=100 * M, amount_low=100 * M, amount_high=100 * M
        )
        assert stage_of(target) == FIGURES
        # Marked again (the participation's round is marked too, its row version bumped by the same change).
        assert DirtyTarget.objects.get(target_id=target).version > version
        assert services.dirty_flags_batch() == [], "flags must not follow figures that are out of date"
        assert ParticipationFigures.objects.get(participation=participation).related_party is False

        assert services.dirty_figures_batch() == [target]
        assert ParticipationFigures.objects.get(participation=participation).stake_value == Decimal("0.1")
        assert services.dirty_flags_batch() == [target]
        assert not DirtyTarget.objects.exists()

    def test_a_failure_in_stage_2_keeps_the_figures_and_the_sweep_finishes_the_flags(self, monkeypatch):
        round_, participation = related_deal()
        target = round_.target_id
        services.dirty_figures_batch()

        def crash(**kwargs: Any) -> None:
            raise RuntimeError("worker lost")

        with monkeypatch.context() as patched:
            patched.setattr(circularity, "recompute_circularity", crash)
            with pytest.raises(RuntimeError):
                services.dirty_flags_batch()
        assert stage_of(target) == FLAGS, "the target waits for its flags"
        assert ParticipationFigures.objects.get(participation=participation).stake_value == Decimal("0.05")

        sweep_dirty_targets()  # eager in tests: runs the stage-2 task it sends
        assert not DirtyTarget.objects.exists()
        assert ParticipationFigures.objects.get(participation=participation).related_party is True

    def test_in_process_drain_leaves_nothing_at_either_stage(self):
        deals = [related_deal() for _ in range(3)]
        assert services.dirty_drain() == 3
        assert not DirtyTarget.objects.exists()
        assert all(ParticipationFigures.objects.get(participation=p).related_party for _, p in deals)

    def test_the_full_recompute_clears_targets_marked_before_it_at_either_stage(self):
        first, _ = related_deal()
        second, _ = related_deal()
        services.dirty_figures_batch(target_ids=[first.target_id])
        assert {stage_of(first.target_id), stage_of(second.target_id)} == {FLAGS, FIGURES}
        job = Job.objects.create(kind=JobKind.FULL_RECOMPUTE)
        services.job_run_full_recompute(job_id=job.pk)
        assert not DirtyTarget.objects.exists()


def bulk_targets(n: int) -> list[int]:
    """Targets with a round each, written without signals so nothing is recomputed eagerly."""
    orgs = Organization.objects.bulk_create(Organization(name=f"Target {i}", slug=f"target-{i}") for i in range(n))
    FundingRound.objects.bulk_create(FundingRound(target=org, status="closed") for org in orgs)
    return [org.pk for org in orgs]


def waiting_for_a_lock(fragment: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            # Only this test's database: other test runs on the server (pytest-xdist workers) wait for locks too.
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE %s",
            [f"%{fragment}%"],
        )
        return bool(cursor.fetchone()[0])


@contextmanager
def in_thread(work: Callable[[], object]) -> Iterator[dict[str, Any]]:
    """Run ``work`` in a thread with its own connection; its result or error is in the yielded dict."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # reported by the test, not lost in the thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield outcome
    finally:
        thread.join(timeout=DEADLINE)
        assert not thread.is_alive(), "the thread did not finish"
        if "error" in outcome:
            raise outcome["error"]


def held_inside(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """Make ``owner.name`` stop after its work until released: (inside, release) events."""
    inside, release = threading.Event(), threading.Event()
    original = getattr(owner, name)

    def held(**kwargs: Any) -> Any:
        result = original(**kwargs)
        inside.set()
        assert release.wait(DEADLINE), "the test never released the stage"
        return result

    monkeypatch.setattr(owner, name, held)
    return inside, release


def mark(target_id: int) -> None:
    FundingRound.objects.filter(target_id=target_id).update(notes="marked while claimed")


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_a_mark_during_stage_1_waits_for_it_and_sends_the_target_back(self, monkeypatch):
        (target,) = bulk_targets(1)
        version = DirtyTarget.objects.get(target_id=target).version
        inside, release = held_inside(monkeypatch, services, "recompute_figures")
        with in_thread(services.dirty_figures_batch) as stage_1:
            assert inside.wait(DEADLINE)
            with in_thread(lambda: mark(target)) as writer:
                poll(
                    lambda: waiting_for_a_lock("deals_fundinground"),
                    deadline_s=DEADLINE,
                    what="the writer to wait for the claim",
                )
                assert "result" not in writer
                release.set()
        assert stage_1["result"] == [target]
        row = DirtyTarget.objects.get(target_id=target)
        assert (row.stage, row.version) == (FIGURES, version + 1)

    def test_a_mark_during_stage_2_waits_for_it_and_leaves_the_target_at_stage_1(self, monkeypatch):
        (target,) = bulk_targets(1)
        services.dirty_figures_batch()
        inside, release = held_inside(monkeypatch, circularity, "recompute_circularity")
        with in_thread(services.dirty_flags_batch) as stage_2:
            assert inside.wait(DEADLINE)
            with in_thread(lambda: mark(target)):
                poll(
                    lambda: waiting_for_a_lock("deals_fundinground"),
                    deadline_s=DEADLINE,
                    what="the writer to wait for the claim",
                )
                release.set()
        assert stage_2["result"] == [target]
        assert stage_of(target) == FIGURES, "the mark outlived the deletion of the claimed row"

    def test_two_workers_never_process_the_same_target_in_either_stage(self):
        targets = bulk_targets(30)
        claimed: dict[str, list[int]] = {"figures": [], "flags": []}
        barrier = threading.Barrier(2)

        def work() -> None:
            barrier.wait()
            while True:
                figures = services.dirty_figures_batch(batch_size=3)
                flags = services.dirty_flags_batch(batch_size=2)
                claimed["figures"] += figures
                claimed["flags"] += flags
                if not figures and not flags and not services.dirty_exists():
                    return

        with in_thread(work), in_thread(work):
            pass
        for stage, processed in claimed.items():
            assert sorted(processed) == sorted(set(processed)), f"a target was processed twice in {stage}"
            assert set(processed) == set(targets)
        assert not DirtyTarget.objects.exists()

    def test_only_one_stage_2_drain_runs_at_a_time(self):
        targets = bulk_targets(2)
        services.dirty_figures_batch()
        params = database_url(connection.settings_dict)
        with psycopg.connect(params, autocommit=True) as other:
            other.execute("SELECT pg_advisory_lock(%s)", [services.FLAGS_LANE_LOCK])
            assert services.dirty_drain_flags() is None
            assert set(DirtyTarget.objects.filter(stage=FLAGS).values_list("target_id", flat=True)) == set(targets)
            other.execute("SELECT pg_advisory_unlock(%s)", [services.FLAGS_LANE_LOCK])
        assert services.dirty_drain_flags() == 2
        assert not DirtyTarget.objects.exists()


@pytest.mark.worker
def test_a_real_worker_shows_an_edits_figures_first_and_its_related_party_flags_after(real_worker):
    target, investor = OrganizationFactory(), OrganizationFactory()
    round_ = FundingRoundFactory(
        target=target,
        post_money_valuation_qualifier="exact",
        post_money_valuation_value=1000 * M,
        post_money_valuation_low=1000 * M,
        post_money_valuation_high=1000 * M,
        post_money_valuation_currency="EUR",
    )
    participation = ParticipationFactory(round=round_, investor=investor)
    poll(lambda: not DirtyTarget.objects.exists(), deadline_s=DEADLINE, what="the first recompute")
    assert ParticipationFigures.objects.get(participation=participation).related_party is False

    # Hold stage 2 back where it writes cycles (stage 1 never does), to see the state between the stages.
    with psycopg.connect(database_url(connection.settings_dict)) as blocker:
        blocker.execute("LOCK TABLE deals_cycle IN SHARE MODE")
        with transaction.atomic():  # one edit: a new amount (figures) and a supply tie (flags)
            participation.amount_value = participation.amount_low = participation.amount_high = 200 * M
            participation.save()
            Relationship.objects.create(provider=investor, client=target, kind="cloud")
        stake = lambda: ParticipationFigures.objects.get(participation=participation).stake_value  # noqa: E731
        poll(lambda: stake() == Decimal("0.2"), deadline_s=DEADLINE, what="the edit's figures")
        assert stage_of(target.pk) == FLAGS
        assert not computed(round_)["stale"] and computed(round_)["related_party_pending"]
        poll(
            lambda: waiting_for_a_lock("deals_cycle"),
            deadline_s=DEADLINE,
            what="the worker's second stage to reach the cycles",
        )
        assert ParticipationFigures.objects.get(participation=participation).related_party is False
        blocker.rollback()

    poll(lambda: not DirtyTarget.objects.exists(), deadline_s=DEADLINE, what="the second stage")
    flags = ParticipationFigures.objects.get(participation=participation)
    assert flags.related_party is True and any(
        reason["params"]["kind"] == "cloud" for reason in flags.related_party_reasons
    )
    assert not computed(round_)["related_party_pending"]


def _save_through_the_service(round_: FundingRound) -> None:
    round_ = FundingRound.objects.get(pk=round_.pk)
    round_.notes = "edited while the worker held its target"
    deal_services.round_save(round=round_)


def _patch_through_the_api(round_: FundingRound) -> None:
    from tests.api_support import client_for

    response = client_for("Data entry").patch(
        f"/api/rounds/{round_.pk}/", {"notes": "edited while the worker held its target"}, format="json"
    )
    assert response.status_code == 200, response.json()


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_of_one_target_take_turns_and_leave_one_set_of_cycles():
    """A full job's chunk and the second stage may recompute one target at once. Each replaces the target's
    cycles by a DELETE and a COPY; without turns, the second DELETE (begun before the first transaction
    committed) missed the rows the first inserted, and the target kept both sets (seen in the fault suite as
    39 cycle rows more than a full recompute gives)."""
    investor, target = OrganizationFactory(), OrganizationFactory()
    round_ = FundingRoundFactory(target=target, status="closed")
    ParticipationFactory(round=round_, investor=investor)
    Relationship.objects.create(provider=investor, client=target, kind="cloud")  # the target pays it back
    services.dirty_drain()
    expected = Cycle.objects.filter(target=target).count()
    assert expected == 1

    entered, release = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            circularity.recompute_circularity(target_ids=[target.pk])
            entered.set()
            assert release.wait(DEADLINE), "the test never let the first recompute commit"

    with in_thread(first):
        assert entered.wait(DEADLINE)
        with in_thread(lambda: recompute_targets(target_ids=[target.pk])) as second:
            poll(
                lambda: "result" in second or "error" in second or waiting_for_a_lock(""),
                deadline_s=DEADLINE,
                what="the second recompute to finish or wait",
            )
            assert "result" not in second, "the second recompute did not wait for the first to commit"
            release.set()
    assert Cycle.objects.filter(target=target).count() == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [_save_through_the_service, _patch_through_the_api], ids=["service", "api"])
def test_an_edit_while_the_worker_holds_its_target_waits_instead_of_deadlocking(write):
    """The worker claims a target, then stores its figures, whose rows refer to the round (a foreign key check
    takes FOR KEY SHARE on it). An edit that locked the round first (a save rewrites its unique columns, so
    PostgreSQL takes the full row lock) and then marked the target at its trigger would wait for the worker
    while the worker waited for it: a deadlock, one of them aborted. The edit marks first, so it waits for
    the worker without holding the round, and goes on once the worker has committed."""
    round_ = FundingRoundFactory()
    target = round_.target_id
    with connection.cursor() as cursor:  # dirty, as after any edit (the test's eager worker has cleared it)
        cursor.execute("SELECT deals_mark_dirty(ARRAY[%s]::bigint[])", [target])
    assert stage_of(target) == FIGURES
    worker = psycopg.connect(database_url(connection.settings_dict), autocommit=False)
    try:
        claims = worker.cursor()
        claims.execute("SET deadlock_timeout = '100ms'")
        claims.execute("SELECT target_id FROM deals_dirtytarget WHERE target_id = %s FOR UPDATE", [target])
        assert claims.fetchone() == (target,)
        with in_thread(lambda: write(round_)):
            # The edit waits for the worker's claim: at its first mark, or (the old order) at its trigger's.
            poll(
                lambda: waiting_for_a_lock("deals_"),
                deadline_s=DEADLINE,
                what="the edit to wait for the worker's claim",
            )
            # What a figures row's foreign key check takes on the round: it must not wait for the edit.
            claims.execute("SET lock_timeout = '5s'")
            claims.execute("SELECT id FROM deals_fundinground WHERE id = %s FOR KEY SHARE", [round_.pk])
            worker.commit()
    finally:
        worker.close()
    assert FundingRound.objects.get(pk=round_.pk).notes == "edited while the worker held its target"
