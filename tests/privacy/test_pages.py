"""The privacy pages and API: what each shows, bad input refused with nothing saved, scope answered 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Person
from napiter.audit.models import AccessEvent
from privacy.models import BreachIncident, DataCategory, LegalHold, SubjectRequest
from tests.factories import CaseFactory, PersonFactory
from tests.privacy.factories import access_request, breach_for_matrix, subject_request_for_matrix

pytestmark = pytest.mark.django_db


def test_person_page_shows_legal_basis_and_consent(cast, client_for):
    person = PersonFactory(legal_basis=Person.LegalBasis.CONSENT, consent_date=dt.date(2026, 3, 2))

    page = client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    kabid_page = client_for(cast.banten_kabid).get(reverse("cases:person-detail", args=[person.pk])).content.decode()

    assert "data-consent-panel" in page
    assert "Persetujuan subjek data" in page
    assert "2 Maret 2026" in page
    assert reverse("privacy:request-create", args=[person.pk]) not in page  # a pendamping does not record requests
    assert reverse("privacy:request-create", args=[person.pk]) in kabid_page


def test_missing_consent_is_flagged_on_the_person_page(cast, client_for):
    person = PersonFactory(legal_basis=Person.LegalBasis.CONSENT, consent_date=None)
    page = client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    assert "Belum dicatat" in page


def test_supervisor_records_a_request_from_the_person(cast, client_for):
    person = PersonFactory(full_name="Nur Aini")
    client = client_for(cast.banten_kabid)

    form = client.get(reverse("privacy:request-create", args=[person.pk]))
    response = client.post(
        reverse("privacy:request-create", args=[person.pk]),
        {"kind": "akses", "requester_name": "Nur Aini", "details": ""},
    )

    assert "Nur Aini" in form.content.decode()
    request = SubjectRequest.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:request-detail", args=[request.pk])
    assert request.due_at - request.received_at == dt.timedelta(hours=72)
    assert AccessEvent.objects.filter(person_id=person.pk, action="view", username="dinsos.banten.kabid").exists()


def test_bad_request_form_is_refused_in_indonesian_and_saves_nothing(cast, client_for):
    person = PersonFactory()
    response = client_for(cast.banten_kabid).post(
        reverse("privacy:request-create", args=[person.pk]),
        {"kind": "penghapusan", "requester_name": "Ybs.", "details": ""},
    )

    assert response.status_code == 400
    assert "Sebutkan data yang diminta diperbaiki atau dihapus." in response.content.decode()
    assert not SubjectRequest.objects.exists()


def test_overdue_requests_are_marked_in_the_list(cast, client_for):
    late = access_request(PersonFactory(full_name="Lama Sekali"), received_at=timezone.now() - dt.timedelta(hours=80))
    fresh = access_request(PersonFactory(full_name="Baru Saja"))

    page = client_for(cast.banten_kabid).get(reverse("privacy:request-list")).content.decode()

    late_row = page.split(f'data-request="{late.pk}"')[1].split("</tr>")[0]
    fresh_row = page.split(f'data-request="{fresh.pk}"')[1].split("</tr>")[0]
    assert "data-overdue" in late_row
    assert "data-overdue" not in fresh_row


def test_dpo_finds_a_person_to_record_a_request(cast, client_for):
    person = PersonFactory(full_name="Hasanah Wati")
    page = client_for(cast.dpo).get(reverse("privacy:request-list"), {"q": "Hasanah"}).content.decode()
    assert reverse("privacy:request-create", args=[person.pk]) in page


def test_closing_a_request_from_its_page(cast, client_for):
    request = subject_request_for_matrix(PersonFactory())
    client = client_for(cast.dpo)

    client.post(reverse("privacy:request-close", args=[request.pk]), {"status": "selesai", "resolution": "Diserahkan"})
    page = client.get(reverse("privacy:request-detail", args=[request.pk])).content.decode()

    request.refresh_from_db()
    assert request.status == SubjectRequest.Status.DONE
    assert "Diserahkan" in page


@pytest.mark.parametrize(
    "view_name",
    ["privacy:request-detail", "privacy:request-export-json", "subject-request-detail", "subject-request-export"],
)
def test_out_of_scope_supervisor_gets_404_for_a_subject_access_request(view_name, cast, client_for, kaltim_supervisor):
    request = subject_request_for_matrix(PersonFactory(full_name="Di Banten"))

    response = client_for(kaltim_supervisor).get(reverse(view_name, args=[request.pk]))

    assert response.status_code == 404
    assert "Di Banten" not in response.content.decode()
    assert not AccessEvent.objects.filter(username="dinsos.kaltim.kabid").exists()


def test_out_of_scope_supervisor_gets_404_for_the_person_and_the_export(cast, client_for, kaltim_supervisor):
    person = PersonFactory()
    request = access_request(person)
    client = client_for(kaltim_supervisor)

    assert client.get(reverse("privacy:request-create", args=[person.pk])).status_code == 404
    assert client.post(reverse("privacy:request-export", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.export_status == SubjectRequest.ExportStatus.NONE


def test_record_of_processing_page_is_the_dpos(cast, client_for):
    page = client_for(cast.dpo).get(reverse("privacy:ropa")).content.decode()

    assert 'data-category="riwayat_pidana"' in page
    assert "Pasal 4 ayat (2) huruf d UU 27/2022" in page
    assert client_for(cast.banten_kabid).get(reverse("privacy:ropa")).status_code == 404


def test_category_edit_refuses_bad_input_and_keeps_the_row(cast, client_for):
    audit = DataCategory.objects.get(code="jejak_audit")
    data = {
        "name": audit.name, "data_items": audit.data_items, "purpose": audit.purpose, "legal_basis": audit.legal_basis,
        "retention_years": "3", "retention_action": audit.retention_action, "recipients": audit.recipients,
    }  # fmt: skip
    client = client_for(cast.dpo)

    refused = client.post(reverse("privacy:category-edit", args=[audit.pk]), data)
    blank = client.post(
        reverse("privacy:category-edit", args=[audit.pk]), {**data, "retention_years": "", "purpose": ""}
    )

    assert refused.status_code == 400
    assert "tidak dianonimkan otomatis" in refused.content.decode()
    assert blank.status_code == 400
    audit.refresh_from_db()
    assert audit.retention_years is None
    assert audit.purpose


def test_category_edit_saves(cast, client_for):
    photos = DataCategory.objects.get(code="foto")
    data = {
        "name": photos.name, "data_items": photos.data_items, "purpose": photos.purpose,
        "legal_basis": photos.legal_basis, "retention_years": "4", "retention_action": photos.retention_action,
        "recipients": "Dinas Sosial di wilayah domisili",
    }  # fmt: skip

    response = client_for(cast.dpo).post(reverse("privacy:category-edit", args=[photos.pk]), data)

    assert response.status_code == 302
    photos.refresh_from_db()
    assert (photos.retention_years, photos.recipients) == (4, "Dinas Sosial di wilayah domisili")


def _long_closed(full_name: str) -> Person:
    person = PersonFactory.create(full_name=full_name)
    closed_on = timezone.localdate() - dt.timedelta(days=11 * 366)
    CaseFactory(
        person=person, stage=Case.Stage.CLOSED, closed_on=closed_on, closure_reason=Case.ClosureReason.REINTEGRATED,
        opened_on=closed_on - dt.timedelta(days=30),
    )  # fmt: skip
    return person


def test_retention_page_is_a_dry_run_then_the_dpo_runs_it(cast, client_for):
    due = _long_closed("Agus Salim")
    held = _long_closed("Bambang Irawan")
    client = client_for(cast.dpo)
    client.post(reverse("privacy:hold-place", args=[held.pk]), {"reason": "Perkara di Pengadilan Negeri Serang"})

    page = client.get(reverse("privacy:retention")).content.decode()

    due_row = page.split(f'data-candidate="{due.pk}"')[1].split("</tr>")[0]
    held_row = page.split(f'data-candidate="{held.pk}"')[1].split("</tr>")[0]
    assert "Agus Salim" in due_row
    assert "data-blocked" not in due_row
    assert "data-blocked" in held_row
    assert "Pengadilan Negeri Serang" in held_row
    due.refresh_from_db()
    assert due.full_name == "Agus Salim"  # the page changed nothing

    client.post(reverse("privacy:retention-run"))

    due.refresh_from_db()
    held.refresh_from_db()
    assert due.full_name == f"Anonim {due.pk}"
    assert held.full_name == "Bambang Irawan"


def test_hold_needs_a_reason_and_is_lifted_from_the_retention_page(cast, client_for):
    person = PersonFactory()
    client = client_for(cast.dpo)

    client.post(reverse("privacy:hold-place", args=[person.pk]), {"reason": "pendek"})
    assert not LegalHold.objects.exists()
    client.post(reverse("privacy:hold-place", args=[person.pk]), {"reason": "Pemeriksaan Inspektorat berjalan"})
    hold = LegalHold.objects.get(person=person)
    client.post(reverse("privacy:hold-lift", args=[hold.pk]), {"reason": "Pemeriksaan telah selesai"})

    hold.refresh_from_db()
    assert hold.lifted_at is not None


def test_breach_is_recorded_from_the_form_and_its_deadline_shown(cast, client_for):
    client = client_for(cast.dpo)
    discovered = timezone.localtime() - dt.timedelta(hours=80)

    response = client.post(
        reverse("privacy:breach-create"),
        {
            "title": "Surel berisi daftar penerima salah kirim",
            "data_description": "Nama dan NIK 40 penerima bantuan",
            "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
            "how_discovered": "Penerima surel melapor",
            "affected_description": "Penerima bantuan Kota Cilegon",
            "affected_count": "40",
            "actions_taken": "Penerima diminta menghapus surel",
            "categories": [DataCategory.objects.get(code="identitas").pk],
        },
    )

    incident = BreachIncident.objects.get()
    assert response.status_code == 302
    assert incident.office.code == "BNPT-DERAD"
    listing = client.get(reverse("privacy:breach-list")).content.decode()
    row = listing.split(f'data-incident="{incident.pk}"')[1].split("</tr>")[0]
    assert "data-overdue" in row


def test_breach_form_refuses_missing_fields(cast, client_for):
    response = client_for(cast.dpo).post(reverse("privacy:breach-create"), {"title": "Tanpa rincian"})
    assert response.status_code == 400
    assert response.content.decode().count("Bidang ini harus diisi.") == 6
    assert not BreachIncident.objects.exists()


def test_breach_not_marked_notified_before_its_letter_is_signed(cast, client_for):
    incident = breach_for_matrix()
    client = client_for(cast.dpo)

    client.post(reverse("privacy:breach-notified", args=[incident.pk]), {"notified_to": "Subjek data"})
    page = client.get(reverse("privacy:breach-detail", args=[incident.pk])).content.decode()

    incident.refresh_from_db()
    assert incident.notified_at is None
    assert "Surat pemberitahuan harus ditandatangani" in page


# --- API ---------------------------------------------------------------------------------------------


def test_api_records_a_request_and_lists_it_by_deadline(cast, client_for):
    person = PersonFactory()
    client = client_for(cast.banten_kabid)

    created = client.post(
        reverse("subject-request-list"),
        {"person": person.pk, "kind": "akses", "requester_name": "Ybs."},
        content_type="application/json",
    )
    listing = client.get(reverse("subject-request-list"))

    assert created.status_code == 201
    assert created.json()["status"] == "terbuka"
    assert [r["person"] for r in listing.json()["results"]] == [person.pk]


def test_api_export_is_409_until_ready_then_the_data(cast, client_for):
    person = PersonFactory(full_name="Rina Marlina")
    pending = access_request(person)
    ready = subject_request_for_matrix(person)
    client = client_for(cast.dpo)

    refused = client.get(reverse("subject-request-export", args=[pending.pk]))
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Ekspor data belum tersedia."}  # the documented error body: one message
    data = client.get(reverse("subject-request-export", args=[ready.pk])).json()
    assert data["orang"]["nama_lengkap"] == "Rina Marlina"


def test_api_record_of_processing_for_the_dpo_only(cast, client_for):
    rows = client_for(cast.dpo).get(reverse("data-category-list")).json()
    assert {"identitas", "riwayat_pidana"} <= {r["code"] for r in rows}
    assert client_for(cast.banten_kabid).get(reverse("data-category-list")).status_code == 404
