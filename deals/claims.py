"""Claims: record what a source said about a field, and the one rule that picks the value a record shows.

Every path that learns a figure or fact (the admin, the API, the demo loader, and later the news drafts, the
imports and the event feed) calls :func:`claim_record`; an editor's choice between claims is
:func:`claim_accept`. Both end in :func:`claim_apply`, which picks the accepted claim of the field by
:func:`accepted_claim` and, when the record's column differs, writes it through the record's own service
(``round_update``, ``participation_update``, …), so the status history, the dirty marking and the recompute
happen exactly as for an edit by hand. A hand edit through those services is recorded as a claim too
(:func:`record_hand_edits`), so the column and its accepted claim never part.

The rule (:func:`accepted_claim`), in order: the editor's explicit choice; else the most reliable source
(official > confirmed > report > rumor > entered by hand); else the most recent statement.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.choices import EventKind, Reliability
from deals.engine.estimates import Estimate
from deals.models import Claim, Condition, FundingRound, Metric, Participation, Relationship, Source
from deals.models.claims import CLAIM_FIELDS, CLAIM_TARGETS, is_money

#: Claim column naming a record of each model.
TARGET_OF: dict[type[models.Model], str] = {
    FundingRound: "round",
    Participation: "participation",
    Condition: "condition",
    Metric: "metric",
    Relationship: "relationship",
}
MODEL_OF: dict[str, Any] = {target: model for model, target in TARGET_OF.items()}

#: Rank of a claim's source for the rule: lower is more reliable; a claim entered by hand ranks last.
RELIABILITY_RANK = {value: rank for rank, value in enumerate(Reliability.values)}
HAND_RANK = len(RELIABILITY_RANK)
DATE_FIELDS = frozenset({"reported_on", "announced_on", "closed_on"})
#: Fields that move over time (a round goes from in talks to announced): two claims stated on different days
#: are a history, not a dispute.
MOVING_FIELDS = frozenset({"status"})

Value = Estimate | str | bool | datetime.date | None


# --- Values: a record's column and a claim's statement --------------------------------------------------


def stated_text(field: str, value: Value) -> str:
    """How a non-money value is stored in :attr:`Claim.stated_value`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def claim_value(claim: Claim) -> Value:
    """The value a claim states, as the record's column holds it (an Estimate, a date, a bool, a text)."""
    if is_money(claim.target, claim.field):
        return claim.estimate
    text = claim.stated_value
    if claim.field in DATE_FIELDS:
        return datetime.date.fromisoformat(text)
    if claim.field == "is_lead":
        return text == "true"
    return text


def record_value(record: models.Model, field: str) -> Value:
    """The value ``record`` holds in the claimed ``field``."""
    return getattr(record, field)


def same_value(a: Value, b: Value) -> bool:
    if isinstance(a, Estimate) and isinstance(b, Estimate):
        return a.to_dict() == b.to_dict()
    return a == b


# --- The rule ----------------------------------------------------------------------------------------------


def reliability_rank(claim: Claim) -> int:
    source = claim.source
    return HAND_RANK if source is None else RELIABILITY_RANK.get(source.reliability, HAND_RANK)


def stated_date(claim: Claim) -> datetime.date:
    """When the claim was stated: its own date, else the source's publication, else when it was recorded."""
    if claim.stated_on is not None:
        return claim.stated_on
    if claim.source is not None:
        return claim.source.published_on
    return timezone.localdate(claim.created_at) if claim.created_at else datetime.date.min


def accepted_claim(claims: Iterable[Claim]) -> Claim | None:
    """The claim a field shows, of the claims on that one field of one record (the rule of this module)."""
    claims = list(claims)
    chosen = [c for c in claims if c.accepted]
    if chosen:
        return chosen[0]
    if not claims:
        return None
    # Most reliable first; among equals, the most recent statement, then the one recorded last.
    return min(claims, key=lambda c: (reliability_rank(c), -stated_date(c).toordinal(), -(c.pk or 0)))


def _interval(estimate: Estimate | None) -> tuple[Decimal, Decimal | None] | None:
    if estimate is None or not estimate.is_known:
        return None
    return estimate.bounds


def overlaps(a: Estimate | None, b: Estimate | None) -> bool:
    """Whether two figures can both be true: same currency and intersecting intervals. An undisclosed figure,
    or one in another currency, contradicts nothing."""
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None or a is None or b is None or a.currency != b.currency:
        return True
    (alo, ahi), (blo, bhi) = ia, ib
    return (ahi is None or blo <= ahi) and (bhi is None or alo <= bhi)


def standing(claims: Iterable[Claim]) -> list[Claim]:
    """The claims on one field that still stand: of each source's statements (and of those entered by hand)
    the one recorded last. A source that corrects itself, or an editor who retypes a figure, does not dispute
    what it said before."""
    latest: dict[int | None, Claim] = {}
    for claim in claims:
        known = latest.get(claim.source_id)
        if known is None or (claim.pk or 0) > (known.pk or 0):
            latest[claim.source_id] = claim
    return sorted(latest.values(), key=lambda c: c.pk or 0)


def disputed(claims: Sequence[Claim]) -> bool:
    """Whether claims on one field disagree: of the claims that stand (:func:`standing`), two figures whose
    intervals do not overlap, or two different stated values (for a status, two different values stated on the
    same day)."""
    return any(_contradict(a, b) for a, b in itertools.combinations(standing(claims), 2))


def _contradict(a: Claim, b: Claim) -> bool:
    """Whether two standing claims on one field cannot both be true (the rule :func:`disputed` applies)."""
    if is_money(a.target, a.field):
        return not overlaps(a.estimate, b.estimate)
    return a.stated_value != b.stated_value and (a.field not in MOVING_FIELDS or stated_date(a) == stated_date(b))


def contradicted(claims: Sequence[Claim]) -> list[Claim]:
    """The standing claims on one field that another standing claim contradicts, as :func:`with_disputed` flags
    them in SQL: each one a dispute rests on."""
    kept = standing(claims)
    return [a for a in kept if any(_contradict(a, b) for b in kept if b is not a)]


# --- Reading claims in bulk (no N+1) -----------------------------------------------------------------------


def claims_of(target: str, ids: Iterable[int]) -> dict[int, dict[str, list[Claim]]]:
    """The claims of the records ``ids`` of kind ``target``: record id → field → claims, in one query."""
    grouped: dict[int, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    rows = Claim.objects.filter(**{f"{target}_id__in": list(ids)}).select_related("source").order_by("id")
    for claim in rows:
        grouped[getattr(claim, f"{target}_id")][claim.field].append(claim)
    return grouped


@dataclass(frozen=True)
class FieldClaims:
    """What one field of one record rests on: its claims, the accepted one, and whether they disagree."""

    claims: list[Claim]
    accepted: Claim | None
    disputed: bool


def field_claims(by_field: Mapping[str, list[Claim]]) -> dict[str, FieldClaims]:
    return {
        field: FieldClaims(claims=claims, accepted=accepted_claim(claims), disputed=disputed(claims))
        for field, claims in by_field.items()
    }


def consistent_triples(by_field: Mapping[str, list[Claim]]) -> list[tuple[Claim, Claim, Claim]]:
    """The (pre-money, amount, post-money) claims of a round that agree: pre + amount overlaps post, by the
    engine's interval arithmetic. Claims in different currencies are not compared."""
    agree = []
    for pre, amount, post in itertools.product(
        by_field.get("pre_money_valuation", []), by_field.get("amount", []), by_field.get("post_money_valuation", [])
    ):
        e_pre, e_amount, e_post = pre.estimate, amount.estimate, post.estimate
        if None in (e_pre, e_amount, e_post) or not all(e.is_known for e in (e_pre, e_amount, e_post)):
            continue
        if len({e_pre.currency, e_amount.currency, e_post.currency}) != 1:
            continue
        if overlaps(e_pre + e_amount, e_post):
            agree.append((pre, amount, post))
    return agree


def implied_stake(amount: Estimate | None, post_money: Estimate | None) -> Estimate | None:
    """The stake ``amount`` buys at ``post_money`` (amount ÷ post), by the engine's interval arithmetic."""
    if amount is None or post_money is None or not amount.is_known or not post_money.is_known:
        return None
    if amount.currency != post_money.currency or post_money.bounds[0] == 0:
        return None
    return amount / post_money


# --- Writes ------------------------------------------------------------------------------------------------


def _target_of(record: models.Model) -> str:
    try:
        return TARGET_OF[type(record)]
    except KeyError:
        raise ValidationError({"record": _("This kind of record has no claims.")}) from None


def _field_claims(target: str, record: models.Model, field: str, *, lock: bool = False) -> list[Claim]:
    rows = Claim.objects.filter(**{target: record, "field": field}).select_related("source").order_by("id")
    return list(rows.select_for_update(of=("self",)) if lock else rows)


@transaction.atomic
def claim_record(
    *,
    record: models.Model,
    field: str,
    value: Value,
    source: Source | None = None,
    stated_on: datetime.date | None = None,
    quote: str = "",
    span: tuple[int, int] | None = None,
    note: str = "",
    user: Any = None,
    apply: bool = True,
) -> Claim:
    """Record that ``source`` (None: entered by hand) stated ``value`` for ``field`` of ``record`` (a round,
    participation, condition, metric or relationship), on ``stated_on``, in ``quote`` at character ``span``.

    ``value`` is an :class:`~deals.engine.estimates.Estimate` for a money field (amount, valuations, a metric's
    value, a relationship's annual value), else the column's value (a status, a date, a round type, a bool).
    With ``apply`` (the default) the record's column then follows the rule (:func:`claim_apply`). Raises
    ``ValidationError`` naming the field when the claim breaks a rule; nothing is written then."""
    target = _target_of(record)
    claim = Claim(
        **{target: record},
        field=field,
        source=source,
        stated_on=stated_on,
        quote=quote,
        span_start=span[0] if span else None,
        span_end=span[1] if span else None,
        note=note,
        recorded_by=_user(user),
    )
    if field in CLAIM_FIELDS[target] and is_money(target, field):
        if value is not None and not isinstance(value, Estimate):
            raise ValidationError({"estimate": _("Give the stated figure as an estimate.")})
        claim.estimate = value
    else:
        claim.stated_value = stated_text(field, value)
    return claim_save(claim=claim, user=user, apply=apply)


@transaction.atomic
def claim_save(*, claim: Claim, user: Any = None, apply: bool = True) -> Claim:
    """Validate and save ``claim`` as it stands (new, or a correction of its quote, note or value); with
    ``apply``, its record's field then follows the rule. The admin's claim forms call this.

    A new claim recorded as a claim (``apply``) is an event of the feed (deals.events): "new claim", and
    "disputed" when it makes the field's claims disagree where they did not. A hand edit's claim is told by
    the record's own event ("Amount: … → …") instead."""
    adding = claim._state.adding
    if adding and claim.recorded_by_id is None:
        claim.recorded_by = _user(user)
    if adding and not apply:
        claims_add(claims=[claim])
        return claim
    was_disputed = adding and apply and disputed(_field_claims(claim.target, _record_of(claim), claim.field))
    claim.full_clean()
    claim.save()
    if adding:
        if apply:
            _claim_event(EventKind.CLAIM_CREATED, claim, user)
        if apply and not was_disputed and disputed(_field_claims(claim.target, _record_of(claim), claim.field)):
            _claim_event(EventKind.CLAIM_DISPUTED, claim, user)
    if apply:
        record = MODEL_OF[claim.target].objects.get(pk=claim.record_id)
        claim_apply(record=record, field=claim.field, user=user)
    return claim


#: The foreign keys of a claim that :func:`claims_add` looks up for all its claims at once.
REFERENCES = (*CLAIM_TARGETS, "source")


def _missing_references(claims: Sequence[Claim]) -> dict[str, set[int]]:
    """For each of :data:`REFERENCES`, the ids the claims name that have no row: one query per foreign key named,
    where validating each claim asks one per claim and key."""
    missing: dict[str, set[int]] = {}
    for name in REFERENCES:
        ids = {i for i in (getattr(claim, f"{name}_id") for claim in claims) if i is not None}
        model: Any = Claim._meta.get_field(name).related_model
        rows = model._base_manager.filter(pk__in=ids)  # noqa: SLF001 (the manager ForeignKey.validate asks)
        missing[name] = ids - set(rows.values_list("pk", flat=True)) if ids else set()
    return missing


@transaction.atomic
def claims_add(*, claims: Sequence[Claim]) -> None:
    """Record new ``claims`` as they were stated and chosen, none applied (their records' columns are already
    what was chosen: a hand edit's claim, a document's claims), in one statement. Each is checked by the rules a
    save checks: its fields, ``clean()`` and check constraints, in Python where they can be
    (:meth:`~deals.models.validation.OneQueryConstraints.full_clean_checks`), and the one accepted claim per field
    of a record by Django's own validation of that constraint, among the stored claims and among ``claims``
    themselves. The first claim that breaks a rule raises its ``ValidationError``; nothing is written then.
    :func:`claim_save` records one claim this way when it is not applied."""
    choices = [c for c in Claim._meta.constraints if isinstance(c, models.UniqueConstraint)]
    references = _missing_references(claims)
    chosen: set[tuple[str, int | None, str]] = set()
    for claim in claims:
        claim.full_clean_checks(checked=REFERENCES)
        for name in REFERENCES:
            if getattr(claim, f"{name}_id") in references[name]:
                field: Any = Claim._meta.get_field(name)
                try:
                    field.validate(getattr(claim, f"{name}_id"), claim)  # Django's own error for a missing row
                except ValidationError as exc:
                    raise ValidationError({name: exc.error_list}) from None
        if not claim.accepted:
            continue  # every unique constraint of a claim holds only among accepted claims
        for constraint in choices:
            constraint.validate(Claim, claim)
        key = (claim.target, claim.record_id, claim.field)
        if key in chosen:
            constraint = next(c for c in choices if c.name == f"claim_one_choice_per_{claim.target}_field")
            message = constraint.get_violation_error_message()
            raise ValidationError(message, code=constraint.violation_error_code)  # as Django raises it
        chosen.add(key)
    Claim.objects.bulk_create(claims)


@transaction.atomic
def claim_accept(*, claim: Claim, reason: str, user: Any = None) -> Claim:
    """Make ``claim`` the editor's explicit choice for its field, for ``reason``; the record's column and the
    figures computed from it follow. Any earlier choice on that field is withdrawn. Audited like every write."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this claim is the one to believe.")})
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    target = claim.target
    Claim.objects.filter(**{f"{target}_id": claim.record_id, "field": claim.field, "accepted": True}).exclude(
        pk=claim.pk
    ).update(accepted=False, accepted_reason="", accepted_by=None, accepted_at=None)
    claim.accepted, claim.accepted_reason = True, reason.strip()
    claim.accepted_by, claim.accepted_at = _user(user), timezone.now()
    claim.full_clean()
    claim.save()
    record = MODEL_OF[target].objects.get(pk=claim.record_id)
    claim_apply(record=record, field=claim.field, user=user)
    _claim_event(EventKind.CLAIM_ACCEPTED, claim, user)
    return claim


def _record_of(claim: Claim) -> models.Model:
    return MODEL_OF[claim.target](pk=claim.record_id)


def _claim_event(kind: str, claim: Claim, user: Any) -> None:
    """The feed's event of ``claim``: the round it bears on (through its participation or condition) or the
    organizations of its metric or relationship, with the field, the stated value and the source."""
    from deals import events

    record = MODEL_OF[claim.target].objects.get(pk=claim.record_id)
    round_: FundingRound | None = None
    organizations: list[int] = []
    if isinstance(record, FundingRound):
        round_ = record
    elif isinstance(record, Participation):
        round_, organizations = record.round, [record.investor_id]
    elif isinstance(record, Condition):
        round_, organizations = record.participation.round, [record.participation.investor_id]
    elif isinstance(record, Metric):
        organizations = [record.organization_id]
    elif isinstance(record, Relationship):
        organizations = [record.provider_id, record.client_id]
    params: dict[str, Any] = {
        "field": claim.field,
        "estimate": claim.estimate.to_dict() if claim.estimate is not None else None,
        "stated": claim.stated_value,
        "source": claim.source.outlet if claim.source is not None else "",
    }
    if round_ is not None:
        params.update(target=round_.target.name, round_type=round_.round_type)
    events.record_event(
        kind=kind, round=round_, organizations=organizations, source=claim.source, user=user, params=params
    )


@transaction.atomic
def claim_apply(*, record: models.Model, field: str, user: Any = None) -> Claim | None:
    """Write the accepted claim's value into ``field`` of ``record`` when they differ, through the record's own
    service; the accepted claim (None when the field has none)."""
    target = _target_of(record)
    accepted = accepted_claim(_field_claims(target, record, field, lock=True))
    if accepted is None:
        return None
    value = claim_value(accepted)
    if same_value(record_value(record, field), value):
        return accepted
    _write(record, {field: value}, accepted, user)
    return accepted


def _write(record: models.Model, values: Mapping[str, Any], claim: Claim, user: Any) -> None:
    from deals import services

    if isinstance(record, FundingRound):
        services.round_update(
            round=record, values=values, user=user, status_changed_on=claim.stated_on, status_source=claim.source
        )
    elif isinstance(record, Participation):
        services.participation_update(participation=record, values=values)
    elif isinstance(record, Condition):
        services.condition_save(condition=services._assign(record, values))  # noqa: SLF001 (the services' own setter)
    else:
        services.record_save(instance=record, values=values)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- The hook of the record services -----------------------------------------------------------------------


def record_hand_edits(*, record: models.Model, sources: Iterable[Source] | None = None, user: Any = None) -> None:
    """Called by the record services after a save: each claimable field whose value is not what its accepted
    claim states becomes a claim, from the one cited source when exactly one is given, else entered by hand.
    Where the rule would not pick it, the new claim is marked as the editor's choice: the person who typed the
    value chose it. A value that came from a claim (:func:`claim_apply`) matches its claim and adds nothing."""
    target = TARGET_OF.get(type(record))
    if target is None:
        return
    cited = list(sources) if sources is not None else []
    source = cited[0] if len(cited) == 1 else None
    existing = claims_of(target, [record.pk]).get(record.pk, {})
    for field in CLAIM_FIELDS[target]:
        value = record_value(record, field)
        if value is None or value == "":
            continue
        claims = existing.get(field, [])
        accepted = accepted_claim(claims)
        if accepted is not None and same_value(claim_value(accepted), value):
            continue
        claim = claim_record(
            record=record, field=field, value=value, source=source, user=user, note=_("edited"), apply=False
        )
        if claims and accepted_claim([*claims, claim]) is not claim:
            others = Claim.objects.filter(**{target: record, "field": field, "accepted": True})
            others.update(accepted=False, accepted_reason="", accepted_by=None, accepted_at=None)
            claim.accepted, claim.accepted_reason = True, _("edited by hand")
            claim.accepted_by, claim.accepted_at = _user(user), timezone.now()
            claim.save(update_fields=["accepted", "accepted_reason", "accepted_by", "accepted_at"])


def claim_targets() -> tuple[str, ...]:
    return CLAIM_TARGETS


# --- Disputes in SQL (the API's ?disputed= filter) -------------------------------------------------------


def _sql_bounds(prefix: str = "") -> tuple[Any, Any]:
    """A claim's interval as :attr:`Estimate.bounds` gives it: low (0 when unknown) and high (None: unbounded);
    an approximate figure without bounds is its value."""
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import Coalesce

    approx = Q(**{f"{prefix}estimate_qualifier": "approximately"})
    low = Coalesce(F(f"{prefix}estimate_low"), Case(When(approx, then=F(f"{prefix}estimate_value"))), Value(Decimal(0)))
    high = Coalesce(F(f"{prefix}estimate_high"), Case(When(approx, then=F(f"{prefix}estimate_value"))))
    return low, high


def _same_field() -> Q:
    """The claims on the same field of the same record as the outer query's claim."""
    from django.db.models import OuterRef

    same_record = Q()
    for target in CLAIM_TARGETS:
        same_record |= Q(**{f"{target}_id": OuterRef(f"{target}_id")})
    return same_record & Q(field=OuterRef("field"))


def _superseded() -> Any:
    """True for a claim that a later one from the same source (or, entered by hand, by hand) replaces: the SQL of
    :func:`standing`."""
    from django.db.models import Exists, OuterRef, Value
    from django.db.models.functions import Coalesce

    later = Claim.objects.filter(_same_field(), pk__gt=OuterRef("pk")).alias(said_by=Coalesce("source_id", Value(0)))
    return Exists(later.filter(said_by=Coalesce(OuterRef("source_id"), Value(0))))


def disputed_expression() -> Any:
    """True for a standing claim that another standing claim on the same field of the same record contradicts,
    as :func:`disputed` decides it (a status is disputed only by another value stated the same day)."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Coalesce, TruncDate

    others = Claim.objects.filter(_same_field()).exclude(pk=OuterRef("pk")).filter(~_superseded())
    low, high = _sql_bounds()
    known = ~Q(estimate_qualifier="undisclosed") & Q(estimate_qualifier__isnull=False)
    money = others.filter(known, estimate_currency=OuterRef("estimate_currency")).alias(low=low, high=high)
    outer_low, outer_high = (OuterRef(f"bounds_{side}") for side in ("low", "high"))
    money = money.filter(Q(low__gt=outer_high) | Q(high__lt=outer_low))
    said_on = Coalesce("stated_on", "source__published_on", TruncDate("created_at"))
    text = others.filter(estimate_qualifier__isnull=True).exclude(stated_value=OuterRef("stated_value"))
    text = text.alias(said_on=said_on).filter(~Q(field__in=MOVING_FIELDS) | Q(said_on=OuterRef("said_on")))
    return ~_superseded() & (Exists(money) | Exists(text))


def with_disputed(queryset: models.QuerySet[Claim]) -> models.QuerySet[Claim]:
    """``queryset`` annotated with ``disputed`` (see :func:`disputed_expression`)."""
    from django.db.models.functions import Coalesce, TruncDate

    low, high = _sql_bounds()
    known = ~Q(estimate_qualifier="undisclosed") & Q(estimate_qualifier__isnull=False)
    from django.db.models import Case, When

    return queryset.alias(
        bounds_low=Case(When(known, then=low)),
        bounds_high=high,
        said_on=Coalesce("stated_on", "source__published_on", TruncDate("created_at")),
    ).annotate(disputed=disputed_expression())


# --- What a round's page and story show ---------------------------------------------------------------


def claim_text(claim: Claim, *, language: str | None = None) -> str:
    """A claim's value in words, in ``language`` (the active one by default): "€1.7bn" / "1,7 Mrd. €",
    "Announced" / "Angekündigt", "Sept. 9, 2025" / "9. September 2025"."""
    from django.utils import formats, translation

    from deals import formatting

    language = language or translation.get_language() or "en"
    if claim.estimate is not None:
        return formatting.describe(claim.estimate, language=language)
    field: Any = claim._meta.get_field(claim.target).related_model._meta.get_field(claim.field)  # type: ignore[union-attr]
    with translation.override(language):
        if isinstance(field, models.DateField) and claim.stated_value:
            return str(formats.date_format(datetime.date.fromisoformat(claim.stated_value), "DATE_FORMAT"))
        labels = dict(field.choices or ())
        return str(labels.get(claim.stated_value, claim.stated_value))


@dataclass(frozen=True)
class StoryEntry:
    """One step of a round's story: a claim recorded or a status change, on its date."""

    on: datetime.date
    kind: str  # "claim" or "status"
    field: str
    text: str
    source: Source | None
    accepted: bool = False
    claim_id: int | None = None


def round_story(*, round: FundingRound) -> list[StoryEntry]:
    """Every claim on ``round`` and every status change, in the order they were stated (two queries)."""
    return story_of(
        Claim.objects.filter(round=round).select_related("source").order_by("id"),
        round.status_changes.select_related("source").order_by("changed_on", "id"),
    )


def story_of(claims: Iterable[Claim], status_changes: Iterable[Any]) -> list[StoryEntry]:
    """A round's story from its claims and status changes (with their sources), in the order they were stated:
    :func:`round_story`, also of the records as they stood at a past moment (deals.as_of)."""
    entries = [
        StoryEntry(
            on=stated_date(c),
            kind="claim",
            field=c.field,
            text=claim_text(c),
            source=c.source,
            accepted=c.accepted,
            claim_id=c.pk,
        )
        for c in claims
    ]
    for change in status_changes:
        entries.append(
            StoryEntry(
                on=change.changed_on,
                kind="status",
                field="status",
                text=str(change.get_to_status_display()),
                source=change.source,
            )
        )
    return sorted(entries, key=lambda e: (e.on, e.kind != "status", e.claim_id or 0))


@dataclass(frozen=True)
class RoundClaims:
    """A round's page: each field's claims, which agree by the engine's arithmetic, and what the tickets buy."""

    fields: dict[str, FieldClaims]
    agreeing: set[int]  # ids of valuation claims that are part of a consistent pre + amount = post
    triples: list[tuple[Claim, Claim, Claim]]


def round_claims(*, round: FundingRound) -> RoundClaims:
    return claims_summary(claims_of("round", [round.pk]).get(round.pk, {}))


def claims_summary(by_field: Mapping[str, list[Claim]]) -> RoundClaims:
    """:func:`round_claims` of a round's claims by field (as :func:`claims_of` groups them)."""
    triples = consistent_triples(by_field)
    return RoundClaims(
        fields=field_claims(by_field),
        agreeing={c.pk for triple in triples for c in triple},
        triples=triples,
    )


# --- What an organization's page shows --------------------------------------------------------------------

#: How many claims of each kind an organization's page reads (its own records', its rounds' disputed ones, its
#: investments' disputed ones); the API's ``/api/claims/`` lists them all.
ORGANIZATION_CLAIMS_LIMIT = 200


@dataclass(frozen=True)
class RecordClaims:
    """The claims of one of an organization's own records: a metric, or a relationship it is a party to."""

    target: str  # "metric" or "relationship"
    record: Metric | Relationship
    fields: dict[str, FieldClaims]


@dataclass(frozen=True)
class DisputedField:
    """A field of a round, or of an investor's participation in it, whose claims disagree."""

    round: FundingRound
    target: str  # "round" or "participation"
    field: str
    sources: int  # how many sources disagree (the claims entered by hand are not counted)


@dataclass(frozen=True)
class OrganizationClaims:
    """An organization's page: its own records' claims per field, and the disputed fields of its rounds (as the
    target) and of its participations (their amount) in others' rounds."""

    records: list[RecordClaims]
    rounds: list[DisputedField]
    investments: list[DisputedField]
    capped: bool  # some claims were left out (more than ORGANIZATION_CLAIMS_LIMIT of a kind)

    def __bool__(self) -> bool:
        return bool(self.records or self.rounds or self.investments)


def _capped(queryset: models.QuerySet[Claim], limit: int) -> tuple[list[Claim], bool]:
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _by_record(rows: Iterable[Claim], target: str) -> list[RecordClaims]:
    """Claims, ordered by record, grouped into one :class:`RecordClaims` per record in that order."""
    records: dict[int, tuple[Any, dict[str, list[Claim]]]] = {}
    for claim in rows:
        _record, by_field = records.setdefault(getattr(claim, f"{target}_id"), (getattr(claim, target), {}))
        by_field.setdefault(claim.field, []).append(claim)
    return [
        RecordClaims(target=target, record=record, fields=field_claims(by_field))
        for record, by_field in records.values()
    ]


def _disputed_fields(flagged: Iterable[Claim], target: str) -> list[DisputedField]:
    """The flagged claims (:func:`with_disputed`) as one :class:`DisputedField` per record and field, newest
    round first."""
    found: dict[tuple[int, str], tuple[FundingRound, set[int]]] = {}
    for claim in flagged:
        record = getattr(claim, target)
        _round, sources = found.setdefault(
            (record.pk, claim.field), (record if target == "round" else record.round, set())
        )
        if claim.source_id is not None:
            sources.add(claim.source_id)
    rows = [
        DisputedField(round=round_, target=target, field=field, sources=len(sources))
        for (_pk, field), (round_, sources) in found.items()
    ]
    return sorted(rows, key=lambda d: (d.round.date or datetime.date.min, d.round.pk), reverse=True)


def _contested(target: str, claims: models.QuerySet[Claim]) -> Any:
    """The ids of the records of ``claims`` that more than one source (or a source and a hand entry) speaks of:
    only those can be disputed, so the dispute test (an EXISTS per claim) runs on them alone."""
    from django.db.models import Count, Value
    from django.db.models.functions import Coalesce

    column = f"{target}_id"
    grouped = claims.order_by().values(column).annotate(speakers=Count(Coalesce("source_id", Value(0)), distinct=True))
    return grouped.filter(speakers__gt=1).values(column)


def organization_claims_of(
    *,
    metrics: list[tuple[Metric, Mapping[str, list[Claim]]]],
    relationships: list[tuple[Relationship, Mapping[str, list[Claim]]]],
    rounds: list[tuple[FundingRound, Mapping[str, list[Claim]]]],
    investments: list[tuple[FundingRound, Mapping[str, list[Claim]]]],
    limit: int = ORGANIZATION_CLAIMS_LIMIT,
) -> OrganizationClaims:
    """:func:`organization_claims` of records and their claims by field given (as they stood at a moment,
    deals.as_of), each list in the page's order: its metrics and relationships, its rounds, and the rounds it
    invested in with the claims on its participation. The same disputes as the SQL flags, decided here by
    :func:`contradicted`; each kind capped at ``limit`` claims as the stored page is."""

    def records(given: list[tuple[Any, Mapping[str, list[Claim]]]], target: str) -> tuple[list[RecordClaims], bool]:
        out: list[RecordClaims] = []
        count = 0
        for record, by_field in given:
            if count >= limit:
                return out, True
            kept = {field: claims for field, claims in by_field.items() if claims}
            count += sum(len(claims) for claims in kept.values())
            if kept:
                out.append(RecordClaims(target=target, record=record, fields=field_claims(kept)))
        return out, False

    def flagged(given: list[tuple[FundingRound, Mapping[str, list[Claim]]]], target: str) -> list[DisputedField]:
        rows = []
        for round_, by_field in given:
            for field, claims in sorted(by_field.items()):
                against = contradicted(claims)
                if against:
                    sources = len({c.source_id for c in against if c.source_id is not None})
                    rows.append(DisputedField(round=round_, target=target, field=field, sources=sources))
        return sorted(rows, key=lambda d: (d.round.date or datetime.date.min, d.round.pk), reverse=True)

    metric_rows, metrics_capped = records(metrics, "metric")
    relationship_rows, relationships_capped = records(relationships, "relationship")
    disputed_rounds, disputed_investments = flagged(rounds, "round"), flagged(investments, "participation")
    return OrganizationClaims(
        records=metric_rows + relationship_rows,
        rounds=disputed_rounds[:limit],
        investments=disputed_investments[:limit],
        capped=metrics_capped
        or relationships_capped
        or len(disputed_rounds) > limit
        or len(disputed_investments) > limit,
    )


def organization_claims(*, organization: Any, limit: int = ORGANIZATION_CLAIMS_LIMIT) -> OrganizationClaims:
    """What ``organization``'s page shows of the claims (four queries, however many there are): the claims of
    its metrics and of the relationships where it is the provider or the client, side by side per field; the
    fields of its rounds whose claims disagree; and the rounds it invested in where the claims on its
    participation's amount disagree."""
    metric_rows, metrics_capped = _capped(
        Claim.objects.filter(metric__organization=organization)
        .select_related("source", "metric")
        .order_by(
            "metric__kind", F("metric__period_year").desc(nulls_last=True), "-metric__period_date", "metric_id", "id"
        ),
        limit,
    )
    parties = Relationship.objects.filter(Q(provider=organization) | Q(client=organization)).values("id")
    relationship_rows, relationships_capped = _capped(
        Claim.objects.filter(relationship_id__in=parties)
        .select_related("source", "relationship__provider", "relationship__client")
        .order_by(F("relationship__started_on").desc(nulls_last=True), "relationship_id", "id"),
        limit,
    )
    of_rounds = Claim.objects.filter(round__target=organization)
    round_rows, rounds_capped = _capped(
        with_disputed(of_rounds.filter(round_id__in=_contested("round", of_rounds)))
        .filter(Q(disputed=True))
        .select_related("round")
        .order_by("-round_id", "field", "id"),
        limit,
    )
    amounts = Claim.objects.filter(participation__investor=organization, field="amount")
    investment_rows, investments_capped = _capped(
        with_disputed(amounts.filter(participation_id__in=_contested("participation", amounts)))
        .filter(Q(disputed=True))
        .select_related("participation__round__target")
        .order_by("-participation_id", "id"),
        limit,
    )
    return OrganizationClaims(
        records=_by_record(metric_rows, "metric") + _by_record(relationship_rows, "relationship"),
        rounds=_disputed_fields(round_rows, "round"),
        investments=_disputed_fields(investment_rows, "participation"),
        capped=metrics_capped or relationships_capped or rounds_capped or investments_capped,
    )
