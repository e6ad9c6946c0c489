"""Funding rounds, who takes part in them, on what conditions, and how their status moved."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deals.choices import (
    ConditionKind,
    ConditionStatus,
    DatePrecision,
    Instrument,
    ParticipationStatus,
    RoundStatus,
    RoundType,
)
from deals.models.audit import audited, version_field
from deals.models.estimates import EstimateField, EstimateModel, currency_of
from deals.models.organizations import Organization
from deals.models.sources import Source

#: A round's date is its first known of these, in this order: closed, else announced, else first reported.
ROUND_DATE_COLUMNS = ("closed_on", "announced_on", "reported_on")


def round_date(
    closed_on: datetime.date | None, announced_on: datetime.date | None, reported_on: datetime.date | None
) -> datetime.date | None:
    """The round's best-known date (see :data:`ROUND_DATE_COLUMNS`)."""
    return closed_on or announced_on or reported_on


def round_date_expression(prefix: str = "") -> Coalesce:
    """:func:`round_date` in the ORM, of the round at ``prefix`` (e.g. ``"round__"``)."""
    return Coalesce(*(f"{prefix}{column}" for column in ROUND_DATE_COLUMNS))


#: Where an undated round sorts: before every dated one, so "newest first" lists it last. A value rather than NULL
#: so that a cursor can compare it and one index serves both directions.
UNDATED = datetime.date.min


def round_sort_date(prefix: str = "") -> Coalesce:
    """:func:`round_date_expression`, with :data:`UNDATED` for a round without a date: the key lists of rounds are
    ordered by (with the id after it), matching the expression index ``round_date_id_desc``."""
    return Coalesce(*(f"{prefix}{column}" for column in ROUND_DATE_COLUMNS), Value(UNDATED))


def round_date_precision_expression(prefix: str = "") -> Case:
    """The precision of :func:`round_date_expression`'s date: that of the first known of its columns."""
    return Case(
        *(
            When(**{f"{prefix}{column}__isnull": False}, then=F(f"{prefix}{column}_precision"))
            for column in ROUND_DATE_COLUMNS
        ),
        default=Value(DatePrecision.DAY.value),
    )


def round_date_sql(alias: str) -> str:
    """:func:`round_date` in SQL, of the round table aliased ``alias``."""
    return f"COALESCE({', '.join(f'{alias}.{column}' for column in ROUND_DATE_COLUMNS)})"


def _date_precision(verbose_name: Any) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)


#: A part of a round search (notes, target, investor) that finds at most this many rounds reads them all and
#: sorts them.
NOTES_FEW = 1000
#: How many of the newest rounds a part of a round search walks when it matches more.
NOTES_WALK = 2000


class FundingRoundQuerySet(models.QuerySet["FundingRound"]):
    def for_list(self) -> FundingRoundQuerySet:
        """What every list of rounds shows: target, computed figures and investor names, in a fixed number of
        queries."""
        return self.select_related("target", "figures").prefetch_related("participations__investor")

    def search(
        self, text: str, *, newest: int | None = None, organizations: list[int] | None = None
    ) -> FundingRoundQuerySet:
        """Rounds whose target or an investor is one of the organizations best matching ``text`` (as an
        organization search ranks them), or whose notes hold its words (English or German). The three parts are
        read through their own indexes and united, so neither a join nor DISTINCT is needed; the organizations are
        found when this is called.

        With ``newest``, only the newest ``newest`` matches (newest first, by sort date and id) are kept: each part
        gives its own newest that many before they are united, so the first ``newest`` rows newest first are
        those of the whole search, without reading every match ("chips" is in the notes of 50,000 rounds). The
        search page reads its deals this way; a list that filters or orders the matches otherwise needs them
        all, and calls it without ``newest``. ``organizations``: the ids of the best-matching organizations when
        the caller has read them already (the page shows them), best first; else they are read here."""
        from deals import search

        text = text.strip()
        if not text:
            return self
        # Read once, now: as a subquery, the organization search ran once for each part that used it.
        if organizations is None:
            organizations = list(
                Organization.objects.search(text, best=search.ORGS_PER_ROUND_SEARCH).values_list("pk", flat=True)[
                    : search.ORGS_PER_ROUND_SEARCH
                ]
            )
        orgs = organizations[: search.ORGS_PER_ROUND_SEARCH]
        notes = FundingRound.objects.alias(search_doc=search.round_document()).filter(
            search_doc=search.text_query(text)
        )
        if newest is None:
            as_target = FundingRound.objects.filter(target__in=orgs).order_by().values("pk")
            as_investor = Participation.objects.filter(investor__in=orgs).order_by().values("round_id")
            parts = [as_target, as_investor, notes.order_by().values("pk")]
            return self.filter(search.any_of("pk", parts[0].union(*parts[1:])))
        # The busiest investors of the benchmark have tens of thousands of rounds each: each part's newest are
        # read now, the way its number of matches makes cheapest, and the page's rounds are then looked up by
        # those few ids.
        invested = models.Exists(Participation.objects.filter(round=models.OuterRef("pk"), investor__in=orgs))
        newest_of = _NewestOf(newest)
        found = {
            *_newest_as_target(orgs, newest),
            *newest_of(
                FundingRound.objects.filter(invested),
                probe=Participation.objects.filter(investor__in=orgs).order_by().values_list("round_id", flat=True),
            ),
            *newest_of(notes),
        }
        return self.filter(pk__in=sorted(found))


def _newest_as_target(organizations: list[int], newest: int) -> list[int]:
    """The ids of the newest ``newest`` rounds (by sort date, then id) whose target is one of ``organizations``:
    each organization's newest read from the index ``round_target_date_id_desc`` (a LATERAL join), then merged.
    That reads at most ``newest`` index rows per organization, however many rounds the busiest have (sorting
    every match took 8 ms for the 50 best organizations of "ventures" at 1M rounds, this 1.8 ms)."""
    if not organizations:
        return []
    table = connection.ops.quote_name(FundingRound._meta.db_table)
    # round_sort_date() compiled, the expression the index is built on (one definition of a round's date).
    query = FundingRound.objects.all().query
    date, date_params = (
        round_sort_date().resolve_expression(query).as_sql(query.get_compiler(connection=connection), connection)
    )
    sql = (
        f"SELECT r.id FROM unnest(%s::bigint[]) AS o(id) CROSS JOIN LATERAL ("  # noqa: S608 (this module's names)
        f"SELECT {table}.id, {date} AS sort_date FROM {table} WHERE {table}.target_id = o.id "
        f"ORDER BY 2 DESC, {table}.id DESC LIMIT %s) r ORDER BY r.sort_date DESC, r.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(organizations), *date_params, newest, newest])
        return [pk for (pk,) in cursor.fetchall()]


class _NewestOf:
    """The ids of the newest ``newest`` rounds of a part of :meth:`FundingRoundQuerySet.search` (notes, target,
    investor), read in the cheapest of three ways. Up to :data:`NOTES_FEW` matches are all read from their index
    and sorted. More are mostly among the newest rounds, so those are read from the date index, back to the
    :data:`NOTES_WALK`-th newest round, until enough match (walking on would read every round when the matches
    are old). Only when that finds too few are all the matches sorted. Where the walk ends is read once, for all
    the parts of a search."""

    ORDER = (round_sort_date().desc(), F("id").desc())

    def __init__(self, newest: int) -> None:
        self.newest = newest
        self._bound: list[tuple[datetime.date, int]] | None = None

    def __call__(self, matches: FundingRoundQuerySet, probe: models.QuerySet[Any] | None = None) -> list[int]:
        """``probe``: the matches' ids, cheaper to read than ``matches`` itself, repeats allowed (an investor's
        participations for the rounds they invested in)."""
        from deals import search

        probe = matches.order_by().values_list("pk", flat=True) if probe is None else probe
        few = list(probe[: NOTES_FEW + 1])
        if len(few) <= NOTES_FEW:
            return self._sorted(FundingRound.objects.filter(search.any_id("pk", sorted(set(few)))))
        recent = matches.alias(sort_date=round_sort_date())
        for date, pk in self.bound():  # none when there are fewer rounds: then the walk reads them all
            # The form of the API's cursor: the date bounds the index scan, the id only the last date's rounds.
            recent = recent.filter(Q(sort_date__gt=date) | Q(sort_date=date, id__gte=pk), sort_date__gte=date)
        found = self._sorted(recent)
        if len(found) == self.newest:
            return found
        return self._sorted(FundingRound.objects.filter(search.any_of("pk", matches.order_by().values("pk"))))

    def bound(self) -> list[tuple[datetime.date, int]]:
        if self._bound is None:
            rounds = FundingRound.objects.order_by(*self.ORDER).values_list(round_sort_date(), "id")
            self._bound = list(rounds[NOTES_WALK - 1 :][:1])
        return self._bound

    def _sorted(self, rounds: models.QuerySet[Any]) -> list[int]:
        return list(rounds.order_by(*self.ORDER).values_list("pk", flat=True)[: self.newest])


#: The order of a round's participations wherever they are listed: the lead first, then the largest.
PARTICIPATION_ORDER = ("-is_lead", "-amount_high", "id")


@audited
class FundingRound(EstimateModel):
    """A capital raise by a target, from a first rumour to its close (or abandonment)."""

    target = models.ForeignKey(Organization, verbose_name=_("target"), on_delete=models.PROTECT, related_name="rounds")
    round_type = models.CharField(
        _("round type"), max_length=24, choices=RoundType.choices, default=RoundType.SERIES_UNKNOWN
    )
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.RUMORED)
    reported_on = models.DateField(_("first reported on"), null=True, blank=True)
    reported_on_precision = _date_precision(_("precision of first reported on"))
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    announced_on_precision = _date_precision(_("precision of announced on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_on_precision = _date_precision(_("precision of closed on"))
    amount = EstimateField(_("amount"))
    pre_money_valuation = EstimateField(_("pre-money valuation"))
    post_money_valuation = EstimateField(_("post-money valuation"))
    price_per_share = models.DecimalField(_("price per share"), max_digits=20, decimal_places=8, null=True, blank=True)
    shares_outstanding_pre = models.DecimalField(
        _("shares outstanding before the round"),
        max_digits=24,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("With a price per share, gives the implied pre-money valuation."),
    )
    notes = models.TextField(_("notes"), blank=True)
    ref = models.CharField(
        _("reference"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable key from an import or another system; optional."),
    )
    sources = models.ManyToManyField(
        Source, through="deals.Citation", through_fields=("round", "source"), related_name="rounds", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    objects = FundingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        indexes = [
            models.Index(fields=["target", "reported_on"], name="round_target_reported"),
            models.Index(fields=["status", "reported_on"], name="round_status_reported"),
            models.Index(F("reported_on").desc(nulls_last=True), F("id").desc(), name="round_reported_id_desc"),
            models.Index(round_sort_date().desc(), F("id").desc(), name="round_date_id_desc"),
            # An organization's newest rounds as target, read by the search (_newest_as_target).
            models.Index(F("target"), round_sort_date().desc(), F("id").desc(), name="round_target_date_id_desc"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(announced_on=None) | Q(closed_on=None) | Q(announced_on__lte=F("closed_on")),
                name="round_announced_before_closed",
                violation_error_message=_("The round cannot close before it was announced."),
            ),
            models.CheckConstraint(
                condition=Q(reported_on=None) | Q(announced_on=None) | Q(reported_on__lte=F("announced_on")),
                name="round_reported_before_announced",
            ),
            models.CheckConstraint(
                condition=Q(price_per_share=None) | Q(price_per_share__gt=0), name="round_price_per_share_positive"
            ),
            models.CheckConstraint(
                condition=Q(shares_outstanding_pre=None) | Q(shares_outstanding_pre__gt=0),
                name="round_shares_outstanding_positive",
            ),
        ]

    def __str__(self) -> str:
        when = self.date.strftime("%Y-%m") if self.date else "undated"
        return f"{self.target} · {self.get_round_type_display()} · {when}"

    def get_absolute_url(self) -> str:
        return reverse("deals:round_detail", kwargs={"pk": self.pk})

    @property
    def date(self) -> datetime.date | None:
        """The round's best-known date: closed, else announced, else first reported."""
        return round_date(self.closed_on, self.announced_on, self.reported_on)

    @property
    def date_precision(self) -> str:
        """How precisely :attr:`date` is known (day, month or year), so that pages never show an invented day."""
        field = next((column for column in ROUND_DATE_COLUMNS if getattr(self, column) is not None), None)
        return str(getattr(self, f"{field}_precision")) if field else str(DatePrecision.DAY)

    @property
    def currency(self) -> str | None:
        return currency_of(self.amount, self.post_money_valuation, self.pre_money_valuation)

    @property
    def is_pro_forma(self) -> bool:
        from deals.choices import PENDING_STATUSES

        return self.status in PENDING_STATUSES

    def rule_errors(self) -> list[tuple[str, Any]]:
        errors: list[tuple[str, Any]] = []
        if self.announced_on and self.closed_on and self.announced_on > self.closed_on:
            errors.append(("closed_on", _("The round cannot close before it was announced.")))
        if self.reported_on and self.announced_on and self.reported_on > self.announced_on:
            errors.append(("announced_on", _("A round is announced on or after it is first reported.")))
        if self.status == RoundStatus.CLOSED and not self.date:
            errors.append(("closed_on", _("A closed round needs a date.")))
        return errors


@audited
class RoundStatusChange(models.Model):
    """One step in a round's life: when it moved from one status to another, and who reported it."""

    round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="status_changes")
    changed_on = models.DateField(_("changed on"))
    from_status = models.CharField(_("from"), max_length=12, choices=RoundStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RoundStatus.choices)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_changes",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="status_change_changes_status"),
        ]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.from_status or '—'} → {self.to_status}"


@audited
class Participation(EstimateModel):
    """An investor's part in a round: its amount (often a range), instrument and status."""

    round = models.ForeignKey(
        FundingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="participations"
    )
    investor = models.ForeignKey(
        Organization, verbose_name=_("investor"), on_delete=models.PROTECT, related_name="participations"
    )
    amount = EstimateField(_("amount"))
    is_lead = models.BooleanField(_("lead investor"), default=False)
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, default=Instrument.EQUITY)
    status = models.CharField(
        _("status"), max_length=12, choices=ParticipationStatus.choices, default=ParticipationStatus.PROPOSED
    )
    sources = models.ManyToManyField(
        Source,
        through="deals.Citation",
        through_fields=("participation", "source"),
        related_name="participations",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    class Meta:
        ordering = ["round", *PARTICIPATION_ORDER]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "investor"],
                name="participation_one_per_investor_per_round",
                violation_error_message=_("This investor already takes part in this round."),
            ),
        ]
        indexes = [models.Index(fields=["investor", "round"], name="participation_investor_round")]

    def __str__(self) -> str:
        return f"{self.investor} in {self.round}"

    def clean(self) -> None:
        super().clean()
        if self.round_id and self.investor_id and self.round.target_id == self.investor_id:
            raise ValidationError({"investor": own_round_message()})


def own_round_message() -> str:
    """The error of a participation whose investor is its round's target (a set-based import finds those rows
    in SQL, where the ids are known, and gives this message)."""
    return str(_("An organization cannot invest in its own round."))


@audited
class Condition(models.Model):
    """A condition attached to a participation, e.g. Amazon's: OpenAI uses AWS."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("kind"), max_length=16, choices=ConditionKind.choices, default=ConditionKind.OTHER)
    description = models.CharField(_("description"), max_length=500)
    counterparty = models.ForeignKey(
        Organization,
        verbose_name=_("counterparty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conditions_as_counterparty",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ConditionStatus.choices, default=ConditionStatus.PENDING
    )

    class Meta:
        ordering = ["participation", "id"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
