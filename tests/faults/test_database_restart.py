"""The embedded database stopped in the middle of a full recompute: the supervisor starts it again, the job
finishes and its figures equal a clean run's."""

from __future__ import annotations

import pytest

from tests.faults.conftest import CHUNK_SIZE
from tests.support.localinstall import LocalInstall
from tests.support.polling import poll

pytestmark = pytest.mark.faults


def server_pid(install: LocalInstall) -> int | None:
    """The running postmaster's pid, None when the server is down."""
    if install.manage_module("dealtracker.embedded_postgres", "status", check=False).returncode != 0:
        return None
    return int((install.var_dir / "postgres" / "postmaster.pid").read_text().split()[0])


def test_a_database_restart_mid_recompute_is_survived(install, clean_checksum):
    install.clear_computed()
    job_id = install.start_full_recompute(chunk_size=CHUNK_SIZE)

    def well_under_way() -> bool:
        state, done, total = install.job(job_id)
        return state == "running" and total // 4 < done < total

    poll(well_under_way, deadline_s=240, what=f"job {job_id} did not get going\n{install.log_tail()}")
    before = server_pid(install)
    install.manage_module("dealtracker.embedded_postgres", "stop")  # waits until the server is down

    poll(
        lambda: server_pid(install) not in (None, before),
        deadline_s=60,
        what="the supervisor did not start the database again",
    )
    poll(
        lambda: install.job(job_id)[0] == "succeeded",
        deadline_s=300,
        what=f"job {job_id} did not finish after the restart\n{install.log_tail()}",
    )
    assert install.checksum() == clean_checksum
    poll(lambda: install.healthz()[0] == 200, deadline_s=60, what="/healthz did not recover")
    print(f"\n[faults] database stopped mid job {job_id}; restarted by the supervisor; figures equal the clean run's")
