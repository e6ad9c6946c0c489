"""Following at scale: ``python -m bench.follow [--events N] [--organizations N] [--subscribers N]``.

Fills the bench database (bench/settings.py: ``<configured name>_bench``) with N events over the organizations
(SQL ``generate_series``, each event naming a target and an investor), then measures in-process, through
Django's test client with the API response cache off (every read does its work):

- ``/api/events/`` (first page, by organization, a cursor page deep in the list) and What's new of a user who
  follows 20 organizations: p50 and p99 over the requests;
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
    from django.db import connection

    with connection.cursor() as cursor:
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
            "INSERT INTO deals_event (kind, organization_ids, occurred_at, params) "
            "SELECT (ARRAY['round_created','status_changed','participant_added'])[1 + g %% 3], "
            "ARRAY[%s + (g::bigint * 7919) %% (%s - %s + 1), %s + (g::bigint * 104729) %% (%s - %s + 1)]::bigint[], "
            "now() - (g || ' seconds')::interval, "
            "jsonb_build_object('target', 'Bench', 'round_type', 'series_a', 'old', 'in_talks', 'new', 'announced', "
            "'status', 'in_talks', 'investor', 'Bench investor') "
            "FROM generate_series(1, %s) g",
            [low, high, low, low, high, low, events],
        )
        cursor.execute("ANALYZE deals_event")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _measure(client: Any, paths: list[str], repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    return _percentiles(samples)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.follow", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=20)
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
    started = time.perf_counter()
    _fill(args.events, args.organizations)
    fill_s = time.perf_counter() - started

    from deals import follow, services
    from deals.follow_tasks import fan_out_event
    from deals.models import Event, Organization
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
    deep = Event.objects.order_by("-id").values_list("id", flat=True)[args.events // 2]
    import base64

    cursor = base64.b64encode(f"p={deep}".encode()).decode()
    api_paths = ["/api/events/"] + [f"/api/events/?organization={rng.choice(orgs)}" for _ in range(5)]
    api_paths.append(f"/api/events/?cursor={cursor}")
    api = _measure(client, api_paths, args.repeats)
    reader_client = Client()
    reader_client.force_login(reader)
    samples = []
    for _ in range(args.repeats):
        follow.settings_of(reader).__class__.objects.filter(user=reader).update(seen_event_id=0)
        started = time.perf_counter()
        assert reader_client.get("/whats-new/").status_code == 200
        samples.append(time.perf_counter() - started)
    whats_new = _percentiles(samples)

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

    print(f"| Data | {args.events:,} events over {args.organizations:,} organizations (filled in {fill_s:.0f} s) |")
    print("|---|---|")
    print(f"| `/api/events/` (first page, by organization, a deep cursor page) | p50 {ms(api[0])}, p99 {ms(api[1])} |")
    print(f"| What's new (20 organizations followed) | p50 {ms(whats_new[0])}, p99 {ms(whats_new[1])} |")
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
