"""The privacy documents, rendered and signed for real: the record of processing, the breach letter, and the
subject access export built by a real Celery worker."""

from __future__ import annotations

import time

import pytest
from django.http import Http404
from django.urls import reverse

from cases.models import CaseNote
from napiter.audit.models import AccessEvent
from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from napiter.documents.rendering import render_html
from napiter.documents.services import document_render, document_request, document_sign
from napiter.documents.signing import check_signatures
from privacy.models import SubjectRequest
from privacy.services import breach_mark_notified
from tests.documents.factories import ensure_test_pki
from tests.factories import CaseFactory, PersonFactory
from tests.privacy.factories import access_request, breach_for_matrix


def _signed_and_valid(document: Document, signer) -> Document:
    ensure_test_pki()
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    signed = document_sign(user=signer, document_id=document.pk)
    assert signed.status == Document.Status.SIGNED
    with signed.file.open("rb") as handle:
        (check,) = check_signatures(handle.read())
    assert (check.bottom_line, check.intact, check.valid, check.trusted) == (True, True, True, True)
    return signed


@pytest.mark.django_db
def test_record_of_processing_lists_every_category_and_is_signed_by_the_dpo(cast):
    document = document_request(user=cast.dpo, kind="ropa", subject_id=cast.dpo.office_id)
    kind = kind_for("ropa")

    html = render_html(document=document, kind=kind, subject=kind.subject_for_render(cast.dpo.office_id))

    assert document.number.startswith("ROPA-001/BNPT-DERAD/")
    assert document.person_ids == []
    assert "Riwayat pidana dan keterlibatan peristiwa" in html
    assert "Pasal 4 ayat (2) huruf d UU 27/2022" in html
    assert "10 tahun setelah kasus ditutup" in html
    assert "Catatan intelijen" in html
    signed = _signed_and_valid(document, cast.dpo)
    assert signed.signatures.get().signer_position == "Pejabat Pelindungan Data Pribadi"


@pytest.mark.django_db
def test_only_the_dpo_issues_the_record_of_processing(cast):
    with pytest.raises(Http404):
        document_request(user=cast.banten_kabid, kind="ropa", subject_id=cast.dpo.office_id)
    with pytest.raises(Http404):  # the same national office, but not the DPO
        document_request(user=cast.koordinator, kind="ropa", subject_id=cast.koordinator.office_id)


@pytest.mark.django_db
def test_breach_letter_states_the_incident_and_once_signed_the_notification_is_recorded(cast):
    incident = breach_for_matrix()
    document = document_request(user=cast.dpo, kind="pemberitahuan_insiden", subject_id=incident.pk)
    kind = kind_for("pemberitahuan_insiden")

    html = render_html(document=document, kind=kind, subject=kind.subject_for_render(incident.pk))

    assert "Laptop pendamping hilang" in html
    assert "12 orang" in html
    assert "Pasal 46" in html
    assert "3 x 24 jam" in html
    _signed_and_valid(document, cast.dpo)

    notified = breach_mark_notified(user=cast.dpo, breach_id=incident.pk, notified_to="Subjek data terdampak (surat)")

    assert notified.notified_at is not None
    assert not notified.is_overdue


@pytest.mark.django_db
def test_breach_letter_only_by_the_dpo(cast):
    incident = breach_for_matrix()
    with pytest.raises(Http404):
        document_request(user=cast.banten_kabid, kind="pemberitahuan_insiden", subject_id=incident.pk)


def _wait(check, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_subject_access_export_is_built_by_a_worker_logged_and_issued_as_a_signed_pdf(cast, client_for, celery_worker):
    ensure_test_pki()
    person = PersonFactory(full_name="Siti Rohmah", nik="3673014101850003", phone="081200001111")
    case = CaseFactory(person=person)
    CaseNote.objects.create(case=case, body="Ikut pengajian kampung", written_by=cast.banten_pendamping)
    CaseNote.objects.create(
        case=case, body="Kontak dengan jaringan", is_intelligence=True, written_by=cast.banten_kabid
    )
    client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk]))
    # A supervisor files the request; the DPO alone builds, signs and downloads the export.
    request = access_request(person, user=cast.banten_kabid)
    client = client_for(cast.dpo)

    response = client.post(reverse("privacy:request-export", args=[request.pk]))

    assert response.status_code == 302
    _wait(lambda: SubjectRequest.objects.get(pk=request.pk).export_status != SubjectRequest.ExportStatus.QUEUED)
    request.refresh_from_db()
    assert request.export_status == SubjectRequest.ExportStatus.READY, request.export_error
    data = request.export_data
    assert data["orang"]["nik"] == "3673014101850003"
    assert data["orang"]["telepon"] == "081200001111"
    assert data["kasus"][0]["catatan"][0]["isi"] == "Ikut pengajian kampung"
    assert data["catatan_intelijen"]["catatan"][0]["isi"] == "Kontak dengan jaringan"
    # Every access event is in it, the caseworker's view of the person page among them.
    assert any(e["pengguna"] == "dinsos.banten.pendamping" and e["tindakan"] == "lihat" for e in data["akses_data"])
    assert AccessEvent.objects.filter(person_id=person.pk, action="export", username="bnpt.dpo").exists()

    document = Document.objects.get(kind="akses_subjek", subject_id=request.pk)
    _wait(lambda: Document.objects.get(pk=document.pk).status != Document.Status.QUEUED)
    _wait(lambda: Document.objects.get(pk=document.pk).status != Document.Status.RENDERING)
    document.refresh_from_db()
    assert document.status == Document.Status.AWAITING_SIGNATURE, document.error
    assert document.person_ids == [person.pk]
    signed = document_sign(user=cast.dpo, document_id=document.pk)
    with signed.file.open("rb") as handle:
        (check,) = check_signatures(handle.read())
    assert check.bottom_line

    json_response = client.get(reverse("privacy:request-export-json", args=[request.pk]))
    assert json_response.status_code == 200
    assert json_response.json()["orang"]["nama_lengkap"] == "Siti Rohmah"
    assert AccessEvent.objects.filter(
        person_id=person.pk, action="download", object_type="privacy.subjectrequest"
    ).exists()
