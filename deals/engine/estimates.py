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
_FLOOR, _CEILING, _HALF_EVEN = decimal.ROUND_FLOOR, decimal.ROUND_CEILING, decimal.ROUND_HALF_EVEN


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
        return _make(Qualifier.EXACT, value, value, value, currency)

    @classmethod
    def undisclosed(cls, currency: str | None = None) -> Estimate:
        return _make(Qualifier.UNDISCLOSED, None, None, None, currency)

    @property
    def is_known(self) -> bool:
        return self.qualifier != Qualifier.UNDISCLOSED

    @property
    def bounds(self) -> tuple[Decimal, Decimal | None]:
        """(low, high) for arithmetic: an unknown low is 0, an unknown high is None (unbounded)."""
        interval = _Interval.of(self)
        return interval.lo, interval.hi

    @property
    def central(self) -> Decimal | None:
        if self.value is not None:
            return self.value
        if self.low is not None and self.high is not None:
            return CONTEXT.divide(self.low + self.high, Decimal(2))
        return None

    def quantized(self, places: int) -> Estimate:
        """Rounded to ``places`` decimals outward (low down, high up), so the bounds still hold."""
        return _make(*quantized_parts(self, places), self.currency)

    def with_currency(self, currency: str | None) -> Estimate:
        return _make(self.qualifier, self.value, self.low, self.high, currency)

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


_new = object.__new__


def _make(
    qualifier: Qualifier, value: Decimal | None, low: Decimal | None, high: Decimal | None, currency: str | None
) -> Estimate:
    """An Estimate from parts already valid, without the frozen dataclass's per-field ``__setattr__``: the
    engine builds millions of them in a full recompute. Equal to ``Estimate(qualifier, value, low, high,
    currency)`` in every respect (fields, equality, hash)."""
    estimate = _new(Estimate)
    estimate.__dict__.update(qualifier=qualifier, value=value, low=low, high=high, currency=currency)
    return estimate


def quantized_parts(e: Estimate, places: int) -> tuple[Qualifier, Decimal | None, Decimal | None, Decimal | None]:
    """(qualifier, value, low, high) of ``e`` rounded to ``places`` decimals outward (low down, high up), the
    value kept within the bounds; :meth:`Estimate.quantized` and the storage codec both use it."""
    exp = _EXPONENTS.get(places)
    if exp is None:
        exp = _EXPONENTS.setdefault(places, Decimal(1).scaleb(-places))
    q, v, lo, hi = e.qualifier, e.value, e.low, e.high
    if q == Qualifier.EXACT:
        v = None if v is None else v.quantize(exp, rounding=_HALF_EVEN)
        return q, v, v, v
    if lo is not None:
        lo = lo.quantize(exp, rounding=_FLOOR)
    if hi is not None:
        hi = hi.quantize(exp, rounding=_CEILING)
    if q == Qualifier.UP_TO:
        return q, hi, lo, hi
    if q == Qualifier.AT_LEAST:
        return q, lo, lo, hi
    if v is not None:
        v = v.quantize(exp, rounding=_HALF_EVEN)
        if lo is not None and v < lo:
            v = lo
        if hi is not None and v > hi:
            v = hi
    return q, v, lo, hi


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


class _Interval:
    """[lo, hi] with hi None for unbounded, plus a central value and whether it is approximate.

    A plain ``__slots__`` class, never changed after it is built: the engine makes millions of them, and a
    frozen dataclass's ``__init__`` costs three times as much."""

    __slots__ = ("approx", "hi", "lo", "mid")

    def __init__(self, lo: Decimal, hi: Decimal | None, mid: Decimal | None, approx: bool = False) -> None:
        self.lo = lo
        self.hi = hi
        self.mid = mid
        self.approx = approx

    def __repr__(self) -> str:
        return f"_Interval({self.lo!r}, {self.hi!r}, {self.mid!r}, {self.approx!r})"

    @classmethod
    def of(cls, e: Estimate) -> _Interval:
        q = e.qualifier
        if q == Qualifier.UNDISCLOSED:
            return _Interval(ZERO, None, None)
        approx = q == Qualifier.APPROXIMATELY
        lo, hi, v = e.low, e.high, e.value
        if lo is None:
            lo = v if approx and v is not None else ZERO
        if hi is None and (approx or q == Qualifier.EXACT):
            hi = v
        return _Interval(lo, hi, v, approx)

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
        if hi is not None and lo == hi:
            return _make(Qualifier.APPROXIMATELY if self.approx else Qualifier.EXACT, lo, lo, lo, currency)
        if hi is None:
            if lo == 0:
                return _make(Qualifier.UNDISCLOSED, None, None, None, currency)
            return _make(Qualifier.AT_LEAST, lo, lo, None, currency)
        if lo == 0:
            return _make(Qualifier.UP_TO, hi, None, hi, currency)
        if mid is not None and (mid < lo or mid > hi):
            mid = None
        return _make(Qualifier.BETWEEN, mid, lo, hi, currency)


def scaled(e: Estimate, factor: Decimal, currency: str | None) -> Estimate:
    """``(e * factor).with_currency(currency)`` without the intermediate Estimate (FX conversion)."""
    return _Interval.of(e).mul(_Interval(factor, factor, factor)).estimate(currency)


def total(estimates: list[Estimate], currency: str | None = None) -> Estimate | None:
    """The sum of ``estimates`` (None for an empty list)."""
    if not estimates:
        return None
    result = _Interval.of(estimates[0])
    for e in estimates[1:]:
        result = result.add(_Interval.of(e))
    return result.estimate(currency if currency is not None else estimates[0].currency)
