"""Celery with a real worker on the session's Valkey, and the settings that keep documents safe."""

from __future__ import annotations

import gc
import sys
from datetime import timedelta

import pytest
from celery.schedules import schedule
from celery.signals import worker_process_init
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from napiter.accounts.tasks import sessions_clear_expired
from napiter.celery import app as celery_app
from napiter.celery import freeze_startup_objects


def _session(expiry_seconds: int) -> str:
    store = SessionStore()
    store["purpose"] = "uji"
    store.set_expiry(expiry_seconds)  # negative: an expiry date already in the past
    store.create()
    assert store.session_key is not None
    return store.session_key


@pytest.mark.django_db(transaction=True)
def test_expired_sessions_are_cleared_by_a_real_worker(celery_worker: object) -> None:
    expired = _session(-3600)
    live = _session(3600)
    assert Session.objects.filter(session_key__in=[expired, live]).count() == 2
    assert celery_app.conf.task_always_eager is False

    result = sessions_clear_expired.delay()
    result.get(timeout=30)

    assert result.successful()
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


def test_beat_clears_sessions_daily() -> None:
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == sessions_clear_expired.name]

    assert len(entries) == 1
    every = entries[0]["schedule"]
    assert isinstance(every, float | int | timedelta | schedule)
    assert schedule(every).run_every == timedelta(days=1)


def test_every_beat_entry_names_a_registered_task() -> None:
    celery_app.loader.import_default_modules()  # runs autodiscovery, as a worker does at start

    unknown = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} - set(celery_app.tasks.keys())

    assert unknown == set()


def test_celery_settings_protect_long_running_document_tasks() -> None:
    conf = celery_app.conf
    # A worker killed mid-task (OOM on a large PDF, a deploy) leaves the message unacknowledged, so
    # the broker delivers it again rather than losing the document.
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    # One task at a time per process: a second PDF must not wait behind a long one it was prefetched with.
    assert conf.worker_prefetch_multiplier == 1
    # JSON only: pickle from the broker would be code execution for anyone who can write to it.
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert list(conf.accept_content) == ["json"]
    # Redis redelivers an unacknowledged message after the visibility timeout: it must outlast the
    # longest a task may run, or a slow render is run twice in parallel.
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_no_task_opts_out_of_late_acknowledgement_or_outlives_the_visibility_timeout() -> None:
    celery_app.loader.import_default_modules()
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}

    assert "accounts.sessions_clear_expired" in ours
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is not False, name
        assert (task.time_limit or celery_app.conf.task_time_limit) < visibility, name


def test_a_worker_process_starts_with_the_pdf_libraries_loaded_and_out_of_the_collectors_way() -> None:
    assert any(ref() is freeze_startup_objects for _key, ref in worker_process_init.receivers)
    try:
        freeze_startup_objects()

        assert {"weasyprint", "pyhanko.sign"} <= set(sys.modules)
        assert gc.get_freeze_count() > 100_000  # Django, the apps and both libraries: full collections skip them
    finally:
        gc.unfreeze()
