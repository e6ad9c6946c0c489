"""The two roles of the product: "Data entry" (add, change, delete, view) and "Viewer" (view only).

Reading follows them too: a logged-in user without a role (or the view permissions one gives) reads nothing.
``DEALTRACKER_PUBLIC_READ`` opens the figures to everyone, but who changed what stays for those with a role.

Created by migration 0002 and ensured again after every ``migrate`` or ``flush`` (``post_migrate``), as Django
does for permissions, so a database emptied by ``flush`` (transactional tests do it) gets its roles back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

DATA_ENTRY, VIEWER = "Data entry", "Viewer"
DEALS_MODELS = [
    "organization",
    "source",
    "citation",
    "claim",
    "fundinground",
    "roundstatuschange",
    "participation",
    "condition",
    "relationship",
    "metric",
    "fxrate",
]
READ_ONLY_MODELS = ["roundfigures", "participationfigures", "position", "cycle", "job", "event"]
#: The permission the browsing pages ask for: every role that reads has it (the API asks per model).
READ_PERMISSION = "deals.view_fundinground"


def may_read(user: Any) -> bool:
    """Whether ``user`` may see the pages' figures: with a role that reads, or anyone under public read."""
    return bool(settings.PUBLIC_READ or (user.is_authenticated and user.has_perm(READ_PERMISSION)))


def may_see_authors(user: Any) -> bool:
    """Whether ``user`` may see who changed what: names of colleagues are not public, even under public read."""
    return bool(user.is_authenticated and user.has_perm(READ_PERMISSION))


def context_processor(request: HttpRequest) -> dict[str, Any]:
    """``show_authors`` for the history tables of the pages and the admin."""
    user = getattr(request, "user", None)
    return {"show_authors": user is not None and may_see_authors(user)}


def ensure_roles(apps: Any) -> None:
    """Create the roles if missing and give them their permissions; ``apps`` is a (historical) app registry."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if app_config.label in {"auth", "contenttypes", "deals"}:
            models_module, app_config.models_module = getattr(app_config, "models_module", None), True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    deals = Permission.objects.filter(content_type__app_label="deals")
    entry_codes = [f"{action}_{model}" for model in DEALS_MODELS for action in ("add", "change", "delete", "view")]
    entry_codes += [f"view_{model}" for model in READ_ONLY_MODELS] + ["add_job"]
    view_codes = [f"view_{model}" for model in DEALS_MODELS + READ_ONLY_MODELS]
    entry, _ = Group.objects.get_or_create(name=DATA_ENTRY)
    entry.permissions.set(deals.filter(codename__in=entry_codes))
    viewer, _ = Group.objects.get_or_create(name=VIEWER)
    viewer.permissions.set(deals.filter(codename__in=view_codes))


def ensure_roles_after_migrate(sender: Any, apps: Any = None, **kwargs: Any) -> None:
    from django.apps import apps as installed

    ensure_roles(apps or installed)  # migrate passes its final state; flush passes nothing
