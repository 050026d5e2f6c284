"""The audit tables accept INSERT only: PostgreSQL refuses every rewrite, whoever sends it."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, connections, transaction

from napiter.audit.models import AccessEvent, ChangeEvent
from napiter.audit.services import access_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_event(cast):
    return access_log(
        user=cast.banten_pendamping, action=AccessEvent.Action.VIEW, obj_type="cases.person", obj_id=7, person_id=7
    )


@pytest.fixture
def change_event(cast):
    Group.objects.filter(name="auditor").update(name="auditor-lama")
    return ChangeEvent.objects.filter(table_name="auth_group", operation="UPDATE").latest("id")


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessevent SET username = 'orang.lain' WHERE id = %s",
        "UPDATE audit_accessevent SET person_id = NULL WHERE id = %s",
        "DELETE FROM audit_accessevent WHERE id = %s",
    ],
)
def test_access_events_cannot_be_rewritten_or_deleted(access_event, sql):
    with pytest.raises(DatabaseError, match="hanya dapat ditambah"):
        _raw(sql, [access_event.pk])
    access_event.refresh_from_db()
    assert access_event.username == "dinsos.banten.pendamping"
    assert access_event.person_id == 7


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_changeevent SET user_id = 999 WHERE id = %s",
        "UPDATE audit_changeevent SET new = '{}'::jsonb WHERE id = %s",
        "DELETE FROM audit_changeevent WHERE id = %s",
    ],
)
def test_change_events_cannot_be_rewritten_or_deleted(change_event, sql):
    with pytest.raises(DatabaseError, match="hanya dapat ditambah"):
        _raw(sql, [change_event.pk])
    change_event.refresh_from_db()
    assert change_event.new == {"name": "auditor-lama"}


def test_orm_save_and_delete_of_an_entry_fail_too(access_event):
    access_event.reason = "ditambahkan belakangan"
    with pytest.raises(DatabaseError), transaction.atomic():
        access_event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=access_event.pk).delete()
    assert AccessEvent.objects.filter(pk=access_event.pk, reason="").exists()


def test_change_events_cannot_be_forged_by_a_direct_insert(db):
    with pytest.raises(DatabaseError, match="hanya dicatat oleh trigger"):
        _raw(
            "INSERT INTO audit_changeevent (table_name, operation, row_pk, user_id, db_user, transaction_id)"
            " VALUES ('accounts_user', 'DELETE', '1', 1, 'x', 1)"
        )


def test_trigger_assigns_id_time_and_hashes_whatever_the_application_sends(cast):
    forged = AccessEvent(
        id=10**12,
        username="dinsos.banten.pendamping",
        action=AccessEvent.Action.VIEW,
        object_type="cases.person",
        prev_hash="f" * 64,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    assert forged.pk < 10**12
    assert forged.hash != "f" * 64
    assert len(forged.hash) == 64
    stored = AccessEvent.objects.get(pk=forged.pk)
    assert (stored.prev_hash, stored.hash, stored.created_at) == (forged.prev_hash, forged.hash, forged.created_at)


def test_audit_writes_refuse_repeatable_read(db):
    # With a snapshot older than the chain lock the trigger would read a stale last hash and fork the chain.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            with pytest.raises(DatabaseError, match="READ COMMITTED"):
                cursor.execute(
                    "INSERT INTO audit_accessevent (username, action, object_type, object_id, fields_revealed,"
                    " reason, path) VALUES ('auditor', 'list', 'cases.person', '', '{}', '', '')"
                )
            cursor.execute("ROLLBACK")
    finally:
        other.close()
