"""How API requests authenticate: "Authorization: Token <token>", checked against knox's hashed tokens.

A read that has read the data and auth versions (every GET of a resource does, deals/api/fastpath.py) takes
the token's user from the token lookup cache (deals/api/tokencache.py), valid for that auth version only.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.request import Request

from deals.api import tokencache


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, with a header that is no token at all a 401 rather than a decoding error (500)."""

    versions: tokencache.Versions | None = None

    def authenticate(self, request: Request) -> tuple[Any, AuthToken] | None:
        # Only versions the request has read already: reading them here would cost what the lookup does.
        self.versions = getattr(request, tokencache.REQUEST_ATTRIBUTE, None)  # Request passes it on
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        if self.versions is not None:
            try:
                entry = tokencache.cached_token(token.decode("ascii"), self.versions)
            except UnicodeDecodeError:
                entry = None
            if entry is not None:
                return entry.credentials()
        return self.check_token(token)

    def check_token(self, token: bytes) -> tuple[Any, AuthToken]:
        """knox's check against the database: the token's row, its expiry and its user."""
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Whether the token presented has expired (and is dropped). knox also reads every other token of the
        user on each request to drop expired ones; that query is saved here, as ``token_create`` drops them."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of the token header, under the name it had before tokens were hashed."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 (a header prefix)
