"""Template filters of following: an event in words, in the page's language."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from deals import events
from deals.models import Event

register = template.Library()


@register.filter
def event_sentence(event: Event) -> str:
    """ "Amount: up to €50bn → up to €60bn"."""
    return events.sentence(event)


@register.filter
def event_title(event: Event) -> str:
    """The sentence with the round it is about."""
    return events.title(event)


@register.filter
def event_round(event: Event) -> str:
    """The round the event is about, as it was named then: "OpenAI · Series F"."""
    return events.round_name(event)


@register.filter
def event_line(event: Event, authors: bool = False) -> str:
    """The sentence, who and when: "Amount: up to €50bn → up to €60bn · admin · Dec. 2, 2026"."""
    return events.line(event, authors=bool(authors))


#: The round link's address with a placeholder id, reversed once: a page of events links to 50 rounds.
_ROUND_ID = 2_147_483_647


@register.simple_tag(takes_context=True)
def event_list(context: template.Context, shown: list[Event], show_round: bool = False) -> str:
    """A list of events, each "OpenAI · Series F: Amount: … · admin · 2 Dec 2026" (who made it only where
    the reader may see authors), or the empty state. Built here rather than by a template loop: What's new
    shows up to 50 events in up to 50 groups, and the loop's per-node work was half of that page's time."""
    if not shown:
        return format_html('<p class="empty">{}</p>', _("No changes recorded."))
    authors = bool(context.get("show_authors"))
    round_url = reverse("deals:round_detail", args=[_ROUND_ID])
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
