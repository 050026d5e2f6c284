"""Periodic housekeeping of accounts, run by Celery beat (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(name="accounts.sessions_clear_expired")
def sessions_clear_expired() -> None:
    """Delete sessions past their expiry date, as `manage.py clearsessions` does.

    Django never deletes an expired session row by itself: without this the table keeps growing with
    the session data of everyone who ever signed in. Idempotent, so a redelivery is harmless.
    """
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
