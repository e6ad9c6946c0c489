"""Server time of the web UI's pages, in process through django.test.Client as a logged-in superuser.

A page whose URL name does not reverse yet (the browsing pages are being built) is reported as not
measured rather than failing the run.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from bench.common import Scale, Section, log, median, ms
from deals.models import FundingRound, Organization


def _pages() -> list[tuple[str, str, dict[str, Any]]]:
    busy = Organization.objects.annotate(n=Count("rounds")).filter(n__gt=0).order_by("-n", "pk").first()
    round_ = FundingRound.objects.filter(participations__isnull=False).order_by("-id").first()
    return [
        ("Dashboard", "deals:dashboard", {}),
        ("Deals list", "deals:round_list", {}),
        ("Round page", "deals:round_detail", {"pk": round_.pk if round_ else 0}),
        (
            "Organization page (the target with most rounds)",
            "deals:organization_detail",
            {"slug": busy.slug if busy else "none"},
        ),
    ]


@override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False)
def run(scale: Scale) -> Section:
    section = Section("UI pages")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-ui", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    for label, name, kwargs in _pages():
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            section.missing(label, "≤ 100 ms", "not measured (page missing)")
            continue
        client.get(url)  # warm-up
        timings, status = [], 0
        for _ in range(max(5, scale.repeats * 3)):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            status = response.status_code
        value = median(timings)
        if status != 200:
            section.add(label, "≤ 100 ms", f"HTTP {status}, median {ms(value)}", False)
        else:
            section.add(label, "≤ 100 ms", f"median {ms(value)} of {len(timings)}", value <= 0.1)
        section.figures[name] = value
        log(f"page {name}: {ms(value)} (HTTP {status})")
    return section
