"""A model's check constraints validated in Python or one query, instead of one query (and one savepoint) each.

Django's ``Model.validate_constraints`` asks the database ``SELECT 1 WHERE <condition>`` once per
``CheckConstraint``, inside a savepoint of its own when a transaction is open: a funding round, whose three
Estimates bring 46 constraints, cost some 140 statements on every ``full_clean()``, so on every write of the
admin, the API and the imports. :class:`OneQueryConstraints` evaluates every condition as a boolean column of
one ``SELECT`` over the same values (the instance's fields as ``Value``\\ s, exactly what Django binds), then
raises the same ``ValidationError``\\ s in the same order with the same messages and codes. A condition made
only of what :func:`evaluate` reads exactly as PostgreSQL does (NULL tests, equality, IN, order of numbers and
dates, the anchored character-class patterns of our currency and country checks, with SQL's three-valued
AND/OR/NOT) over plain values is decided in Python without a query at all; the rest go into the one query.
Other constraints (unique ones) are validated by Django as before. Should the one query fail (a value the
database refuses), the constraints are validated by Django's own code, one by one, whose answer stands.
"""

from __future__ import annotations

import datetime
import functools
import logging
import operator
import re
from collections.abc import Collection, Mapping, Sequence
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


class Unsupported(Exception):
    """A condition :func:`evaluate` does not read exactly as the database would: the query decides it."""


class Excluded(Exception):
    """The condition names a field left out of the validation: Django skips the check (its FieldError)."""


#: Anchored patterns of character classes with counts (``^[A-Z]{3}$``): PostgreSQL's ``~`` and Python's
#: ``re.fullmatch`` agree on them (no ``$`` before a final newline, no locale, no case folding).
SIMPLE_PATTERN = re.compile(r"\^(\[[A-Za-z0-9-]+\](\{[0-9]+(,[0-9]+)?\})?)+\$")
_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _plain(value: Any) -> Any:
    """The value as SQL compares it, or Unsupported (floats, datetimes, NaN, text the database refuses, anything
    not plain)."""
    if isinstance(value, str) and ("\x00" in value or (not value.isprintable() and _unencodable(value))):
        raise Unsupported  # PostgreSQL refuses NUL; what the driver cannot encode fails in the query
    if value is None or isinstance(value, (bool, str, int)) or type(value) is datetime.date:
        return value
    if isinstance(value, Decimal) and value.is_finite():
        return value
    raise Unsupported


def _unencodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _kind(value: Any) -> type:
    if isinstance(value, bool):
        return bool
    if isinstance(value, (int, Decimal)):
        return Decimal
    return str if isinstance(value, str) else type(value)


#: The Python type a field's values must have to be compared here: Django converts others (an int into a
#: CharField's text), and then the query decides.
_EXPECTED = {
    "CharField": str,
    "DecimalField": Decimal,
    "DateField": datetime.date,
    "BooleanField": bool,
    "ForeignKey": Decimal,
    "BigAutoField": Decimal,
    "AutoField": Decimal,
    "IntegerField": Decimal,
    "BigIntegerField": Decimal,
    "PositiveIntegerField": Decimal,
    "PositiveSmallIntegerField": Decimal,
    "SmallIntegerField": Decimal,
}


@functools.cache
def _expected(field: models.Field[Any, Any] | None) -> type | None:
    """The kind of value :data:`_EXPECTED` wants for ``field`` (asked once per field: an import checks every
    row's values against the same few fields)."""
    return _EXPECTED.get(field.get_internal_type()) if field is not None else None


def _value(against: Mapping[str, Any], name: str) -> Any:
    if name not in against:
        raise Excluded
    value = against[name]
    if type(value) is not Value:
        raise Unsupported
    plain = _plain(value.value)
    if plain is None:
        return None  # NULL, whatever the field's type (Django binds None as NULL for every field)
    expected = _expected(value.output_field)
    if expected is None or (plain is not None and _kind(plain) is not expected):
        raise Unsupported
    return plain


class _Values:
    """One instance's values as :func:`_value` reads them, each read once: a round's 46 conditions name its
    fields some 130 times."""

    __slots__ = ("against", "read")

    def __init__(self, against: Mapping[str, Any]) -> None:
        self.against = against
        self.read: dict[str, Any] = {}

    def __call__(self, name: str) -> Any:
        try:
            value = self.read[name]
        except KeyError:
            try:
                value = _value(self.against, name)
            except (Excluded, Unsupported) as exc:
                value = exc
            self.read[name] = value
        if isinstance(value, Exception):
            raise type(value)
        return value


@functools.cache
def _split(key: str) -> tuple[str, str]:
    name, _, lookup = key.partition("__")
    return name, lookup or "exact"


def _lookup(values: _Values, key: str, rhs: Any) -> bool | None:
    name, lookup = _split(key)
    lhs = values(name)
    if isinstance(rhs, F):
        rhs = values(str(getattr(rhs, "name", "")))  # a column: NULL compares as NULL
    elif hasattr(rhs, "resolve_expression"):
        raise Unsupported
    elif lookup == "isnull" and isinstance(rhs, bool):
        return (lhs is None) is rhs
    elif lookup == "exact" and rhs is None:
        return lhs is None  # Django reads field=None as IS NULL
    if lookup == "in" and isinstance(rhs, (list, tuple, set, frozenset)):
        options = [_plain(v) for v in rhs if v is not None]
        if not options or any(_kind(v) is not _kind(lhs) for v in options if lhs is not None):
            raise Unsupported
        return None if lhs is None else lhs in options
    rhs = _plain(rhs)
    if lhs is None or rhs is None:
        return None
    if _kind(lhs) is not _kind(rhs):
        raise Unsupported
    if lookup == "exact":
        return bool(lhs == rhs)
    if lookup in _ORDER and _kind(lhs) in {Decimal, datetime.date}:
        return bool(_ORDER[lookup](lhs, rhs))
    if lookup == "regex" and isinstance(rhs, str) and SIMPLE_PATTERN.fullmatch(rhs):
        return re.fullmatch(rhs[1:-1], lhs) is not None
    raise Unsupported


def evaluate(condition: Q, values: _Values) -> bool | None:
    """``condition`` over an instance's ``values`` (read from Django's field → Value map) in SQL's three-valued
    logic; None is SQL's NULL. Raises Unsupported for what it does not read exactly as PostgreSQL, Excluded for
    a field left out."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, values))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(values, *child))
        else:
            raise Unsupported
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise Unsupported
    if condition.negated:
        return None if result is None else not result
    return result


def _condition(check: CheckConstraint) -> Q:
    """The check's condition as a Q (Django keeps the Q it was given; anything else is wrapped, as its
    ``Q.check`` does)."""
    condition = check.condition
    return condition if type(condition) is Q else Q(condition)


def failed_checks(
    instance: models.Model,
    model: type[models.Model],
    checks: list[CheckConstraint],
    *,
    exclude: Collection[str] | None,
    using: str,
) -> set[str] | None:
    """The names of those ``checks`` of ``model`` that ``instance`` breaks, from one query; a check whose
    condition names an excluded field is skipped, as Django skips it. None when the database refused the query
    (the caller then asks Django constraint by constraint)."""
    # The values Django's CheckConstraint.validate binds, taken the way it takes them.
    unchecked: Any = instance
    against = unchecked._get_field_expression_map(meta=model._meta, exclude=exclude)  # noqa: SLF001
    failed: set[str] = set()
    queried: list[CheckConstraint] = []
    values = _Values(against)
    for check in checks:
        try:
            # Django's Q.check filters on COALESCE(condition, true): an unknown (NULL) condition passes.
            if evaluate(_condition(check), values) is False:
                failed.add(check.name)
        except Excluded:
            continue
        except Unsupported:
            queried.append(check)
    if not queried:
        return failed
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    columns: dict[str, str] = {}
    for number, check in enumerate(queried):
        column = f"_check_{number}"
        try:
            query.add_annotation(Coalesce(Q(check.condition), True, output_field=BooleanField()), column)
        except FieldError:
            continue  # the condition names a field left out of the validation (Django's FieldError → pass)
        columns[column] = check.name
    if not columns:
        return failed
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except (DatabaseError, ValidationError) as exc:  # Django's Q.check passes the first, raises the second
        logger.warning("Checking %s constraints in one query failed, checking them one by one: %s", model, exc)
        return None
    names = list(query.annotation_select)
    return failed | {columns[name] for name, passed in zip(names, row, strict=True) if name in columns and not passed}


class OneQueryConstraints(models.Model):
    """Mixin for models with check constraints: ``validate_constraints`` with all checks in one query."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None, *, checks_only: bool = False) -> None:
        """Django's, with the check constraints in one query or none; ``checks_only`` leaves out the unique
        constraints (a set-based import's merge has the database decide those)."""
        exclude = set(exclude) if exclude is not None else None
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, Any] = {}
        for model_class, model_constraints in self.get_constraints():
            checks = [c for c in model_constraints if type(c) is CheckConstraint]
            failed = failed_checks(self, model_class, checks, exclude=exclude, using=using) if checks else set()
            for constraint in model_constraints:
                if checks_only and type(constraint) is not CheckConstraint:
                    continue
                try:
                    if type(constraint) is CheckConstraint and failed is not None:
                        if constraint.name in failed:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as e:
                    # Django's own bookkeeping of Model.validate_constraints, unchanged.
                    fields: Sequence[str] = getattr(constraint, "fields", ())
                    if getattr(e, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def full_clean_checks(self, exclude: Collection[str] = (), *, checked: Collection[str] = ()) -> None:
        """``full_clean()`` without the unique constraints: the fields, ``clean()`` and the check constraints, so
        a row of a set-based import is checked by the rules a save checks, in Python (a condition Python cannot
        read exactly still costs its one query). Fields that failed are not checked again, as in Django.
        ``checked``: fields the caller validates itself (foreign keys whose rows it looks up for many instances
        at once); the constraints still read them."""
        excluded = set(exclude)
        errors: dict[str, Any] = {}
        try:
            self.full_clean(exclude=excluded | set(checked), validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
            excluded |= set(errors)
        try:
            self.validate_constraints(exclude=excluded, checks_only=True)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
