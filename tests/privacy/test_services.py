"""Subject requests and their deadlines, legal holds, the record of processing and the breach register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from napiter.audit.models import AccessEvent
from privacy.export import person_export
from privacy.models import BreachIncident, DataCategory, LegalHold, SubjectRequest
from privacy.services import (
    breach_mark_notified,
    data_category_update,
    legal_hold_lift,
    legal_hold_place,
    people_find,
    subject_export_start,
    subject_request_close,
    subject_request_create,
    subject_request_read,
    subject_requests_listed,
)
from tests.factories import CaseFactory, PersonFactory
from tests.privacy.factories import access_request, breach_for_matrix

pytestmark = pytest.mark.django_db


# --- subject requests --------------------------------------------------------------------------------


def test_access_request_is_due_three_times_24_hours_after_receipt(cast):
    received = timezone.now() - dt.timedelta(hours=5)
    request = access_request(PersonFactory(), user=cast.banten_kabid, received_at=received)

    assert request.due_at == received + dt.timedelta(hours=72)
    assert request.status == SubjectRequest.Status.OPEN
    assert request.office.code == "DINSOS-BTN"
    assert not request.is_overdue


def test_request_received_more_than_72_hours_ago_and_still_open_is_overdue(cast):
    request = access_request(PersonFactory(), received_at=timezone.now() - dt.timedelta(hours=73))

    assert request.is_overdue


def test_request_closed_within_the_deadline_is_not_overdue_later(cast):
    request = access_request(PersonFactory(), received_at=timezone.now() - dt.timedelta(hours=80))
    request.export_status = SubjectRequest.ExportStatus.READY
    request.export_data = {}
    request.save()
    closed = subject_request_close(user=cast.dpo, request_id=request.pk, status="selesai", resolution="Diserahkan")
    # Closed now, 80 hours after receipt: late, and it stays recorded as late.
    assert closed.is_overdue

    on_time = access_request(PersonFactory())
    on_time.export_status = SubjectRequest.ExportStatus.READY
    on_time.export_data = {}
    on_time.save()
    closed = subject_request_close(user=cast.dpo, request_id=on_time.pk, status="selesai", resolution="Ok")
    assert not closed.is_overdue


def test_correction_request_needs_the_data_to_correct(cast):
    with pytest.raises(ValidationError) as exc:
        subject_request_create(
            user=cast.banten_kabid, person_id=PersonFactory().pk, kind="perbaikan", requester_name="Ybs.", details=" "
        )
    assert "details" in exc.value.message_dict
    assert not SubjectRequest.objects.exists()


def test_correction_request_is_tracked_to_closure(cast):
    person = PersonFactory()
    request = subject_request_create(
        user=cast.banten_kabid, person_id=person.pk, kind="perbaikan", requester_name="Ybs.",
        details="Alamat lama; yang benar Kp. Cibodas RT 03/RW 05",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="penyelesaian"):
        subject_request_close(user=cast.dpo, request_id=request.pk, status="selesai", resolution="")

    closed = subject_request_close(
        user=cast.dpo, request_id=request.pk, status="selesai", resolution="Alamat diperbaiki pada 12/11"
    )

    assert (closed.status, closed.closed_by, closed.resolution) == (
        "selesai",
        cast.dpo,
        "Alamat diperbaiki pada 12/11",
    )
    with pytest.raises(ValidationError, match="sudah ditutup"):
        subject_request_close(user=cast.dpo, request_id=request.pk, status="ditolak", resolution="Lagi")


def test_access_request_is_done_only_once_its_export_exists_but_can_be_refused_with_a_reason(cast):
    request = access_request(PersonFactory())

    with pytest.raises(ValidationError, match="ekspor"):
        subject_request_close(user=cast.dpo, request_id=request.pk, status="selesai", resolution="Sudah")
    refused = subject_request_close(
        user=cast.dpo,
        request_id=request.pk,
        status="ditolak",
        resolution="Pemohon bukan subjek data atau wali",
    )

    assert refused.status == SubjectRequest.Status.REFUSED
    assert refused.closed_at is not None


def test_out_of_scope_supervisor_cannot_record_or_see_a_request(cast, kaltim_supervisor):
    person = PersonFactory()  # Banten
    with pytest.raises(Http404):
        access_request(person, user=kaltim_supervisor)
    request = access_request(person, user=cast.banten_kabid)
    with pytest.raises(Http404):
        subject_request_read(user=kaltim_supervisor, request_id=request.pk)


def test_only_the_dpo_closes_a_request_or_builds_its_export(cast):
    request = access_request(PersonFactory(), user=cast.banten_kabid)
    with pytest.raises(PermissionDenied):
        subject_request_close(user=cast.banten_kabid, request_id=request.pk, status="ditolak", resolution="Tidak")
    with pytest.raises(PermissionDenied):
        subject_export_start(user=cast.banten_kabid, request_id=request.pk)


def test_pendamping_may_not_record_requests(cast):
    with pytest.raises(PermissionDenied):
        access_request(PersonFactory(), user=cast.banten_pendamping)


def test_dpo_records_requests_for_anyone(cast):
    kaltim = PersonFactory(domicile_region_id="64.72.01.1001", nik="6472010101800001")
    request = access_request(kaltim, user=cast.dpo)
    assert request.office.code == "BNPT-DERAD"


def test_person_search_for_a_request_is_logged_with_the_page_that_shows_it(cast, rf):
    person = PersonFactory(full_name="Rahmat Hidayat")

    found = people_find(user=cast.dpo, q="Rahmat Hidayat")
    subject_requests_listed(
        user=cast.dpo, requests=[], found=found, search="Rahmat Hidayat", request=rf.get("/privasi/")
    )

    assert found == [person]
    search = AccessEvent.objects.get(person_id=person.pk, username="bnpt.dpo")
    assert (search.action, search.object_id, search.reason) == ("search", str(person.pk), "pencarian nama")
    assert AccessEvent.objects.filter(object_type="privacy.subjectrequest", object_id="", username="bnpt.dpo").exists()
    assert people_find(user=cast.banten_pendamping, q="Rahmat Hidayat") == []


# --- the export content ------------------------------------------------------------------------------


def test_export_holds_intelligence_notes_only_for_holders_of_their_permission(cast):
    from cases.models import CaseNote

    case = CaseFactory()
    CaseNote.objects.create(case=case, body="Bertemu jaringan lama", is_intelligence=True, written_by=cast.banten_kabid)
    CaseNote.objects.create(case=case, body="Usaha warung berjalan", written_by=cast.banten_pendamping)

    for_kabid = person_export(user=cast.banten_kabid, person=case.person)
    for_pendamping = person_export(user=cast.banten_pendamping, person=case.person)

    assert [n["isi"] for n in for_kabid["catatan_intelijen"]["catatan"]] == ["Bertemu jaringan lama"]
    assert "Pasal 15" in for_kabid["catatan_intelijen"]["keterangan"]
    assert "catatan_intelijen" not in for_pendamping
    assert "Bertemu jaringan lama" not in str(for_pendamping)
    # Ordinary notes are the subject's in every export, never the intelligence ones.
    assert [n["isi"] for n in for_kabid["kasus"][0]["catatan"]] == ["Usaha warung berjalan"]


# --- legal holds -------------------------------------------------------------------------------------


def test_legal_hold_is_placed_once_with_a_reason_and_lifted_with_one(cast):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        legal_hold_place(user=cast.dpo, person_id=person.pk, reason="singkat")
    hold = legal_hold_place(user=cast.dpo, person_id=person.pk, reason="Perkara di Pengadilan Negeri Serang")
    with pytest.raises(ValidationError, match="sudah ditahan"):
        legal_hold_place(user=cast.dpo, person_id=person.pk, reason="Pemeriksaan Inspektorat berjalan")

    lifted = legal_hold_lift(user=cast.dpo, hold_id=hold.pk, reason="Perkara telah berkekuatan hukum tetap")

    assert lifted.lifted_by == cast.dpo
    assert not LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists()


def test_only_the_dpo_places_a_legal_hold(cast):
    with pytest.raises(PermissionDenied):
        legal_hold_place(user=cast.banten_kabid, person_id=PersonFactory().pk, reason="Perkara di pengadilan negeri")


# --- record of processing ----------------------------------------------------------------------------


def test_seeded_record_of_processing_covers_the_categories_of_the_law():
    codes = set(DataCategory.objects.values_list("code", flat=True))
    assert {"identitas", "riwayat_pidana", "asesmen", "bantuan", "foto", "dtsen", "catatan_intelijen"} <= codes
    criminal = DataCategory.objects.get(code="riwayat_pidana")
    assert criminal.is_specific
    assert criminal.retention_years == 10
    assert all((criminal.purpose, criminal.legal_basis, criminal.recipients))


def test_dpo_edits_a_category(cast):
    category = DataCategory.objects.get(code="foto")

    updated = data_category_update(user=cast.dpo, category_id=category.pk, values={"retention_years": 3})

    assert updated.retention_years == 3
    assert updated.updated_by == cast.dpo


def test_retention_needs_an_anonymisation_step_for_the_category(cast):
    audit = DataCategory.objects.get(code="jejak_audit")

    with pytest.raises(ValidationError) as exc:
        data_category_update(user=cast.dpo, category_id=audit.pk, values={"retention_years": 2})

    assert "retention_years" in exc.value.message_dict
    audit.refresh_from_db()
    assert audit.retention_years is None


def test_supervisor_cannot_edit_the_record_of_processing(cast):
    with pytest.raises(PermissionDenied):
        data_category_update(user=cast.banten_kabid, category_id=DataCategory.objects.first().pk, values={})


# --- breaches ----------------------------------------------------------------------------------------


def test_breach_notification_is_due_three_times_24_hours_after_discovery(cast):
    discovered = timezone.now() - dt.timedelta(hours=10)
    incident = breach_for_matrix(discovered_at=discovered)

    assert incident.notification_due_at == discovered + dt.timedelta(hours=72)
    assert not incident.is_overdue
    assert {c.code for c in incident.categories.all()} == {"identitas", "bantuan"}


def test_unnotified_breach_past_its_deadline_is_overdue(cast):
    incident = breach_for_matrix(discovered_at=timezone.now() - dt.timedelta(hours=73))
    assert incident.is_overdue


def test_breach_discovered_in_the_future_or_before_it_happened_is_refused(cast):
    from privacy.services import breach_record

    values = {
        "title": "Salah kirim surel", "data_description": "Daftar nama", "how_discovered": "Laporan",
        "affected_description": "Penerima", "affected_count": 3, "actions_taken": "Surel ditarik",
    }  # fmt: skip
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        breach_record(user=cast.dpo, values={**values, "discovered_at": later, "occurred_at": None}, categories=[])
    assert "discovered_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        breach_record(
            user=cast.dpo,
            values={**values, "discovered_at": timezone.now(), "occurred_at": later},
            categories=[],
        )
    assert "occurred_at" in exc.value.message_dict
    assert not BreachIncident.objects.exists()


def test_breach_is_recorded_notified_only_after_its_letter_is_signed(cast):
    incident = breach_for_matrix()

    with pytest.raises(ValidationError, match="ditandatangani"):
        breach_mark_notified(user=cast.dpo, breach_id=incident.pk, notified_to="Subjek data terdampak")

    incident.refresh_from_db()
    assert incident.notified_at is None
