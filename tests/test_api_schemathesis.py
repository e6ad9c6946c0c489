"""Schemathesis, in-process from the OpenAPI schema, over every operation with its default checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from dealtracker.wsgi import application

# The schema view needs no database, so the schema can be read when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def token(db: None) -> Iterator[str]:
    # As Django's test client does: keep the test's database connection open across in-process requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    user = User.objects.create_superuser("schemathesis", password="a-long-enough-password")
    yield Token.objects.create(user=user).key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_honours_its_schema(case, token):
    # Every default check but two. A schema-valid payload may still name a row that does not exist or break a
    # rule OpenAPI cannot express (a round closing before it was announced): an honest 400. And Django's form
    # fields accept spellings the OpenAPI formats don't list (dates as 10/25/2006, booleans as "yes").
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection],
    )
