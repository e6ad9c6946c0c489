"""Related-party flags and money cycles: the seed deal's circular web, bounds and historical ties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from deals import messages
from deals.engine.cycles import groups
from deals.models import Cycle, FundingRound, ParticipationFigures, Relationship
from deals.pipeline.circularity import recompute_circularity
from deals.pipeline.recompute import recompute_targets
from tests.factories import OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9


@pytest.fixture
def seed():
    org = {
        slug: OrganizationFactory(name=name, slug=slug)
        for slug, name in [
            ("openai", "OpenAI"),
            ("nvidia", "NVIDIA"),
            ("microsoft", "Microsoft"),
            ("amazon", "Amazon"),
            ("fund", "Plain Fund"),
        ]
    }
    org["aws"] = OrganizationFactory(name="Amazon Web Services", slug="aws", parent=org["amazon"])
    round_ = FundingRound.objects.create(
        target=org["openai"], status="in_talks", round_type="corporate_round", reported_on=datetime.date(2026, 1, 30)
    )
    for slug in ("nvidia", "microsoft", "amazon", "fund"):
        ParticipationFactory(round=round_, investor=org[slug])
    Relationship.objects.create(
        provider=org["nvidia"],
        client=org["openai"],
        kind="compute_supply",
        annual_value_qualifier="exact",
        annual_value_value=5 * BN,
        annual_value_low=5 * BN,
        annual_value_high=5 * BN,
        annual_value_currency="EUR",
    )
    Relationship.objects.create(provider=org["microsoft"], client=org["openai"], kind="cloud")
    Relationship.objects.create(provider=org["aws"], client=org["openai"], kind="cloud")
    recompute_targets(target_ids=[org["openai"].pk])
    return org, round_


def flags(round_):
    rows = ParticipationFigures.objects.filter(participation__round=round_).select_related("participation__investor")
    return {row.participation.investor.slug: row for row in rows}


def test_the_seed_deals_investors_are_related_parties_and_a_plain_fund_is_not(seed):
    _, round_ = seed
    figures = flags(round_)
    assert all(figures[slug].related_party for slug in ("nvidia", "microsoft", "amazon"))
    assert not figures["fund"].related_party and figures["fund"].related_party_reasons == []
    reason = {"code": "provider_of_via", "params": {"kind": "cloud", "client": "OpenAI", "via": "Amazon Web Services"}}
    assert reason in figures["amazon"].related_party_reasons
    assert "provider of cloud to OpenAI via Amazon Web Services" in messages.texts(
        figures["amazon"].related_party_reasons
    )


def test_the_seed_deal_has_one_two_party_cycle_per_supplier(seed):
    org, round_ = seed
    two = {
        (c.investor.slug, tuple(c.path))
        for c in Cycle.objects.filter(round=round_, length=2).select_related("investor")
    }
    expected = {(slug, (org[slug].pk, org["openai"].pk, org[slug].pk)) for slug in ("nvidia", "microsoft", "amazon")}
    assert two == expected  # Amazon → OpenAI → AWS counts as back to Amazon's group


def test_the_round_trip_ratio_is_the_flow_back_over_the_investment(seed):
    org, round_ = seed
    nvidia = Cycle.objects.get(round=round_, investor=org["nvidia"], length=2)
    # NVIDIA invests EUR 50m (the factory's amount) and OpenAI spends EUR 5bn a year with it.
    assert nvidia.round_trip_value == Decimal(100)
    assert nvidia.net_new_cash_qualifier == "exact" and nvidia.net_new_cash_value == 0
    microsoft = Cycle.objects.get(round=round_, investor=org["microsoft"], length=2)
    assert microsoft.round_trip_qualifier is None  # the cloud contract's value is unknown


def test_ended_relationships_make_historical_cycles(seed):
    org, round_ = seed
    Relationship.objects.filter(provider=org["nvidia"]).update(
        started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2024, 1, 1)
    )
    recompute_circularity(target_ids=[org["openai"].pk])
    assert not Cycle.objects.get(round=round_, investor=org["nvidia"], length=2).is_current
    assert Cycle.objects.get(round=round_, investor=org["microsoft"], length=2).is_current


def test_a_three_party_cycle_is_found_and_longer_ones_are_not(settings):
    a, b, c, d = (OrganizationFactory() for _ in range(4))
    round_ = FundingRound.objects.create(target=b, status="closed", reported_on=datetime.date(2025, 1, 1))
    ParticipationFactory(round=round_, investor=a)
    Relationship.objects.create(provider=c, client=b, kind="services")  # B pays C
    Relationship.objects.create(provider=a, client=c, kind="services")  # C pays A: A → B → C → A
    Relationship.objects.create(provider=d, client=b, kind="services")
    Relationship.objects.create(provider=c, client=d, kind="services")  # B → D → C → A: four edges with A → B
    settings.DEALTRACKER_CYCLE_MAX_LENGTH = 3
    recompute_circularity(target_ids=[b.pk])
    assert sorted(Cycle.objects.filter(round=round_).values_list("length", flat=True)) == [3]
    settings.DEALTRACKER_CYCLE_MAX_LENGTH = 4
    recompute_circularity(target_ids=[b.pk])
    assert sorted(Cycle.objects.filter(round=round_).values_list("length", flat=True)) == [3, 4]


def test_groups_follow_parents_to_the_top():
    assert groups({1: None, 2: 1, 3: 2, 4: None}) == {1: 1, 2: 1, 3: 1, 4: 4}


def test_only_the_shortest_cycles_of_an_investment_are_kept_and_it_says_there_are_more(seed, settings, admin_client):
    org, round_ = seed
    Relationship.objects.create(provider=org["nvidia"], client=org["microsoft"], kind="compute_supply")
    recompute_targets(target_ids=[org["openai"].pk])
    assert Cycle.objects.filter(round=round_, investor=org["nvidia"]).count() == 2  # OpenAI, and OpenAI → Microsoft
    assert not any(row.cycles_truncated for row in flags(round_).values())

    settings.DEALTRACKER_CYCLES_PER_INVESTMENT = 1
    recompute_targets(target_ids=[org["openai"].pk])
    kept = Cycle.objects.filter(round=round_, investor=org["nvidia"])
    assert [c.path for c in kept] == [[org["nvidia"].pk, org["openai"].pk, org["nvidia"].pk]]  # the shorter one
    assert {slug for slug, row in flags(round_).items() if row.cycles_truncated} == {"nvidia"}
    assert Cycle.objects.filter(round=round_, investor=org["microsoft"]).count() == 1

    api = admin_client.get(f"/api/rounds/{round_.pk}/circularity/").json()
    truncated = {p["investor"] for p in api["participations"] if p["cycles_truncated"]}
    assert truncated == {org["nvidia"].pk}
    page = admin_client.get(f"/rounds/{round_.pk}/").content.decode()
    assert "Only the shortest cycle of each investment is kept; more run through the investment of NVIDIA." in page


def test_a_cycle_through_a_subsidiary_names_the_organization_that_supplies(seed, admin_client):
    org, round_ = seed
    amazon = Cycle.objects.get(round=round_, investor=org["amazon"], length=2)
    first, back = amazon.edges
    assert (first["by"], first["via"], first["from"], first["to"]) == (
        org["amazon"].pk,
        org["openai"].pk,
        org["amazon"].pk,
        org["openai"].pk,
    )
    # The money goes back to Amazon's group, and AWS is the organization that is paid for the cloud.
    assert (back["from"], back["to"], back["by"], back["via"]) == (
        org["openai"].pk,
        org["amazon"].pk,
        org["openai"].pk,
        org["aws"].pk,
    )

    api = admin_client.get(f"/api/rounds/{round_.pk}/circularity/").json()
    vias = {edge["via"] for cycle in api["cycles"] if cycle["investor"] == org["amazon"].pk for edge in cycle["edges"]}
    assert org["aws"].pk in vias

    graph = admin_client.get("/network/graph.json?focus=openai").json()
    edges = [edge for cycle in graph["cycles"] if cycle["investor"] == org["amazon"].pk for edge in cycle["edges"]]
    assert {"from": org["openai"].pk, "to": org["amazon"].pk, "by": org["openai"].pk, "via": org["aws"].pk} in [
        {k: edge[k] for k in ("from", "to", "by", "via")} for edge in edges
    ]
    # The drawn tie OpenAI → AWS is the one in the cycle.
    aws_tie = [
        e["data"]
        for e in graph["elements"]["edges"]
        if (e["data"]["source"], e["data"]["target"]) == (str(org["openai"].pk), str(org["aws"].pk))
    ]
    assert aws_tie and all(data["cycle"] for data in aws_tie)

    page = admin_client.get(f"/organizations/{org['amazon'].slug}/").content.decode()
    assert f'data-via="{org["aws"].pk}"' in page and "through Amazon Web Services" in page
