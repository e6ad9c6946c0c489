"""Every malformed request is a 4xx with a message naming what is wrong, never a 500: deep JSON, characters
PostgreSQL cannot store, oversized bodies, and a fuzz of nasty bodies and query strings."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from deals.api.parsers import RequestTooLarge, StrictJSONParser, nesting_depth
from tests.api_support import client_for
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PAGES = ["/search/", "/network/", "/organizations/suggest/", "/rounds/", "/organizations/", "/rounds/export.csv"]
API_LISTS = ["/api/rounds/", "/api/organizations/", "/api/participations/", "/api/sources/"]


def post_json(client: APIClient, url: str, body: str) -> object:
    return client.generic("POST", url, body.encode("utf-8", "surrogatepass"), content_type="application/json")


def test_json_nested_100000_deep_is_a_400_not_a_recursion_error():
    client = client_for("Data entry")
    response = post_json(client, "/api/organizations/", "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested deeper than 64" in response.json()["detail"]


def test_json_within_the_depth_is_parsed_as_before():
    client = client_for("Data entry")
    body = json.dumps({"name": "Mistral AI", "slug": "mistral-ai", "kind": "company", "country": "FR"})
    assert post_json(client, "/api/organizations/", body).status_code == 201


def test_the_depth_scan_ignores_brackets_inside_strings():
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3


AMOUNT = '"amount": {"value": "5", "qualifier": "exact", "currency": "%s"}'


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        ('"status": "\\ud800"', ["status"], "Lone surrogate"),
        ('"round_type": "series_\\udfff"', ["round_type"], "Lone surrogate"),
        (AMOUNT % "\\ud800", ["amount", "currency"], "Lone surrogate"),
        ('"notes": "a\\u0000b"', ["notes"], "Null characters are not allowed"),
        (AMOUNT % "E\\u0000R", ["amount", "currency"], "is not an ISO 4217 currency code"),
    ],
)
def test_lone_surrogates_and_nul_in_a_body_are_a_400_naming_the_field(payload, path, message):
    client = client_for("Data entry")
    response = post_json(client, "/api/rounds/", f'{{"target": {OrganizationFactory().pk}, {payload}}}')
    assert response.status_code == 400
    error = response.json()
    for name in path:
        error = error[name]
    assert message in error[0]


def test_a_nul_in_a_key_the_api_ignores_is_no_error():
    client = client_for("Data entry")
    body = '{"name": "Mistral AI", "slug": "mistral-ai", "kind": "company", "x\\u0000": 1}'
    assert post_json(client, "/api/organizations/", body).status_code == 201


@pytest.fixture
def viewer_client() -> Client:
    user = User.objects.create_user("viewer", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=open%00ai",
        "/network/?focus=open%00ai",
        "/organizations/suggest/?q=op%00en",
        "/rounds/?target_slug=a%00",
    ],
)
def test_a_nul_byte_in_a_page_query_is_a_400_naming_the_parameter(viewer_client, url):
    response = viewer_client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.content.decode().startswith(f"{name}: ")


def test_a_nul_byte_in_an_api_filter_is_a_json_400_naming_it():
    response = client_for("Viewer").get("/api/organizations/?name=a%00b")
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_body_over_the_limit_is_a_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = client_for("Data entry")
    body = json.dumps({"name": "x" * 20_000})
    response = post_json(client, "/api/organizations/", body)
    assert response.status_code == 413
    assert "larger than 10000 bytes" in response.json()["detail"]


def test_the_parser_reads_no_more_than_the_limit_whatever_the_length_says(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    stream = io.BytesIO(b"[" + b"1," * 50_000 + b"1]")
    with pytest.raises(RequestTooLarge):
        StrictJSONParser().parse(stream, "application/json", {})
    assert stream.tell() == 10_001


# --- Fuzz -----------------------------------------------------------------------------------------------
# Text that has broken servers: NUL, lone surrogates, control characters, right-to-left marks, huge numbers,
# deep nesting, SQL and template syntax, formula starts; combined at random into bodies and query strings.
NASTY = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\udfff",
        "\u202e",
        "\ufeff",
        "\r\n",
        "'",
        '"',
        "\\",
        "%",
        "%00",
        "{{ 7*7 }}",
        "'; DROP TABLE x; --",
        "=HYPERLINK(1)",
        "9" * 400,
        "-1e400",
        "NaN",
        "💸",
        "\t",
        "../../etc/passwd",
        "<script>",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=20), st.builds("".join, st.lists(NASTY, max_size=4)))
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=False), TEXT
)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELDS = [
    "name",
    "slug",
    "kind",
    "country",
    "status",
    "round_type",
    "amount",
    "target",
    "currency",
    "notes",
    "reliability",
    "published_on",
    "rate",
    "base",
    "quote",
    "value",
    "qualifier",
]
BODY = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=6).map(json.dumps),
    JSON_VALUE.map(json.dumps),
    st.integers(min_value=65, max_value=3000).map(lambda n: "[" * n + "]" * n),
    TEXT,  # not JSON at all
)
QUERY_NAMES = st.one_of(
    st.sampled_from(
        [
            "q",
            "focus",
            "name",
            "slug",
            "status",
            "target_slug",
            "investor_slug",
            "ordering",
            "cursor",
            "page",
            "page_size",
            "currency",
            "format",
            "announced_after",
            "amount_min",
        ]
    ),
    TEXT,
)
QUERY = st.lists(st.tuples(QUERY_NAMES, TEXT), min_size=1, max_size=3)


def encoded(text: str) -> str:
    """Percent-encoding of the text's bytes, surrogates included (as a careless client would send them)."""
    return "".join(f"%{byte:02X}" for byte in text.encode("utf-8", "surrogatepass"))


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in pairs)


API_WRITES = [
    "/api/organizations/",
    "/api/rounds/",
    "/api/sources/",
    "/api/fx-rates/",
    "/api/metrics/",
    "/api/auth/token/",
]
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(url=st.sampled_from(API_WRITES), body=BODY)
def test_fuzzed_api_bodies_never_get_a_5xx(url, body):
    response = post_json(client_for_fuzz(), url, body)
    assert response.status_code < 500, (url, body, response.content[:300])


@FUZZ
@given(url=st.sampled_from(PAGES + API_LISTS), pairs=QUERY)
def test_fuzzed_query_strings_never_get_a_5xx(url, pairs):
    client = Client()
    client.force_login(fuzz_user())
    response = client.get(f"{url}?{query_string(pairs)}")
    assert response.status_code < 500, (url, pairs, response.content[:300])


def fuzz_user() -> User:
    user, created = User.objects.get_or_create(username="fuzz")
    if created:
        user.groups.add(Group.objects.get(name="Data entry"))
    return user


def client_for_fuzz() -> APIClient:
    client = APIClient()
    client.force_authenticate(fuzz_user())
    return client
