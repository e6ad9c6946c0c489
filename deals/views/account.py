"""The user's account pages: their API tokens; and the reply to a login refused by the lockout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deals.tokens import token_create, token_revoke, user_tokens


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens; POST ``create`` issues one (shown once), POST ``revoke=<key>`` revokes one."""
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            if token_revoke(user=request.user, token_key=request.POST["revoke"]):
                messages.success(request, _("The token was revoked; requests made with it are refused from now."))
            return HttpResponseRedirect(reverse("account_tokens"))
        try:
            _instance, new_token = token_create(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = {
        "tokens": list(user_tokens(user=request.user)),
        "new_token": new_token,
        "ttl_days": settings.DEALTRACKER_TOKEN_TTL.days,
    }
    return render(request, "registration/tokens.html", context)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a login locked out by too many wrong passwords gets, on every login path: a 429 saying when to retry."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed login attempts for this account from your address. Try again in %(minutes)s minutes, "
        "or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
