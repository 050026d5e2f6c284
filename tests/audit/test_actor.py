"""The application user reaches PostgreSQL's change trigger, and leaves again when the request ends."""

import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from napiter.accounts.middleware import SEEN_RESOLUTION_SECONDS, SESSION_SEEN, SESSION_STARTED
from napiter.audit import actor
from napiter.audit.actor import UNATTRIBUTED_TABLES, audit_actor
from napiter.audit.models import AccessEvent, ChangeEvent
from napiter.audit.tables import audited_tables, tables_of
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _session_setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('napiter.user_id', true)")
        return cursor.fetchone()[0]


def _last_login_events(user):
    return ChangeEvent.objects.filter(
        table_name="accounts_user", row_pk=str(user.pk), operation="UPDATE", new__has_key="last_login"
    ).order_by("id")


def _log_in(user, settings):
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_update_made_by_a_request_is_attributed_to_its_user(cast, settings):
    # Logging in writes last_login: login() sets request.user first, so the write is the new user's.
    _log_in(cast.banten_pendamping, settings)
    (event,) = _last_login_events(cast.banten_pendamping)
    assert event.user_id == cast.banten_pendamping.pk
    assert event.old["last_login"] is None


def test_user_does_not_leak_into_the_next_request_or_later_writes(cast, settings):
    _log_in(cast.banten_pendamping, settings)
    assert _session_setting() == ""  # reset at the end of the request, on this same connection
    _log_in(cast.kaltim_pendamping, settings)
    (kaltim,) = _last_login_events(cast.kaltim_pendamping)
    assert kaltim.user_id == cast.kaltim_pendamping.pk

    # A failed login on the same connection by nobody in particular, then a write outside any request.
    Client().post(reverse("login"), {"username": cast.auditor.username, "password": "salah-sekali-ini"})
    Group.objects.filter(name="perencana").update(name="perencana-kl")
    (outside,) = ChangeEvent.objects.filter(table_name="auth_group", new__name="perencana-kl")
    assert outside.user_id is None


def test_a_read_only_request_costs_no_extra_statement(cast, client_for, monkeypatch):
    applied = []
    original = actor._apply
    monkeypatch.setattr(
        actor, "_apply", lambda conn, state, value: applied.append(value) or original(conn, state, value)
    )
    client = client_for(cast.banten_pendamping)
    response = client.get(reverse("home"))
    assert "Siti" in response.content.decode()
    assert applied == []
    Group.objects.filter(name="asesor").update(name="asesor-x")  # outside requests: nothing to set either
    assert applied == []


def test_logging_a_read_and_saving_the_session_set_no_actor(cast, client_for, monkeypatch):
    # Only tables that exist and are outside the change log may be written without an actor.
    assert set(UNATTRIBUTED_TABLES) <= set(tables_of(["audit", "sessions"]))
    assert not set(UNATTRIBUTED_TABLES) & audited_tables()
    person = PersonFactory()
    applied = []
    original = actor._apply
    monkeypatch.setattr(
        actor, "_apply", lambda conn, state, value: applied.append(value) or original(conn, state, value)
    )
    client = client_for(cast.banten_pendamping)
    session = client.session
    session[SESSION_STARTED] = session[SESSION_SEEN] = time.time() - SEEN_RESOLUTION_SECONDS - 1
    session.save()  # seen a while ago: this request saves the session again
    response = client.get(reverse("cases:person-detail", args=[person.pk]))
    assert response.status_code == 200
    assert AccessEvent.objects.filter(person_id=person.pk, user_id=cast.banten_pendamping.pk).exists()
    assert client.session[SESSION_SEEN] > time.time() - SEEN_RESOLUTION_SECONDS
    assert applied == []
    with audit_actor(cast.koordinator.pk):  # a write to an audited table still sets it
        Group.objects.filter(name="asesor").update(name="asesor-bnpt")
    assert applied == [str(cast.koordinator.pk), ""]


def test_audit_actor_attributes_writes_and_resets(cast):
    with audit_actor(cast.koordinator.pk):
        Group.objects.filter(name="asesor").update(name="asesor-bnpt")
        assert _session_setting() == str(cast.koordinator.pk)
    assert _session_setting() == ""
    Group.objects.filter(name="asesor-bnpt").update(name="asesor")
    first, second = ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE").order_by("id")
    assert (first.new, first.user_id) == ({"name": "asesor-bnpt"}, cast.koordinator.pk)
    assert (second.new, second.user_id) == ({"name": "asesor"}, None)


def test_user_is_set_again_after_a_rolled_back_savepoint(cast):
    # A value set inside a savepoint disappears with it; the next write must not trust that it is still there.
    def rolled_back():
        with transaction.atomic():
            Group.objects.filter(name="asesor").update(name="dibatalkan")
            raise RuntimeError("dibatalkan")

    with audit_actor(cast.asesor.pk):
        with pytest.raises(RuntimeError):
            rolled_back()
        assert _session_setting() == ""
        Group.objects.filter(name="asesor").update(name="asesor-2")
    (event,) = ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE")
    assert (event.new, event.user_id) == ({"name": "asesor-2"}, cast.asesor.pk)


def test_nested_actors_hand_back_to_the_outer_one(cast):
    with audit_actor(cast.koordinator.pk):
        with audit_actor(cast.asesor.pk):
            Group.objects.filter(name="asesor").update(name="asesor-a")
        Group.objects.filter(name="asesor-a").update(name="asesor-b")
    inner, outer = ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE").order_by("id")
    assert (inner.user_id, outer.user_id) == (cast.asesor.pk, cast.koordinator.pk)
