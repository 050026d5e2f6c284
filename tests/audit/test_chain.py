"""The hash chains: `verify_audit` recomputes every link in Python and names the first broken entry."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from napiter.audit.chain import GENESIS, canonical, link_hash, verify_access_chain, verify_change_chain
from napiter.audit.models import AccessEvent, ChangeEvent
from napiter.audit.services import access_log

pytestmark = pytest.mark.django_db

AWKWARD = 'Kp. "Cibodas" \\ RT 02|RW 05\nbaris\tdua \x01 \u2013 Ngawi ✓ 😀'


def _tamper(table, sql, params):
    """What someone with the table owner's rights could do: switch the guard off, rewrite, switch it on."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


@pytest.fixture
def events(cast):
    made = [
        access_log(
            user=cast.banten_pendamping,
            action=AccessEvent.Action.VIEW,
            obj_type="cases.person",
            obj_id=n,
            person_id=n,
        )
        for n in (11, 12, 13)
    ]
    Group.objects.filter(name="pendamping").update(name="pendamping-baru")
    Group.objects.filter(name="pendamping-baru").update(name="pendamping")
    return made


def test_intact_chains_pass(events, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "audit_accessevent: " in out
    assert "audit_changeevent: " in out
    assert "Jejak audit utuh." in out
    report = verify_access_chain()
    assert report.intact
    assert report.entries == AccessEvent.objects.count()
    assert report.head == AccessEvent.objects.latest("id").hash


def test_each_entry_links_to_the_one_before(events):
    hashes = list(AccessEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert hashes[0][0] == GENESIS
    for (_, previous), (prev_hash, _) in itertools.pairwise(hashes):
        assert prev_hash == previous


def test_changed_access_entry_is_named(events):
    target = events[1]
    _tamper("audit_accessevent", "UPDATE audit_accessevent SET person_id = 99 WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=rf"audit_accessevent id={target.pk} \(isi entri"):
        call_command("verify_audit")
    report = verify_access_chain()
    assert (report.broken_id, report.entries) == (target.pk, AccessEvent.objects.filter(pk__lt=target.pk).count())


def test_changed_change_entry_is_named(events):
    target = ChangeEvent.objects.filter(table_name="auth_group", new__name="pendamping-baru").get()
    _tamper(
        "audit_changeevent",
        """UPDATE audit_changeevent SET new = '{"name": "pendamping-palsu"}' WHERE id = %s""",
        [target.pk],
    )
    with pytest.raises(CommandError, match=rf"audit_changeevent id={target.pk} "):
        call_command("verify_audit")
    assert verify_change_chain().broken_id == target.pk


def test_rehashed_entry_still_breaks_the_next_link(events):
    target, following = events[1], events[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT prev_hash FROM audit_accessevent WHERE id = %s", [target.pk])
        (prev_hash,) = cursor.fetchone()
    target.person_id = 99
    content = canonical(
        [
            target.pk,
            target.created_at,
            target.user_id,
            target.username,
            target.office_id,
            target.office_name,
            target.action,
            target.object_type,
            target.object_id,
            99,
            target.fields_revealed,
            target.reason,
            target.ip_address,
            target.path,
        ]
    )
    _tamper(
        "audit_accessevent",
        "UPDATE audit_accessevent SET person_id = 99, hash = %s WHERE id = %s",
        [link_hash(prev_hash, content), target.pk],
    )
    report = verify_access_chain()
    assert (report.broken_id, report.problem) == (following.pk, "tautan ke entri sebelumnya tidak cocok")


def test_deleted_entry_breaks_the_chain(events):
    _tamper("audit_accessevent", "DELETE FROM audit_accessevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=rf"audit_accessevent id={events[1].pk} \(tautan"):
        call_command("verify_audit")


def test_python_canonical_form_matches_postgresql_for_awkward_text(cast, rf):
    request = rf.get("/orang/5/", REMOTE_ADDR="2001:DB8::0:1")
    event = access_log(
        user=cast.banten_pendamping,
        action=AccessEvent.Action.REVEAL,
        obj_type="cases.person",
        obj_id=AWKWARD,
        person_id=5,
        fields=["nik", AWKWARD],
        reason=AWKWARD,
        request=request,
    )
    Group.objects.filter(name="asesor").update(name=AWKWARD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT jsonb_build_array(%s::text, %s::text[])::text", [AWKWARD, [AWKWARD]])
        (postgres_text,) = cursor.fetchone()
    assert canonical([AWKWARD, [AWKWARD]]) == postgres_text
    assert AccessEvent.objects.get(pk=event.pk).ip_address == "2001:db8::1"
    assert verify_access_chain().intact
    assert verify_change_chain().intact
