"""Template tags of following: lists of events in words, in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from deals import events
from deals.models import Event

register = template.Library()


#: The links' addresses with a placeholder id or slug, reversed once per page: a page of events links to 50
#: rounds under up to 50 organizations' headings.
_ROUND_ID = 2_147_483_647
_SLUG = "organization-slug-placeholder"


def _round_url() -> str:
    return reverse("deals:round_detail", args=[_ROUND_ID])


def _events_html(shown: list[Event], *, show_round: bool, authors: bool, round_url: str) -> str:
    if not shown:
        return format_html('<p class="empty">{}</p>', _("No changes recorded."))
    items = []
    for event in shown:
        link = ""
        if show_round and event.round_id:
            url = round_url.replace(str(_ROUND_ID), str(event.round_id))
            link = format_html('<a href="{}">{}</a>: ', url, events.round_name(event))
        items.append(
            format_html('<li class="event event-{}">{}{}</li>', event.kind, link, events.line(event, authors=authors))
        )
    return format_html('<ol class="plain events">{}</ol>', mark_safe("".join(items)))  # noqa: S308 (each item escaped above)


@register.simple_tag(takes_context=True)
def event_list(context: template.Context, shown: list[Event], show_round: bool = False) -> str:
    """A list of events, each "OpenAI · Series F: Amount: … · admin · 2 Dec 2026" (who made it only where
    the reader may see authors), or the empty state. Built here rather than by a template loop, as
    :func:`event_groups` says."""
    authors = bool(context.get("show_authors"))
    return _events_html(shown, show_round=show_round, authors=authors, round_url=_round_url())


@register.simple_tag(takes_context=True)
def event_groups(context: template.Context, groups: list[dict[str, Any]]) -> str:
    """What's new's groups (``deals.follow.whats_new``): a card per organization, its name linking to its page
    (or "Other"), and its events with their rounds. Built here rather than by template loops: What's new
    shows up to 50 events in up to 50 groups, and the loops' per-node work was half of the page's time."""
    authors = bool(context.get("show_authors"))
    org_url = reverse("deals:organization_detail", args=[_SLUG])
    round_url = _round_url()
    cards = []
    for number, group in enumerate(groups, start=1):
        org = group["organization"]
        heading = format_html('<a href="{}">{}</a>', org_url.replace(_SLUG, org.slug), org.name) if org else _("Other")
        cards.append(
            format_html(
                '<section class="card" aria-labelledby="group-{0}"><h2 id="group-{0}">{1}</h2>{2}</section>',
                number,
                heading,
                _events_html(group["events"], show_round=True, authors=authors, round_url=round_url),
            )
        )
    return mark_safe("\n".join(cards))  # noqa: S308 (each card escaped above)
