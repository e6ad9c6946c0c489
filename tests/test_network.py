"""The network's data (amounts, sources, filters, a centre found by name) and money cycles grouped on the
organization page, against the real database and the real recompute."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from deals.models import Citation, Cycle
from deals.pipeline.services import dirty_drain
from tests.factories import (
    FundingRoundFactory,
    OrganizationFactory,
    ParticipationFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def openai_rounds():
    """Microsoft invests in three OpenAI rounds; OpenAI pays Microsoft for cloud: one cycle per round."""
    microsoft = OrganizationFactory(name="Microsoft", slug="microsoft")
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    nvidia = OrganizationFactory(name="NVIDIA", slug="nvidia")
    rounds = []
    for year, amount in ((2019, "1000000000"), (2021, "2000000000"), (2023, "10000000000")):
        r = FundingRoundFactory(target=openai, reported_on=datetime.date(year, 1, 23), round_type="corporate")
        p = ParticipationFactory(
            round=r,
            investor=microsoft,
            amount_value=Decimal(amount),
            amount_low=Decimal(amount),
            amount_high=Decimal(amount),
        )
        rounds.append((r, p))
    ParticipationFactory(
        round=rounds[2][0],
        investor=nvidia,
        amount_value=Decimal("100000000"),
        amount_low=Decimal("100000000"),
        amount_high=Decimal("100000000"),
    )
    cloud = RelationshipFactory(provider=microsoft, client=openai, kind="cloud", started_on=datetime.date(2019, 7, 1))
    source = SourceFactory(outlet="Bloomberg", published_on=datetime.date(2023, 1, 23))
    Citation.objects.create(source=source, participation=rounds[2][1])
    Citation.objects.create(source=source, relationship=cloud)
    dirty_drain()
    return {"microsoft": microsoft, "openai": openai, "rounds": [r for r, _p in rounds]}


def graph(viewer: Client, **query: object) -> dict:
    response = viewer.get(reverse("deals:network_data"), query)
    assert response.status_code == 200, response.content
    return response.json()


def edge(data: dict, label: str) -> dict:
    return next(e["data"] for e in data["elements"]["edges"] if e["data"]["label"] == label)


def test_edges_carry_the_amount_over_all_rounds_and_their_sources(openai_rounds, viewer):
    data = graph(viewer, focus="openai")
    invests = edge(data, "Microsoft invests in OpenAI")
    assert invests["amount"] == "€13bn"
    assert invests["sources"] == ["Bloomberg, 2023-01-23"]
    assert invests["cycle"] is True
    small = edge(data, "NVIDIA invests in OpenAI")
    assert small["width"] < invests["width"]
    pays = edge(data, "OpenAI pays Microsoft for cloud")
    assert pays["family"] == "commercial" and pays["sources"] == ["Bloomberg, 2023-01-23"]
    focus = [n["data"] for n in data["elements"]["nodes"] if n["data"]["focus"]]
    assert [n["slug"] for n in focus] == ["openai"]


def test_filters_narrow_by_kind_and_year(openai_rounds, viewer):
    only_money = graph(viewer, focus="openai", kind="equity")
    assert {e["data"]["kind"] for e in only_money["elements"]["edges"]} == {"equity"}
    in_2021 = graph(viewer, focus="openai", year="2021")
    assert edge(in_2021, "Microsoft invests in OpenAI")["amount"] == "€2bn"
    assert "NVIDIA" not in {n["data"]["name"] for n in in_2021["elements"]["nodes"]}
    assert {e["data"]["kind"] for e in graph(viewer, focus="openai", year="2018")["elements"]["edges"]} == set()
    assert graph(viewer, focus="openai", kind="none")["elements"]["edges"] == []


def test_the_centre_can_be_typed_as_a_name(openai_rounds, viewer):
    assert graph(viewer, focus="Open AI")["focus"] == "openai"
    html = viewer.get(reverse("deals:network"), {"focus": "Open AI"}).content.decode()
    assert "Network around OpenAI" in html
    assert viewer.get(reverse("deals:network_data"), {"focus": "zzzzqqq"}).status_code == 404


def test_the_svg_draws_wider_lines_for_larger_amounts(openai_rounds, viewer):
    html = viewer.get(reverse("deals:network"), {"focus": "openai"}).content.decode()
    widths = {
        m.group(2): float(m.group(1))
        for m in re.finditer(r'stroke-width="([\d.]+)" marker-end="[^"]*"><title>([^<·]+?) ·', html)
    }
    assert widths["NVIDIA invests in OpenAI"] < widths["Microsoft invests in OpenAI"]
    assert 'data-src="/network/graph.json?focus=openai"' in html


def test_the_organization_page_lists_a_cycle_once_with_the_rounds_it_passes_through(openai_rounds, viewer):
    assert Cycle.objects.filter(investor=openai_rounds["microsoft"]).count() == 3
    html = viewer.get(reverse("deals:organization_detail", args=["openai"])).content.decode()
    assert html.count('data-path="Microsoft → OpenAI → Microsoft"') == 1
    assert "Through 3 rounds:" in html
    for r in openai_rounds["rounds"]:
        assert reverse("deals:round_detail", args=[r.pk]) in html


def test_the_graph_needs_a_login_like_the_page(client):
    response = client.get(reverse("deals:network_data"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
