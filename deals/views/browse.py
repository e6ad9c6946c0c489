"""The web UI: dashboard, deals list, round and organization pages, network, search.

Views stay thin: reads come from ``deals.selectors`` and the shared FilterSets, each page in a fixed number
of queries whatever the number of rows it shows. htmx requests for the deals list get only the results.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from deals import as_of as history
from deals import charts, follow, messages, network, selectors
from deals import search as search_text
from deals.csv_safety import safe_row
from deals.filtersets import FundingRoundFilterSet, OrganizationFilterSet
from deals.formatting import compact_money, describe
from deals.models import FundingRound, Metric, Organization, Relationship
from deals.ordering import ordered_rounds
from deals.roles import may_read
from deals.templatetags.deals_ui import date_at_precision

PAGE_SIZE = 50
#: The deals list counts its matches up to this many (200 pages).
COUNT_CAP = 10_000
DASHBOARD_CACHE_SECONDS = 60
SEARCH_LIMIT = 20
#: The latest events a round or organization page lists (the feeds and /api/events/ have them all).
EVENTS_SHOWN = 50

View = Callable[..., HttpResponseBase]


def browse(view: View) -> View:
    """A read-only page: needs a login and a role that reads, unless ``DEALTRACKER_PUBLIC_READ`` opens reading
    to everyone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_read(request.user):
            if request.user.is_authenticated:
                raise PermissionDenied(_("Your account has no role that may read the deals; ask an administrator."))
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return require_GET(wrapper)


def reporting_currency() -> str:
    return str(settings.REPORTING_CURRENCY)


def _money(value: Decimal) -> str:
    return compact_money(value, reporting_currency(), get_language())


@browse
def dashboard(request: HttpRequest) -> HttpResponse:
    # Aggregates over every round: computed at most once a minute per process.
    quarters = cache.get_or_set("dashboard:quarters", selectors.capital_per_quarter, DASHBOARD_CACHE_SECONDS) or []
    bars = [
        charts.Bar(
            label=f"Q{(q.month - 1) // 3 + 1} {q.year}",
            value=amount,
            tooltip=_("Q%(quarter)s %(year)s: %(amount)s in %(rounds)s rounds")
            % {"quarter": (q.month - 1) // 3 + 1, "year": q.year, "amount": _money(amount), "rounds": rounds},
        )
        for q, amount, rounds in quarters
    ]
    title = _("Capital raised per quarter (%(currency)s)") % {"currency": reporting_currency()}
    statuses = cache.get_or_set("dashboard:statuses", selectors.rounds_by_status, DASHBOARD_CACHE_SECONDS) or []
    context = {
        "latest": selectors.with_labels(selectors.latest_rounds()),
        "largest": selectors.with_labels(selectors.largest_rounds()),
        "statuses": statuses,
        "status_max": max((n for _s, _l, n in statuses), default=0) or 1,
        "quarters": [(bar, rounds) for bar, (_q, _a, rounds) in zip(bars, quarters, strict=True)],
        "quarter_chart": charts.bar_chart(bars, title=title, fmt=_money),
        "quarter_title": title,
        "reporting_currency": reporting_currency(),
    }
    return render(request, "deals/dashboard.html", context)


def given(request: HttpRequest) -> QueryDict:
    """The query string without empty values: a form sends every field, also those left blank."""
    data = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            data.setlist(key, kept)
    return data


def _round_filter(request: HttpRequest) -> FundingRoundFilterSet:
    return FundingRoundFilterSet(given(request), queryset=FundingRound.objects.for_list(), request=request)


class CappedPaginator(Paginator):
    """Counts the matches only up to ``cap``: an exact COUNT over a million rounds took 70 ms of every deals list
    view. Past the cap the list says "more than …" and pages through the first ``cap`` rows only (deep OFFSETs
    are slow anyway); narrower filters or another order reach the rest, and the CSV export has them all."""

    def __init__(self, object_list: Any, per_page: int, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """The number of matches, or ``cap + 1`` if there are more than ``cap``: one bounded subquery."""
        rounds: Any = self.object_list
        return int(rounds.order_by().values("pk")[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


@dataclass(frozen=True)
class AsOf:
    """A page's ``?as_of=``: the moment (the end of the day given, or the time given), the text as typed, and the
    date or time as the banner names it in the reader's language."""

    moment: datetime.datetime
    text: str
    label: str


def _as_of(request: HttpRequest) -> tuple[AsOf | None, HttpResponse | None]:
    """The page's ``?as_of=`` (None without it), or the 400 page a malformed one gets, as the API answers 400."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return None, None
    moment = history.parse_moment(text)
    if moment is None:
        message = _("“%(text)s” is not a date: give as_of as YYYY-MM-DD or as an ISO 8601 time.") % {"text": text}
        return None, _as_of_problem(request, message, status=400)
    day = parse_date(text) if len(text) == 10 else None
    label = (
        formats.date_format(day, "DATE_FORMAT")
        if day is not None
        else formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    )
    return AsOf(moment, text, label), None


def _as_of_problem(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "deals/as_of_problem.html", {"message": message}, status=status)


def _without_as_of(query: QueryDict) -> str:
    query = query.copy()
    query.pop("as_of", None)
    return query.urlencode()


@browse
@vary_on_headers("HX-Request")
def round_list(request: HttpRequest) -> HttpResponse:
    """The deals list; with ``?as_of=``, its rows as they stood then (deals.as_of): the filters and the order
    work on today's values, and the rounds recorded later are left out."""
    as_of, problem = _as_of(request)
    if problem is not None:
        return problem
    filterset = _round_filter(request)
    rounds = filterset.qs if filterset.is_valid() else FundingRound.objects.none()
    if as_of is not None:
        # rounds_then reads the rows of then: of today's, the page needs only the ids, not the list's joins.
        rounds = rounds.filter(history.existed(as_of.moment)).select_related(None).prefetch_related(None).only("id")
    if not request.GET.get("ordering"):
        rounds = ordered_rounds(rounds)
    page = CappedPaginator(rounds, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    shown = page.object_list if as_of is None else history.rounds_then(list(page.object_list), as_of.moment)
    page.object_list = selectors.with_labels(shown)
    query = given(request)
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    context = {
        "filterset": filterset,
        "page": page,
        "as_of": as_of,
        "query": query.urlencode(),
        "filter_query": _without_as_of(query),
        "sort_query": sort_query.urlencode(),
        "currencies": selectors.round_currencies(),
        "reporting_currency": reporting_currency(),
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]
    return render(request, "deals/rounds/_results.html" if partial else "deals/rounds/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@browse
def round_export(request: HttpRequest) -> HttpResponseBase:
    """The deals list's current filter as CSV, streamed: amounts in words and as numbers, every cell safe to
    open in a spreadsheet."""
    filterset = _round_filter(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    rounds = filterset.qs
    if not request.GET.get("ordering"):
        rounds = ordered_rounds(rounds)
    currency = reporting_currency()
    header = [
        "id",
        "reported_on",
        "announced_on",
        "closed_on",
        "target",
        "round_type",
        "status",
        "amount",
        "amount_qualifier",
        "amount_value",
        "amount_low",
        "amount_high",
        "amount_currency",
        f"amount_{currency.lower()}_low",
        f"amount_{currency.lower()}_high",
        "post_money",
        "investors",
        "url",
    ]

    def rows() -> Any:
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for r in rounds.iterator(chunk_size=2000):
            figures = getattr(r, "figures", None)
            yield writer.writerow(
                safe_row(
                    [
                        r.pk,
                        r.reported_on,
                        r.announced_on,
                        r.closed_on,
                        r.target.name,
                        r.round_type,
                        r.status,
                        describe(r.amount, language="en"),
                        r.amount_qualifier,
                        r.amount_value,
                        r.amount_low,
                        r.amount_high,
                        r.amount_currency,
                        getattr(figures, "amount_reporting_low", None),
                        getattr(figures, "amount_reporting_high", None),
                        describe(r.post_money_valuation, language="en"),
                        "; ".join(p.investor.name for p in r.participations.all()),
                        request.build_absolute_uri(reverse("deals:round_detail", args=[r.pk])),
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dealtracker-rounds.csv"'
    return response


@browse
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_of, problem = _as_of(request)
    if problem is not None:
        return problem
    if as_of is not None:
        return _round_detail_then(request, pk, as_of)
    round_ = get_object_or_404(selectors.round_detail_queryset(), pk=pk)
    figures = getattr(round_, "figures", None)
    stage = selectors.dirty_stages({round_.target_id}).get(round_.target_id)
    recompute = selectors.recompute_state(stage, has_figures=figures is not None)
    participations = list(round_.participations.all())
    context = {
        "round": round_,
        "figures": figures,
        "recompute": recompute,
        "pro_forma": round_.is_pro_forma or bool(figures and figures.pro_forma),
        "participations": participations,
        "status_changes": list(round_.status_changes.all()),
        "citations": list(round_.citations.all()),
        "cycles": _cycles_with_names(selectors.round_cycles(round=round_)),
        # Investors with more cycles through this round than are stored (the shortest are).
        "cycles_truncated": [
            p.investor for p in participations if getattr(getattr(p, "figures", None), "cycles_truncated", False)
        ],
        "cycles_per_investment": settings.DEALTRACKER_CYCLES_PER_INVESTMENT,
        "events": follow.listed(follow.events_of(round=round_), EVENTS_SHOWN),
        "following": follow.is_following(request.user, round=round_),
        "can_edit": request.user.has_perm("deals.change_fundinground"),
        "reporting_currency": reporting_currency(),
        **claims_context(round_),
    }
    return render(request, "deals/rounds/detail.html", context)


def _round_detail_then(request: HttpRequest, pk: int, as_of: AsOf) -> HttpResponse:
    """The round page as it stood at ``as_of``: the same template on the records of then (deals.as_of), the
    figures computed on them; the money cycles and related-party marks, which the circularity stage derives
    from the whole network, are not reconstructed and left out (the banner says so), and the change history
    lists only the changes made before then."""
    then = history.round_then(pk, as_of.moment)
    if then is None:
        message = _("This round had not been recorded yet on %(date)s.") % {"date": as_of.label}
        return _as_of_problem(request, message, status=404)
    round_ = then.round
    figures = round_.figures
    context = {
        "as_of": as_of,
        "round": round_,
        "figures": figures,
        "recompute": {"stale": False, "related_party_pending": False},
        "pro_forma": round_.is_pro_forma or figures.pro_forma,
        "participations": then.participations,
        "status_changes": then.status_changes,
        "citations": then.citations,
        "cycles": [],
        "cycles_truncated": [],
        "cycles_per_investment": settings.DEALTRACKER_CYCLES_PER_INVESTMENT,
        "events": follow.listed(follow.events_of(round=round_).filter(occurred_at__lt=as_of.moment), EVENTS_SHOWN),
        "following": follow.is_following(request.user, round=round_),
        "can_edit": request.user.has_perm("deals.change_fundinground"),
        "reporting_currency": reporting_currency(),
        **claims_context(round_, by_field=then.claims, status_changes=then.status_changes),
    }
    return render(request, "deals/rounds/detail.html", context)


def cycle_edges(cycle: Any, names: dict[int, str]) -> list[dict[str, Any]]:
    """A cycle's steps as its list shows them: the edge's label, and the organization that actually supplies
    or receives when it is a member of the group the path names (AWS in Amazon's group)."""
    return [
        {
            "label": messages.text(edge.get("label")),
            "via": names.get(edge["via"], "") if edge.get("via") not in (None, edge["to"]) else "",
            "via_id": edge.get("via"),
        }
        for edge in cycle.edges
    ]


def claims_context(
    round_: FundingRound, *, by_field: Any = None, status_changes: list[Any] | None = None
) -> dict[str, Any]:
    """The round page's claims, side by side per field, and its story (deals.claims); of the claims ``by_field``
    and the ``status_changes`` given (as they stood at a moment) instead of the stored ones when given."""
    from deals import claims
    from deals.choices import ClaimField

    summary = claims.round_claims(round=round_) if by_field is None else claims.claims_summary(by_field)
    labels = dict(ClaimField.choices)
    rows = claim_table_rows(
        summary.fields, label=lambda field: str(labels.get(field, field)), agreeing=summary.agreeing
    )
    story = [
        {**entry.__dict__, "field_label": labels.get(entry.field, entry.field)}
        for entry in (
            claims.round_story(round=round_)
            if by_field is None
            else claims.story_of(
                sorted((c for cs in by_field.values() for c in cs), key=lambda c: c.pk), status_changes or []
            )
        )
    ]
    return {"round_claims": summary, "claim_rows": rows, "story": story}


def _cycles_with_names(cycles: Any) -> list[dict[str, Any]]:
    """Cycles grouped by investor and path, each group with the names along its path and the cycles (one per
    round) it stands for: a target's rounds repeat the same paths (one query for all the names)."""
    cycles = list(cycles)
    ids = {org_id for cycle in cycles for org_id in cycle.path}
    ids |= {edge["via"] for cycle in cycles for edge in cycle.edges if edge.get("via")}
    names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name")) if ids else {}
    groups: dict[tuple[int, tuple[int, ...]], dict[str, Any]] = {}
    for c in cycles:
        group = groups.setdefault(
            (c.investor_id, tuple(c.path)),
            {
                "cycle": c,
                "names": [names.get(org_id, "?") for org_id in c.path],
                "edges": cycle_edges(c, names),
                "cycles": [],
            },
        )
        if c.round_id is None or all(other.round_id != c.round_id for other in group["cycles"]):
            group["cycles"].append(c)
    return list(groups.values())


@browse
def organization_list(request: HttpRequest) -> HttpResponse:
    filterset = OrganizationFilterSet(given(request), queryset=selectors.organization_queryset(), request=request)
    orgs = filterset.qs if filterset.is_valid() else Organization.objects.none()
    if not request.GET.get("ordering"):
        orgs = orgs.order_by("name")
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = given(request)
    query.pop("page", None)
    context = {"filterset": filterset, "page": page, "query": query.urlencode()}
    return render(request, "deals/organizations/list.html", context)


#: How much of each list the organization page shows; the rest is a link away (or in the API).
ORG_ROUNDS_SHOWN = 20
ORG_VALUATIONS_CHARTED = 200
ORG_LIST_LIMIT = 50
ORG_METRICS_LIMIT = 100


def _first(queryset: Any, limit: int) -> tuple[list[Any], bool]:
    """The first ``limit`` rows and whether there are more, in one query (one row more than shown)."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def _valuation_points(org: Organization) -> tuple[list[charts.BandPoint], bool]:
    """The valuation chart's points (its latest valued rounds) and whether older ones were left out."""
    return _band_points(selectors.organization_valuations(organization=org, limit=ORG_VALUATIONS_CHARTED))


def _valuations_then(funding: list[Any]) -> list[tuple[datetime.date | None, str, Any]]:
    """:func:`deals.selectors.organization_valuations` of rounds as they stood at a moment (newest first, with
    their figures of then): the latest valued ones, oldest first."""
    valued = [r for r in funding if r.figures.post_money_reporting is not None][:ORG_VALUATIONS_CHARTED]
    return [(r.date, r.date_precision, r.figures.post_money_reporting) for r in reversed(valued)]


def _band_points(valuations: list[tuple[datetime.date | None, str, Any]]) -> tuple[list[charts.BandPoint], bool]:
    points = []
    for when, precision, post in valuations:
        if post.high is None and post.low is None:
            continue
        low = post.low if post.low is not None else Decimal(0)
        high = post.high if post.high is not None else (post.value if post.value is not None else low)
        points.append(
            charts.BandPoint(
                label=str(when.year) if when else "?",
                low=low,
                value=post.value,
                high=max(high, low),
                tooltip=f"{date_at_precision(when, precision)}: {describe(post, language=get_language())}",
            )
        )
    return points, len(valuations) >= ORG_VALUATIONS_CHARTED


@browse
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything about one organization, each list capped so that the busiest (hundreds of rounds as a target,
    tens of thousands as an investor) render as fast as the others; the caps link to the full lists."""
    as_of, problem = _as_of(request)
    if problem is not None:
        return problem
    org = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    pro_forma = request.GET.get("pro_forma") == "1"
    if as_of is not None:
        return _organization_detail_then(request, org, as_of, pro_forma=pro_forma)
    title = _("Post-money valuation over time (%(currency)s)") % {"currency": reporting_currency()}
    points, valuations_capped = _valuation_points(org)
    # The names come in their own queries: joined in, the planner trades the two indexes for a parallel scan.
    relationships, more_relationships = _first(
        Relationship.objects.filter(Q(provider=org) | Q(client=org))
        .prefetch_related("provider", "client")
        .order_by("-started_on", "id"),
        ORG_LIST_LIMIT,
    )
    subsidiaries, more_subsidiaries = _first(org.subsidiaries.order_by("name"), ORG_LIST_LIMIT)
    cap_table, more_holders = _first(
        selectors.organization_cap_table(organization=org, pro_forma=pro_forma), ORG_LIST_LIMIT
    )
    portfolio, more_positions = _first(
        selectors.organization_portfolio(organization=org, pro_forma=pro_forma), ORG_LIST_LIMIT
    )
    metrics, more_metrics = _first(
        Metric.objects.filter(organization=org).order_by("kind", "-period_year", "-period_date"), ORG_METRICS_LIMIT
    )
    context = {
        "org": org,
        "pro_forma": pro_forma,
        "subsidiaries": subsidiaries,
        "more_subsidiaries": more_subsidiaries,
        "funding": selectors.with_labels(
            selectors.organization_latest_rounds(organization=org, limit=ORG_ROUNDS_SHOWN)
        ),
        "funding_total": FundingRound.objects.filter(target=org).count(),
        "valuation_chart": charts.band_chart(points, title=title, fmt=_money),
        "valuation_title": title,
        "valuations_capped": valuations_capped,
        "valuations_charted": ORG_VALUATIONS_CHARTED,
        "cap_table": cap_table,
        "more_holders": more_holders,
        "portfolio": portfolio,
        "more_positions": more_positions,
        "co_investors": list(
            selectors.organization_co_investors(organization=org, window=selectors.CO_INVESTOR_WINDOW)
        ),
        "co_investor_window": selectors.CO_INVESTOR_WINDOW,
        "co_investors_windowed": selectors.organization_invested_in_more_than(
            organization=org, rounds=selectors.CO_INVESTOR_WINDOW
        ),
        "relationships": relationships,
        "more_relationships": more_relationships,
        "metrics": metrics,
        "more_metrics": more_metrics,
        "cycles": _cycles_with_names(selectors.organization_cycles(organization=org)[:ORG_LIST_LIMIT]),
        "events": follow.listed(follow.events_of(organization=org), EVENTS_SHOWN),
        "following": follow.is_following(request.user, organization=org),
        "list_limit": ORG_LIST_LIMIT,
        "can_edit": request.user.has_perm("deals.change_organization"),
        "reporting_currency": reporting_currency(),
        **organization_claims_context(org),
    }
    return render(request, "deals/organizations/detail.html", context)


def _organization_detail_then(request: HttpRequest, org: Organization, as_of: AsOf, *, pro_forma: bool) -> HttpResponse:
    """The organization page as it stood at ``as_of``: the same template on the records of then (deals.as_of),
    the rounds' figures, the cap table and the portfolio computed on them. The co-investors and the money
    cycles, which are derived from the whole network, are not reconstructed and left out (the banner says so);
    the change history lists only the changes made before then."""
    then = history.organization_then(org.pk, as_of.moment, pro_forma=pro_forma)
    if then is None:
        message = _("This organization had not been recorded yet on %(date)s.") % {"date": as_of.label}
        return _as_of_problem(request, message, status=404)
    title = _("Post-money valuation over time (%(currency)s)") % {"currency": reporting_currency()}
    points, valuations_capped = _band_points(_valuations_then(then.funding))
    organization = then.organization
    context = {
        "as_of": as_of,
        "org": organization,
        "pro_forma": pro_forma,
        "subsidiaries": then.subsidiaries[:ORG_LIST_LIMIT],
        "more_subsidiaries": len(then.subsidiaries) > ORG_LIST_LIMIT,
        "funding": selectors.with_labels(then.funding[:ORG_ROUNDS_SHOWN]),
        "funding_total": then.funding_total,
        "valuation_chart": charts.band_chart(points, title=title, fmt=_money),
        "valuation_title": title,
        "valuations_capped": valuations_capped,
        "valuations_charted": ORG_VALUATIONS_CHARTED,
        "cap_table": then.cap_table[:ORG_LIST_LIMIT],
        "more_holders": len(then.cap_table) > ORG_LIST_LIMIT,
        "portfolio": (then.portfolio or [])[:ORG_LIST_LIMIT],
        "more_positions": then.portfolio is not None and len(then.portfolio) > ORG_LIST_LIMIT,
        "portfolio_not_computed": (
            None
            if then.portfolio is not None
            else _(
                "The portfolio is computed for a past date for at most %(limit)s companies; this investor held "
                "stakes in %(count)s then."
            )
            % {
                "limit": formats.number_format(history.PORTFOLIO_TARGETS_LIMIT, force_grouping=True),
                "count": formats.number_format(then.portfolio_targets, force_grouping=True),
            }
        ),
        "co_investors": [],
        "relationships": then.relationships[:ORG_LIST_LIMIT],
        "more_relationships": len(then.relationships) > ORG_LIST_LIMIT,
        "metrics": then.metrics[:ORG_METRICS_LIMIT],
        "more_metrics": len(then.metrics) > ORG_METRICS_LIMIT,
        "cycles": [],
        "events": follow.listed(follow.events_of(organization=org).filter(occurred_at__lt=as_of.moment), EVENTS_SHOWN),
        "following": follow.is_following(request.user, organization=org),
        "list_limit": ORG_LIST_LIMIT,
        "can_edit": request.user.has_perm("deals.change_organization"),
        "reporting_currency": reporting_currency(),
        **organization_claims_context(organization, found=then.claims),
    }
    return render(request, "deals/organizations/detail.html", context)


def claim_table_rows(
    fields: Any, *, label: Callable[[str], str], agreeing: frozenset[int] | set[int] = frozenset()
) -> list[dict[str, Any]]:
    """The rows of the claims table (templates/deals/_claims_table.html) of one record's fields
    (``deals.claims.FieldClaims`` by field): each claim, the first of a field named by ``label(field)``."""
    from deals import claims

    rows = []
    for field, info in fields.items():
        for i, claim in enumerate(info.claims):
            rows.append(
                {
                    "first": i == 0,
                    "label": label(field),
                    "disputed": info.disputed,
                    "claim": claim,
                    "text": claims.claim_text(claim),
                    "on": claims.stated_date(claim),
                    "accepted": info.accepted is not None and info.accepted.pk == claim.pk,
                    "rejected": info.disputed,
                    "agrees": claim.pk in agreeing,
                }
            )
    return rows


def _record_label(organization: Organization, entry: Any) -> str:
    """How the organization's page names one of its own records: "Operating expenses 2026", "Provides Cloud
    to OpenAI"."""
    from django.utils.formats import date_format

    record = entry.record
    if entry.target == "metric":
        period = record.period_year or date_format(record.period_date, "DATE_FORMAT")
        text = f"{record.label or record.get_kind_display()} {period}"
        return f"{text} ({_('forecast')})" if record.is_forecast else text
    if record.provider_id == organization.pk:
        return _("Provides %(kind)s to %(client)s") % {"kind": record.get_kind_display(), "client": record.client.name}
    return _("Buys %(kind)s from %(provider)s") % {"kind": record.get_kind_display(), "provider": record.provider.name}


def organization_claims_context(organization: Organization, *, found: Any = None) -> dict[str, Any]:
    """The organization page's claims (deals.claims.organization_claims): its own records' claims side by side,
    and its rounds' and its investments' disputed fields, each linking to the round page's claims; of the
    claims ``found`` (as they stood at a moment) instead of the stored ones when given."""
    from deals import claims
    from deals.choices import ClaimField

    if found is None:
        found = claims.organization_claims(organization=organization)
    labels = dict(ClaimField.choices)
    rows: list[dict[str, Any]] = []
    for entry in found.records:
        name = _record_label(organization, entry)

        def label(field: str, name: str = name, metric: bool = entry.target == "metric") -> str:
            return name if metric else f"{name}: {labels.get(field, field)}"  # a metric has one field, its value

        rows += claim_table_rows(entry.fields, label=label)
    disputes: list[dict[str, Any]] = [
        {"dispute": d, "field_label": labels.get(d.field, d.field), "url": d.round.get_absolute_url() + "#claims-h"}
        for d in [*found.rounds, *found.investments]
    ]
    return {
        "org_claims": found,
        "org_claim_rows": rows,
        "round_disputes": [d for d in disputes if d["dispute"].target == "round"],
        "investment_disputes": [d for d in disputes if d["dispute"].target == "participation"],
    }


def _network_focus(request: HttpRequest) -> Organization | None:
    """The organization to centre on: by slug, or else the best match for a typed name ("Open AI")."""
    text = request.GET.get("focus", "").strip()[:200]
    if not text:
        return None
    found = Organization.objects.filter(slug=text).first()
    found = found or Organization.objects.search(text, best=1).first()
    if found is None:
        raise Http404(_("No organization matches “%(text)s”.") % {"text": text})
    return found


@browse
def network_view(request: HttpRequest) -> HttpResponse:
    focus = _network_focus(request)
    filters = network.Filters.from_query(request.GET)
    graph = network.build(focus=focus, filters=filters)
    context = {
        "graph": graph,
        "focus": focus,
        "filters": filters,
        "kinds": [(kind, network.kind_label(kind)) for kind in network.KINDS],
        "cycles": [
            {
                "cycle": c,
                "names": [graph.names.get(i, "?") for i in c.path],
                "edges": cycle_edges(c, graph.names),
                "cycles": [c],
            }
            for c in graph.cycles
        ],
        "max_nodes": network.MAX_NODES,
        "data_url": reverse("deals:network_data") + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    return render(request, "deals/network.html", context)


@browse
def network_data(request: HttpRequest) -> JsonResponse:
    """The network page's graph for the browser's interactive view: the same filters, more nodes."""
    focus = _network_focus(request)
    try:
        limit = int(request.GET.get("limit", network.NODES_INTERACTIVE))
    except ValueError:
        limit = network.NODES_INTERACTIVE
    limit = max(1, min(limit, network.MAX_NODES_INTERACTIVE))
    graph = network.build(focus=focus, filters=network.Filters.from_query(request.GET), max_nodes=limit)
    return JsonResponse(network.as_json(graph, focus))


@browse
def search(request: HttpRequest) -> HttpResponse:
    """Organizations (best match first) and deals (newest first), with what matched marked."""
    text = request.GET.get("q", "").strip()[:200]
    orgs: list[Organization] = []
    rounds: list[FundingRound] = []
    if text:
        orgs, rounds = selectors.search_results(text, limit=SEARCH_LIMIT + 1)
    context = {
        "q": text,
        "organizations": _marked_organizations(orgs[:SEARCH_LIMIT], text),
        "more_organizations": len(orgs) > SEARCH_LIMIT,
        "rounds": _marked_rounds(selectors.with_labels(rounds[:SEARCH_LIMIT]), text),
        "more_rounds": len(rounds) > SEARCH_LIMIT,
    }
    return render(request, "deals/search.html", context)


def _marked_organizations(orgs: list[Organization], text: str) -> list[Organization]:
    """Each organization with its name marked and, when only an alias holds the words, that alias."""
    words = search_text.terms(text)
    for org in orgs:
        org.marked_name = search_text.mark(org.name, words)  # type: ignore[attr-defined]
        in_name = any(w.lower() in org.name.lower() for w in words)
        alias = next((a for a in org.aliases if any(w.lower() in a.lower() for w in words)), None)
        org.marked_alias = search_text.mark(alias, words) if alias and not in_name else None  # type: ignore[attr-defined]
    return orgs


def _marked_rounds(rounds: list[FundingRound], text: str) -> list[FundingRound]:
    """Targets, investors and the matching passages of the notes marked (as :func:`selectors.search_results`
    reads them)."""
    words = search_text.terms(text)
    for r in rounds:
        r.marked_target = search_text.mark(r.target.name, words)  # type: ignore[attr-defined]
        r.marked_investors = [search_text.mark(name, words) for name in r.investor_names]  # type: ignore[attr-defined]
        r.passage = search_text.headline(r.passage) if r.passage else None  # type: ignore[attr-defined]
    return rounds


@browse
def organization_suggest(request: HttpRequest) -> HttpResponse:
    """Options for the organization inputs of the filters (an htmx-filled datalist)."""
    text = next(
        (request.GET[k].strip() for k in ("investor_slug", "target_slug", "focus", "q") if request.GET.get(k)), ""
    )
    orgs = Organization.objects.search(text, best=15)[:15] if len(text) >= 2 else []
    return render(request, "deals/_org_options.html", {"organizations": orgs})
