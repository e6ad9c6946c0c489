"""Writes that carry a rule (HackSoft style: keyword-only, typed, atomic; Zulip's one action per change).

The admin, the API, the management commands, the demo loader and the later intake paths all call these, so a
rule has one home: a status change records its history row and fills the announced/closed date whoever makes
it; a participation and its conditions are written together; an organization gets a unique slug; a merge moves
everything onto the survivor in one audited transaction. A rule break is a Django ``ValidationError`` naming the
field (the API answers it as a 400, the admin as a form error, a command prints it) and nothing is written.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deals import claims, events
from deals.choices import RoundStatus
from deals.models import (
    Citation,
    Condition,
    FundingRound,
    Metric,
    Organization,
    Participation,
    Relationship,
    RoundStatusChange,
    Source,
)
from deals.models.audit import bulk_writes
from deals.pipeline.triggers import mark_first

M = TypeVar("M", bound=models.Model)

#: Which Citation column points at a record of each citable model.
CITATION_COLUMN: dict[type[models.Model], str] = {
    FundingRound: "round",
    Participation: "participation",
    Relationship: "relationship",
    Metric: "metric",
}


def _assign(instance: M, values: Mapping[str, Any]) -> M:
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _cite(instance: models.Model, sources: Iterable[Source]) -> None:
    """Make ``sources`` exactly the sources cited for ``instance``; kept citations keep their notes."""
    column = CITATION_COLUMN[type(instance)]
    sources = list(sources)
    Citation.objects.filter(**{column: instance}).exclude(source__in=sources).delete()
    for source in sources:
        lookup: dict[str, Any] = {column: instance, "source": source}
        Citation.objects.get_or_create(**lookup)


@transaction.atomic
def record_save(
    *,
    instance: M,
    values: Mapping[str, Any] | None = None,
    sources: Iterable[Source] | None = None,
    hand_edit_claims: bool = True,
) -> M:
    """Validate and save a record whose model needs no rule beyond its own ``clean()`` and constraints (a source,
    a metric, a relationship, an FX rate), with the sources it cites when given. ``hand_edit_claims=False``, here
    and in every record service: the caller writes the record's claims itself (an import of a document that holds
    them), so its changed fields do not become claims."""
    _assign(instance, values or {})
    instance.full_clean()
    instance.save()
    if sources is not None:
        _cite(instance, sources)
    if hand_edit_claims:
        claims.record_hand_edits(record=instance, sources=sources)
    return instance


@transaction.atomic
def citation_add(*, instance: models.Model, source: Source, note: str = "") -> bool:
    """Cite ``source`` for ``instance`` besides the sources it already cites (an import citing itself);
    True when the citation is new."""
    lookup: dict[str, Any] = {CITATION_COLUMN[type(instance)]: instance, "source": source}
    _, created = Citation.objects.get_or_create(**lookup, defaults={"note": note})
    return created


# --- Rounds ----------------------------------------------------------------------------------------------


@transaction.atomic
def round_save(
    *,
    round: FundingRound,
    sources: Iterable[Source] | None = None,
    user: Any = None,
    status_changed_on: datetime.date | None = None,
    status_source: Source | None = None,
    status_note: str = "",
    claim_source: Source | None = None,
    hand_edit_claims: bool = True,
) -> FundingRound:
    """Save ``round`` as it stands, new or changed. When its status moves, the move is recorded in its status
    history, dated ``status_changed_on`` (today if None), and a round that moves to announced or closed gets
    that date as its announced/closed date where it has none yet. A new round's status is recorded as a move
    from none; its dates are the ones it is given. Each changed field becomes a claim (deals.claims) from
    ``claim_source`` when given (an import, a report), else from the one cited source, else by hand."""
    mark_first(round)
    from_status = _stored_status(round, lock=True)
    before = events.round_before(round)
    moved = from_status != round.status
    changed_on = status_changed_on or timezone.localdate()
    if moved and from_status:
        _assign(round, _status_dates(round, changed_on))
    round.full_clean()
    round.save()
    if sources is not None:
        _cite(round, sources)
    if moved:
        RoundStatusChange.objects.create(
            round=round,
            changed_on=changed_on,
            from_status=from_status,
            to_status=round.status,
            source=status_source,
            note=status_note,
            recorded_by=_user(user),
        )
    events.round_saved(round=round, before=before, user=user, source=status_source)
    if hand_edit_claims:
        claims.record_hand_edits(record=round, sources=[claim_source] if claim_source else sources, user=user)
    return round


def round_validate(*, round: FundingRound, status_changed_on: datetime.date | None = None) -> None:
    """Raise the ValidationError :func:`round_save` would raise for ``round``, writing nothing (for a form that
    reports errors before it saves)."""
    probe = copy.copy(round)
    if _stored_status(round, lock=False) not in {"", round.status}:
        _assign(probe, _status_dates(probe, status_changed_on or timezone.localdate()))
    probe.full_clean()


def _stored_status(round: FundingRound, *, lock: bool) -> str:
    """The status ``round`` has in the database ("" for a new round), its row locked with ``lock`` (FOR NO KEY
    UPDATE: other saves wait, the worker's figures rows referring to the round do not — see
    ``deals.api.views``' ``get_object``)."""
    if round._state.adding or round.pk is None:
        return ""
    rows = FundingRound.objects.select_for_update(no_key=True) if lock else FundingRound.objects.all()
    return rows.values_list("status", flat=True).get(pk=round.pk)


def _status_dates(round: FundingRound, changed_on: datetime.date) -> dict[str, datetime.date]:
    """The dates a move to the round's status fills where it has none yet: closed_on for a closed round, and
    announced_on for an announced or closed one (a round that closed was announced by then at the latest)."""
    fills = {}
    closed_on = round.closed_on
    if round.status == RoundStatus.CLOSED and closed_on is None:
        fills["closed_on"] = closed_on = changed_on
    if round.status in {RoundStatus.ANNOUNCED, RoundStatus.CLOSED} and round.announced_on is None:
        fills["announced_on"] = min(changed_on, closed_on) if closed_on else changed_on
    if fills and round.reported_on is not None and changed_on < round.reported_on:
        raise ValidationError({"status_changed_on": _("The status cannot change before the round was first reported.")})
    return fills


def round_create(*, values: Mapping[str, Any], **options: Any) -> FundingRound:
    """A new round from column values; ``options`` as :func:`round_save` takes them."""
    return round_save(round=FundingRound(**values), **options)


def round_update(*, round: FundingRound, values: Mapping[str, Any], **options: Any) -> FundingRound:
    """``round`` with ``values`` changed; ``options`` as :func:`round_save` takes them."""
    return round_save(round=_assign(round, values), **options)


def round_change_status(
    *,
    round: FundingRound,
    to_status: str,
    changed_on: datetime.date | None = None,
    source: Source | None = None,
    note: str = "",
    user: Any = None,
    hand_edit_claims: bool = True,
) -> FundingRound:
    """Move ``round`` to ``to_status`` as reported on ``changed_on`` by ``source``: the new status (and a date
    the move fills in) is that source's claim."""
    return round_update(
        round=round,
        values={"status": to_status},
        user=user,
        status_changed_on=changed_on,
        status_source=source,
        status_note=note,
        claim_source=source,
        hand_edit_claims=hand_edit_claims,
    )


# --- Participations --------------------------------------------------------------------------------------


@transaction.atomic
def participation_save(
    *,
    participation: Participation,
    conditions: Sequence[Mapping[str, Any]] | None = None,
    sources: Iterable[Source] | None = None,
    claim_source: Source | None = None,
    user: Any = None,
    hand_edit_claims: bool = True,
) -> Participation:
    """Save ``participation`` as it stands; with ``conditions``, they replace its conditions (each validated),
    and with ``sources``, they are the sources it cites; ``user`` is who its events name. Changed fields become
    claims as in :func:`round_save`."""
    mark_first(participation)
    before, conditions_before = events.participation_before(participation), events.conditions_before(participation)
    adding = participation._state.adding
    participation.full_clean()
    participation.save()
    events.participation_saved(participation=participation, before=before, user=user)
    if conditions is not None:
        if not adding:  # a new participation has no conditions to replace
            participation.conditions.all().delete()
        for values in conditions:
            condition = Condition(participation=participation, **values)
            before_status = conditions_before.get((condition.kind, condition.description))
            condition_save(
                condition=condition,
                before=before_status,
                user=user,
                claim_source=claim_source,
                hand_edit_claims=hand_edit_claims,
            )
    if sources is not None:
        _cite(participation, sources)
    if hand_edit_claims:
        claims.record_hand_edits(record=participation, sources=[claim_source] if claim_source else sources, user=user)
    return participation


def participation_create(*, values: Mapping[str, Any], **options: Any) -> Participation:
    return participation_save(participation=Participation(**values), **options)


def participation_update(*, participation: Participation, values: Mapping[str, Any], **options: Any) -> Participation:
    return participation_save(participation=_assign(participation, values), **options)


@transaction.atomic
def condition_save(
    *,
    condition: Condition,
    before: str | None = None,
    user: Any = None,
    claim_source: Source | None = None,
    hand_edit_claims: bool = True,
) -> Condition:
    """Validate and save one condition of a participation; one that becomes met, failed or waived is an event
    (``before``: the status a replaced condition had) naming ``user``. Its status becomes a claim from
    ``claim_source`` when given (a report), else by hand."""
    before = before or events.condition_before(condition)
    condition.full_clean()
    condition.save()
    events.condition_saved(condition=condition, before=before, user=user)
    if hand_edit_claims:
        claims.record_hand_edits(record=condition, sources=[claim_source] if claim_source else None, user=user)
    return condition


# --- Organizations ---------------------------------------------------------------------------------------


def organization_slug(name: str, *, exclude_pk: int | None = None, taken: Collection[str] | None = None) -> str:
    """A slug of ``name`` that no other organization has: "openai", else "openai-2", "openai-3", …; with
    ``taken`` (every slug in use, as a set-based import holds them) no query is made."""
    field = Organization._meta.get_field("slug")
    base = (slugify(name) or "organization")[: field.max_length - 6]  # type: ignore[operator]
    if taken is None:
        others = Organization.objects.filter(Q(slug=base) | Q(slug__regex=rf"^{base}-[0-9]+$"))
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        taken = set(others.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    """Save ``organization``; without a slug it gets one derived from its name, made unique."""
    if not organization.slug:
        organization.slug = organization_slug(organization.name or "", exclude_pk=organization.pk)
    organization.full_clean()
    mark_first(organization)
    organization.save()
    return organization


def organization_create(*, values: Mapping[str, Any]) -> Organization:
    return organization_save(organization=Organization(**values))


def organization_update(*, organization: Organization, values: Mapping[str, Any]) -> Organization:
    return organization_save(organization=_assign(organization, values))


@transaction.atomic
def organization_merge(*, survivor: Organization, merged: Iterable[Organization], user: Any = None) -> Organization:
    """Fold ``merged`` (duplicates of ``survivor``) into ``survivor`` and delete them: their rounds,
    participations, relationships, metrics, subsidiaries and conditions' counterparties move to the survivor,
    their names become its aliases. Where both took part in one round, the merged participation's conditions
    and citations move onto the survivor's. One transaction, with the merge as the audit log's context."""
    others = [o for o in merged if o.pk != survivor.pk]
    ids = sorted([survivor.pk, *(o.pk for o in others)])
    locked = {o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(locked) != len(ids):
        raise ValidationError({"merged": _("An organization to merge no longer exists.")})
    survivor, others = locked[survivor.pk], [locked[o.pk] for o in others]
    if not others:
        return survivor
    with bulk_writes(action="organization_merge", survivor=survivor.pk, merged=[o.pk for o in others]):
        _check_mergeable(survivor, others)
        _merge_participations(survivor, others)
        FundingRound.objects.filter(target__in=others).update(target=survivor)
        Relationship.objects.filter(provider__in=others).update(provider=survivor)
        Relationship.objects.filter(client__in=others).update(client=survivor)
        Metric.objects.filter(organization__in=others).update(organization=survivor)
        Condition.objects.filter(counterparty__in=others).update(counterparty=survivor)
        Organization.objects.filter(parent__in=others).exclude(pk=survivor.pk).update(parent=survivor)
        names = [survivor.name.lower()]
        aliases = list(survivor.aliases)
        for other in others:
            for alias in (other.name, *other.aliases):
                if alias.lower() not in names and alias.lower() not in {a.lower() for a in aliases}:
                    aliases.append(alias)
        Organization.objects.filter(pk__in=[o.pk for o in others]).delete()
        if survivor.parent_id in {o.pk for o in others}:
            survivor.parent = None
        survivor.aliases = aliases
        survivor.full_clean()
        survivor.save()
    return survivor


def _check_mergeable(survivor: Organization, others: list[Organization]) -> None:
    """A merge must not make the survivor invest in its own round, or supply itself."""
    group = [survivor, *others]
    if Participation.objects.filter(investor__in=group, round__target__in=group).exists():
        raise ValidationError({"merged": _("After the merge the organization would invest in its own round.")})
    if Relationship.objects.filter(provider__in=group, client__in=group).exists():
        raise ValidationError({"merged": _("After the merge the organization would be its own provider.")})


def _merge_participations(survivor: Organization, others: list[Organization]) -> None:
    """Move the merged organizations' participations to the survivor; where the survivor (or an earlier one of
    them) already takes part in the round, fold the participation into that one."""
    kept = dict(Participation.objects.filter(investor=survivor).values_list("round_id", "pk"))
    for participation in Participation.objects.filter(investor__in=others).order_by("pk"):
        into = kept.get(participation.round_id)
        if into is None:
            Participation.objects.filter(pk=participation.pk).update(investor=survivor)
            kept[participation.round_id] = participation.pk
            continue
        cited = set(Citation.objects.filter(participation_id=into).values_list("source_id", flat=True))
        Citation.objects.filter(participation=participation).exclude(source_id__in=cited).update(participation_id=into)
        Condition.objects.filter(participation=participation).update(participation_id=into)
        participation.delete()
