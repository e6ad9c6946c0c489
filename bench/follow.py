"""Following at scale: ``python -m bench.follow [--events N] [--organizations N] [--subscribers N] [--reuse]``.

Fills the bench database (bench/settings.py: ``<configured name>_bench``, or ``DEALTRACKER_BENCH_DATABASE``)
with N events over the organizations (one SQL ``generate_series``, the event table's indexes rebuilt after
it; each event names a target and an investor, and one of the stored rounds), then measures in-process,
through Django's test client with the API response cache off (every read does its work):

- ``/api/events/`` (first page, by organization, by kind, since an hour and a day ago, cursor pages deep in
  the list) and What's new of a user who follows 20 organizations, and of one who also has a saved search:
  p50 and p99 over the requests after a first one of each kind, which is reported on its own;
- the fan-out: how long the writer's transaction takes for a status change of a round that ``--subscribers``
  users follow (it only enqueues one task after commit), and how long that one task then takes.

Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from typing import Any


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["API_CACHE_URL"] = "dummy://"
    os.environ.setdefault("CELERY_BROKER_URL", f"filesystem://{tempfile.mkdtemp(prefix='dealtracker-bench-follow-')}")
    import django

    django.setup()


def _create_database() -> None:
    import psycopg
    from django.conf import settings
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def _fill(events: int, organizations: int) -> None:
    """N events in one INSERT … SELECT generate_series: the event table's secondary indexes, foreign keys and
    row triggers are set aside during the load and rebuilt once after it (maintaining a GIN index row by row
    is what makes a plain insert of millions slow), with exactly the definitions they had."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE deals_event, deals_follow, deals_followersettings CASCADE")
        cursor.execute("SELECT count(*) FROM deals_organization WHERE slug LIKE 'bench-follow-%%'")
        have = cursor.fetchone()[0]
        if have < organizations:
            cursor.execute(
                "INSERT INTO deals_organization (name, slug, kind, country, website, description, aliases, "
                "created_at, updated_at, version) SELECT 'Bench follow ' || g, 'bench-follow-' || g, 'company', 'US', "
                "'', '', '{}', now(), now(), 1 FROM generate_series(%s, %s) g",
                [have + 1, organizations],
            )
        cursor.execute("SELECT min(id), max(id) FROM deals_organization WHERE slug LIKE 'bench-follow-%%'")
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'deals_event' AND indexname <> 'deals_event_pkey'"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'deals_event'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
            "WHERE tgrelid = 'deals_event'::regclass AND NOT tgisinternal"
        )
        triggers = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE deals_event DROP CONSTRAINT "{name}"')
        for name, _definition, _enabled in triggers:
            cursor.execute(f'DROP TRIGGER "{name}" ON deals_event')
        # Ids grow with time, as written events' do, and the rows lie in the table in their order; each names
        # one of the stored rounds (if there are any): by arithmetic when their ids have no gaps (generated data),
        # else looked up by number, so that no join reorders the rows.
        cursor.execute("SELECT count(*), min(id), max(id) FROM deals_fundinground")
        rounds, first_round, last_round = cursor.fetchone()
        if rounds and last_round - first_round + 1 == rounds:
            round_sql = f"{int(first_round)} + (g * 15485863) %% {int(rounds)}"
        else:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_follow_rounds (k bigint PRIMARY KEY, id bigint) ON COMMIT DROP"
            )
            cursor.execute(
                "INSERT INTO bench_follow_rounds SELECT row_number() OVER (ORDER BY id) - 1, id FROM deals_fundinground"
            )
            cursor.execute("ANALYZE bench_follow_rounds")
            round_sql = f"(SELECT r.id FROM bench_follow_rounds r WHERE r.k = (g * 15485863) %% {max(int(rounds), 1)})"
        cursor.execute(
            "INSERT INTO deals_event (id, kind, round_id, organization_ids, occurred_at, params) "
            "SELECT g, (ARRAY['round_created','status_changed','participant_added'])[1 + g %% 3], "
            f"{round_sql}, "
            "ARRAY[%s + (g * 7919) %% (%s - %s + 1), %s + (g * 104729) %% (%s - %s + 1)]::bigint[], "
            "now() - ((%s - g) || ' seconds')::interval, "
            "jsonb_build_object('target', 'Bench', 'round_type', 'series_a', 'old', 'in_talks', 'new', 'announced', "
            "'status', 'in_talks', 'investor', 'Bench investor') "
            "FROM generate_series(1::bigint, %s) g",
            [low, high, low, low, high, low, events, events],
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('deals_event', 'id'), %s)", [events])
        # The events' organizations as rows (the triggers that write them are set aside with the others): in
        # key order into the table without its keys, which are then built once.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'deals_eventorganization'::regclass ORDER BY contype <> 'p'"
        )
        link_keys = cursor.fetchall()
        for name, _definition in reversed(link_keys):
            cursor.execute(f'ALTER TABLE deals_eventorganization DROP CONSTRAINT "{name}"')
        cursor.execute(
            "INSERT INTO deals_eventorganization (organization_id, event_id) SELECT DISTINCT o, e.id "
            "FROM deals_event e CROSS JOIN LATERAL unnest(e.organization_ids) o ORDER BY 1, 2"
        )
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE deals_event ADD CONSTRAINT "{name}" {definition}')
        for name, definition in link_keys:
            cursor.execute(f'ALTER TABLE deals_eventorganization ADD CONSTRAINT "{name}" {definition}')
        for name, definition, enabled in triggers:
            cursor.execute(definition)
            if enabled == "A":
                cursor.execute(f'ALTER TABLE deals_event ENABLE ALWAYS TRIGGER "{name}"')
        cursor.execute("SELECT deals_data_changed()")  # what the insert trigger would have done
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deals_event")
        cursor.execute("VACUUM ANALYZE deals_eventorganization")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _measure(
    groups: dict[str, list[tuple[Any, str]]], repeats: int, before: Any
) -> dict[str, tuple[float, float, float]]:
    """Each group's first request and its p50 and p99 over the requests after it, the groups taken in turn so
    that the machine's load falls on all of them alike; ``before`` runs ahead of each request, untimed. The
    process's first request of a kind (imports, URL patterns, templates compiled, the table's pages read from
    disk) is reported on its own: it is not the steady state the percentiles describe."""
    samples: dict[str, list[float]] = {name: [] for name in groups}
    first: dict[str, float] = {}
    for repeat in range(repeats + 1):
        for name, requests in groups.items():
            for client, path in requests:
                before()
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (path, response.status_code)
                if repeat:
                    samples[name].append(elapsed)
                else:
                    first[name] = max(first.get(name, 0.0), elapsed)
    return {name: (first[name], *_percentiles(values)) for name, values in samples.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.follow", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the events of an earlier run if there are at least --events"
    )
    args = parser.parse_args(argv)
    _setup()
    _create_database()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's hooks; e-mail to memory
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as db:
        db.execute("SELECT count(*) FROM deals_event")
        stored = db.fetchone()[0]
    fill_s = None
    if not (args.reuse and stored >= args.events):
        started = time.perf_counter()
        _fill(args.events, args.organizations)
        fill_s = time.perf_counter() - started

    from deals import follow, services
    from deals.follow_tasks import fan_out_event
    from deals.models import Event, FollowerSettings, Organization
    from tests.factories import FundingRoundFactory

    user_model = get_user_model()
    user_model.objects.filter(username__startswith="bench-follow").delete()
    admin = user_model.objects.create_superuser("bench-follow-admin", "a@example.com", "x-very-long-pass")
    rng = random.Random(19)
    orgs = list(Organization.objects.filter(slug__startswith="bench-follow-").values_list("id", flat=True))
    reader = user_model.objects.create_user("bench-follow-reader", "r@example.com", "x-very-long-pass")
    reader.is_superuser = True
    reader.save()
    for org_id in rng.sample(orgs, 20):
        follow.follow(user=reader, organization=Organization(pk=org_id))
    client = Client()
    client.force_login(admin)
    import base64

    def cursor(position: int) -> str:
        deep = Event.objects.order_by("-id").values_list("id", flat=True)[position]
        return base64.b64encode(f"p={deep}".encode()).decode()

    newest = Event.objects.order_by("-id").values_list("occurred_at", flat=True)
    since_hour, since_day = (newest[n].isoformat().replace("+00:00", "Z") for n in (3_600, 86_400))
    searcher = user_model.objects.create_user("bench-follow-searcher", "s@example.com", "x-very-long-pass")
    searcher.is_superuser = True
    searcher.save()
    for org_id in rng.sample(orgs, 20):
        follow.follow(user=searcher, organization=Organization(pk=org_id))
    follow.saved_search_save(user=searcher, name="Announced Series B", query="status=announced&round_type=series_b")
    reader_client, searcher_client = Client(), Client()
    reader_client.force_login(reader)
    searcher_client.force_login(searcher)
    kinds = ["round_created", "status_changed", "participant_added"]
    groups: dict[str, list[tuple[Any, str]]] = {
        "`/api/events/` first page": [(client, "/api/events/")],
        "`/api/events/?organization=`": [(client, f"/api/events/?organization={rng.choice(orgs)}") for _ in range(5)],
        "`/api/events/?kind=`": [(client, f"/api/events/?kind={kind}") for kind in kinds]
        + [(client, "/api/events/?kind=status_changed&kind=participant_added")],
        "`/api/events/?since=` (an hour, a day)": [
            (client, f"/api/events/?since={since_hour}"),
            (client, f"/api/events/?since={since_day}"),
        ],
        "`/api/events/?cursor=` (a quarter, half, three quarters deep)": [
            (client, f"/api/events/?cursor={cursor(args.events * n // 4)}") for n in (1, 2, 3)
        ],
        "What's new (20 organizations followed, 50 events shown)": [(reader_client, "/whats-new/")],
        "What's new (the same and a saved search)": [(searcher_client, "/whats-new/")],
    }

    def unseen() -> None:  # What's new shows the newest 50 unseen events each time
        FollowerSettings.objects.filter(user__in=[reader, searcher]).update(seen_event_id=0)

    figures = _measure(groups, args.repeats, unseen)

    # Fan-out: a round that --subscribers users follow moves; the writer commits, one task does the rest.
    target = Organization.objects.get(pk=orgs[0])
    round_: Any = FundingRoundFactory(target=target, status="in_talks")
    subscribers = [user_model(username=f"bench-follow-{n}", email=f"s{n}@example.com") for n in range(args.subscribers)]
    user_model.objects.bulk_create(subscribers)
    for user in user_model.objects.filter(username__startswith="bench-follow-").exclude(pk__in=[admin.pk, reader.pk]):
        follow.follow(user=user, round=round_)
        follow.settings_update(user=user, alert_mode="immediate")
    lonely: Any = FundingRoundFactory(target=Organization.objects.get(pk=orgs[1]), status="in_talks")
    alone = []
    for status in ("announced", "closed"):
        started = time.perf_counter()
        with transaction.atomic():
            services.round_change_status(round=lonely, to_status=status, user=admin)
        alone.append(time.perf_counter() - started)
    writes = []
    for status in ("announced", "closed"):
        started = time.perf_counter()
        with transaction.atomic():
            services.round_change_status(round=round_, to_status=status, user=admin)
        writes.append(time.perf_counter() - started)
    event = Event.objects.filter(round=round_).order_by("-id").first()
    assert event is not None
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = False
    started = time.perf_counter()
    fan_out_event.run(event.pk)  # the task's body, in this process (its e-mail tasks are only enqueued)
    fan_out_s = time.perf_counter() - started

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    filled = f"filled in {fill_s:.0f} s" if fill_s is not None else "kept from an earlier run"
    print(f"| Data | {args.events:,} events over {args.organizations:,} organizations ({filled}) |")
    print("|---|---|")
    for name, (cold, p50, p99) in figures.items():
        print(f"| {name} | p50 {ms(p50)}, p99 {ms(p99)} (first request {ms(cold)}) |")
    print(
        f"| Writer: status change of a round {args.subscribers:,} users follow | {', '.join(ms(w) for w in writes)} |"
    )
    print(f"| Writer: the same for a round nobody follows | {', '.join(ms(w) for w in alone)} |")
    print(
        f"| Fan-out task for that event ({args.subscribers:,} subscribers, e-mail tasks enqueued) | {ms(fan_out_s)} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
