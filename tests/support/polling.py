"""Waiting for something another process does, with a deadline instead of a sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], deadline_s: float, what: str) -> None:
    """Return once ``condition()`` is true; fail naming ``what`` when ``deadline_s`` passes first."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {deadline_s} s waiting for {what}")
