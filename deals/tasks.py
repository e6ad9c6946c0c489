"""Celery tasks. Tasks stay thin: ids in, call a service, return quietly if the row is gone."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="deals.ping")
def ping() -> str:
    """Round trip through the broker and a worker; used by health checks and tests."""
    return "pong"
