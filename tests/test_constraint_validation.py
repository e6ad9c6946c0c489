"""Check constraints validated in one query (deals.models.validation) answer exactly as Django's own code."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from deals import services
from deals.choices import Qualifier
from deals.models import FundingRound, Organization
from deals.models.validation import OneQueryConstraints, failed_checks
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_app_config("deals").get_models()
    if issubclass(model, OneQueryConstraints)
    and any(isinstance(c, models.CheckConstraint) for c in model._meta.constraints)
]
DATES = [None, datetime.date(2020, 1, 1), datetime.date(2021, 6, 1), datetime.date(2022, 12, 31)]
NUMBERS = [None, Decimal(-1), Decimal(0), Decimal(5), Decimal(10), Decimal("10.5"), 7, Decimal("NaN")]
TEXTS = [None, "", "USD", "usd", "EUR", "DE", "de", "X", "bogus", "USD\n", "ÄÖÜ", " DE", 5]


#: Values to draw for a field of each type: valid and invalid ones, NULL included (the first type that fits).
POOLS: list[tuple[tuple[type[models.Field], ...], list[Any]]] = [
    ((models.BooleanField,), [True, False]),
    ((models.DateTimeField,), []),
    ((models.DateField,), DATES),
    ((models.DecimalField,), NUMBERS),
    ((models.IntegerField, models.FloatField), [None, -1, 0, 5, 2024]),
    ((models.CharField,), TEXTS),
]


def pool(field: models.Field) -> list[Any]:
    """Values to draw for ``field``."""
    if field.primary_key or isinstance(field, models.ForeignKey):
        return [None, 1, 2]
    if field.name.endswith("_qualifier"):
        return [None, "", "bogus", *Qualifier.values]
    if isinstance(field, models.CharField) and field.choices:
        return [None, "", "bogus", *[value for value, _ in field.flatchoices][:4]]
    return next((values for types, values in POOLS if isinstance(field, types)), [])


def draw(model: type[models.Model], rng: random.Random) -> models.Model:
    instance = model()
    for field in model._meta.concrete_fields:
        values = pool(field)
        if values:
            setattr(instance, field.attname, rng.choice(values))
    return instance


def outcome(validate: Any, *args: Any, **kwargs: Any) -> list[tuple[str, str | None, str]]:
    """Every error of ``validate(*args, **kwargs)``, in order: (field, code, message)."""
    try:
        validate(*args, **kwargs)
    except ValidationError as exc:
        return [
            (field, error.code, str(error.message % (error.params or {})))
            for field, errors in exc.error_dict.items()
            for error in errors
        ]
    return []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_check_answers_as_djangos_own_validation(model):
    """Random instances, most breaking several checks, some validated with a field excluded: the same errors
    with the same codes and messages in the same order as Django's Model.validate_constraints. Django's
    validation (a query per check) is asked for the first instances and for every instance that breaks a check
    no earlier compared one broke, until every check of the model has been broken and compared."""
    rng = random.Random(model.__name__)
    constraints = [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]
    checks = {c.name for c in constraints}
    compared: set[str] = set()
    names = [f.name for f in model._meta.concrete_fields]
    for n in range(3000):
        instance = draw(model, rng)
        exclude = {rng.choice(names)} if n % 3 == 0 else None
        broken = failed_checks(instance, model, constraints, exclude=exclude, using="default")
        if n >= 12 and not (broken or set()) - compared:
            continue
        ours = outcome(instance.validate_constraints, exclude=exclude)
        djangos = outcome(models.Model.validate_constraints, instance, exclude=exclude)
        assert ours == djangos
        compared |= broken or set()
        if compared == checks:
            break
    assert compared == checks


def round_values(target: Any) -> dict[str, Any]:
    return {
        "target": target,
        "round_type": "seed",
        "status": "announced",
        "announced_on": datetime.date(2026, 1, 30),
        "amount_qualifier": "exact",
        "amount_value": Decimal(5),
        "amount_low": Decimal(5),
        "amount_high": Decimal(5),
        "amount_currency": "EUR",
    }


def test_a_round_of_plain_values_is_checked_without_a_query():
    round_ = FundingRound(**round_values(OrganizationFactory()))
    with CaptureQueriesContext(connection) as queries:
        round_.validate_constraints()
    assert len(queries) == 0
    assert outcome(models.Model.validate_constraints, round_) == []


def test_what_python_does_not_read_as_the_database_goes_into_one_query():
    """A number in a text column is converted by Django before the database compares it: those checks are
    decided by one query (a savepoint around it, as Django's Q.check has), the rest in Python."""
    round_ = FundingRound(**{**round_values(OrganizationFactory()), "amount_currency": 5})
    with CaptureQueriesContext(connection) as queries:
        ours = outcome(round_.validate_constraints)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SAVEPOINT", "SELECT", "RELEASE"]
    assert ours == outcome(models.Model.validate_constraints, round_)
    assert ("__all__", None, "Constraint “fundinground_amount_currency_format” is violated.") in ours


def test_a_value_the_database_refuses_falls_back_to_djangos_checks(caplog):
    """A NUL character makes PostgreSQL refuse the query: Django's per-check queries fail too and pass the
    check; the one query falls back to them, so the answer is Django's."""
    organization = Organization(name="Nul", slug="nul", country="D\x00", parent_id=1, id=1)
    ours = outcome(organization.validate_constraints)
    assert ours == outcome(models.Model.validate_constraints, organization)
    assert "one by one" in caplog.text


def test_a_round_created_through_the_service_costs_fewer_queries_than_its_checks_did(django_assert_max_num_queries):
    """Django's validation alone spent a query and a savepoint on each of the round's check constraints (46,
    138 statements). Now the round's own checks cost none: the whole service call, with its status history, its
    event and one claim per filled field (about 12 statements each: savepoints, the claim's foreign key and
    conditional unique check, the insert), stays under 60."""
    values = round_values(OrganizationFactory())
    checks = [c for c in FundingRound._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(checks) >= 40
    with django_assert_max_num_queries(60):
        services.round_create(values=values)
