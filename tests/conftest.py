from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from napiter.accounts.demo import DEMO_CAST, seed_accounts
from napiter.accounts.models import Office, User
from napiter.accounts.services import user_upsert
from napiter.regions.models import Region
from napiter.regions.services import regions_load
from privacy.models import DataCategory
from sinergi.models import Ministry


def _ensure_base_data() -> None:
    """Regions and the demo cast: loaded once per test database, and again after a transactional
    test has flushed the tables."""
    if not Region.objects.filter(code="36").exists():
        regions_load()
    if not Ministry.objects.filter(code="kemenag").exists():
        # Reference rows that a data migration seeds; a transactional test's flush removes them.
        import_module("sinergi.migrations.0002_audit_and_ministries").seed(django_apps, None)
    if not DataCategory.objects.filter(code="identitas").exists():
        import_module("privacy.migrations.0002_audit_and_categories").seed(django_apps, None)
    if User.objects.filter(username__in=[m.username for m in DEMO_CAST]).count() != len(DEMO_CAST):
        seed_accounts(settings.DEMO_PASSWORD)


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` as a TransactionTestCase, which empties every table afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Put the base data back, committed, right after a transactional test has flushed it. Otherwise every
    ordinary test after it would load 91,599 regions inside its own transaction, and roll them back."""
    result = yield
    if nextitem is not None and _flushes_the_database(item):  # after the last test, the database is gone
        with item.config.stash[blocking_manager_key].unblock():
            _ensure_base_data()
    return result


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        _ensure_base_data()


@pytest.fixture
def base_data(db: None) -> None:
    _ensure_base_data()


class Cast(SimpleNamespace):
    """The demo cast by role: names follow DESIGN.md's usernames."""

    koordinator: User
    asesor: User
    kemensos_supervisor: User
    banten_pendamping: User
    banten_kabid: User
    kaltim_pendamping: User
    kemenag_perencana: User
    auditor: User
    dpo: User


@pytest.fixture
def cast(base_data: None) -> Cast:
    users = {u.username: u for u in User.objects.filter(username__in=[m.username for m in DEMO_CAST])}
    return Cast(
        koordinator=users["bnpt.koordinator"],
        asesor=users["bnpt.asesor"],
        kemensos_supervisor=users["kemensos.supervisor"],
        banten_pendamping=users["dinsos.banten.pendamping"],
        banten_kabid=users["dinsos.banten.kabid"],
        kaltim_pendamping=users["dinsos.kaltim.pendamping"],
        kemenag_perencana=users["kl.kemenag.perencana"],
        auditor=users["auditor"],
        dpo=users["bnpt.dpo"],
    )


@pytest.fixture
def client_for() -> object:
    """`client_for(user)`: a test client logged in as that user; for a role with two-step verification,
    with a session that has passed it (django-otp's session key, as its `login()` would set it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from napiter.accounts.security import confirmed_devices, needs_two_factor

    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        if needs_two_factor(user):
            device = confirmed_devices(user).first() or TOTPDevice.objects.create(user=user, name="Uji", confirmed=True)
            session = c.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return c

    return make


@pytest.fixture
def celery_worker(transactional_db: None) -> object:
    """A real Celery worker in a thread of this process, consuming from the session's Valkey.

    Its thread has its own database connection, which sees committed rows only: hence the fixture
    needs the transactional database (`django_db(transaction=True)`). Messages left in the queue by
    earlier tests name rows that were rolled back, so they are purged before the worker starts.
    """
    # Registers the `celery.ping` task that start_worker checks for; a bare AssertionError otherwise.
    import celery.contrib.testing.tasks  # noqa: F401
    from celery.contrib.testing.worker import start_worker

    from napiter.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def kaltim_supervisor(base_data: None) -> User:
    """A supervisor of the Kalimantan Timur office: same role as the Banten kabid, another territory."""
    return user_upsert(
        username="dinsos.kaltim.kabid",
        first_name="Yusuf",
        last_name="Hakim",
        office=Office.objects.get(code="DINSOS-KTM"),
        role="supervisor",
        position="Kepala Bidang Rehabilitasi Sosial",
        password="x" * 16,
    )
