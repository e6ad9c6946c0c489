"""A client generated from the API's own OpenAPI schema (openapi-python-client) scripts the seed deal: log in
for a token, create the organizations, the source, the exchange rate, the round and its participations, then
read the stakes with ?currency=USD. If the schema says something the server does not do, this breaks."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from deals.pipeline.services import dirty_drain

PASSWORD = "a-long-generated-client-password"
BN = "000000000"
PACKAGE = "dealtracker_client"


@pytest.fixture
def generated(tmp_path: Path, transactional_db: None) -> Iterator[ModuleType]:
    """The client package generated from /api/schema/, importable for the test's duration."""
    schema = Client().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    # No post-generation hooks: the generated code is used as generated, not reformatted.
    config = {"post_hooks": [], "project_name_override": "dealtracker-client", "package_name_override": PACKAGE}
    (tmp_path / "config.json").write_text(json.dumps(config))
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [str(generator), "generate", "--path", "schema.json", "--meta", "none", "--config", "config.json"]
    result = subprocess.run(
        [*command, "--output-path", str(tmp_path / PACKAGE)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


#: Words of the implementation that have no place in what users read.
IMPLEMENTATION = re.compile(
    r"full_clean|to_representation|serializer|deals\.|queryset|\bDRF\b|\bORM\b|docstring|runs the model", re.IGNORECASE
)


@pytest.mark.django_db
def test_the_schema_describes_every_object_and_field_for_users() -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    missing, notes = [], []
    for name, component in schema["components"]["schemas"].items():
        texts = [("", component.get("description", ""))]
        texts += [(f".{field}", prop.get("description", "")) for field, prop in component.get("properties", {}).items()]
        missing += [f"{name}{where}" for where, text in texts if not text.strip()]
        notes += [f"{name}{where}: {text}" for where, text in texts if IMPLEMENTATION.search(text)]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if IMPLEMENTATION.search(operation.get("description", "")):
                notes.append(f"{method} {path}: {operation['description']}")
    assert not missing, missing
    assert not notes, "\n".join(notes)
    # Every example is a valid value of its field (nullable written the OpenAPI 3.0 way).
    wrong = []
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            rule = {k: v for k, v in prop.items() if k not in ("example", "readOnly", "writeOnly", "nullable")}
            if "example" in prop and not jsonschema.Draft202012Validator(rule).is_valid(prop["example"]):
                wrong.append(f"{name}.{field}: {prop['example']!r}")
    assert not wrong, wrong
    organization = schema["components"]["schemas"]["OrganizationRequest"]
    assert "slug" not in organization["required"] and organization["properties"]["slug"]["example"] == "openai"


def call(module: str, client: Any, **kwargs: Any) -> Any:
    """Call the generated operation ``module`` (e.g. "rounds.rounds_create") and return its parsed answer,
    failing with the server's message when it is not the documented success."""
    operation = importlib.import_module(f"{PACKAGE}.api.{module}")
    response = operation.sync_detailed(client=client, **kwargs)
    assert 200 <= response.status_code < 300, (module, response.status_code, response.content)
    return response.parsed


def model(name: str, data: dict[str, Any]) -> Any:
    """A request body built by the generated model class ``name`` from plain JSON."""
    models = importlib.import_module(f"{PACKAGE}.models")
    return getattr(models, name).from_dict(data)


def test_a_generated_client_scripts_the_seed_deal(generated: ModuleType, live_server: Any) -> None:
    user = User.objects.create_user(username="entry", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Data entry"))
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    token = call(
        "auth.auth_token_create",
        anonymous,
        body=model("CredentialsRequest", {"username": "entry", "password": PASSWORD}),
    )
    api = generated.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token")

    org = {}
    for name, kind in [
        ("OpenAI", "company"),
        ("NVIDIA", "corporate"),
        ("Microsoft", "corporate"),
        ("Amazon", "corporate"),
    ]:
        # No slug: the server derives it from the name.
        created = call(
            "organizations.organizations_create", api, body=model("OrganizationRequest", {"name": name, "kind": kind})
        )
        org[name] = created.id
    assert created.slug == "amazon"
    aws = call(
        "organizations.organizations_create",
        api,
        body=model("OrganizationRequest", {"name": "Amazon Web Services", "parent": org["Amazon"]}),
    )
    source = call(
        "sources.sources_create",
        api,
        body=model(
            "SourceRequest",
            {
                "outlet": "Handelsblatt",
                "published_on": "2026-01-30",
                "language": "de",
                "title": "OpenAI-Finanzierung",
                "reliability": "report",
            },
        ),
    )
    call(
        "fx_rates.fx_rates_create",
        api,
        body=model("FxRateRequest", {"date": "2026-01-30", "base": "EUR", "quote": "USD", "rate": "1.19"}),
    )
    round_ = call(
        "rounds.rounds_create",
        api,
        body=model(
            "RoundRequest",
            {
                "target": org["OpenAI"],
                "round_type": "corporate_round",
                "status": "in_talks",
                "reported_on": "2026-01-30",
                "amount": {"value": f"60{BN}", "qualifier": "up_to", "currency": "EUR"},
                "post_money_valuation": {"value": f"800{BN}", "qualifier": "at_least", "currency": "EUR"},
                "sources": [source.id],
            },
        ),
    )
    for investor, amount, conditions in [
        ("NVIDIA", {"value": f"30{BN}", "qualifier": "up_to", "currency": "EUR"}, []),
        ("Microsoft", {"value": f"10{BN}", "qualifier": "exact", "currency": "EUR"}, []),
        (
            "Amazon",
            {"low": f"10{BN}", "high": f"20{BN}", "qualifier": "between", "currency": "EUR"},
            [{"kind": "cloud_usage", "description": "OpenAI uses AWS", "counterparty": aws.id}],
        ),
    ]:
        call(
            "participations.participations_create",
            api,
            body=model(
                "ParticipationRequest",
                {
                    "round": round_.id,
                    "investor": org[investor],
                    "amount": amount,
                    "conditions": conditions,
                    "sources": [source.id],
                },
            ),
        )

    dirty_drain()  # what the worker does after the writes, here in the test's process

    currency = importlib.import_module(f"{PACKAGE}.models.participations_list_currency").ParticipationsListCurrency
    page = call("participations.participations_list", api, round_=[round_.id], currency=currency.USD)
    rows = {p.investor: p.to_dict() for p in page.results}
    stakes = {investor: rows[org[investor]]["computed"]["stake"] for investor in ("NVIDIA", "Microsoft", "Amazon")}
    assert (stakes["NVIDIA"]["qualifier"], stakes["NVIDIA"]["high"]) == ("up_to", "0.0375")
    assert stakes["Microsoft"]["high"] == "0.0125"
    assert stakes["Amazon"]["high"] == "0.025"
    nvidia_in_usd = rows[org["NVIDIA"]]["amount"]["converted"]
    assert (nvidia_in_usd["currency"], nvidia_in_usd["high"]) == ("USD", "35700000000")
