"""One local install for the whole fault suite: set up once (minutes), broken and healed by each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.localinstall import LocalInstall
from tests.support.polling import poll

#: Big enough that a full recompute in chunks of CHUNK_SIZE takes several kills to finish, small enough for
#: a suite of minutes on two cores.
ORGANIZATIONS, ROUNDS, CHUNK_SIZE = 300, 1500, 4


@pytest.fixture(scope="session")
def install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalInstall]:
    local = LocalInstall(tmp_path_factory.mktemp("faults"))
    try:
        local.start()
        local.manage(
            "generate_deals",
            "--organizations",
            str(ORGANIZATIONS),
            "--rounds",
            str(ROUNDS),
            "--seed",
            "7",
            superuser=True,
        )
        yield local
    finally:
        local.stop()


@pytest.fixture
def clean_checksum(install: LocalInstall) -> dict[str, str]:
    """The computed tables after a full recompute nobody disturbed (in-process, no worker involved), of the
    data as the test finds it (an earlier test may have edited it)."""
    # A bound, not a wait: it returns as soon as the generated 300 targets are drained. Five minutes were once
    # not enough while the machine's two cores were shared with other test runs.
    poll(
        lambda: install.query("SELECT count(*) FROM deals_dirtytarget")[0][0] == 0,
        deadline_s=900,
        what="the worker did not drain what start-up marked dirty",
    )
    install.clear_computed()
    install.manage("recompute_valuations", "--full", "--chunk-size", "500")
    return install.checksum()
