"""Estimate: the value type of every uncertain amount, and interval arithmetic that carries its bounds.

An Estimate is a central ``value`` with optional ``low`` and ``high`` bounds and a ``qualifier`` saying what
was reported: exact, approximately, up to, at least, between, or undisclosed. Arithmetic works on the
interval ``[low, high]`` of non-negative quantities (money, valuations, stakes), where an unknown low bound
is 0 and an unknown high bound is unbounded; the central value is carried along when every input has one.
Results are always valid Estimates: ``0 ≤ low ≤ value ≤ high`` wherever present.

Pure Python and Decimal only: no Django, no floats. Divisions use a 34-digit context; rounding to storage
precision happens once, outward (low down, high up), in :meth:`Estimate.quantized`.
"""

from __future__ import annotations

import decimal
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deals.engine.currencies import is_currency

CONTEXT = decimal.Context(prec=34)
ZERO = Decimal(0)
_EXPONENTS: dict[int, Decimal] = {}  # 10 ** -places, for quantized()


class Qualifier(enum.StrEnum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    UP_TO = "up_to"
    AT_LEAST = "at_least"
    BETWEEN = "between"
    UNDISCLOSED = "undisclosed"


class EstimateError(ValueError):
    """An Estimate breaks a rule; ``field`` names the part to blame (value, low, high, qualifier, currency)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _dec(x: Any, field: str) -> Decimal | None:
    if x is None or x == "":
        return None
    try:
        number = x if isinstance(x, Decimal) else Decimal(str(x))
    except decimal.InvalidOperation:
        raise EstimateError(field, f"“{x}” is not a number.") from None
    if not number.is_finite():
        raise EstimateError(field, "A figure must be a finite number.")
    if number < 0:
        raise EstimateError(field, "Figures cannot be negative.")
    return number


@dataclass(frozen=True)
class Estimate:
    """An uncertain non-negative amount; ``currency`` is an ISO 4217 code for money, None for ratios."""

    qualifier: Qualifier
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    currency: str | None = None

    @classmethod
    def build(
        cls,
        *,
        qualifier: str,
        value: Any = None,
        low: Any = None,
        high: Any = None,
        currency: str | None = None,
    ) -> Estimate:
        """Validate and fill the bounds the qualifier implies (exact ⇒ low = high = value, …)."""
        try:
            q = Qualifier(qualifier)
        except ValueError:
            choices = ", ".join(q.value for q in Qualifier)
            raise EstimateError("qualifier", f"“{qualifier}” is not a qualifier; use one of {choices}.") from None
        v, lo, hi = _dec(value, "value"), _dec(low, "low"), _dec(high, "high")
        if currency is not None and not is_currency(currency):
            raise EstimateError("currency", f"“{currency}” is not an ISO 4217 currency code.")
        lo, hi = _implied_bounds(q, v, lo, hi)
        _check_order(v, lo, hi)
        return cls(q, v, lo, hi, currency)

    @classmethod
    def exact(cls, value: Decimal, currency: str | None = None) -> Estimate:
        return cls(Qualifier.EXACT, value, value, value, currency)

    @classmethod
    def undisclosed(cls, currency: str | None = None) -> Estimate:
        return cls(Qualifier.UNDISCLOSED, None, None, None, currency)

    @property
    def is_known(self) -> bool:
        return self.qualifier != Qualifier.UNDISCLOSED

    @property
    def bounds(self) -> tuple[Decimal, Decimal | None]:
        """(low, high) for arithmetic: an unknown low is 0, an unknown high is None (unbounded)."""
        return _Interval.of(self).lo, _Interval.of(self).hi

    @property
    def central(self) -> Decimal | None:
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return CONTEXT.divide(self.low + self.high, Decimal(2))
        return None

    def quantized(self, places: int) -> Estimate:
        """Rounded to ``places`` decimals outward (low down, high up), so the bounds still hold."""
        exp = _EXPONENTS.get(places)
        if exp is None:
            exp = _EXPONENTS.setdefault(places, Decimal(1).scaleb(-places))
        lo = None if self.low is None else self.low.quantize(exp, rounding=decimal.ROUND_FLOOR)
        hi = None if self.high is None else self.high.quantize(exp, rounding=decimal.ROUND_CEILING)
        v = None if self.value is None else self.value.quantize(exp, rounding=decimal.ROUND_HALF_EVEN)
        if self.qualifier == Qualifier.EXACT:
            lo = hi = v
        elif self.qualifier == Qualifier.UP_TO:
            v = hi
        elif self.qualifier == Qualifier.AT_LEAST:
            v = lo
        elif v is not None:
            v = max(v, lo) if lo is not None else v
            v = min(v, hi) if hi is not None else v
        return Estimate(self.qualifier, v, lo, hi, self.currency)

    def with_currency(self, currency: str | None) -> Estimate:
        return Estimate(self.qualifier, self.value, self.low, self.high, currency)

    def to_dict(self) -> dict[str, str | None]:
        def s(x: Decimal | None) -> str | None:
            # Exact, without exponent or storage padding: 60000000000, 0.0375.
            return None if x is None else format(x.normalize(), "f")

        return {
            "value": s(self.value),
            "low": s(self.low),
            "high": s(self.high),
            "qualifier": Qualifier(self.qualifier).value,
            "currency": self.currency,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Estimate:
        return cls.build(
            qualifier=data["qualifier"],
            value=data.get("value"),
            low=data.get("low"),
            high=data.get("high"),
            currency=data.get("currency"),
        )

    # Interval arithmetic -------------------------------------------------------------------------------

    def __add__(self, other: Estimate) -> Estimate:
        return _Interval.of(self).add(_Interval.of(other)).estimate(self.currency)

    def __sub__(self, other: Estimate) -> Estimate:
        return _Interval.of(self).sub(_Interval.of(other)).estimate(self.currency)

    def __mul__(self, other: Estimate | Decimal) -> Estimate:
        right = _Interval.point(other) if isinstance(other, Decimal) else _Interval.of(other)
        currency = self.currency if isinstance(other, Decimal) or other.currency is None else other.currency
        return _Interval.of(self).mul(right).estimate(currency)

    def __truediv__(self, other: Estimate | Decimal) -> Estimate:
        right = _Interval.point(other) if isinstance(other, Decimal) else _Interval.of(other)
        # money / money is a ratio; money / number stays money
        currency = self.currency if isinstance(other, Decimal) or other.currency is None else None
        return _Interval.of(self).div(right).estimate(currency)


def _implied_bounds(
    q: Qualifier, v: Decimal | None, lo: Decimal | None, hi: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if q == Qualifier.UNDISCLOSED:
        if v is not None or lo is not None or hi is not None:
            raise EstimateError("value", "An undisclosed figure carries no numbers; leave value, low and high empty.")
        return None, None
    if q == Qualifier.BETWEEN:
        if lo is None:
            raise EstimateError("low", "A range needs its low bound.")
        if hi is None:
            raise EstimateError("high", "A range needs its high bound.")
        return lo, hi
    if v is None:
        raise EstimateError("value", "Give the figure's value.")
    if q == Qualifier.EXACT:
        if lo not in (None, v):
            raise EstimateError(
                "low", "An exact figure has no separate low bound; leave it empty or equal to the value."
            )
        if hi not in (None, v):
            raise EstimateError(
                "high", "An exact figure has no separate high bound; leave it empty or equal to the value."
            )
        return v, v
    if q == Qualifier.UP_TO:
        if hi not in (None, v):
            raise EstimateError("high", "An 'up to' figure's high bound is its value; leave high empty.")
        return lo, v
    if q == Qualifier.AT_LEAST:
        if hi is not None:
            raise EstimateError("high", "An 'at least' figure has no upper bound; leave high empty.")
        if lo not in (None, v):
            raise EstimateError("low", "An 'at least' figure's low bound is its value; leave low empty.")
        return v, None
    return lo, hi  # approximately: bounds optional


def _check_order(v: Decimal | None, lo: Decimal | None, hi: Decimal | None) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise EstimateError("high", "Low must not be above high.")
    if v is not None and lo is not None and lo > v:
        raise EstimateError("low", "Low must not be above the value.")
    if v is not None and hi is not None and v > hi:
        raise EstimateError("high", "High must not be below the value.")


@dataclass(frozen=True)
class _Interval:
    """[lo, hi] with hi None for unbounded, plus a central value and whether it is approximate."""

    lo: Decimal
    hi: Decimal | None
    mid: Decimal | None
    approx: bool = False

    @classmethod
    def of(cls, e: Estimate) -> _Interval:
        approx = e.qualifier == Qualifier.APPROXIMATELY
        if e.qualifier == Qualifier.UNDISCLOSED:
            return cls(ZERO, None, None)
        lo = e.low if e.low is not None else (e.value if approx else ZERO)
        hi = e.high if e.high is not None else (e.value if approx or e.qualifier == Qualifier.EXACT else None)
        return cls(lo if lo is not None else ZERO, hi, e.value, approx)

    @classmethod
    def point(cls, x: Decimal) -> _Interval:
        return cls(x, x, x)

    def add(self, o: _Interval) -> _Interval:
        hi = None if self.hi is None or o.hi is None else self.hi + o.hi
        mid = None if self.mid is None or o.mid is None else self.mid + o.mid
        return _Interval(self.lo + o.lo, hi, mid, self.approx or o.approx)

    def sub(self, o: _Interval) -> _Interval:
        # Quantities are non-negative, so a difference that could go below zero is clamped at zero.
        lo = max(ZERO, self.lo - o.hi) if o.hi is not None else ZERO
        hi = None if self.hi is None else max(ZERO, self.hi - o.lo)
        mid = None if self.mid is None or o.mid is None else self.mid - o.mid
        return _Interval(lo, hi, mid if mid is not None and mid >= 0 else None, self.approx or o.approx)

    def mul(self, o: _Interval) -> _Interval:
        hi: Decimal | None
        if self.hi == 0 or o.hi == 0:
            hi = ZERO
        elif self.hi is None or o.hi is None:
            hi = None
        else:
            hi = self.hi * o.hi
        mid = None if self.mid is None or o.mid is None else self.mid * o.mid
        return _Interval(self.lo * o.lo, hi, mid, self.approx or o.approx)

    def div(self, o: _Interval) -> _Interval:
        """Lowest at low numerator over high denominator; highest at high numerator over low denominator."""
        lo = ZERO if o.hi is None or o.hi == 0 else CONTEXT.divide(self.lo, o.hi)
        hi = None if self.hi is None or o.lo == 0 else CONTEXT.divide(self.hi, o.lo)
        mid = None if self.mid is None or not o.mid else CONTEXT.divide(self.mid, o.mid)
        return _Interval(lo, hi, mid, self.approx or o.approx)

    def estimate(self, currency: str | None) -> Estimate:
        lo, hi, mid = self.lo, self.hi, self.mid
        if mid is not None and (mid < lo or (hi is not None and mid > hi)):
            mid = None
        if hi is not None and lo == hi:
            return Estimate(Qualifier.APPROXIMATELY if self.approx else Qualifier.EXACT, lo, lo, lo, currency)
        if hi is None:
            if lo == 0:
                return Estimate.undisclosed(currency)
            return Estimate(Qualifier.AT_LEAST, lo, lo, None, currency)
        if lo == 0:
            return Estimate(Qualifier.UP_TO, hi, None, hi, currency)
        return Estimate(Qualifier.BETWEEN, mid, lo, hi, currency)


def total(estimates: list[Estimate], currency: str | None = None) -> Estimate | None:
    """The sum of ``estimates`` (None for an empty list)."""
    if not estimates:
        return None
    result = _Interval.of(estimates[0])
    for e in estimates[1:]:
        result = result.add(_Interval.of(e))
    return result.estimate(currency if currency is not None else estimates[0].currency)
