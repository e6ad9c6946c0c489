"""Reads need a role that reads the model (Viewer or Data entry) unless DEALTRACKER_PUBLIC_READ opens them;
writes need the model permissions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.request import Request

VIEW = ["%(app_label)s.view_%(model_name)s"]


class ModelPermissionsOrPublicRead(DjangoModelPermissions):
    """Django's model permissions for every method, reading included: a user without a role gets 403."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS and settings.PUBLIC_READ:
            return True
        return super().has_permission(request, view)
