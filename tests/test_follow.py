"""Following: follows and saved searches, What's new, Atom feeds, /api/events/, e-mail alerts and digests, webhooks."""

from __future__ import annotations

import datetime
import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from deals import alerts, follow, services, webhooks
from deals.choices import DeliveryState, EventKind
from deals.engine.estimates import Estimate
from deals.follow_tasks import deliver_webhook, fan_out_event, send_event_email
from deals.models import Event, FundingRound, Organization, SavedSearch, SavedSearchEvent, Webhook, WebhookDelivery
from deals.models.estimates import as_columns
from tests.factories import OrganizationFactory, ParticipationFactory
from tests.support.servers import Receiver

pytestmark = pytest.mark.django_db


def amount(value: str, qualifier: str = "exact") -> dict[str, Any]:
    return as_columns("amount", Estimate.build(qualifier=qualifier, value=Decimal(value), currency="EUR"))


def new_round(target: Organization, status: str = "in_talks", value: str = "50000000000", **extra: Any) -> FundingRound:
    values = {"target": target, "round_type": "series_f", "status": status, "reported_on": datetime.date(2026, 1, 5)}
    return services.round_create(values={**values, **amount(value), **extra})


def member(name: str = "reader", email: str = "reader@example.com") -> User:
    user = User.objects.create_user(username=name, email=email, password="x-very-long-pass")
    user.groups.add(Group.objects.get(name="Viewer"))
    return user


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def openai() -> Organization:
    return OrganizationFactory(name="OpenAI", slug="openai")


def test_whats_new_lists_what_is_followed_since_the_last_visit_grouped_by_organization(
    openai, django_capture_on_commit_callbacks
):
    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    user = member()
    follow.follow(user=user, organization=openai)
    with django_capture_on_commit_callbacks(execute=True):
        followed = new_round(openai)
        new_round(anthropic)  # not followed
    client = client_of(user)
    dashboard = client.get(reverse("deals:dashboard")).content.decode()
    assert re.search(r'class="badge unread"[^>]*>1<', dashboard), "one unread event in the header"
    page = client.get(reverse("deals:whats_new"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neuigkeiten" in page and "Neue Runde: OpenAI · " in page and ", 50 Mrd. € (" in page
    assert "Anthropic" not in page
    assert 'href="/organizations/openai/"' in page
    again = client.get(reverse("deals:whats_new")).content.decode()
    assert "Nothing new" in again, "the visit marked them seen"
    with django_capture_on_commit_callbacks(execute=True):
        services.round_change_status(round=followed, to_status="announced")
    later = client.get(reverse("deals:whats_new")).content.decode()
    assert "Status: In talks → Announced" in later and "New round" not in later
    assert f'href="/rounds/{followed.pk}/"' in later and '<section class="card" aria-labelledby="group-1">' in later


def test_the_events_of_one_commit_ask_once_whether_anybody_follows(openai, django_capture_on_commit_callbacks):
    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    user = member()
    follow.follow(user=user, organization=openai)
    asked = 'SELECT 1 AS "a" FROM "deals_follow" LIMIT 1'
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            new_round(openai)
            new_round(anthropic)
    assert len(callbacks) == 6
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    assert [q["sql"] for q in queries].count(asked) == 1
    dashboard = client_of(user).get(reverse("deals:dashboard")).content.decode()
    assert re.search(r'class="badge unread"[^>]*>3<', dashboard), "the three followed events were handed over"
    # The next commit asks again: its answer is its own.
    follow.unfollow(user=user, organization=openai)
    with django_capture_on_commit_callbacks() as callbacks:
        new_round(openai)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    assert [q["sql"] for q in queries].count(asked) == 1


def test_whats_new_escapes_the_names_it_shows(django_capture_on_commit_callbacks):
    """The page's cards and lines are built in Python (deals_follow.event_groups): names are escaped there."""
    odd = OrganizationFactory(name='<b>Bold</b> & "Co"', slug="bold-co")
    user = member()
    follow.follow(user=user, organization=odd)
    with django_capture_on_commit_callbacks(execute=True):
        new_round(odd)
    page = client_of(user).get(reverse("deals:whats_new")).content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;</a></h2>" in page  # the card's heading
    assert ">&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot; · " in page  # the round's link


def test_the_events_of_what_a_user_follows_are_those_of_one_condition_newest_or_oldest_first(
    openai, django_capture_on_commit_callbacks
):
    """Organizations, rounds and saved searches followed, read branch by branch, give exactly the events of the
    one OR condition: the newest (or oldest) ``limit`` past a point, each once however many branches name it.
    (Each write's fan-out runs, as a worker would run it: it gives the saved searches their new events.)"""
    from django.db.models import Q

    anthropic, mistral, other = (OrganizationFactory(name=n, slug=n.lower()) for n in ("Anthropic", "Mistral", "Other"))
    user = member()
    rounds = [
        new_round(org, value=str(10**9 * (n + 1))) for n, org in enumerate([openai, anthropic, mistral, other] * 3)
    ]
    follow.follow(user=user, organization=openai)
    follow.follow(user=user, round=rounds[1])  # one of Anthropic's rounds
    follow.saved_search_save(user=user, name="Mistral", query=f"target={mistral.pk}")
    follow.saved_search_save(user=user, name="Announced", query="status=announced")
    with django_capture_on_commit_callbacks(execute=True):
        for round_ in rounds[::2]:
            services.round_change_status(round=round_, to_status="announced")
        services.participation_create(values={"round": rounds[3], "investor": openai})  # OpenAI invests in Other
    searched = FundingRound.objects.filter(Q(target=mistral) | Q(status="announced")).values("pk")
    condition = Q(organization_ids__overlap=[openai.pk]) | Q(round_id=rounds[1].pk) | Q(round_id__in=searched)
    everything = list(Event.objects.filter(condition).order_by("id").values_list("id", flat=True))
    assert len(everything) > 10 and len(everything) < Event.objects.count()
    for limit, after in [(100, 0), (5, 0), (5, everything[3]), (1, everything[-2]), (5, everything[-1])]:
        expected = [pk for pk in everything if pk > after]
        newest = follow.followed_events(user, limit=limit, after=after)
        oldest = follow.followed_events(user, limit=limit, after=after, oldest_first=True)
        assert [e.pk for e in newest] == expected[::-1][:limit]
        assert [e.pk for e in oldest] == expected[:limit]
    assert follow.followed_events(member("nobody", "n@example.com"), limit=50) == []


def test_the_organizations_of_events_are_kept_equal_to_their_arrays_by_every_writer(openai):
    """EventOrganization is a row per (organization, event) of ``organization_ids``, written by the event
    table's triggers: for a service's event, for many events inserted in one statement (as the imports do),
    and for an update of the array."""
    from deals.models import EventOrganization

    def rows() -> set[tuple[int, int]]:
        return set(EventOrganization.objects.values_list("organization_id", "event_id"))

    def arrays() -> set[tuple[int, int]]:
        return {(o, pk) for pk, ids in Event.objects.values_list("id", "organization_ids") for o in ids}

    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    round_ = new_round(openai)
    services.participation_create(values={"round": round_, "investor": anthropic})
    assert rows() == arrays() and len(rows()) == 3  # a new round (OpenAI); a participant (OpenAI, Anthropic)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO deals_event (kind, organization_ids, occurred_at, params) "
            "SELECT 'round_created', ARRAY[%s, %s, %s]::bigint[], now(), '{}' FROM generate_series(1, 3)",
            [anthropic.pk, openai.pk, anthropic.pk],
        )
    assert rows() == arrays() and len(rows()) == 3 + 3 * 2, "an organization named twice is one row"
    moved = Event.objects.filter(kind="round_created").order_by("-id").first()
    assert moved is not None
    Event.objects.filter(pk=moved.pk).update(organization_ids=[openai.pk, 10**12])
    assert rows() == arrays()
    Event.objects.filter(pk=moved.pk).update(organization_ids=[])
    assert rows() == arrays() and not EventOrganization.objects.filter(event=moved).exists()
    assert follow.listed(follow.events_of(organization=anthropic), 50) == list(
        Event.objects.filter(organization_ids__contains=[anthropic.pk]).order_by("-id")
    )


def test_following_and_unfollowing_are_post_forms_with_the_csrf_token(openai):
    user = member()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("deals:organization_detail", args=["openai"])).content.decode()
    form = re.search(r'<form class="inline follow" method="post" action="([^"]+)">.*?</form>', page, re.S)
    assert form is not None and "csrfmiddlewaretoken" in form.group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)  # type: ignore[union-attr]
    assert client.post(form.group(1), {"organization": openai.pk, "action": "follow"}).status_code == 403
    data = {
        "csrfmiddlewaretoken": token,
        "organization": openai.pk,
        "action": "follow",
        "next": "/organizations/openai/",
    }
    assert client.post(form.group(1), data).status_code == 302
    assert follow.is_following(user, organization=openai)
    assert "Unfollow" in client.get(reverse("deals:organization_detail", args=["openai"])).content.decode()
    client.post(form.group(1), {**data, "action": "unfollow"})
    assert not follow.is_following(user, organization=openai)


QUERIES = [
    "status=announced",
    "status=in_talks&status=announced&amount_min=55000000000",
    "q=openai",
    "target_slug=openai&ordering=-amount&page=1",
    "investor_slug=microsoft&date_from=2026-01-01",
    "amount_currency=USD",
    "round_type=series_a&status=",
]


def test_a_saved_search_matches_exactly_what_the_deals_list_shows(openai):
    microsoft = OrganizationFactory(name="Microsoft", slug="microsoft")
    rounds = [
        new_round(openai, "announced", "60000000000"),
        new_round(openai, "in_talks", "40000000000"),
        new_round(OrganizationFactory(name="Anthropic", slug="anthropic"), "announced", "13000000000"),
        new_round(OrganizationFactory(name="Mistral", slug="mistral"), "closed", "600000000", round_type="series_a"),
    ]
    ParticipationFactory(round=rounds[1], investor=microsoft)
    from deals.pipeline.services import dirty_drain

    dirty_drain()
    user = member()
    client = client_of(user)
    for number, query in enumerate(QUERIES):
        listed = client.get(f"{reverse('deals:round_list')}?{query}").content.decode()
        shown = {int(pk) for pk in re.findall(r'href="/rounds/(\d+)/"', listed)}
        search = follow.saved_search_save(user=user, name=f"search {number}", query=query)
        assert set(follow.saved_search_rounds(search).values_list("pk", flat=True)) == shown, query


def test_the_fan_out_asks_each_filter_once_and_finds_what_each_search_matches(openai):
    """The saved searches an event's round meets are those whose own filter shows the round; searches saved with
    the same filter by another user cost no statement more."""
    microsoft = OrganizationFactory(name="Microsoft", slug="microsoft")
    rounds = [
        new_round(openai, "announced", "60000000000"),
        new_round(openai, "in_talks", "40000000000"),
        new_round(OrganizationFactory(name="Mistral", slug="mistral"), "closed", "600000000", round_type="series_a"),
    ]
    ParticipationFactory(round=rounds[1], investor=microsoft)
    first, second = member(), member("other", "other@example.com")
    for number, query in enumerate(QUERIES):
        follow.saved_search_save(user=first, name=f"search {number}", query=query)
    SavedSearch.objects.create(user=first, name="not valid", query="date_from=yesterday")

    def met(round_: FundingRound) -> tuple[list[int], int]:
        event = Event.objects.filter(round=round_).first()
        with CaptureQueriesContext(connection) as captured:
            found = [search.pk for search in follow.saved_searches_met(event)]
        return found, len(captured)

    def each_filter(round_: FundingRound) -> list[int]:
        return [s.pk for s in SavedSearch.objects.order_by("pk") if follow.saved_search_rounds(s).filter(pk=round_.pk)]

    alone = [met(r)[1] for r in rounds]
    for number, query in enumerate(QUERIES):
        follow.saved_search_save(user=second, name=f"search {number}", query=query)
    for round_, statements in zip(rounds, alone, strict=True):
        found, now = met(round_)
        assert found == each_filter(round_) != []
        assert now == statements
    assert {s.user_id for s in follow.saved_searches_met(Event.objects.filter(round=rounds[0]).first())} == {
        first.pk,
        second.pk,
    }


def test_a_saved_search_holds_the_events_its_rounds_met_from_its_filter_on(openai, django_capture_on_commit_callbacks):
    """Saved, a search holds the newest past events of the rounds its filter matches; each later event whose
    round meets it is added by the event's fan-out (once, however often it runs); a round that stops matching
    keeps its earlier events; a new filter starts again from the past events of the rounds it matches."""
    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    announced, talks, other = new_round(openai, "announced"), new_round(openai), new_round(anthropic)
    user = member()
    search = follow.saved_search_save(user=user, name="Announced", query="status=announced")

    def held() -> list[int]:
        return [e.pk for e in follow.listed(follow.events_of(search=search), 100)]

    def of(*rounds: FundingRound) -> list[int]:
        return list(Event.objects.filter(round__in=rounds).order_by("-id").values_list("pk", flat=True))

    assert held() == of(announced) != []
    with django_capture_on_commit_callbacks(execute=True):
        services.round_change_status(round=talks, to_status="announced")  # meets the filter from now on
        services.round_change_status(round=other, to_status="closed")  # does not
    moved = Event.objects.filter(round=talks, kind="status_changed").get()
    assert held() == [moved.pk, *of(announced)]
    alerts.fan_out(event_id=moved.pk)  # a second run of the same fan-out adds nothing
    assert held() == [moved.pk, *of(announced)]
    with django_capture_on_commit_callbacks(execute=True):
        services.round_change_status(round=announced, to_status="closed")  # stops matching: its past is kept
    assert held() == [moved.pk, *of(announced)[1:]]
    assert [e.pk for e in follow.followed_events(user, limit=50)] == held()
    follow.saved_search_save(user=user, name="Announced", query="status=closed")  # a new filter: filled again
    assert held() == of(announced, other)
    follow.saved_search_save(user=user, name="Announced", query="status=closed")  # the same filter: kept
    assert held() == of(announced, other)
    # A search saved before searches kept their events (as migration 0026 leaves it) is filled when first read.
    SavedSearchEvent.objects.all().delete()
    SavedSearch.objects.update(filled_at=None)
    assert [e.pk for e in follow.followed_events(user, limit=50)] == of(announced, other)
    search.refresh_from_db()
    assert search.filled_at is not None and held() == of(announced, other)


def test_saving_a_search_from_the_deals_list_form(openai):
    user = member()
    client = client_of(user)
    page = client.get(reverse("deals:round_list") + "?status=announced").content.decode()
    assert 'action="/following/searches/"' in page
    client.post(reverse("deals:saved_search_create"), {"name": "Announced", "query": "status=announced&page=2"})
    (search,) = user.saved_searches.all()
    assert search.query == "status=announced"


def test_atom_feeds_per_user_organization_and_search_with_a_revocable_token(openai, django_capture_on_commit_callbacks):
    user = member()
    follow.follow(user=user, organization=openai)
    search = follow.saved_search_save(user=user, name="Announced", query="status=announced")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = new_round(openai)
        services.round_change_status(round=round_, to_status="announced")
    token = follow.settings_of(user).feed_token
    anonymous = Client()
    feeds = [
        reverse("deals:feed_user", args=[token]),
        reverse("deals:feed_organization", args=[token, "openai"]),
        reverse("deals:feed_search", args=[token, search.pk]),
    ]
    for url in feeds:
        response = anonymous.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        entries = re.findall(r"<entry>.*?</entry>", response.content.decode(), re.S)
        titles = [html.unescape(re.search(r"<title>(.*?)</title>", e).group(1)) for e in entries]  # type: ignore[union-attr]
        assert "OpenAI · Series F — Status: In talks → Announced" in titles, url
    follow.feed_token_rotate(user=user)
    assert all(anonymous.get(url).status_code == 404 for url in feeds)


def test_api_events_filter_and_page_by_cursor(openai):
    anthropic = OrganizationFactory(name="Anthropic", slug="anthropic")
    admin = User.objects.create_superuser("admin", "admin@example.com", "x-very-long-pass")
    first = new_round(openai)
    services.round_change_status(round=first, to_status="announced", user=admin)
    new_round(anthropic)
    client = client_of(admin)
    body = client.get("/api/events/", {"organization": openai.pk}).json()
    assert [e["kind"] for e in body["results"]] == ["status_changed", "round_created"]
    moved = body["results"][0]
    assert moved["who"] == "admin" and moved["round"] == first.pk and moved["organizations"] == [openai.pk]
    assert moved["text"] == "OpenAI · Series F — Status: In talks → Announced"
    assert client.get("/api/events/", {"kind": "round_created"}).json()["results"][0]["organizations"] == [anthropic.pk]
    assert len(client.get("/api/events/", {"round": first.pk}).json()["results"]) == 2
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/events/", {"since": future}).json()["results"] == []
    page = client.get("/api/events/", {"page_size": 1}).json()
    seen = [page["results"][0]["id"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [e["id"] for e in page["results"]]
    assert seen == sorted(Event.objects.values_list("id", flat=True), reverse=True)
    assert client.get("/api/events/", {"organisation": 1}).status_code == 400, "a misspelt filter is refused"


def queries(client: Client, url: str) -> int:
    caches[django_settings.API_CACHE_ALIAS].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_event_pages_and_endpoints_take_the_same_queries_for_1_and_50_events(openai):
    admin = User.objects.create_superuser("admin", "admin@example.com", "x-very-long-pass")
    user = member()
    follow.follow(user=user, organization=openai)
    search = follow.saved_search_save(user=user, name="All", query="")
    round_ = new_round(openai)
    token = follow.settings_of(user).feed_token
    reader, staff = client_of(user), client_of(admin)
    follow.follow(user=user, round=round_)  # What's new reads organizations, rounds and saved searches
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    urls = [
        (staff, "/api/events/"),
        (staff, f"/api/events/?organization={openai.pk}"),
        (staff, f"/api/events/?round={round_.pk}"),
        (staff, "/api/events/?kind=round_created&kind=amount_revised"),
        (staff, f"/api/events/?{urlencode({'since': since})}"),
        (reader, "/api/events/"),
        (reader, reverse("deals:feed_user", args=[token])),
        (reader, reverse("deals:feed_organization", args=[token, "openai"])),
        (reader, reverse("deals:feed_search", args=[token, search.pk])),
        (reader, reverse("deals:round_detail", args=[round_.pk])),
        (reader, reverse("deals:organization_detail", args=["openai"])),
    ]
    one = [queries(client, url) for client, url in urls]
    for n in range(49):
        services.round_update(round=round_, values=amount(str(60000000000 + n)), user=admin)
    assert Event.objects.count() == 50
    assert [queries(client, url) for client, url in urls] == one
    follow.whats_new(user=user)  # seen; What's new with 1 and with 50 new events
    FollowerSettingsReset.reset(user)
    many = queries(reader, reverse("deals:whats_new"))
    FollowerSettingsReset.reset(user, keep=1)
    assert queries(reader, reverse("deals:whats_new")) == many


class FollowerSettingsReset:
    @staticmethod
    def reset(user: User, keep: int | None = None) -> None:
        """Mark all but the newest ``keep`` events (None: none) seen."""
        from deals.models import FollowerSettings

        ids = list(Event.objects.order_by("-id").values_list("id", flat=True))
        seen = ids[keep] if keep is not None and keep < len(ids) else 0
        FollowerSettings.objects.filter(user=user).update(seen_event_id=seen)


def test_an_immediate_alert_is_one_email_however_often_the_task_runs(openai, django_capture_on_commit_callbacks):
    user = member()
    follow.follow(user=user, organization=openai)
    follow.settings_update(user=user, alert_mode="immediate", language="de")
    with django_capture_on_commit_callbacks(execute=True):
        new_round(openai)
    (event,) = Event.objects.all()
    send_event_email(user.pk, event.pk)
    fan_out_event(event.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.com"] and "Neue Runde: OpenAI" in mail.outbox[0].body


def test_a_digest_holds_only_the_events_since_the_last_digest(openai):
    user = member()
    follow.follow(user=user, organization=openai)
    follow.settings_update(user=user, alert_mode="daily")
    round_ = new_round(openai)
    assert alerts.send_digest(user_id=user.pk) == 1
    assert alerts.send_digest(user_id=user.pk) == 0, "nothing new: no e-mail"
    services.round_change_status(round=round_, to_status="announced")
    assert alerts.send_digest(user_id=user.pk) == 1
    assert len(mail.outbox) == 2
    first, second = mail.outbox
    assert "New round" in first.body and "Status" not in first.body
    assert "Status: In talks → Announced" in second.body and "New round" not in second.body


def test_webhooks_refuse_other_schemes_and_private_addresses_unless_allowed(settings):
    user = member()
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = False
    for url in [
        "ftp://example.com/",
        "http://127.0.0.1:8000/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://u:p@example.com/",
    ]:
        with pytest.raises(ValidationError):
            follow.webhook_save(user=user, url=url)
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = True
    webhook = follow.webhook_save(user=user, url="http://127.0.0.1:9/")
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValueError, match="private"):  # checked again when it is delivered
        webhooks.post(webhook.url, b"{}", {})


def test_a_webhook_delivery_is_signed_retried_after_an_error_and_idempotent(
    openai, settings, django_capture_on_commit_callbacks
):
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = True
    settings.DEALTRACKER_WEBHOOK_BACKOFF_SECONDS = 0
    user = member()
    follow.follow(user=user, organization=openai)
    with Receiver(answers=[500, 503]) as receiver:
        webhook = follow.webhook_save(user=user, url=receiver.url, kinds=[EventKind.ROUND_CREATED])
        with django_capture_on_commit_callbacks(execute=True):
            round_ = new_round(openai)
            services.round_change_status(round=round_, to_status="announced")  # a kind it does not take
        (delivery,) = WebhookDelivery.objects.all()
        assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
        assert [r[2] for r in receiver.received] == [500, 503, 200]
        keys = {r[0]["Idempotency-Key"] for r in receiver.received}
        assert keys == {str(delivery.key)}
        headers, body, _status = receiver.accepted()[0]
        assert webhooks.verify(webhook.secret, headers["Dealtracker-Signature"], body)
        assert not webhooks.verify("another secret", headers["Dealtracker-Signature"], body)
        assert json.loads(body)["event"]["kind"] == "round_created"
        deliver_webhook(delivery.pk)  # delivered already: not sent again
        fan_out_event(delivery.event_id)
        assert len(receiver.accepted()) == 1


def test_a_webhook_that_keeps_failing_is_disabled_with_a_notice(openai, settings):
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = True
    settings.DEALTRACKER_WEBHOOK_BACKOFF_SECONDS = 0
    settings.DEALTRACKER_WEBHOOK_ATTEMPTS = 2
    settings.DEALTRACKER_WEBHOOK_DISABLE_AFTER = 2
    user = member()
    with Receiver(answers=[500] * 10) as receiver:
        webhook = follow.webhook_save(user=user, url=receiver.url)
        for n in range(2):
            event = Event.objects.create(kind="round_created", occurred_at=timezone.now(), params={})
            delivery = WebhookDelivery.objects.create(
                webhook=webhook, event=event, key=f"00000000-0000-0000-0000-00000000000{n}"
            )
            deliver_webhook(delivery.pk)
        webhook.refresh_from_db()
        assert not webhook.is_active and "2 failed deliveries" in webhook.disabled_reason
        assert len(receiver.received) == 4
        assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    page = client_of(user).get(reverse("deals:following")).content.decode()
    assert "disabled" in page and "HTTP 500" in page


def test_fan_out_of_one_event_to_many_subscribers_is_one_task_the_writer_only_enqueues(
    openai, django_capture_on_commit_callbacks
):
    users = [member(f"user{n}", f"user{n}@example.com") for n in range(30)]
    for user in users:
        follow.follow(user=user, organization=openai)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_round(openai)
    assert len(callbacks) == 1, "the writer's transaction only enqueues the fan-out"
    for callback in callbacks:
        callback()
    assert sorted(Webhook.objects.values_list("id", flat=True)) == []
    assert {follow.unread_count(u) for u in users} == {1}


def test_a_fan_out_that_runs_again_counts_each_subscriber_once(openai, django_capture_on_commit_callbacks):
    """A worker that dies after the fan-out committed runs it again on redelivery (acks_late): nobody's unread
    count grows twice, and nobody gets a second e-mail or webhook delivery."""
    users = [member(f"user{n}", f"user{n}@example.com") for n in range(3)]
    for user in users:
        follow.follow(user=user, organization=openai)
    follow.settings_update(user=users[0], alert_mode="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        new_round(openai)
    (event,) = Event.objects.all()
    assert {follow.unread_count(u) for u in users} == {1}
    assert alerts.fan_out(event_id=event.pk)["emails"] == [users[0].pk], "still enqueued: the e-mail is keyed"
    fan_out_event(event.pk)
    assert {follow.unread_count(u) for u in users} == {1}
    assert follow.mark_unread(event_id=event.pk, user_ids=[u.pk for u in users]) == []
    assert len(mail.outbox) == 1
    late = member("late", "late@example.com")
    follow.follow(user=late, organization=openai)
    fan_out_event(event.pk)
    assert follow.unread_count(late) == 1 and {follow.unread_count(u) for u in users} == {1}


def test_the_admin_shows_events_follows_searches_and_webhooks_and_re_enables_a_disabled_webhook(
    openai, admin_client, settings
):
    settings.DEALTRACKER_WEBHOOK_ALLOW_PRIVATE = True
    user = member()
    round_ = new_round(openai)
    follow.saved_search_save(user=user, name="EU AI", query="status=in_talks")
    hook = follow.webhook_save(user=user, url="http://127.0.0.1:9/hook")
    event = Event.objects.get()
    WebhookDelivery.objects.create(
        webhook=hook, event=event, key="6f1c3c6e-8f43-4a55-9d8b-3c0f8d6f7a11", error="HTTP 500"
    )
    Webhook.objects.filter(pk=hook.pk).update(is_active=False, consecutive_failures=5, disabled_reason="HTTP 500")
    for name in ("event", "follow", "savedsearch", "webhook"):
        assert admin_client.get(reverse(f"admin:deals_{name}_changelist")).status_code == 200, name
    page = admin_client.get(reverse("admin:deals_event_change", args=[event.pk])).content.decode()
    assert "New round: OpenAI" in html.unescape(page) and 'name="_save"' not in page, "read-only"
    assert admin_client.get(reverse("admin:deals_event_add")).status_code == 403
    page = admin_client.get(reverse("admin:deals_webhook_change", args=[hook.pk])).content.decode()
    assert "HTTP 500" in page and hook.secret not in page, "the delivery log, not the secret"
    response = admin_client.post(
        reverse("admin:deals_follow_add"), {"user": str(user.pk), "organization": str(openai.pk), "round": ""}
    )
    assert response.status_code == 302 and follow.is_following(user, organization=openai)
    changelist = reverse("admin:deals_webhook_changelist")
    response = admin_client.post(changelist, {"action": "enable", "_selected_action": [str(hook.pk)]})
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures, hook.disabled_reason) == (True, 0, "")
    assert follow.is_following(user, round=round_) is False


@pytest.mark.django_db(transaction=True)  # the response cache is not used inside a transaction
def test_a_cached_events_page_never_names_users_to_readers_who_may_not_see_them(openai, settings):
    """The response cache's key does not carry who reads: a page that names who made each change (for a reader
    with the permission) is not cached, so a public reader is never served one."""
    settings.PUBLIC_READ = True
    caches["api"].clear()
    admin = User.objects.create_superuser("boss", "boss@example.com", "x-very-long-pass")
    services.round_create(
        values={"target": openai, "round_type": "series_f", "status": "in_talks", **amount("1000")}, user=admin
    )
    assert [e["who"] for e in client_of(admin).get("/api/events/").json()["results"]] == ["boss"]
    assert [e["who"] for e in Client().get("/api/events/").json()["results"]] == [""]
    assert [e["who"] for e in client_of(admin).get("/api/events/").json()["results"]] == ["boss"]
    caches["api"].clear()
