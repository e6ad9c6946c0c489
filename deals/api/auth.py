"""The API's token endpoints: log in for a token, list and revoke your own; the rules are in deals/tokens.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deals.api.views import StrictQueryMixin
from deals.tokens import token_create, token_revoke, user_tokens


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    """A token as listed: its first characters identify it; the token itself is only in the reply to POST."""

    key = serializers.CharField(source="token_key", read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True)


def new_token_data(instance: AuthToken, token: str) -> dict[str, Any]:
    data = dict(TokenSerializer(instance).data)
    return {"token": token, **data}


class TokenView(StrictQueryMixin, APIView):
    """POST {"username", "password"} → {"token", "key", "expiry"}; send it as "Authorization: Token <token>".

    Wrong passwords count towards the login lockout, as on the site's and the admin's login pages. GET lists
    your tokens; DELETE revokes the token the request is made with.
    """

    takes_format = False
    renderer_classes = [JSONRenderer]

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(auth=[], request=CredentialsSerializer, responses={200: NewTokenSerializer})
    def post(self, request: Request) -> Response:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # The Django request, so that a lockout is flagged where the lockout middleware looks for it.
        django_request = request._request  # noqa: SLF001 (DRF documents the wrapped HttpRequest under this name)
        user = authenticate(django_request, **credentials.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)  # the middleware writes the reply
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
        return Response(new_token_data(*token_create(user=user)))

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(TokenSerializer(user_tokens(user=request.user), many=True).data)

    @extend_schema(request=None, responses={204: None, 400: OpenApiResponse(description="Not a token request.")})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, AuthToken):
            raise exceptions.ValidationError({"non_field_errors": [_("This request was not made with a token.")]})
        token_revoke(user=request.user, token_key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(StrictQueryMixin, APIView):
    """DELETE /api/auth/tokens/<key>/ revokes one of your tokens, named by the key the list shows."""

    takes_format = False
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 404: OpenApiResponse(description="No such token of yours.")})
    def delete(self, request: Request, key: str) -> Response:
        if not token_revoke(user=request.user, token_key=key):
            raise exceptions.NotFound(_("You have no token with this key."))
        return Response(status=status.HTTP_204_NO_CONTENT)
