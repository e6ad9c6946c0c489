"""Template filters of following: an event in words, in the page's language."""

from __future__ import annotations

from django import template

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
