"""Following pages: follow/unfollow, What's new, the following page (alerts, saved searches, feeds, webhooks),
and the Atom feeds (per user, organization and saved search; the URL carries the user's feed token).

Every change is a POST form with the CSRF token (the CSP allows no inline script); each calls a service of
deals/follow.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deals import events, follow
from deals.choices import AlertMode, EventKind
from deals.models import Event, FundingRound, Organization, SavedSearch, WebhookDelivery
from deals.roles import may_read, may_see_authors

FEED_LIMIT = 50
DELIVERIES_SHOWN = 20

View = Callable[..., HttpResponseBase]


def reader(view: View) -> View:
    """A logged-in user with a role that reads (following is personal: no public access)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_read(request.user):
            raise PermissionDenied(_("Your account has no role that may read the deals; ask an administrator."))
        return view(request, *args, **kwargs)

    return wrapper


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return HttpResponseRedirect(target or default)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@reader
@require_POST
def follow_toggle(request: HttpRequest) -> HttpResponse:
    """POST ``organization=<id>`` or ``round=<id>`` with ``action=follow|unfollow``."""
    organization = round_ = None
    if request.POST.get("organization"):
        organization = get_object_or_404(Organization, pk=_int(request.POST["organization"]))
    elif request.POST.get("round"):
        round_ = get_object_or_404(FundingRound, pk=_int(request.POST["round"]))
    else:
        raise Http404
    if request.POST.get("action") == "unfollow":
        follow.unfollow(user=request.user, organization=organization, round=round_)
        messages.success(request, _("You no longer follow this."))
    else:
        follow.follow(user=request.user, organization=organization, round=round_)
        messages.success(request, _("You follow this now: its changes appear on What's new."))
    default = (organization or round_).get_absolute_url()  # type: ignore[union-attr]
    return _back(request, default)


def _int(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


@reader
@require_GET
def whats_new(request: HttpRequest) -> HttpResponse:
    context = follow.whats_new(user=request.user, language=get_language())
    return render(request, "deals/follow/whats_new.html", context)


@reader
@require_GET
def following(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # noqa: S101 (the reader decorator let only a logged-in user through)
    row = follow.settings_of(user)
    follows = list(user.follows.select_related("organization", "round__target").order_by("-id"))
    searches = list(SavedSearch.objects.filter(user=user).order_by("name"))
    webhooks = list(user.webhooks.order_by("id"))
    deliveries = list(
        WebhookDelivery.objects.filter(webhook__user=user).select_related("webhook").order_by("-id")[:DELIVERIES_SHOWN]
    )
    base = request.build_absolute_uri("/")[:-1]
    context = {
        "settings_row": row,
        "follows": follows,
        "searches": searches,
        "webhooks": webhooks,
        "deliveries": deliveries,
        "alert_modes": AlertMode.choices,
        "kinds": EventKind.choices,
        "user_feed": base + reverse("deals:feed_user", args=[row.feed_token]),
        "feed_base": base,
    }
    return render(request, "deals/follow/following.html", context)


@reader
@require_POST
def following_settings(request: HttpRequest) -> HttpResponse:
    try:
        follow.settings_update(user=request.user, alert_mode=request.POST.get("alert_mode"), language=get_language())
        messages.success(request, _("Your alert settings are saved."))
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("deals:following"))


@reader
@require_POST
def feed_token_rotate(request: HttpRequest) -> HttpResponse:
    follow.feed_token_rotate(user=request.user)
    messages.success(request, _("Your feeds have new addresses; the old ones no longer work."))
    return HttpResponseRedirect(reverse("deals:following"))


@reader
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    try:
        search = follow.saved_search_save(
            user=request.user, name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
        messages.success(request, _("Saved the search “%(name)s”.") % {"name": search.name})
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("deals:following"))


@reader
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    follow.saved_search_delete(user=request.user, pk=pk)
    return HttpResponseRedirect(reverse("deals:following"))


@reader
@require_POST
def webhook_create(request: HttpRequest) -> HttpResponse:
    try:
        webhook = follow.webhook_save(
            user=request.user, url=request.POST.get("url", "").strip(), kinds=request.POST.getlist("kinds")
        )
        messages.success(
            request,
            _("Webhook added. Its signing secret (shown on this page): %(secret)s") % {"secret": webhook.secret},
        )
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("deals:following"))


@reader
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    follow.webhook_delete(user=request.user, pk=pk)
    return HttpResponseRedirect(reverse("deals:following"))


# --- Atom feeds -------------------------------------------------------------------------------------------


def _feed_user(token: str) -> Any:
    user = follow.user_of_feed_token(token)
    if user is None or not may_read(user):
        raise Http404(_("No feed has this address (its token may have been replaced)."))
    return user


def _atom(request: HttpRequest, *, feed_id: str, title: str, found: list[Event], reader: Any) -> HttpResponse:
    from feedgen.feed import FeedGenerator

    site = settings.DEALTRACKER_SITE_URL
    generator = FeedGenerator()
    generator.id(f"{site}{feed_id}")
    generator.title(title)
    generator.link(href=request.build_absolute_uri(), rel="self")
    generator.link(href=f"{site}/", rel="alternate")
    generator.language(get_language() or "en")
    generator.updated(found[0].occurred_at if found else _epoch())
    for event in reversed(found):  # feedgen puts the last added entry first
        entry = generator.add_entry()
        entry.id(f"{site}/events/{event.pk}")
        entry.title(events.title(event))
        authors = may_see_authors(reader)
        entry.content(events.line(event, authors=authors), type="text")
        entry.updated(event.occurred_at)
        entry.published(event.occurred_at)
        if event.round_id:
            entry.link(href=site + reverse("deals:round_detail", args=[event.round_id]))
        if authors and event.actor is not None:
            entry.author({"name": event.actor.get_username()})
    return HttpResponse(generator.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


def _epoch() -> Any:
    import datetime

    return datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@require_GET
def feed_user(request: HttpRequest, token: str) -> HttpResponse:
    """Everything the feed token's user follows."""
    user = _feed_user(token)
    found = follow.followed_events(user, limit=FEED_LIMIT)
    title = _("Dealtracker: what %(user)s follows") % {"user": user.get_username()}
    return _atom(request, feed_id="/feeds/user", title=title, found=found, reader=user)


@require_GET
def feed_organization(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    user = _feed_user(token)
    org = get_object_or_404(Organization, slug=slug)
    found = follow.listed(follow.events_of(organization=org), FEED_LIMIT)
    title = _("Dealtracker: %(name)s") % {"name": org.name}
    return _atom(request, feed_id=f"/feeds/organizations/{org.pk}", title=title, found=found, reader=user)


@require_GET
def feed_search(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = _feed_user(token)
    search = get_object_or_404(SavedSearch, pk=pk, user=user)
    found = follow.listed(follow.events_of(search=search), FEED_LIMIT)
    title = _("Dealtracker: %(name)s") % {"name": search.name}
    return _atom(request, feed_id=f"/feeds/searches/{search.pk}", title=title, found=found, reader=user)
