"""Rounds whose id order, first-reported order and date order all differ: what the ordering tests list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from deals.models import FundingRound
from deals.pipeline.services import dirty_drain
from tests.factories import FundingRoundFactory, OrganizationFactory

D = datetime.date


def amount(value: int | None) -> dict[str, Any]:
    """A round's exact amount in EUR, or none."""
    figure = None if value is None else Decimal(value)
    return {
        "amount_qualifier": None if value is None else "exact",
        **{f"amount_{part}": figure for part in ("value", "low", "high")},
        "amount_currency": None if value is None else "EUR",
    }


def order_co() -> dict[str, FundingRound]:
    """Four rounds of one target whose id order, first-reported order and date order all differ."""
    target = OrganizationFactory(slug="order-co", name="Order Co")
    made: dict[str, Any] = {
        # Reported long ago, closed last: the newest.
        "closed": FundingRoundFactory(target=target, reported_on=D(2024, 1, 1), closed_on=D(2026, 3, 1)),
        "reported": FundingRoundFactory(target=target, reported_on=D(2025, 10, 2), **amount(9 * 10**9)),
        "announced": FundingRoundFactory(
            target=target, status="announced", reported_on=D(2025, 6, 1), announced_on=D(2025, 12, 1)
        ),
        "undated": FundingRoundFactory(target=target, status="rumored", reported_on=None, **amount(None)),
    }
    dirty_drain()
    return made


#: The names of :func:`order_co`'s rounds, newest first by date.
NEWEST = ["closed", "announced", "reported", "undated"]


def names(made: dict[str, FundingRound], ids: list[int]) -> list[str]:
    """The names of ``made``'s rounds among ``ids``, in the order of ``ids``."""
    by_id = {r.pk: name for name, r in made.items()}
    return [by_id[i] for i in ids if i in by_id]
