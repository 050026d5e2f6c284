"""`/api/v1/documents/`: request (202), status, sign, download (409 before it is signed)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from napiter.audit.models import AccessEvent
from napiter.documents.models import Document
from napiter.documents.services import document_render
from tests.documents.factories import request_case_report, signed_case_report
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_request_answers_202_with_the_numbered_document(cast, api_for):
    case = CaseFactory()

    response = api_for(cast.banten_kabid).post(
        "/api/v1/documents/", {"kind": "laporan_kasus", "subject_id": case.pk}, format="json"
    )

    assert response.status_code == 202
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert body["kind"] == "laporan_kasus"
    assert body["number"] == document.number
    assert body["number"].startswith("LAP-001/DINSOS-BTN/")
    assert body["status"] == "queued"
    assert body["verification_code"] == document.verification_code
    assert body["verification_url"].endswith(f"/verifikasi/{document.verification_code}/")
    assert body["download_url"] is None


def test_unknown_kinds_answer_400(cast, api_for):
    response = api_for(cast.banten_kabid).post(
        "/api/v1/documents/", {"kind": "surat_sakti", "subject_id": CaseFactory().pk}, format="json"
    )

    assert response.status_code == 400
    assert "belum tersedia" in str(response.json()["errors"]["kind"])
    assert not Document.objects.exists()


def test_a_caseworker_may_not_request_a_case_report(cast, api_for):
    response = api_for(cast.banten_pendamping).post(
        "/api/v1/documents/", {"kind": "laporan_kasus", "subject_id": CaseFactory().pk}, format="json"
    )

    assert response.status_code == 403
    assert "supervisor kantor pemilik kasus" in response.json()["detail"]


def test_status_shows_progress_and_the_subject_to_those_who_may_see_it(cast, api_for):
    document = request_case_report()
    client = api_for(cast.banten_pendamping)

    queued = client.get(f"/api/v1/documents/{document.pk}/").json()
    document_render(document_id=document.pk)
    rendered = client.get(f"/api/v1/documents/{document.pk}/").json()

    assert (queued["status"], queued["progress"]) == ("queued", 25)
    assert (rendered["status"], rendered["progress"]) == ("awaiting_signature", 75)
    assert rendered["subject_label"].startswith(f"Kasus #{document.subject_id}")
    assert [s["signer_name"] for s in rendered["signatures"]] == ["Ahmad Fauzi"]


def test_download_is_refused_with_409_until_signed(cast, api_for):
    document = request_case_report()
    document_render(document_id=document.pk)

    response = api_for(cast.banten_kabid).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 409
    assert "setelah semua penanda tangan" in response.json()["detail"]
    assert not AccessEvent.objects.filter(action="download").exists()


def test_sign_then_download_the_pdf_logged_as_a_read_of_the_person(demo_pki, cast, api_for):
    document = request_case_report()
    document_render(document_id=document.pk)
    client = api_for(cast.banten_kabid)

    signed = client.post(f"/api/v1/documents/{document.pk}/sign/")
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed"
    response = api_for(cast.banten_pendamping).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "LAP-001_DINSOS-BTN_" in response["Content-Disposition"]
    (event,) = AccessEvent.objects.filter(action="download")
    assert (event.username, event.object_type, event.object_id) == (
        "dinsos.banten.pendamping",
        "documents.document",
        str(document.pk),
    )
    assert event.person_id == document.person_ids[0]


def test_out_of_scope_document_is_404_everywhere(demo_pki, cast, api_for):
    document = signed_case_report()
    client = api_for(cast.kaltim_pendamping)

    for path in ("", "download/"):
        response = client.get(f"/api/v1/documents/{document.pk}/{path}")
        assert response.status_code == 404, path
        assert document.number not in response.content.decode()
    assert client.post(f"/api/v1/documents/{document.pk}/sign/").status_code == 404
    assert client.get("/api/v1/documents/").json()["results"] == []
    assert not AccessEvent.objects.filter(action="download").exists()


def test_list_holds_what_the_user_requested_or_signs(demo_pki, cast, api_for):
    mine = request_case_report()

    requester = api_for(cast.banten_kabid).get("/api/v1/documents/").json()
    onlooker = api_for(cast.koordinator).get("/api/v1/documents/").json()

    assert [d["number"] for d in requester["results"]] == [mine.number]
    assert onlooker["results"] == []
