"""API tokens: issued for a username and password, hashed at rest, expiring, revocable by their owner.

django-rest-knox keeps them: a SHA-512 digest and the first characters of each token, never the token. These
services are what the API, the account page and the password-change hook all call.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken


def user_tokens(*, user: Any) -> QuerySet[AuthToken]:
    """The user's tokens that have not expired, newest first."""
    now = timezone.now()
    return AuthToken.objects.filter(user=user, expiry__gt=now).order_by("-created", "token_key")


@transaction.atomic
def token_create(*, user: Any) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored row and the token itself, which is shown once and never again.

    A user holds at most ``DEALTRACKER_TOKENS_PER_USER`` live tokens, so a script that logs in on every run
    cannot grow the table without bound; expired ones are dropped here.
    """
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    if AuthToken.objects.filter(user=user).count() >= settings.DEALTRACKER_TOKENS_PER_USER:
        raise ValidationError(
            _("You hold %(limit)s API tokens already; revoke one you no longer use first."),
            params={"limit": settings.DEALTRACKER_TOKENS_PER_USER},
        )
    return AuthToken.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: Any, token_key: str) -> bool:
    """Revoke the token of ``user`` whose first characters are ``token_key``; False if there is none."""
    deleted, _rows = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0


@transaction.atomic
def tokens_revoke_all(*, user: Any) -> int:
    """Revoke every token of ``user`` (a password change does it); the number revoked."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return deleted


def revoke_tokens_on_password_change(sender: Any, instance: AbstractBaseUser, **kwargs: Any) -> None:
    """A ``pre_save`` hook: a new password makes every token of the user worthless, however it was set
    (the admin, ``changepassword``, the password-change page)."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or kwargs.get("raw") or (update_fields is not None and "password" not in update_fields):
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        tokens_revoke_all(user=instance)
