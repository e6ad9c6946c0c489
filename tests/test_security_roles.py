"""Reads follow the roles: no role, nothing to read; the admin's History page asks for the view permission;
public read shows the figures but not who changed them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from deals import services
from tests.factories import FundingRoundFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return FundingRoundFactory()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(round_) -> list[str]:
    return [
        reverse("deals:dashboard"),
        reverse("deals:round_list"),
        reverse("deals:round_export"),
        reverse("deals:round_detail", args=[round_.pk]),
        reverse("deals:organization_list"),
        reverse("deals:organization_detail", args=[round_.target.slug]),
        reverse("deals:network"),
        reverse("deals:search") + "?q=a",
        reverse("deals:organization_suggest") + "?q=ab",
    ]


API = [
    "/api/rounds/",
    "/api/organizations/",
    "/api/participations/",
    "/api/relationships/",
    "/api/sources/",
    "/api/metrics/",
    "/api/fx-rates/",
    "/api/jobs/",
]


def test_a_user_without_a_role_reads_no_page(round_):
    client = logged_in(User.objects.create_user("nobody", password="x-very-long-pass"))
    for url in pages(round_):
        assert client.get(url).status_code == 403, url
    assert "no role that may read" in client.get(reverse("deals:dashboard")).content.decode()


def test_a_user_without_a_role_reads_nothing_from_the_api(round_):
    client = APIClient()
    client.force_authenticate(User.objects.create_user("nobody", password="x-very-long-pass"))
    for url in [*API, f"/api/rounds/{round_.pk}/", f"/api/organizations/{round_.target.pk}/"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["Viewer", "Data entry"])
def test_each_role_reads_the_pages_and_the_api(round_, role):
    user = User.objects.create_user("reader", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name=role))
    client = logged_in(user)
    for url in pages(round_):
        assert client.get(url).status_code == 200, url
    api = APIClient()
    api.force_authenticate(user)
    for url in API:
        assert api.get(url).status_code == 200, url


def test_the_api_asks_for_the_view_permission_of_each_model(round_):
    user = User.objects.create_user("rounds-only", password="x-very-long-pass")
    user.user_permissions.add(Permission.objects.get(codename="view_fundinground"))
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/rounds/").status_code == 200
    assert api.get("/api/sources/").status_code == 403


def staff(name: str, *codenames: str) -> User:
    user = User.objects.create_user(name, password="x-very-long-pass", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="deals", codename__in=codenames))
    return user


def test_the_admin_history_page_needs_the_view_permission():
    org = OrganizationFactory()
    url = reverse("admin:deals_organization_history", args=[org.pk])
    # Staff that may see rounds, but not organizations, does not see an organization's history either.
    assert logged_in(staff("rounds", "view_fundinground")).get(url).status_code == 403
    allowed = logged_in(staff("orgs", "view_organization")).get(url)
    assert allowed.status_code == 200 and "History" in allowed.content.decode()


def test_public_read_shows_figures_but_not_who_changed_them(round_, settings, client):
    editor = User.objects.create_user("editor-ada", password="x-very-long-pass")
    services.round_change_status(round=round_, to_status="abandoned", user=editor)  # an event naming its author
    settings.PUBLIC_READ = True
    url = reverse("deals:round_detail", args=[round_.pk])
    anonymous = client.get(url).content.decode()
    assert round_.target.name in anonymous and "editor-ada" not in anonymous
    viewer = User.objects.create_user("viewer", password="x-very-long-pass")
    viewer.groups.add(Group.objects.get(name="Viewer"))
    assert "editor-ada" in logged_in(viewer).get(url).content.decode()
