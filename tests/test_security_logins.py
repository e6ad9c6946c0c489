"""Logins are throttled on every path; API tokens are hashed, expire, and are revoked by their owner or a
password change."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from deals.tokens import token_create

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
WRONG_TRIES = 50


@pytest.fixture
def analyst() -> User:
    user = User.objects.create_user("analyst", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Viewer"))
    return user


def site_login(client: Client, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(reverse("login"), {"username": "analyst", "password": password}, REMOTE_ADDR=address)
    return response.status_code


def admin_login(client: Client, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(reverse("admin:login"), {"username": "analyst", "password": password}, REMOTE_ADDR=address)
    return response.status_code


def api_login(client: Client, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(
        reverse("api-token"),
        {"username": "analyst", "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    return response.status_code


LOGIN_PATHS = {"site": (site_login, 302), "admin": (admin_login, 302), "api": (api_login, 200)}


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_wrong_passwords_lock_the_account_out_from_that_address(path, analyst, settings):
    login, success = LOGIN_PATHS[path]
    client = Client()
    statuses = [login(client, f"wrong-{i}") for i in range(WRONG_TRIES)]
    # The first failures are answered as wrong passwords; from the limit on, every try is refused unchecked.
    assert 429 not in statuses[: settings.AXES_FAILURE_LIMIT - 1]
    assert statuses[settings.AXES_FAILURE_LIMIT - 1 :] == [429] * (WRONG_TRIES - settings.AXES_FAILURE_LIMIT + 1)
    # Even the right password is refused now, with a message that says why and when to retry.
    assert login(client, PASSWORD) == 429
    refused = client.post(reverse("login"), {"username": "analyst", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert "Too many failed login attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    # The same account from another address is not locked: a guesser cannot shut a colleague out.
    assert login(Client(), PASSWORD, address="198.51.100.9") == success


def test_the_api_lockout_is_a_json_429(analyst, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        api_login(client, f"wrong-{i}")
    response = client.post(
        reverse("api-token"),
        {"username": "analyst", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["detail"]
    assert not AuthToken.objects.exists()


def test_behind_the_proxy_the_forwarded_address_is_the_clients(analyst, settings):
    # As production sets it for one TLS proxy in front (DEALTRACKER_TRUSTED_PROXY_COUNT=1).
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.IPWARE_STRICT = False
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        # The guesser forges a first entry each time; the proxy appends the address it really came from.
        client.post(
            reverse("login"),
            {"username": "analyst", "password": f"wrong-{i}"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"8.8.{i}.8, 9.9.9.9",
        )
    assert site_login(Client(), PASSWORD, address="10.0.0.2") == 302  # the proxy itself is not locked out
    locked = Client().post(
        reverse("login"),
        {"username": "analyst", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.9",
    )
    assert locked.status_code == 429
    other = Client().post(
        reverse("login"),
        {"username": "analyst", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    assert other.status_code == 302


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_only_as_a_hash_and_expires_after_the_ttl(analyst, settings):
    client = Client()
    response = client.post(
        reverse("api-token"), {"username": "analyst", "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=analyst)
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)
    expected = timezone.now() + settings.DEALTRACKER_TOKEN_TTL
    assert abs((stored.expiry - expected).total_seconds()) < 60
    assert token_client(token).get("/api/rounds/").status_code == 200


def test_an_expired_token_is_refused(analyst):
    instance, token = token_create(user=analyst)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert token_client(token).get("/api/rounds/").status_code == 401


def test_the_owner_revokes_the_token_in_use_through_the_api(analyst):
    _instance, token = token_create(user=analyst)
    client = token_client(token)
    assert client.delete(reverse("api-token")).status_code == 204
    assert client.get("/api/rounds/").status_code == 401


def test_the_owner_lists_and_revokes_a_token_by_its_key(analyst):
    _first, first = token_create(user=analyst)
    second_instance, second = token_create(user=analyst)
    client = token_client(first)
    listed = client.get(reverse("api-token")).json()
    assert {row["key"] for row in listed} == {first[:15], second[:15]}
    assert all("token" not in row for row in listed)
    assert client.delete(reverse("api-token-detail", args=[second_instance.token_key])).status_code == 204
    assert token_client(second).get("/api/rounds/").status_code == 401
    assert client.get("/api/rounds/").status_code == 200


def test_nobody_revokes_another_users_token(analyst):
    instance, token = token_create(user=analyst)
    other = User.objects.create_user("other", password=PASSWORD)
    _o, other_token = token_create(user=other)
    response = token_client(other_token).delete(reverse("api-token-detail", args=[instance.token_key]))
    assert response.status_code == 404
    assert token_client(token).get("/api/rounds/").status_code == 200


def test_the_account_page_creates_shows_once_and_revokes_tokens(analyst):
    client = Client()
    client.force_login(analyst)
    created = client.post(reverse("account_tokens"), {"create": "1"})
    assert created.status_code == 200
    token = created.context["new_token"]
    assert token and token in created.content.decode()
    assert token_client(token).get("/api/rounds/").status_code == 200
    page = client.get(reverse("account_tokens")).content.decode()
    assert token not in page and token[:15] in page
    client.post(reverse("account_tokens"), {"revoke": token[:15]})
    assert token_client(token).get("/api/rounds/").status_code == 401


def test_the_account_page_needs_a_login():
    response = Client().get(reverse("account_tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("how", ["set_password", "password_change_page"])
def test_a_password_change_revokes_every_token(analyst, how):
    _a, first = token_create(user=analyst)
    _b, second = token_create(user=analyst)
    if how == "set_password":
        analyst.set_password("a-new-and-different-passphrase")
        analyst.save()
    else:
        client = Client()
        client.force_login(analyst)
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-and-different-passphrase",
                "new_password2": "a-new-and-different-passphrase",
            },
        )
        assert response.status_code == 302
    for token in (first, second):
        assert token_client(token).get("/api/rounds/").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(analyst):
    _instance, token = token_create(user=analyst)
    analyst.first_name = "Ada"
    analyst.save()
    assert token_client(token).get("/api/rounds/").status_code == 200


def test_a_header_that_is_no_token_is_a_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token caf\xe9-not-a-token")
    assert client.get("/api/rounds/").status_code == 401
