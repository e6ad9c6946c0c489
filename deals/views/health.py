"""Liveness and readiness probe for load balancers, docker compose, `make run` and monitoring.

Reachability alone is not enough: a worker pool can hang with its broker and database answering. So besides
pinging both, /healthz reads the heartbeat a worker last recorded (beat sends it every
DEALTRACKER_HEARTBEAT_SECONDS) and reports unavailable, with the reason, when it is older than
DEALTRACKER_HEARTBEAT_MAX_AGE.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from deals import monitoring


def _check(probe: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        extra = probe() or {}
    except Exception as exc:  # a probe reports any failure; it must never raise
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1), **extra}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


class WorkerStalled(Exception):
    """No worker has run the heartbeat task recently."""


def _worker() -> dict[str, Any]:
    age = monitoring.heartbeat_age()
    limit = settings.DEALTRACKER_HEARTBEAT_MAX_AGE
    if age is None:
        raise WorkerStalled("no worker has run the heartbeat task yet (are a worker and beat running?)")
    seconds = round(age.total_seconds(), 1)
    if seconds > limit:
        raise WorkerStalled(f"the last worker heartbeat is {seconds:.0f} s old (limit {limit} s): no worker runs tasks")
    return {"heartbeat_age_s": seconds}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_database), "broker": _check(_broker)}
    checks["worker"] = _check(_worker) if checks["database"]["ok"] else {"ok": False, "error": "database unreachable"}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "environment": settings.ENVIRONMENT, **checks}
    return JsonResponse(body, status=200 if healthy else 503)
