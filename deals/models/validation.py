"""A model's check constraints validated in one query instead of one query (and one savepoint) each.

Django's ``Model.validate_constraints`` asks the database ``SELECT 1 WHERE <condition>`` once per
``CheckConstraint``, inside a savepoint of its own when a transaction is open: a funding round, whose three
Estimates bring 46 constraints, cost some 140 statements on every ``full_clean()``, so on every write of the
admin, the API and the imports. :class:`OneQueryConstraints` evaluates every condition as a boolean column of
one ``SELECT`` over the same values (the instance's fields as ``Value``\\ s, exactly what Django binds), then
raises the same ``ValidationError``\\ s in the same order with the same messages and codes. Other constraints
(unique ones) are validated by Django as before. Should the one query fail in the database (a value the
database refuses), the constraints are validated by Django's own code, one by one, whose answer stands.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


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
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    columns: dict[str, str] = {}
    for number, check in enumerate(checks):
        column = f"_check_{number}"
        try:
            # Django's Q.check filters on COALESCE(condition, true): an unknown (NULL) condition passes.
            query.add_annotation(Coalesce(Q(check.condition), True, output_field=BooleanField()), column)
        except FieldError:
            continue  # the condition names a field left out of the validation (Django's FieldError → pass)
        columns[column] = check.name
    if not columns:
        return set()
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as exc:
        logger.warning("Checking %s constraints in one query failed, checking them one by one: %s", model, exc)
        return None
    names = list(query.annotation_select)
    return {columns[name] for name, passed in zip(names, row, strict=True) if name in columns and not passed}


class OneQueryConstraints(models.Model):
    """Mixin for models with check constraints: ``validate_constraints`` with all checks in one query."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        exclude = set(exclude) if exclude is not None else None
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, Any] = {}
        for model_class, model_constraints in self.get_constraints():
            checks = [c for c in model_constraints if type(c) is CheckConstraint]
            failed = failed_checks(self, model_class, checks, exclude=exclude, using=using) if checks else set()
            for constraint in model_constraints:
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
