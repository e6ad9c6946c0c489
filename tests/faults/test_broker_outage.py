"""The broker stopped under writes: every write is answered and kept, a job posted meanwhile is stored as
queued (202, not 500), and once the broker is back everything is recomputed without anyone stepping in.

The outage lasts OUTAGE_S (30 s by default, DEALTRACKER_FAULT_OUTAGE_S to change it): several times the
sweep interval (2 s here) and twice the heartbeat limit (15 s), so the client's publish retries are long
given up, /healthz has had time to report it and beat has sent many sweeps into the void. A longer outage
changes nothing but the number of writes: nothing in the recovery path has a clock longer than those.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

import pytest

from tests.support.localinstall import LocalInstall
from tests.support.polling import poll

pytestmark = pytest.mark.faults
OUTAGE_S = float(os.environ.get("DEALTRACKER_FAULT_OUTAGE_S", "30"))


def editable_participations(install: LocalInstall, count: int) -> list[tuple[int, Decimal, str]]:
    return [
        (int(row[0]), Decimal(row[1]), str(row[2]))
        for row in install.query(
            "SELECT id, amount_value, amount_currency FROM deals_participation "
            "WHERE amount_qualifier = 'exact' AND amount_value > 1000 ORDER BY id LIMIT %s",
            [count],
        )
    ]


def test_writes_during_a_broker_outage_are_kept_and_recomputed_after(install, clean_checksum):
    token = install.token()
    targets = editable_participations(install, 25)
    assert targets, "the generated data has no exact participation amounts to edit"
    written: dict[int, Decimal] = {}

    install.broker.stop()
    try:
        status, health = poll(
            lambda: (s := install.healthz())[0] == 503 and s,
            deadline_s=30,
            what="/healthz did not report the stopped broker",
        )
        assert health["broker"]["ok"] is False

        status, job = install.http("POST", "/api/jobs/", {"kind": "full_recompute"}, token)
        assert status == 202, job
        assert install.job(job["id"])[0] == "queued"

        deadline = time.monotonic() + OUTAGE_S
        step = 0
        while time.monotonic() < deadline:
            pk, value, currency = targets[step % len(targets)]
            new_value = value - (step + 1)
            status, body = install.http(
                "PATCH",
                f"/api/participations/{pk}/",
                {"amount": {"value": str(new_value), "qualifier": "exact", "currency": currency}},
                token,
            )
            assert status == 200, body
            written[pk] = new_value
            step += 1
        writes = step
    finally:
        install.broker.start()

    poll(
        lambda: install.job(job["id"])[0] == "succeeded",
        deadline_s=240,
        what=f"the job posted during the outage never ran\n{install.log_tail()}",
    )
    poll(
        lambda: install.query("SELECT count(*) FROM deals_dirtytarget")[0][0] == 0,
        deadline_s=240,
        what="the writes made during the outage were not all recomputed",
    )
    poll(lambda: install.healthz()[0] == 200, deadline_s=60, what="/healthz did not recover")

    stored = dict(install.query("SELECT id, amount_value FROM deals_participation WHERE id = ANY(%s)", [list(written)]))
    lost = [pk for pk, value in written.items() if stored[pk] != value]
    assert lost == []
    after_outage = install.checksum()
    install.manage("recompute_valuations", "--full", "--chunk-size", "500")
    assert install.checksum() == after_outage, "the incremental recompute left figures a full recompute changes"
    print(
        f"\n[faults] broker down {OUTAGE_S:.0f} s: {writes} writes answered 200, 0 lost "
        f"({len(written)} participations), job {job['id']} queued → succeeded, all recomputed"
    )
