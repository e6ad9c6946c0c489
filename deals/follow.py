"""Following: what a user follows (organizations, rounds, saved deals-list filters), the events of it, their
settings (alerts, feed token, what they have seen) and their webhooks. Services in the deals/services.py style;
the reads the pages, feeds, API, e-mails and webhooks share."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.choices import AlertMode, EventKind
from deals.filtersets import FundingRoundFilterSet
from deals.models import (
    Event,
    EventOrganization,
    Follow,
    FollowerSettings,
    FundingRound,
    Organization,
    SavedSearch,
    SavedSearchEvent,
    Webhook,
)

#: Query parameters of the deals list that are not filters.
NOT_FILTERS = frozenset({"page", "ordering"})

#: A search saved (or given a new filter) holds this many of the newest past events of its rounds at once;
#: every later event its rounds meet is added by the event's fan-out.
SAVED_SEARCH_FILL = 500


# --- Settings ---------------------------------------------------------------------------------------------


def settings_of(user: Any) -> FollowerSettings:
    """The user's follower settings, created on first use (with a feed token)."""
    found = FollowerSettings.objects.filter(user=user).first()
    if found is not None:
        return found
    row, _created = FollowerSettings.objects.get_or_create(
        user=user, defaults={"feed_token": secrets.token_urlsafe(24), "language": _language_code()}
    )
    return row


def _language_code() -> str:
    from django.utils.translation import get_language

    return (get_language() or settings.LANGUAGE_CODE)[:2]


@transaction.atomic
def settings_update(*, user: Any, alert_mode: str | None = None, language: str | None = None) -> FollowerSettings:
    row = FollowerSettings.objects.select_for_update().get(pk=settings_of(user).pk)
    if alert_mode is not None:
        if alert_mode not in AlertMode.values:
            raise ValidationError({"alert_mode": _("Choose how you want to be alerted.")})
        if alert_mode == AlertMode.DAILY and row.alert_mode != AlertMode.DAILY:
            # A digest starts with what happens from now on, not with the whole history.
            row.digest_event_id = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        row.alert_mode = alert_mode
    if language is not None:
        row.language = language[:2]
    row.save()
    return row


@transaction.atomic
def feed_token_rotate(*, user: Any) -> FollowerSettings:
    """A new feed token: every feed URL with the old one stops working."""
    row = FollowerSettings.objects.select_for_update().get(pk=settings_of(user).pk)
    row.feed_token = secrets.token_urlsafe(24)
    row.save(update_fields=["feed_token"])
    return row


def user_of_feed_token(token: str) -> Any:
    row = FollowerSettings.objects.select_related("user").filter(feed_token=token, user__is_active=True).first()
    return row.user if row is not None and token else None


# --- Follows and saved searches ---------------------------------------------------------------------------


@transaction.atomic
def follow(*, user: Any, organization: Organization | None = None, round: FundingRound | None = None) -> Follow:
    """Follow an organization or a round (following twice is following once)."""
    if (organization is None) == (round is None):
        raise ValidationError(_("Follow either an organization or a round."))
    settings_of(user)  # the row that counts the follower's unread events
    found, _created = Follow.objects.get_or_create(user=user, organization=organization, round=round)
    return found


@transaction.atomic
def unfollow(*, user: Any, organization: Organization | None = None, round: FundingRound | None = None) -> None:
    Follow.objects.filter(user=user, organization=organization, round=round).delete()


def is_following(user: Any, *, organization: Organization | None = None, round: FundingRound | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, organization=organization, round=round).exists()


def filter_query(query: str) -> QueryDict:
    """The filters of a deals-list query string as the list reads them: blank values and pagination dropped."""
    data = QueryDict(mutable=True)
    for key, values in QueryDict(query).lists():
        kept = [v for v in values if v.strip()]
        if kept and key not in NOT_FILTERS:
            data.setlist(key, kept)
    return data


def saved_search_filterset(search: SavedSearch | str) -> FundingRoundFilterSet:
    query = search if isinstance(search, str) else search.query
    return FundingRoundFilterSet(filter_query(query), queryset=FundingRound.objects.all())


def saved_search_rounds(search: SavedSearch | str) -> QuerySet[FundingRound]:
    """The rounds the deals list shows for the saved filter (the same FilterSet, the same parameters)."""
    filterset = saved_search_filterset(search)
    return filterset.qs if filterset.is_valid() else FundingRound.objects.none()


@transaction.atomic
def saved_search_save(*, user: Any, name: str, query: str) -> SavedSearch:
    """Save the deals list's filter ``query`` as ``name`` (a name used again replaces its filter). A new
    filter is given the newest past events of its rounds (:func:`saved_search_fill`)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the search a name.")})
    data = filter_query(query)
    filterset = saved_search_filterset(data.urlencode())
    if not filterset.is_valid():
        raise ValidationError({"query": _("This filter is not valid: %(errors)s") % {"errors": filterset.errors}})
    settings_of(user)
    before = SavedSearch.objects.filter(user=user, name=name).values_list("query", flat=True).first()
    found, _created = SavedSearch.objects.update_or_create(user=user, name=name, defaults={"query": data.urlencode()})
    if before != found.query:
        saved_search_fill(found)
    return found


@transaction.atomic
def saved_search_fill(search: SavedSearch) -> int:
    """Replace the events of ``search`` by the newest :data:`SAVED_SEARCH_FILL` events of the rounds its filter
    matches now (one ``INSERT … SELECT``: a walk back along the events that stops at the bound), and note when
    (``filled_at``). Returns how many. A fan-out that adds an event meanwhile is kept (ON CONFLICT)."""
    SavedSearchEvent.objects.filter(search=search).delete()
    search.filled_at = timezone.now()
    SavedSearch.objects.filter(pk=search.pk).update(filled_at=search.filled_at)
    newest = (
        Event.objects.filter(round_id__in=saved_search_rounds(search).values("pk"))
        .order_by("-id")
        .values("id")[:SAVED_SEARCH_FILL]
    )
    sql, params = newest.query.sql_with_params()
    table = SavedSearchEvent._meta.db_table
    with connection.cursor() as cursor:
        # The table's name and Django's compiled SELECT are the text; every value is a parameter.
        cursor.execute(
            f"INSERT INTO {table} (search_id, event_id) SELECT %s, n.id FROM ({sql}) AS n "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            [search.pk, *params],
        )
        return cursor.rowcount


def saved_searches_met(event: Event) -> list[SavedSearch]:
    """The saved searches whose filter the round of ``event`` meets now (the fan-out asks right after the
    event), by id: each filter's FilterSet, limited to that round. Searches saved with the same filter (it is
    stored normalized) are asked once: building and validating a FilterSet is most of a question's few
    milliseconds, which the fan-out paid per saved search (1,000 searches of 20 filters at 1M rounds, on a
    loaded machine: 5.6 s, now 0.14 s)."""
    if event.round_id is None:
        return []
    by_query: dict[str, list[SavedSearch]] = defaultdict(list)
    for search in SavedSearch.objects.order_by("pk"):
        by_query[search.query].append(search)
    met = [
        search
        for query, searches in by_query.items()
        if saved_search_rounds(query).filter(pk=event.round_id).exists()
        for search in searches
    ]
    return sorted(met, key=lambda search: search.pk)


def saved_search_events_add(*, event_id: int, searches: Sequence[SavedSearch]) -> None:
    """Add the event to those searches' events (a second run of the same fan-out adds nothing)."""
    rows = [SavedSearchEvent(search_id=search.pk, event_id=event_id) for search in searches]
    SavedSearchEvent.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def saved_search_delete(*, user: Any, pk: int) -> None:
    SavedSearch.objects.filter(user=user, pk=pk).delete()


# --- Events of what a user follows ----------------------------------------------------------------------


def followed_ids(user: Any) -> tuple[list[int], list[int], list[int]]:
    """The ids of the organizations, the rounds and the saved searches ``user`` follows (one query)."""
    _row, followed = _settings_and_followed(user)
    return followed


def _settings_and_followed(user: Any) -> tuple[FollowerSettings, tuple[list[int], list[int], list[int]]]:
    """The user's settings (:func:`settings_of`) and what they follow (:func:`followed_ids`), read in one query:
    What's new needs both before its events, and a query is about a millisecond's round trip."""
    follows = Follow.objects.filter(user=user).order_by()
    found = (
        FollowerSettings.objects.filter(user=user)
        .annotate(
            followed_orgs=ArraySubquery(follows.filter(organization__isnull=False).values("organization_id")),
            followed_rounds=ArraySubquery(follows.filter(round__isnull=False).values("round_id")),
            followed_searches=ArraySubquery(SavedSearch.objects.filter(user=user).order_by().values("pk")),
            unfilled_searches=ArraySubquery(
                SavedSearch.objects.filter(user=user, filled_at=None).order_by().values("pk")
            ),
        )
        .first()
    )
    if found is None:  # no settings yet (they are made with a first follow, a visit or a feed)
        settings_of(user)
        return _settings_and_followed(user)
    for search in SavedSearch.objects.filter(pk__in=found.unfilled_searches):
        saved_search_fill(search)  # saved before searches kept their events: once
    lists = (found.followed_orgs, found.followed_rounds, found.followed_searches)
    return found, lists


def events_of(
    *, organization: Organization | None = None, round: FundingRound | None = None, search: SavedSearch | None = None
) -> QuerySet[Event]:
    if organization is not None:
        # Through the (organization, event) key: newest first is a walk down it (EventOrganization).
        return Event.objects.filter(organization_links__organization_id=organization.pk)
    if round is not None:
        return Event.objects.filter(round=round)
    if search is not None:
        if search.filled_at is None:  # saved before searches kept their events
            saved_search_fill(search)
        # Through the (search, event) key (SavedSearchEvent), as an organization's through its own.
        return Event.objects.filter(saved_search_links__search_id=search.pk)
    return Event.objects.none()


def _first_ids(events: QuerySet[Event], *, limit: int, after: int = 0, oldest_first: bool = False) -> QuerySet[Any]:
    """The ids of ``events`` (those of a few rounds) past ``after``: the newest ``limit`` (or the oldest, with
    ``oldest_first``).

    They are sorted by ``id + 0``, not ``id``, on purpose: ordered by the primary key, PostgreSQL walks the
    event table for the few rows of a handful of rounds (seconds at 10M events) because it cannot tell how
    rare they are; sorted by an expression it takes the matching rows from the round's index and sorts just
    those."""
    if after:
        events = events.filter(id__gt=after)
    key = F("id") + 0
    return events.order_by(key.asc() if oldest_first else key.desc()).values("id")[:limit]


def listed(events: QuerySet[Event], limit: int) -> list[Event]:
    """The newest ``limit`` of ``events``, with who made each (one query). Those of :func:`events_of` are
    read newest first down an index that holds their order (an organization's key in EventOrganization, the
    round's ``(round, -id)``, a saved search's key in SavedSearchEvent)."""
    return list(events.select_related("actor").order_by("-id")[:limit])


def _walk_first_ids(
    table: str, column: str, keys: list[int], *, limit: int, after: int, oldest_first: bool
) -> tuple[str, list[Any]]:
    """The SQL of the ids of the events past ``after`` under each of ``keys`` in a link table keyed
    ``(column, event_id)`` (EventOrganization, SavedSearchEvent), ``limit`` per key, the newest (or the
    oldest): one walk down each key that stops at ``limit``."""
    order = "ASC" if oldest_first else "DESC"
    # Only the table's and column's names and ASC/DESC are put in the text; every value is a parameter.
    sql = (
        f"SELECT l.event_id FROM unnest(%s::bigint[]) AS f(id) CROSS JOIN LATERAL (SELECT event_id FROM {table} "  # noqa: S608
        f"WHERE {column} = f.id AND event_id > %s ORDER BY event_id {order} LIMIT %s) AS l"
    )
    return sql, [sorted(set(keys)), after, limit]


def followed_events(
    user: Any,
    *,
    limit: int,
    after: int = 0,
    oldest_first: bool = False,
    followed: tuple[list[int], list[int], list[int]] | None = None,
) -> list[Event]:
    """The events of what ``user`` follows past ``after``, newest first (or oldest first), at most ``limit``,
    with who made each: of its organizations, its rounds and its saved searches (SavedSearchEvent);
    ``followed`` as :func:`followed_ids` gives them, else read.

    One query for the events, whatever the number of things followed: each kind of thing followed is read
    the way its index serves it, ``limit`` ids each (the organizations and the saved searches: a walk down
    each one's key, :func:`_walk_first_ids`; the rounds: :func:`_first_ids`), the first ``limit`` distinct
    ids of their union are the events' ids, and only those events are read. One condition with OR made
    PostgreSQL read the whole table (7 s at 10M events); the GIN index on ``organization_ids`` gave every
    event of the organizations, read from the heap and sorted (4,000 for 20 organizations); the saved
    searches' filters joined to the events looked up thousands of rounds for 50 matches."""
    org_ids, round_ids, search_ids = followed if followed is not None else followed_ids(user)
    step: dict[str, Any] = {"limit": limit, "after": after, "oldest_first": oldest_first}
    branches: list[tuple[str, Any]] = []
    if org_ids:
        branches.append(_walk_first_ids(EventOrganization._meta.db_table, "organization_id", org_ids, **step))
    if round_ids:
        branches.append(_first_ids(Event.objects.filter(round_id__in=round_ids), **step).query.sql_with_params())
    if search_ids:
        branches.append(_walk_first_ids(SavedSearchEvent._meta.db_table, "search_id", search_ids, **step))
    if not branches:
        return []
    order = "ASC" if oldest_first else "DESC"
    union = " UNION ALL ".join(f"({sql})" for sql, _params in branches)
    # The branches are SQL compiled by Django or the function above, with their values as parameters.
    ids = RawSQL(  # noqa: S611
        f"SELECT DISTINCT u.id FROM ({union}) AS u(id) ORDER BY u.id {order} LIMIT %s",  # noqa: S608
        [p for _sql, params in branches for p in params] + [limit],
    )
    found = Event.objects.filter(id__in=ids).select_related("actor")
    return list(found.order_by("id" if oldest_first else "-id")[:limit])


#: What's new shows the newest this many unseen events (the feeds and /api/events/ have every one).
WHATS_NEW_LIMIT = 50


def whats_new(*, user: Any, mark_seen: bool = True, language: str | None = None) -> dict[str, Any]:
    """Events of what ``user`` follows since their last visit (the latest ones if none are new), grouped by
    organization; the visit marks them seen, and remembers ``language`` for the user's e-mails (in the same
    UPDATE: a visit writes one row once)."""
    row, followed_lists = _settings_and_followed(user)
    since = row.seen_event_id
    events = followed_events(user, limit=WHATS_NEW_LIMIT, after=since, followed=followed_lists)
    followed = set(followed_lists[0])
    groups: dict[int, list[Event]] = {}
    for event in events:
        ids = event.organization_ids
        # Under the followed organization it names, else the round's target (the first one named).
        key = next((i for i in ids if i in followed), ids[0] if ids else 0)
        groups.setdefault(key, []).append(event)
    orgs = Organization.objects.only("name", "slug").in_bulk(list(groups))  # the headings' names and links
    grouped = [{"organization": orgs.get(key), "events": items} for key, items in groups.items()]
    if mark_seen:
        seen: dict[str, Any] = {"unread": 0, "last_visit_at": timezone.now()}
        if events:
            seen["seen_event_id"] = max(e.pk for e in events)
        if language:
            seen["language"] = language[:2]
        FollowerSettings.objects.filter(pk=row.pk).update(**seen)
    return {
        "groups": grouped,
        "since": row.last_visit_at,
        "count": len(events),
        "limit": WHATS_NEW_LIMIT,
        # The header's unread count (else read by context_processor): none once seen.
        "follow_unread": 0 if mark_seen else row.unread,
    }


def subscribers(event: Event, searches: Sequence[SavedSearch] | None = None) -> list[int]:
    """The ids of the users who follow what ``event`` is about: its organizations, its round, or a saved
    search its round meets (``searches``, as :func:`saved_searches_met` gives them, else asked here)."""
    users = set(
        Follow.objects.filter(Q(organization_id__in=event.organization_ids) | Q(round_id=event.round_id))
        .values_list("user_id", flat=True)
        .distinct()
    )
    users.update(search.user_id for search in (saved_searches_met(event) if searches is None else searches))
    return sorted(users)


def mark_unread(*, event_id: int, user_ids: Sequence[int]) -> list[int]:
    """Count ``event_id`` as unread once for each of ``user_ids``: a receipt row per subscriber, inserted with
    ON CONFLICT DO NOTHING, and one more unread event only for those whose receipt is new (one statement,
    however many users). Returns the users counted now; a re-run of the same event counts none."""
    if not user_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH counted AS (
                INSERT INTO deals_eventreceipt (event_id, user_id)
                SELECT %s, unnest(%s::bigint[])
                ON CONFLICT (event_id, user_id) DO NOTHING
                RETURNING user_id
            )
            UPDATE deals_followersettings AS s SET unread = s.unread + 1
            FROM counted WHERE s.user_id = counted.user_id
            RETURNING s.user_id
            """,
            [event_id, list(user_ids)],
        )
        return sorted(row[0] for row in cursor.fetchall())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return FollowerSettings.objects.filter(user=user).values_list("unread", flat=True).first() or 0


def context_processor(request: Any) -> dict[str, Any]:
    """``follow_unread``: the number of unseen events of what the user follows (read when a page shows it)."""
    from django.utils.functional import SimpleLazyObject

    return {"follow_unread": SimpleLazyObject(lambda: unread_count(getattr(request, "user", None)))}


# --- Webhooks -------------------------------------------------------------------------------------------


def address_refused(host: str) -> str | None:
    """Why a webhook may not reach ``host`` (a reason), or None: every address it resolves to must be public
    unless ``DEALTRACKER_WEBHOOK_ALLOW_PRIVATE`` allows private and loopback ones (SSRF)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return _("The host name does not resolve.")
    if settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE:
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return _("The host resolves to a private, loopback or reserved address (%(address)s).") % {
                "address": address
            }
    return None


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return _("Only http and https URLs can receive webhooks.")
    if parts.username or parts.password:
        return _("The URL must not carry a user name or password.")
    return address_refused(parts.hostname)


@transaction.atomic
def webhook_save(*, user: Any, url: str, kinds: Iterable[str] = (), webhook: Webhook | None = None) -> Webhook:
    """Create (or change) a webhook for what ``user`` follows; a new one gets its signing secret."""
    problem = url_problem(url)
    if problem:
        raise ValidationError({"url": problem})
    kinds = sorted(set(kinds))
    unknown = [k for k in kinds if k not in EventKind.values]
    if unknown:
        raise ValidationError({"kinds": _("Unknown event kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}})
    webhook = webhook or Webhook(user=user, secret=secrets.token_hex(32))
    webhook.url, webhook.kinds = url, kinds
    webhook.is_active, webhook.consecutive_failures, webhook.disabled_reason = True, 0, ""
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def webhook_delete(*, user: Any, pk: int) -> None:
    Webhook.objects.filter(user=user, pk=pk).delete()
