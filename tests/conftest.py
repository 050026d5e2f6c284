from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from napiter.accounts.demo import DEMO_CAST, seed_accounts
from napiter.accounts.models import User
from napiter.regions.models import Region
from napiter.regions.services import regions_load


def _ensure_base_data() -> None:
    """Regions and the demo cast: loaded once per test database, and again after a transactional
    test has flushed the tables."""
    if not Region.objects.filter(code="36").exists():
        regions_load()
    if User.objects.filter(username__in=[m.username for m in DEMO_CAST]).count() != len(DEMO_CAST):
        seed_accounts(settings.DEMO_PASSWORD)


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
    )


@pytest.fixture
def client_for() -> object:
    """`client_for(user)`: a test client logged in as that user."""

    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make
