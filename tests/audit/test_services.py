import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from napiter.accounts.models import Office
from napiter.accounts.services import user_upsert
from napiter.audit.models import AccessEvent
from napiter.audit.selectors import access_events_visible_to
from napiter.audit.services import access_log

pytestmark = pytest.mark.django_db


def test_access_log_snapshots_who_where_and_what(cast, rf):
    request = rf.get("/orang/42/?q=3673010101800001", REMOTE_ADDR="10.20.30.40")
    event = access_log(
        user=cast.banten_pendamping,
        action=AccessEvent.Action.VIEW,
        obj_type=Office,
        obj_id=42,
        person_id=42,
        request=request,
    )
    cast.banten_pendamping.username = "siti.nurhaliza"
    cast.banten_pendamping.save(update_fields=["username"])
    event = AccessEvent.objects.get(pk=event.pk)
    assert (event.username, event.user_id) == ("dinsos.banten.pendamping", cast.banten_pendamping.pk)
    assert (event.office_name, event.office_id) == ("Dinas Sosial Provinsi Banten", cast.banten_pendamping.office_id)
    assert (event.object_type, event.object_id, event.person_id) == ("accounts.office", "42", 42)
    assert event.ip_address == "10.20.30.40"
    assert event.path == "/orang/42/"  # never the query string: searches may carry a NIK


def test_reveal_needs_a_reason_and_the_fields(cast):
    with pytest.raises(ValidationError) as error:
        access_log(
            user=cast.banten_pendamping, action=AccessEvent.Action.REVEAL, obj_type="cases.person", obj_id=1, reason=" "
        )
    assert set(error.value.message_dict) == {"reason", "fields_revealed"}
    event = access_log(
        user=cast.banten_pendamping,
        action=AccessEvent.Action.REVEAL,
        obj_type="cases.person",
        obj_id=1,
        person_id=1,
        fields=["nik", "address", "nik"],
        reason="Verifikasi data untuk penyaluran bantuan UEP",
    )
    assert event.fields_revealed == ["address", "nik"]


def test_logging_a_read_is_one_insert_in_the_readers_transaction(cast):
    """Every page that shows a person logs: no savepoint and no constraint query around the row."""
    user = cast.banten_pendamping
    user.office  # noqa: B018 - the office is copied into the row; read it before counting
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        access_log(user=user, action=AccessEvent.Action.VIEW, obj_type="cases.person", obj_id=7, person_id=7)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements == ["INSERT"]


def test_database_refuses_a_reveal_without_reason_even_past_the_service(cast):
    event = AccessEvent(username="x", action=AccessEvent.Action.REVEAL, object_type="cases.person")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save(force_insert=True)


def test_unknown_action_is_refused(cast):
    with pytest.raises(ValidationError):
        access_log(user=cast.banten_pendamping, action="peek", obj_type="cases.person", obj_id=1)


def test_anonymous_reads_are_a_programming_error(db):
    with pytest.raises(ValueError, match="anonymously"):
        access_log(user=AnonymousUser(), action=AccessEvent.Action.VIEW, obj_type="cases.person", obj_id=1)


def test_forwarded_address_is_ignored_without_a_trusted_proxy(cast, rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    event = access_log(user=cast.auditor, action="list", obj_type="cases.person", obj_id="", request=request)
    assert event.ip_address == "10.0.0.5"


def test_behind_a_trusted_proxy_the_address_it_appended_is_used(cast, rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    event = access_log(user=cast.auditor, action="list", obj_type="cases.person", obj_id="", request=request)
    assert event.ip_address == "203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="bukan-alamat")
    event = access_log(user=cast.auditor, action="list", obj_type="cases.person", obj_id="", request=request)
    assert event.ip_address is None


def test_only_auditors_and_administrators_see_access_events(cast, settings):
    access_log(user=cast.banten_pendamping, action="view", obj_type="cases.person", obj_id=3, person_id=3)
    admin = user_upsert(
        username="admin.pusat", office=cast.auditor.office, role="admin", password=settings.DEMO_PASSWORD
    )
    assert access_events_visible_to(cast.auditor).filter(person_id=3).count() == 1
    assert access_events_visible_to(admin).filter(person_id=3).count() == 1
    for outsider in (cast.banten_pendamping, cast.koordinator, cast.kemenag_perencana, AnonymousUser()):
        assert not access_events_visible_to(outsider).exists()


# --- lists and searches: one row per page ----------------------------------------------------------------


def test_a_listed_page_is_one_row_naming_the_ids_shown_in_their_order(cast, rf):
    from napiter.audit.services import access_log_listed

    request = rf.get("/api/v1/people/?q=budi&page=2", REMOTE_ADDR="10.20.30.40")
    event = access_log_listed(
        user=cast.banten_pendamping, obj_type="cases.person", ids=[30, 7, 12, 7], person_ids=[30, 7, 12, 7],
        action=AccessEvent.Action.SEARCH, reason="pencarian nama", request=request,
    )  # fmt: skip
    event = AccessEvent.objects.get(pk=event.pk)
    assert (event.action, event.object_type, event.object_id) == ("search", "cases.person", "30,7,12")
    assert event.person_id is None  # three people: no single person to file the row under
    assert (event.reason, event.path) == ("pencarian nama", "/api/v1/people/")  # never the query string
    assert event.username == "dinsos.banten.pendamping"


def test_a_listed_page_of_one_persons_records_is_filed_under_that_person(cast):
    from napiter.audit.services import access_log_listed

    event = access_log_listed(user=cast.banten_pendamping, obj_type="cases.visit", ids=[4, 5], person_ids=[9, 9])
    assert (event.action, event.object_id, event.person_id) == ("list", "4,5", 9)
    empty = access_log_listed(user=cast.banten_pendamping, obj_type="cases.person", ids=[], person_ids=[])
    assert (empty.object_id, empty.person_id) == ("", None)  # an empty page is a read too: it was asked for


def test_a_page_showing_several_kinds_of_record_is_still_one_insert(cast):
    from napiter.audit.services import Listing, access_log_listings

    user = cast.banten_kabid
    user.office  # noqa: B018 - the office is copied into the rows; read it before counting
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        events = access_log_listings(
            user=user,
            listings=[
                Listing("privacy.subjectrequest", ids=[3, 4], person_ids=[7, 8]),
                Listing("cases.person", ids=[7], person_ids=[7], action=AccessEvent.Action.SEARCH, reason="x"),
            ],
        )
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    rows = AccessEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id")
    assert [(r.object_type, r.object_id, r.person_id, r.action) for r in rows] == [
        ("privacy.subjectrequest", "3,4", None, "list"),
        ("cases.person", "7", 7, "search"),
    ]


def test_listing_is_never_anonymous(db):
    from napiter.audit.services import access_log_listed

    with pytest.raises(ValueError, match="anonymously"):
        access_log_listed(user=AnonymousUser(), obj_type="cases.person", ids=[1])
