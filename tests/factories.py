"""factory_boy factories for the domain models."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from deals import models


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = "company"
    country = "US"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    outlet = "Reuters"
    title = factory.Sequence(lambda n: f"Report number {n}")
    published_on = datetime.date(2026, 1, 30)
    reliability = "report"


class FundingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FundingRound

    target = factory.SubFactory(OrganizationFactory)
    round_type = "series_a"
    status = "closed"
    reported_on = datetime.date(2025, 6, 1)
    amount_qualifier = "exact"
    amount_value = Decimal("100000000")
    amount_low = Decimal("100000000")
    amount_high = Decimal("100000000")
    amount_currency = "EUR"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    round = factory.SubFactory(FundingRoundFactory)
    investor = factory.SubFactory(OrganizationFactory)
    amount_qualifier = "exact"
    amount_value = Decimal("50000000")
    amount_low = Decimal("50000000")
    amount_high = Decimal("50000000")
    amount_currency = "EUR"
    status = "committed"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Relationship

    provider = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(OrganizationFactory)
    kind = "cloud"


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FxRate

    date = datetime.date(2026, 1, 30)
    base = "EUR"
    quote = "USD"
    rate = Decimal("1.19")
