"""Helpers for API tests: users with the roles of the product, and clients for them."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient


def client_for(role: str | None) -> APIClient:
    client = APIClient()
    if role is None:
        return client
    user = User.objects.create_user(username=f"{role.lower().replace(' ', '-')}-user", password="x-very-long-pass")
    user.groups.add(Group.objects.get(name=role))
    client.force_authenticate(user)
    return client
