"""Cache hits answered before DRF's dispatch: the reads of lists and single objects.

A viewset's list and retrieve views are wrapped (``DealsViewSet.as_view``). For a GET or HEAD outside a
transaction the wrapper reads the data and auth versions (one query), authenticates as DRF would — a token
through the token lookup cache (deals/api/tokencache.py), else the session's user if active, else
anonymous —, runs the viewset's own permission classes on that user, and looks the response up in the
response cache (deals/api/cache.py) under the key DRF's path stores it under. A hit is the stored bytes and
headers (with 304 for a matching ``If-None-Match`` on a single object, as the viewset gives it). Anything
else — a miss, a token the cache does not vouch for, a permission refused, another method — goes through
DRF as before, which then reuses the versions read here and gives every error its usual answer.

So a hit is only ever a response DRF gave to the same URL, ``Accept`` header, language and date under the
same data version, and only to a user DRF's own authentication and permission classes let read it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.settings import api_settings

from deals.api import tokencache
from deals.api.authentication import TokenAuthentication
from deals.api.cache import response_key, response_of, stored_entry

READ_ACTIONS = frozenset({"list", "retrieve"})
DEFAULT_AUTHENTICATION = ("TokenAuthentication", "SessionAuthentication")


def fast_reads(view: Callable[..., HttpResponseBase], cls: Any, actions: dict[str, Any]) -> Callable[..., Any]:
    """``view`` (as ``cls.as_view(actions)`` made it) answering cache hits of its list or retrieve first."""
    action = actions.get("get")
    authentication = tuple(a.__name__ for a in cls.authentication_classes)
    if action not in READ_ACTIONS or authentication != DEFAULT_AUTHENTICATION:
        return view
    initkwargs = getattr(view, "initkwargs", {})
    permissions = _Permissions(cls, initkwargs, action)

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in ("GET", "HEAD"):
            hit = cached_answer(request, permissions, action)
            if hit is not None:
                return hit
        return view(request, *args, **kwargs)

    return answer


class _Permissions:
    """The viewset's permission classes, asked as DRF's ``check_permissions`` asks them."""

    def __init__(self, cls: Any, initkwargs: dict[str, Any], action: str) -> None:
        self.cls, self.initkwargs, self.action = cls, initkwargs, action
        self._view: Any = None

    def allow(self, user: Any, method: str) -> bool:
        if self._view is None:
            view = self.cls(**self.initkwargs)
            view.action, view.args, view.kwargs, view.request = self.action, (), {}, None
            self._view = view
        request = SimpleNamespace(method=method, user=user)
        return all(permission().has_permission(request, self._view) for permission in self.cls.permission_classes)


def request_user(request: HttpRequest, versions: tokencache.Versions) -> tuple[Any, tokencache.TokenEntry | None]:
    """The user DRF's authentication would find (None: let DRF decide) and the token entry it came from."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if header and header[0].lower() == str(TokenAuthentication().authenticate_header(request)).lower():
        if len(header) != 2:
            return None, None
        entry = tokencache.cached_token(header[1], versions)
        return (entry.user, entry) if entry is not None else (None, None)
    user = getattr(request, "user", None)  # the session's, as DRF's SessionAuthentication takes it for a read
    if user is not None and user.is_active:
        return user, None
    unauthenticated: Any = api_settings.UNAUTHENTICATED_USER
    return (unauthenticated() if unauthenticated else AnonymousUser()), None


def cached_answer(request: HttpRequest, permissions: _Permissions, action: str) -> HttpResponseBase | None:
    """The stored answer to this read, if there is one and the user may read it; else None."""
    versions = tokencache.request_versions(request)
    if versions is None:
        return None
    user, entry = request_user(request, versions)
    if user is None:
        return None
    method = str(request.method)
    if entry is not None:
        grant = (permissions, method, settings.PUBLIC_READ)  # the permission classes' inputs besides the user
        allowed = entry.grants.get(grant)
        if allowed is None:
            allowed = entry.grants[grant] = permissions.allow(user, method)
    else:
        allowed = permissions.allow(user, method)
    if not allowed:
        return None
    stored = stored_entry(response_key(request, versions.data))
    if stored is None:
        return None
    response = response_of(stored)
    if action == "retrieve":
        from deals.api.views import not_modified

        unchanged = not_modified(request, response)  # type: ignore[arg-type]
        if unchanged is not response:
            for name in ("Allow", "Vary"):  # as DRF's finalize_response gives a 304
                if name in response:
                    unchanged[name] = response[name]
            return unchanged
    return response
