"""Reads need a login unless DEALTRACKER_PUBLIC_READ opens them; writes need the model permissions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.request import Request


class ModelPermissionsOrPublicRead(DjangoModelPermissions):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS and settings.PUBLIC_READ:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
