"""The database side of :class:`deals.engine.estimates.Estimate`, written once and used by every model.

``amount = EstimateField(_("amount"))`` on a model adds five columns (``amount_value``, ``amount_low``,
``amount_high``, ``amount_qualifier``, ``amount_currency``), their named check constraints, and an ``amount``
attribute that reads and writes an ``Estimate`` (``None`` when nothing is known). The constraints make the
rules hold for every write path, ``QuerySet.update()`` and raw SQL included; ``clean_estimates()`` gives the
same rules as field-level messages for forms and the API.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from deals.choices import Qualifier
from deals.engine.currencies import is_currency
from deals.engine.estimates import Estimate, EstimateError, quantized_parts
from deals.engine.estimates import Qualifier as EngineQualifier
from deals.models.validation import OneQueryConstraints

PARTS = ("value", "low", "high", "qualifier", "currency")
#: Room for EUR 1 quadrillion in major units with four decimal places.
MONEY_DIGITS = 22
MONEY_PLACES = 4
#: Ratios such as stakes (0.0375 = 3.75 %).
RATIO_DIGITS = 24
RATIO_PLACES = 16
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
RATIO_LIMIT = Decimal(10) ** (RATIO_DIGITS - RATIO_PLACES)

# The codec between an Estimate and its columns: every model field, plain-row read, recompute, API field,
# demo loader and generator reads and writes the columns through these functions.


@functools.cache
def column_names(name: str, *, ratio: bool = False) -> tuple[str, ...]:
    """The columns of estimate ``name`` in :data:`PARTS` order (a ratio has no currency column)."""
    return tuple(f"{name}_{part}" for part in (PARTS[:4] if ratio else PARTS))


def from_columns(
    value: Any, low: Any, high: Any, qualifier: str | None, currency: str | None = None
) -> Estimate | None:
    """The Estimate stored in the columns of :data:`PARTS`, in that order (None without a qualifier; a ratio
    has no currency column)."""
    if not qualifier:
        return None
    return Estimate(qualifier=EngineQualifier(qualifier), value=value, low=low, high=high, currency=currency)


def read_columns(row: Mapping[str, Any], name: str, *, ratio: bool = False) -> Estimate | None:
    """The Estimate in the columns of ``name`` of a row read as a mapping (column name → value)."""
    return from_columns(*(row[column] for column in column_names(name, ratio=ratio)))


def fit(estimate: Estimate | None, *, ratio: bool = False) -> Estimate | None:
    """Rounded outward to storage precision; a figure too large for its columns is stored as unknown."""
    if estimate is None:
        return None
    return from_columns(*fitted_columns(estimate, ratio=ratio))


_EMPTY = {False: (None,) * 5, True: (None,) * 4}


def fitted_columns(estimate: Estimate | None, *, ratio: bool = False) -> tuple[Any, ...]:
    """The column values of ``estimate`` rounded outward to storage precision (see :func:`fit`), in
    :data:`PARTS` order, without building the rounded Estimate: a full recompute stores millions."""
    if estimate is None:
        return _EMPTY[ratio]
    places, limit = (RATIO_PLACES, RATIO_LIMIT) if ratio else (MONEY_PLACES, MONEY_LIMIT)
    qualifier, value, low, high = quantized_parts(estimate, places)
    if (
        (value is not None and value >= limit)
        or (low is not None and low >= limit)
        or (high is not None and high >= limit)
    ):
        qualifier, value, low, high = EngineQualifier.UNDISCLOSED, None, None, None
    if ratio:
        return (value, low, high, str(qualifier))
    return (value, low, high, str(qualifier), estimate.currency)


def to_columns(estimate: Estimate | None, *, ratio: bool = False) -> tuple[Any, ...]:
    """The column values of ``estimate`` in :data:`PARTS` order, as it is given (see :func:`fit`)."""
    if estimate is None:
        return (None,) * (4 if ratio else 5)
    values = (estimate.value, estimate.low, estimate.high, str(estimate.qualifier))
    return values if ratio else (*values, estimate.currency)


def as_columns(name: str, estimate: Estimate | None, *, ratio: bool = False, fitted: bool = False) -> dict[str, Any]:
    """Column name → value of estimate ``name``; with ``fitted``, rounded to storage first (computed figures)."""
    values = fitted_columns(estimate, ratio=ratio) if fitted else to_columns(estimate, ratio=ratio)
    return dict(zip(column_names(name, ratio=ratio), values, strict=True))


def currency_of(*estimates: Estimate | None) -> str | None:
    """The first currency among ``estimates``: a round's currency from its amount, post- and pre-money."""
    for estimate in estimates:
        if estimate is not None and estimate.currency:
            return str(estimate.currency)
    return None


def _rules(p: str) -> dict[str, Q]:
    """Named rules over the columns of estimate ``p``; each becomes a CheckConstraint."""
    v, lo, hi, q, cur = (f"{p}_{part}" for part in PARTS)

    def null(col: str) -> Q:
        return Q(**{f"{col}__isnull": True})

    def given(col: str) -> Q:
        return Q(**{f"{col}__isnull": False})

    def is_q(value: str) -> Q:
        return Q(**{q: value})

    return {
        "empty_without_qualifier": given(q) | (null(v) & null(lo) & null(hi) & null(cur)),
        "qualifier_valid": null(q) | Q(**{f"{q}__in": Qualifier.values}),
        "currency_format": null(cur) | Q(**{f"{cur}__regex": r"^[A-Z]{3}$"}),
        "non_negative": (null(v) | Q(**{f"{v}__gte": 0})) & (null(lo) | Q(**{f"{lo}__gte": 0})),
        "low_le_value": null(lo) | null(v) | Q(**{f"{lo}__lte": models.F(v)}),
        "value_le_high": null(v) | null(hi) | Q(**{f"{v}__lte": models.F(hi)}),
        "low_le_high": null(lo) | null(hi) | Q(**{f"{lo}__lte": models.F(hi)}),
        "exact_is_a_point": ~is_q("exact") | (given(v) & Q(**{lo: models.F(v), hi: models.F(v)})),
        "approximately_has_value": ~is_q("approximately") | given(v),
        "up_to_high_is_value": ~is_q("up_to") | (given(v) & Q(**{hi: models.F(v)})),
        "at_least_low_is_value": ~is_q("at_least") | (given(v) & Q(**{lo: models.F(v)}) & null(hi)),
        "between_has_bounds": ~is_q("between") | (given(lo) & given(hi)),
        "undisclosed_has_no_numbers": ~is_q("undisclosed") | (null(v) & null(lo) & null(hi)),
    }


class EstimateField:
    """A group of columns holding one Estimate; not a Django field itself, so migrations see the columns."""

    def __init__(
        self, verbose_name: str | Any, *, ratio: bool = False, currency_required: bool = True, help_text: str = ""
    ) -> None:
        self.verbose_name = verbose_name
        self.ratio = ratio
        self.currency_required = currency_required and not ratio
        self.help_text = help_text
        self.name = ""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        self.name = name
        digits, places = (RATIO_DIGITS, RATIO_PLACES) if self.ratio else (MONEY_DIGITS, MONEY_PLACES)
        label = str(self.verbose_name)
        for part in ("value", "low", "high"):
            field = models.DecimalField(
                f"{label} ({part})",
                max_digits=digits,
                decimal_places=places,
                null=True,
                blank=True,
                validators=[MinValueValidator(Decimal(0))],
            )
            cls.add_to_class(f"{name}_{part}", field)
        cls.add_to_class(
            f"{name}_qualifier",
            models.CharField(f"{label} (qualifier)", max_length=16, choices=Qualifier.choices, blank=True, null=True),
        )
        if not self.ratio:
            cls.add_to_class(
                f"{name}_currency", models.CharField(f"{label} (currency)", max_length=3, blank=True, null=True)
            )
        setattr(cls, name, self)
        if not cls._meta.abstract:
            self._add_constraints(cls)
        cls._meta.estimate_fields = [*getattr(cls._meta, "estimate_fields", []), self]  # type: ignore[attr-defined]

    def _add_constraints(self, cls: type[models.Model]) -> None:
        model = cls.__name__.lower()
        rules = _rules(self.name)
        if self.ratio:
            rules = {k: v for k, v in rules.items() if k not in {"currency_format", "empty_without_qualifier"}}
        elif self.currency_required:
            rules["currency_required"] = Q(**{f"{self.name}_qualifier__isnull": True}) | Q(
                **{f"{self.name}_currency__isnull": False}
            )
        constraints = list(cls._meta.constraints)
        for rule, check in rules.items():
            constraints.append(models.CheckConstraint(condition=check, name=f"{model}_{self.name}_{rule}"[:63]))
        cls._meta.constraints = constraints

    def columns(self) -> list[str]:
        return list(column_names(self.name, ratio=self.ratio))

    def __get__(self, instance: models.Model | None, owner: type[models.Model]) -> Any:
        if instance is None:
            return self
        return from_columns(*(getattr(instance, column) for column in column_names(self.name, ratio=self.ratio)))

    def __set__(self, instance: models.Model, estimate: Estimate | None) -> None:
        for column, value in as_columns(self.name, estimate, ratio=self.ratio).items():
            setattr(instance, column, value)

    def clean(self, instance: models.Model) -> dict[str, list[str]]:
        """Check the rules and fill implied bounds; return errors keyed by column name."""
        raw = {part: getattr(instance, f"{self.name}_{part}", None) for part in PARTS}
        if not raw["qualifier"]:
            leftover = [p for p in ("value", "low", "high") if raw[p] is not None]
            if leftover:
                return {f"{self.name}_qualifier": ["Choose a qualifier (exact, up to, between…) for these figures."]}
            return {}
        currency = None if self.ratio else (raw["currency"] or "").strip().upper() or None
        if currency is not None and not is_currency(currency):
            return {f"{self.name}_currency": [f"“{raw['currency']}” is not an ISO 4217 currency code."]}
        if currency is None and self.currency_required:
            return {f"{self.name}_currency": ["Give the currency of this figure (ISO 4217, e.g. EUR)."]}
        try:
            estimate = Estimate.build(
                qualifier=raw["qualifier"], value=raw["value"], low=raw["low"], high=raw["high"], currency=currency
            )
        except EstimateError as exc:
            return {f"{self.name}_{exc.field}": [exc.message]}
        self.__set__(instance, estimate)
        return {}


def estimate_fields(model: type[models.Model]) -> list[EstimateField]:
    return list(getattr(model._meta, "estimate_fields", []))


class EstimateModel(OneQueryConstraints):
    """Base for models with Estimates: ``clean()`` checks each one and names the offending column; its check
    constraints are validated in one query (deals.models.validation)."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # The columns EstimateField adds (amount_value, amount_currency, …) are invisible to type checkers.
        def __getattr__(self, name: str) -> Any: ...

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for field in estimate_fields(type(self)):
            errors.update(field.clean(self))
        for name, message in self.rule_errors():
            errors.setdefault(name, []).append(str(message))
        if errors:
            raise ValidationError(errors)

    def rule_errors(self) -> list[tuple[str, Any]]:
        """The model's own rules beyond its Estimates, as (field, message) pairs; all are reported at once."""
        return []
