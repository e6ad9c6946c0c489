import enum
from dataclasses import dataclass
from decimal import Decimal


class Qualifier(enum.StrEnum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    UP_TO = "up_to"
    AT_LEAST = "at_least"
    BETWEEN = "between"
    UNDISCLOSED = "undisclosed"


class EstimateError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Estimate:
    qualifier: Qualifier
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    currency: str | None

    @classmethod
    def build(cls, *, qualifier, value=None, low=None, high=None, currency=None):
        q = Qualifier(qualifier)
        for f, v in (("value", value), ("low", low), ("high", high)):
            if v is not None and v < 0:
                raise EstimateError(f, "Figures cannot be negative.")
        if q == Qualifier.EXACT:
            if value is None:
                raise EstimateError("value", "An exact figure needs a value.")
            if low not in (None, value):
                raise EstimateError("low", "An exact figure has low = value.")
            if high not in (None, value):
                raise EstimateError("high", "An exact figure has high = value.")
            low = high = value
        elif q == Qualifier.APPROXIMATELY:
            if value is None:
                raise EstimateError("value", "needs a value")
        elif q == Qualifier.UP_TO:
            if value is None:
                raise EstimateError("value", "needs a value")
            if high not in (None, value):
                raise EstimateError("high", "up to: high = value")
            high = value
        elif q == Qualifier.AT_LEAST:
            if value is None:
                raise EstimateError("value", "needs a value")
            if high is not None:
                raise EstimateError("high", "An 'at least' figure has no upper bound; leave high empty.")
            if low not in (None, value):
                raise EstimateError("low", "at least: low = value")
            low = value
        elif q == Qualifier.BETWEEN:
            if low is None:
                raise EstimateError("low", "needs low")
            if high is None:
                raise EstimateError("high", "needs high")
        else:
            if value is not None or low is not None or high is not None:
                raise EstimateError("value", "Undisclosed has no numbers.")
        if low is not None and high is not None and low > high:
            raise EstimateError("high", "Low must not be above high.")
        if value is not None and low is not None and low > value:
            raise EstimateError("low", "Low must not be above the value.")
        if value is not None and high is not None and value > high:
            raise EstimateError("high", "High must not be below the value.")
        return cls(q, value, low, high, currency)
