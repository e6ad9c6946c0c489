"""Dated FX conversion: the latest rate on or before a figure's date, reported with the conversion.

A missing rate is a warning and no conversion — never an invented 1.0. When no direct rate exists, the
inverse of the opposite pair is used, then a cross rate through a pivot currency (EUR, then USD), dated by
the older of its two legs.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deals.engine.estimates import CONTEXT, Estimate, scaled

PIVOTS = ("EUR", "USD")


@dataclass(frozen=True)
class Rate:
    """1 ``base`` = ``rate`` ``quote`` on ``date``."""

    date: datetime.date
    base: str
    quote: str
    rate: Decimal


@dataclass(frozen=True)
class Conversion:
    """The converted estimate (None when no rate exists), the rate used and its date, or a warning."""

    estimate: Estimate | None
    rate: Decimal | None
    rate_date: datetime.date | None
    warning: dict[str, Any] | None = None  # {"code", "params"}: deals.messages renders it


class RateTable:
    """Rates indexed by currency pair and date, for look-ups of the latest rate on or before a date."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        by_pair: dict[tuple[str, str], list[Rate]] = defaultdict(list)
        for rate in rates:
            by_pair[(rate.base, rate.quote)].append(rate)
        self._rates = {pair: sorted(items, key=lambda r: r.date) for pair, items in by_pair.items()}
        self._dates = {pair: [r.date for r in items] for pair, items in self._rates.items()}
        # Looked-up rates by (base, quote, date): a full recompute converts many figures of one date.
        self._found: dict[tuple[str, str, datetime.date], Rate | None] = {}

    def _latest(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        dates = self._dates.get((base, quote))
        if not dates:
            return None
        index = bisect.bisect_right(dates, on)
        return self._rates[(base, quote)][index - 1] if index else None

    def _direct_or_inverse(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        direct = self._latest(base, quote, on)
        inverse = self._latest(quote, base, on)
        if inverse is not None and (direct is None or inverse.date > direct.date):
            return Rate(inverse.date, base, quote, CONTEXT.divide(Decimal(1), inverse.rate))
        return direct

    def lookup(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        """The rate to turn ``base`` into ``quote`` for a figure dated ``on``, or None if there is none."""
        key = (base, quote, on)
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self._lookup(base, quote, on)
            return found

    def _lookup(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        if base == quote:
            return Rate(on, base, quote, Decimal(1))
        found = self._direct_or_inverse(base, quote, on)
        if found is not None:
            return found
        for pivot in PIVOTS:
            if pivot in (base, quote):
                continue
            first, second = self._direct_or_inverse(base, pivot, on), self._direct_or_inverse(pivot, quote, on)
            if first is not None and second is not None:
                return Rate(min(first.date, second.date), base, quote, first.rate * second.rate)
        return None


def _warning(code: str, **params: str) -> dict[str, Any]:
    return {"code": code, "params": params}


def convert(estimate: Estimate, to_currency: str, on: datetime.date | None, table: RateTable) -> Conversion:
    """``estimate`` in ``to_currency`` at the latest rate on or before ``on``."""
    source = estimate.currency
    if source is None:
        return Conversion(None, None, None, _warning("no_source_currency"))
    if on is None:
        return Conversion(None, None, None, _warning("no_date", source=source, to=to_currency))
    rate = table.lookup(source, to_currency, on)
    if rate is None:
        return Conversion(None, None, None, _warning("no_rate", source=source, to=to_currency, on=on.isoformat()))
    return Conversion(scaled(estimate, rate.rate, to_currency), rate.rate, rate.date)


class Converter:
    """Converts figures into ``currency`` at the latest rate on or before each figure's date.

    One converter serves the recompute (a round's figures into its own and the reporting currency) and the
    API's ``?currency=``. It collects each warning once and remembers the last rate it used."""

    def __init__(self, table: RateTable, currency: str | None) -> None:
        self.table, self.currency = table, currency
        self.warnings: list[dict[str, Any]] = []
        self.rate: Rate | None = None

    def conversion(self, estimate: Estimate, on: datetime.date | None) -> Conversion:
        """``estimate`` in the converter's currency as of ``on``, the rate used or a warning (kept)."""
        if self.currency is None:
            return Conversion(None, None, None, _warning("no_target_currency"))
        result = convert(estimate, self.currency, on, self.table)
        if result.warning:
            if result.warning not in self.warnings:
                self.warnings.append(result.warning)
        elif result.rate is not None and result.rate_date is not None:
            self.rate = Rate(result.rate_date, str(estimate.currency), self.currency, result.rate)
        return result

    def to(self, estimate: Estimate | None, on: datetime.date | None) -> Estimate | None:
        """``estimate`` in the converter's currency, unchanged when it has no currency or is in it already;
        None (and a warning) when no rate applies."""
        if estimate is None or self.currency is None or estimate.currency in (None, self.currency):
            return estimate
        if on is not None:  # the common case without a Conversion; a missing rate takes the path with a warning
            rate = self.table.lookup(estimate.currency, self.currency, on)
            if rate is not None:
                self.rate = rate
                return scaled(estimate, rate.rate, self.currency)
        return self.conversion(estimate, on).estimate

    def convert_on(self, estimate: Estimate, on: datetime.date | None) -> dict[str, Any] | None:
        """The API's "converted" object of ``estimate`` as of ``on``: the figure, its rate and the rate's date;
        None (and a warning) if no rate applies."""
        if estimate.currency is None:
            return None
        result = self.conversion(estimate, on)
        if result.estimate is None:
            return None
        data = result.estimate.to_dict()
        return {
            "currency": self.currency,
            "value": data["value"],
            "low": data["low"],
            "high": data["high"],
            "rate": format(result.rate.normalize(), "f") if result.rate is not None else None,
            "rate_date": result.rate_date.isoformat() if result.rate_date else None,
        }
