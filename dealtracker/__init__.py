"""Dealtracker: a self-hosted tracker of investment deals."""

from dealtracker.celery import app as celery_app

__all__ = ["celery_app"]
