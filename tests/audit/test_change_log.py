"""Changes to audited tables are recorded by PostgreSQL itself: ORM, bulk updates and raw SQL alike."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from napiter.accounts.models import Office, User
from napiter.audit.models import ChangeEvent

pytestmark = pytest.mark.django_db


def _events(table, **filters):
    return list(ChangeEvent.objects.filter(table_name=table, **filters).order_by("id"))


def _last_id():
    last = ChangeEvent.objects.order_by("-id").first()
    return last.pk if last else 0


def test_bulk_update_records_one_event_per_row_with_old_and_new(cast):
    since = _last_id()
    banten = User.objects.filter(office__code="DINSOS-BTN")
    ids = set(banten.values_list("pk", flat=True))
    assert banten.update(position="Pekerja Sosial") == len(ids) == 2
    events = _events("accounts_user", id__gt=since)
    assert {(e.operation, e.row_pk) for e in events} == {("UPDATE", str(pk)) for pk in ids}
    assert {e.old["position"] for e in events} == {
        "Pendamping Rehabilitasi Sosial",
        "Kepala Bidang Rehabilitasi Sosial",
    }
    assert all(e.new == {"position": "Pekerja Sosial"} for e in events)
    assert all(e.user_id is None for e in events)  # no request, no audit_actor: nobody to name


def test_raw_sql_update_is_recorded(cast):
    office = Office.objects.get(code="DINSOS-KTM")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_office SET address = 'Jl. Basuki Rahmat, Samarinda' WHERE id = %s", [office.pk])
    (event,) = _events("accounts_office", row_pk=str(office.pk), operation="UPDATE")
    assert event.old == {"address": office.address}
    assert event.new == {"address": "Jl. Basuki Rahmat, Samarinda"}
    assert event.db_user == connection.settings_dict["USER"]


def test_insert_and_delete_keep_the_whole_row(db):
    group = Group.objects.create(name="uji-sementara")
    pk = group.pk
    group.delete()
    inserted, deleted = _events("auth_group", row_pk=str(pk))
    assert (inserted.operation, inserted.old, inserted.new) == ("INSERT", None, {"id": pk, "name": "uji-sementara"})
    assert (deleted.operation, deleted.old, deleted.new) == ("DELETE", {"id": pk, "name": "uji-sementara"}, None)
    assert inserted.transaction_id == deleted.transaction_id


def test_many_to_many_role_change_is_recorded(cast):
    user, supervisor = cast.kaltim_pendamping, Group.objects.get(name="supervisor")
    since = _last_id()
    user.groups.add(supervisor)
    user.groups.remove(supervisor)
    added, removed = _events("accounts_user_groups", id__gt=since)
    assert (added.operation, added.new["user_id"], added.new["group_id"]) == ("INSERT", user.pk, supervisor.pk)
    assert (removed.operation, removed.old["user_id"], removed.old["group_id"]) == ("DELETE", user.pk, supervisor.pk)


def test_save_that_changes_nothing_records_nothing(cast):
    office = Office.objects.get(code="DINSOS-BTN")
    office.save()
    assert _events("accounts_office", row_pk=str(office.pk), operation="UPDATE") == []


def test_password_hash_never_reaches_the_log_but_its_change_does(cast):
    user = cast.banten_kabid
    old_hash = user.password
    user.set_password("kata-sandi-baru-yang-panjang")
    user.save(update_fields=["password"])
    (event,) = _events("accounts_user", row_pk=str(user.pk), operation="UPDATE")
    assert event.old == {"password": "[disamarkan]"}
    assert event.new == {"password": "[disamarkan]"}
    inserted = ChangeEvent.objects.filter(table_name="accounts_user", operation="INSERT")
    assert not inserted.filter(new__password=old_hash).exists()
    assert all(e.new["password"] == "[disamarkan]" for e in inserted)


def test_truncate_of_an_audited_table_is_recorded(cast):
    # A transactional test's flush truncates tables too, and the log keeps that: count from here.
    since = _last_id()
    with connection.cursor() as cursor:
        # After such a flush `cast` writes the role groups again inside this test's transaction; their
        # deferred foreign-key checks must run before a TRUNCATE may.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE auth_group_permissions")
    (event,) = _events("auth_group_permissions", operation="TRUNCATE", id__gt=since)
    assert (event.row_pk, event.old, event.new) == (None, None, None)
