"""Events that mean something, recorded once where the change is made, and rendered in the reader's language.

The services of deals/services.py call the ``*_saved`` hooks below (one line each), the recompute calls
:func:`recompute_changes` where flags change, and any later service (claims) calls :func:`record_event` with
its kind. Each event is stored with the organizations involved, the round, the source, when and who; pages,
feeds, e-mails and webhooks read it as stored and put it in words with :func:`sentence` / :func:`line`.

After the transaction commits, one task fans the event out to followers (e-mail, webhooks): the writer only
enqueues it, whatever the number of subscribers.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from deals import formatting
from deals.choices import ConditionStatus, EventKind, ParticipationStatus, RoundStatus
from deals.engine.estimates import Estimate
from deals.models import (
    Condition,
    Event,
    FundingRound,
    Organization,
    Participation,
    Source,
)

#: The round's money columns whose revision is an event, with the kind it is.
REVISED = {"amount": EventKind.AMOUNT_REVISED, "post_money_valuation": EventKind.VALUATION_REVISED}
#: A condition's status that is news, with its kind.
CONDITION_KINDS = {
    ConditionStatus.MET: EventKind.CONDITION_MET,
    ConditionStatus.FAILED: EventKind.CONDITION_FAILED,
    ConditionStatus.WAIVED: EventKind.CONDITION_WAIVED,
}


def _actor(user: Any) -> int | None:
    return int(user.pk) if getattr(user, "is_authenticated", False) else None


def record_event(
    *,
    kind: str,
    round: FundingRound | None = None,
    organizations: Iterable[Organization | int | None] = (),
    source: Source | None = None,
    user: Any = None,
    occurred_at: datetime.datetime | None = None,
    params: Mapping[str, Any] | None = None,
) -> Event:
    """Store one event and, once the transaction commits, hand it to the fan-out (alerts, webhooks).

    ``organizations`` are those involved besides the round's target (which is always included, first)."""
    ids = {o if isinstance(o, int) else o.pk for o in organizations if o is not None}
    first = [round.target_id] if round is not None else []
    event = Event.objects.create(
        kind=kind,
        round=round,
        organization_ids=first + sorted(ids - set(first)),
        source=source,
        actor_id=_actor(user),
        occurred_at=occurred_at or timezone.now(),
        params=dict(params or {}),
    )
    transaction.on_commit(functools.partial(_fan_out, event.pk, _asked_for_commit()))
    return event


def followed() -> bool:
    """Whether anybody follows anything (a follow, a saved search, a webhook): else no event is fanned out."""
    from deals.models import Follow, SavedSearch, Webhook

    return Follow.objects.exists() or SavedSearch.objects.exists() or Webhook.objects.exists()


class _Followed:
    """:func:`followed`, asked once for the events of one commit: the first event handed over asks, the others
    take its answer (an import of 2,000 rounds hands over some 7,800 events, each of which asked three queries)."""

    __slots__ = ("answer",)

    def __init__(self) -> None:
        self.answer: bool | None = None

    def __call__(self) -> bool:
        if self.answer is None:
            self.answer = followed()
        return self.answer


def _asked_for_commit() -> _Followed:
    """The question shared by the events of the transaction now open. One that has been answered belongs to a
    commit already made, so a new one is begun; one never answered (its transaction rolled back) serves the next."""
    connection = transaction.get_connection()
    asked = getattr(connection, "dealtracker_followed", None)
    if asked is None or asked.answer is not None:
        asked = _Followed()
        connection.dealtracker_followed = asked
    return asked


def _fan_out(event_id: int, asked: _Followed) -> None:
    from deals.follow_tasks import fan_out_event

    if not asked():
        return  # nobody follows anything (a first load of data): no task to queue ahead of the others
    fan_out_event.delay(event_id)


def fan_out_many(event_ids: Iterable[int]) -> None:
    """Events an import wrote in one statement, to the fan-out, as :func:`record_event` hands one over (called
    after the commit)."""
    from deals.follow_tasks import fan_out_event

    if followed():
        for event_id in event_ids:
            fan_out_event.delay(event_id)


# --- Hooks the services call -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundBefore:
    status: str
    estimates: dict[str, dict[str, Any] | None]


def _estimate(value: Estimate | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None


def round_before(round: FundingRound) -> RoundBefore | None:
    """What a round's event hooks compare against: its stored row (None for a new round)."""
    if round._state.adding or round.pk is None:
        return None
    stored = FundingRound.objects.get(pk=round.pk)
    return RoundBefore(stored.status, {name: _estimate(getattr(stored, name)) for name in REVISED})


def round_saved(*, round: FundingRound, before: RoundBefore | None, user: Any = None, source: Any = None) -> None:
    """Record what a saved round's change means: a new round, a status move, a revised amount or valuation."""
    names = {"target": round.target.name, "round_type": round.round_type}
    if before is None:
        record_event(
            kind=EventKind.ROUND_CREATED,
            round=round,
            user=user,
            source=source,
            params={**names, "status": round.status, "amount": _estimate(round.amount)},
        )
        return
    if before.status != round.status:
        record_event(
            kind=EventKind.STATUS_CHANGED,
            round=round,
            user=user,
            source=source,
            params={**names, "old": before.status, "new": round.status},
        )
    for name, kind in REVISED.items():
        old, new = before.estimates[name], _estimate(getattr(round, name))
        if old != new:
            record_event(kind=kind, round=round, user=user, params={**names, "old": old, "new": new})


def participation_before(participation: Participation) -> str | None:
    """The participation's stored status (None for a new one)."""
    if participation._state.adding or participation.pk is None:
        return None
    return Participation.objects.values_list("status", flat=True).get(pk=participation.pk)


def participation_saved(*, participation: Participation, before: str | None, user: Any = None) -> None:
    """A new participant, or one that withdrew."""
    withdrawn = participation.status == ParticipationStatus.WITHDRAWN
    if before is None and not withdrawn:
        kind = EventKind.PARTICIPANT_ADDED
    elif withdrawn and before not in {None, ParticipationStatus.WITHDRAWN}:
        kind = EventKind.PARTICIPANT_WITHDRAWN
    else:
        return
    round_ = participation.round
    record_event(
        kind=kind,
        round=round_,
        organizations=[participation.investor_id],
        user=user,
        params={
            "target": round_.target.name,
            "round_type": round_.round_type,
            "investor": participation.investor.name,
            "amount": _estimate(participation.amount),
        },
    )


def conditions_before(participation: Participation) -> dict[tuple[str, str], str]:
    """The statuses of a participation's stored conditions, by kind and description (a replacement of the
    conditions keeps what a condition was)."""
    if participation.pk is None:
        return {}
    return {(c.kind, c.description): c.status for c in participation.conditions.all()}


def condition_before(condition: Condition) -> str | None:
    if condition._state.adding or condition.pk is None:
        return None
    return Condition.objects.values_list("status", flat=True).filter(pk=condition.pk).first()


def condition_saved(*, condition: Condition, before: str | None, user: Any = None) -> None:
    """A condition that is now met, failed or waived (and was not before)."""
    kind = CONDITION_KINDS.get(ConditionStatus(condition.status)) if condition.status else None
    if kind is None or before == condition.status:
        return
    participation = condition.participation
    round_ = participation.round
    record_event(
        kind=kind,
        round=round_,
        organizations=[participation.investor_id, condition.counterparty_id],
        user=user,
        params={
            "target": round_.target.name,
            "round_type": round_.round_type,
            "investor": participation.investor.name,
            "condition": condition.description,
        },
    )


def recompute_changes(
    *, target_ids: Sequence[int], cycles: Iterable[tuple[int, int, Sequence[int]]], flagged: Sequence[int]
) -> None:
    """Called by the circular-flow recompute before it replaces its rows, with the cycles it found as
    (round, investor, path) and the participations it flags: a money cycle that was not there before, and a
    participation newly flagged as related-party, become events."""
    from deals.models import Cycle, ParticipationFigures

    stored = Cycle.objects.filter(target_id__in=target_ids).values_list("round_id", "investor_id", "path")
    known = {(round_id, investor_id, tuple(path)) for round_id, investor_id, path in stored}
    seen: set[tuple[int, int, tuple[int, ...]]] = set()
    new_cycles = []
    for round_id, investor_id, path in cycles:
        key = (round_id, investor_id, tuple(path))
        if key not in known and key not in seen and round_id is not None:
            seen.add(key)
            new_cycles.append(key)
    flagged_before = set(
        ParticipationFigures.objects.filter(participation_id__in=list(flagged), related_party=True).values_list(
            "participation_id", flat=True
        )
    )
    newly_flagged = [pk for pk in flagged if pk not in flagged_before]
    if not new_cycles and not newly_flagged:
        return
    round_ids = {key[0] for key in new_cycles}
    participations = Participation.objects.filter(pk__in=newly_flagged).select_related("round__target", "investor")
    round_ids |= {p.round_id for p in participations}
    rounds = FundingRound.objects.select_related("target").in_bulk(round_ids)
    org_ids = {o for key in new_cycles for o in key[2]}
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("id", "name"))
    for round_id, investor_id, path in new_cycles:
        round_ = rounds[round_id]
        record_event(
            kind=EventKind.CYCLE_FOUND,
            round=round_,
            organizations=[investor_id, *path],
            params={
                "target": round_.target.name,
                "round_type": round_.round_type,
                "path": [names.get(o, "?") for o in path],
            },
        )
    for p in participations:
        record_event(
            kind=EventKind.RELATED_PARTY,
            round=p.round,
            organizations=[p.investor_id],
            params={"target": p.round.target.name, "round_type": p.round.round_type, "investor": p.investor.name},
        )


# --- In words --------------------------------------------------------------------------------------------


def _language() -> str:
    return translation.get_language() or "en"


def _money(data: Any) -> str:
    if data is None:
        return "—"
    return formatting.describe(Estimate.from_dict(data), language=_language())


def _status(code: Any) -> str:
    try:
        return str(RoundStatus(code).label)
    except ValueError:
        return str(code or "—")


def _round_name(params: Mapping[str, Any]) -> str:
    from deals.choices import RoundType

    try:
        kind = str(RoundType(str(params.get("round_type"))).label)
    except ValueError:
        kind = str(params.get("round_type") or "")
    return f"{params.get('target', '?')} · {kind}"


def _condition(p: Mapping[str, Any]) -> dict[str, Any]:
    return {"condition": p.get("condition", ""), "investor": p.get("investor", "?")}


#: Each kind's sentence from its parameters, in the active language.
PHRASES: dict[str, Any] = {
    EventKind.ROUND_CREATED: lambda p: (
        _("New round: %(round)s, %(amount)s (%(status)s)")
        % {"round": _round_name(p), "amount": _money(p.get("amount")), "status": _status(p.get("status"))}
    ),
    EventKind.STATUS_CHANGED: lambda p: (
        _("Status: %(old)s → %(new)s") % {"old": _status(p.get("old")), "new": _status(p.get("new"))}
    ),
    EventKind.AMOUNT_REVISED: lambda p: (
        _("Amount: %(old)s → %(new)s") % {"old": _money(p.get("old")), "new": _money(p.get("new"))}
    ),
    EventKind.VALUATION_REVISED: lambda p: (
        _("Valuation: %(old)s → %(new)s") % {"old": _money(p.get("old")), "new": _money(p.get("new"))}
    ),
    EventKind.PARTICIPANT_ADDED: lambda p: (
        _("New participant: %(investor)s, %(amount)s")
        % {"investor": p.get("investor", "?"), "amount": _money(p.get("amount"))}
    ),
    EventKind.PARTICIPANT_WITHDRAWN: lambda p: (
        _("Participant withdrawn: %(investor)s") % {"investor": p.get("investor", "?")}
    ),
    EventKind.CONDITION_MET: lambda p: _("Condition met: %(condition)s (%(investor)s)") % _condition(p),
    EventKind.CONDITION_FAILED: lambda p: _("Condition failed: %(condition)s (%(investor)s)") % _condition(p),
    EventKind.CONDITION_WAIVED: lambda p: _("Condition waived: %(condition)s (%(investor)s)") % _condition(p),
    EventKind.CYCLE_FOUND: lambda p: _("New money cycle: %(path)s") % {"path": " → ".join(p.get("path") or [])},
    EventKind.RELATED_PARTY: lambda p: _("Related-party flag: %(investor)s") % {"investor": p.get("investor", "?")},
    EventKind.CLAIM_CREATED: lambda p: _("New claim on %(field)s: %(value)s (%(source)s)") % _claim(p),
    EventKind.CLAIM_DISPUTED: lambda p: _("Sources disagree on %(field)s: %(value)s (%(source)s)") % _claim(p),
    EventKind.CLAIM_ACCEPTED: lambda p: _("Accepted for %(field)s: %(value)s (%(source)s)") % _claim(p),
}


def _claim(params: Mapping[str, Any]) -> dict[str, str]:
    """A claim event's field, stated value and source, in words."""
    from deals.choices import ClaimField

    field = str(params.get("field") or "")
    labels = dict(ClaimField.choices)
    value = _money(params["estimate"]) if params.get("estimate") else str(params.get("stated") or "—")
    return {
        "field": str(labels.get(field, field)),
        "value": value,
        "source": str(params.get("source") or _("entered by hand")),
    }


def sentence(event: Event) -> str:
    """What the event says, in the active language: "Amount: up to €50bn → up to €60bn". A kind without a
    phrase here shows its kind's name and its ``text`` parameter."""
    phrase = PHRASES.get(event.kind)
    if phrase is not None:
        return str(phrase(event.params))
    text = event.params.get("text")
    return f"{event.get_kind_display()}: {text}" if text else str(event.get_kind_display())


def title(event: Event) -> str:
    """The sentence with the round it is about: "OpenAI · Series F — Amount: …"."""
    if event.kind == EventKind.ROUND_CREATED or "target" not in event.params:
        return sentence(event)
    return f"{_round_name(event.params)} — {sentence(event)}"


def round_name(event: Event) -> str:
    return _round_name(event.params) if "target" in event.params else ""


def who(event: Event) -> str:
    """Who made the change ("" when no user did: the recompute, or a write that names none)."""
    actor = event.actor
    return actor.get_username() if actor is not None else ""


@functools.lru_cache(maxsize=4096)
def _day(day: datetime.date, language: str) -> str:
    """A day in the words of ``language`` (the active one: ``language`` keys the cache): a list of events is
    mostly of a few days, and formatting one was a fifth of rendering What's new."""
    return formats.date_format(day, "DATE_FORMAT")


def line(event: Event, *, authors: bool = True) -> str:
    """The sentence, who and when: "Amount: up to €50bn → up to €60bn · admin · 2 Dec 2026" (``actor`` loaded
    with the event); who made it only with ``authors`` (names are not public: deals.roles.may_see_authors)."""
    when = _day(timezone.localtime(event.occurred_at).date(), _language())
    return " · ".join(part for part in (sentence(event), who(event) if authors else "", when) if part)
