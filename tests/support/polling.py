"""Waiting for something another process does, with a deadline instead of a sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def poll(condition: Callable[[], Any], *, deadline_s: float, what: str, every_s: float = 0.25) -> Any:
    """Return the first truthy value of ``condition()``; fail naming ``what`` when ``deadline_s`` passes first.

    Every quarter second by default: a condition may open a connection or a request of its own each time, and
    at 20 a second those took a share of two cores from the worker being waited for. A check that only reads
    through the test's own connection may poll faster (``every_s``)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"{what}: not within {deadline_s:.0f} s")
