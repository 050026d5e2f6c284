"""The pages: ask for a report, follow it live, sign it, "Dokumen saya"."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from napiter.audit.models import AccessEvent
from napiter.documents.models import Document
from napiter.documents.services import document_render
from tests.documents.factories import request_case_report
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_supervisor_requests_from_the_case_panel_and_lands_on_the_live_status(cast, client_for):
    case = CaseFactory()
    client = client_for(cast.banten_kabid)

    response = client.post(
        reverse("documents:request"),
        {"kind": "laporan_kasus", "subject_id": case.pk, "recommendation": "Lanjutkan reintegrasi."},
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", kwargs={"pk": document.pk})
    assert document.inputs == {"recommendation": "Lanjutkan reintegrasi."}
    page = client.get(response["Location"]).content.decode()
    assert document.number in page
    assert 'hx-trigger="every 1s"' in page  # polls while the worker renders
    assert "w-25" in page  # the progress bar: queued


def test_asked_from_the_case_page_the_live_status_appears_in_place(cast, client_for):
    case = CaseFactory()
    data = {"kind": "laporan_kasus", "subject_id": case.pk}

    accepted = client_for(cast.banten_kabid).post(reverse("documents:request"), data, headers={"HX-Request": "true"})
    refused = client_for(cast.banten_pendamping).post(
        reverse("documents:request"), data, headers={"HX-Request": "true"}
    )

    document = Document.objects.get()
    body = accepted.content.decode()
    assert accepted.status_code == 200
    assert document.number in body
    assert 'hx-trigger="every 1s"' in body
    assert "progress-bar" in body
    assert "supervisor kantor pemilik kasus" in refused.content.decode()
    assert Document.objects.count() == 1


def test_status_partial_stops_polling_when_it_is_the_users_turn_to_sign(cast, client_for):
    document = request_case_report()
    document_render(document_id=document.pk)

    partial = client_for(cast.banten_kabid).get(
        reverse("documents:detail", kwargs={"pk": document.pk}), headers={"HX-Request": "true"}
    )

    body = partial.content.decode()
    assert f'id="document-status-{document.pk}"' in body
    assert "hx-trigger" not in body
    assert reverse("documents:sign", kwargs={"pk": document.pk}) in body
    assert "w-75" in body


def test_signing_needs_the_signers_confirmation(demo_pki, cast, client_for):
    document = request_case_report()
    document_render(document_id=document.pk)
    client = client_for(cast.banten_kabid)
    url = reverse("documents:sign", kwargs={"pk": document.pk})

    refused = client.post(url, {})
    signed = client.post(url, {"confirm": "on"})

    assert refused.status_code == 400
    assert "Centang pernyataan" in refused.content.decode()
    assert signed.status_code == 302
    document.refresh_from_db()
    assert document.status == Document.Status.SIGNED


def test_my_documents_lists_what_awaits_my_signature(cast, client_for):
    document = request_case_report()
    document_render(document_id=document.pk)

    page = client_for(cast.banten_kabid).get(reverse("documents:list")).content.decode()
    other = client_for(cast.koordinator).get(reverse("documents:list")).content.decode()

    assert document.number in page
    assert "Perlu tanda tangan Anda" in page
    assert document.number not in other
    assert 'nav-link active" href="/dokumen/"' in page  # the navigation entry "Dokumen saya"


def test_preview_lets_the_signer_read_before_signing_and_is_logged(cast, client_for):
    document = request_case_report()
    client = client_for(cast.banten_kabid)
    url = reverse("documents:preview", kwargs={"pk": document.pk})

    assert client.get(url).status_code == 409  # nothing to read yet
    document_render(document_id=document.pk)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(action="view", object_type="documents.document").count() == 1


def test_download_page_before_signing_says_why(cast, client_for):
    document = request_case_report()

    response = client_for(cast.banten_kabid).get(reverse("documents:download", kwargs={"pk": document.pk}))

    assert response.status_code == 409
    assert "setelah semua penanda tangan" in response.content.decode()


def _panel(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% load documents %}{% document_panel "laporan_kasus" case %}')
    return template.render(Context({"request": request, "case": case, "csrf_token": "t"}))


def test_case_page_panel_offers_the_request_to_the_owning_supervisor_only(cast):
    case = CaseFactory()
    document = request_case_report(case=case)

    for_supervisor = _panel(cast.banten_kabid, case)
    for_caseworker = _panel(cast.banten_pendamping, case)

    assert document.number in for_supervisor
    assert document.number in for_caseworker
    assert reverse("documents:request") in for_supervisor
    assert reverse("documents:request") not in for_caseworker
