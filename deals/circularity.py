"""Circular flows and related-party analysis (stored by the recompute pipeline)."""

from __future__ import annotations

from collections.abc import Sequence


def recompute_circularity(*, target_ids: Sequence[int]) -> None:
    """Recompute cycles and related-party flags for the rounds of ``target_ids``."""
    return
