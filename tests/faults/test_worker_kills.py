"""kill -9 of the worker's main process and of its pool processes in the middle of full recomputes: the
supervisor restarts what died, the jobs finish, and the figures equal those of an undisturbed run."""

from __future__ import annotations

import signal

import pytest

from tests.faults.conftest import CHUNK_SIZE
from tests.support.localinstall import LocalInstall
from tests.support.polling import poll

pytestmark = pytest.mark.faults
KILLS = 10


def running_with_progress_after(install: LocalInstall, job_id: int, done_before: int) -> bool:
    state, done, total = install.job(job_id)
    return state == "running" and done_before < done < total


def kill_mid_job(install: LocalInstall, job_id: int, done_before: int, target: str) -> int | None:
    """Wait until the job made progress since the last kill, then kill -9 the worker's main or pool processes.

    Returns the progress at the kill, or None if the job finished first.
    """

    def ready() -> bool:
        if install.job(job_id)[0] == "succeeded":
            return True
        victims = [install.worker_main()] if target == "main" else install.worker_pool()
        return running_with_progress_after(install, job_id, done_before) and all(victims) and bool(victims)

    poll(ready, deadline_s=180, what=f"job {job_id} made no progress after a kill\n{install.log_tail()}")
    state, done, _total = install.job(job_id)
    if state == "succeeded":
        return None
    victims = [install.worker_main()] if target == "main" else install.worker_pool()
    for victim in victims:
        assert victim is not None
        victim.send_signal(signal.SIGKILL)
    return done


def test_full_recomputes_finish_with_a_clean_runs_figures_through_ten_kill_9s(install, clean_checksum):
    kills: list[tuple[int, str, int]] = []
    jobs = 0
    while len(kills) < KILLS:
        install.clear_computed()
        job_id = install.start_full_recompute(chunk_size=CHUNK_SIZE)
        jobs += 1
        done = 0
        while len(kills) < KILLS:
            target = "main" if len(kills) % 2 == 0 else "pool"
            at = kill_mid_job(install, job_id, done, target)
            if at is None:
                break
            kills.append((job_id, target, at))
            done = at
        poll(
            lambda job_id=job_id: install.job(job_id)[0] == "succeeded",
            deadline_s=300,
            what=f"job {job_id} did not finish\n{install.log_tail()}",
        )
        assert install.checksum() == clean_checksum, f"job {job_id}'s figures differ from the clean run's"
    print(f"\n[faults] {len(kills)} kills over {jobs} jobs survived (job, process, progress): {kills}")
    print(f"[faults] computed tables equal the clean run's: {clean_checksum}")
    assert sum(1 for kill in kills if kill[1] == "main") == KILLS // 2
    poll(lambda: install.healthz()[0] == 200, deadline_s=60, what="/healthz did not recover")
