"""The public page behind the QR code: what the document is and whether it holds; no personal data."""

from __future__ import annotations

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.masking import mask_number
from tests.documents.factories import request_case_report, signed_case_report
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Each test comes from its own address: the rate limit counts per address in the shared cache.
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def visitor(client):
    address = next(_addresses)

    def get(url, **kwargs):
        return client.get(url, REMOTE_ADDR=address, **kwargs)

    def post(url, data, **kwargs):
        return client.post(url, data, REMOTE_ADDR=address, **kwargs)

    client.get_from, client.post_from = get, post
    return client


def _url(document) -> str:
    return reverse("verification:document", kwargs={"code": document.verification_code})


def _pdf(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_anyone_sees_what_the_document_is_and_that_it_holds(demo_pki, cast, visitor):
    document = signed_case_report()

    response = visitor.get_from(_url(document))

    page = response.content.decode()
    assert response.status_code == 200
    for fact in ("Laporan Kasus", document.number, "Dinas Sosial Provinsi Banten", document.sha256):
        assert fact in page
    assert "Ahmad Fauzi" in page  # the signing official
    assert "Kepala Bidang Rehabilitasi Sosial" in page
    assert 'data-verdict="valid"' in page
    assert 'data-check="ok"' in page


def test_it_never_shows_the_persons_name_nik_or_address(demo_pki, cast, visitor):
    person = PersonFactory(
        full_name="Zulkarnain Wibisono", nik="3673011203850007", address="Jl. Melati Nomor 17", birth_place="Lebak"
    )
    document = signed_case_report(case=CaseFactory(person=person), recommendation="Rahasia Zulkarnain")

    page = visitor.get_from(_url(document)).content.decode()

    for personal in ("Zulkarnain", "Wibisono", person.nik, mask_number(person.nik), "Melati", "Lebak", "Rahasia"):
        assert personal not in page
    assert "Kasus #" not in page  # nor which case it is about


def test_an_unsigned_document_is_not_yet_valid(cast, visitor):
    document = request_case_report()

    page = visitor.get_from(_url(document)).content.decode()

    assert 'data-verdict="pending"' in page
    assert "Belum menandatangani" in page


def test_a_file_altered_in_storage_is_reported(demo_pki, cast, visitor):
    document = signed_case_report()
    data = bytearray(_pdf(document))
    data[data.index(b"stream", data.index(b"/Length")) + 30] ^= 0x01
    with document.file.open("wb") as handle:
        handle.write(bytes(data))

    page = visitor.get_from(_url(document)).content.decode()

    assert 'data-verdict="file-altered"' in page
    assert 'data-verdict="invalid"' in page
    assert 'data-check="altered"' in page


def test_upload_the_same_pdf_or_an_altered_one(demo_pki, cast, visitor):
    document = signed_case_report()
    original = _pdf(document)
    altered = original.replace(b"%%EOF", b"%%EOF\n% tambahan", 1)

    same = visitor.post_from(_url(document), {"file": SimpleUploadedFile("a.pdf", original)})
    different = visitor.post_from(_url(document), {"file": SimpleUploadedFile("b.pdf", altered)})

    assert 'data-upload-result="success"' in same.content.decode()
    assert "sama persis" in same.content.decode()
    assert 'data-upload-result="danger"' in different.content.decode()
    assert "BERBEDA" in different.content.decode()


def test_an_earlier_version_is_recognised_as_not_final(demo_pki, cast, visitor):
    document = request_case_report()
    from napiter.documents.services import document_render, document_sign

    unsigned = _pdf(document_render(document_id=document.pk))
    document_sign(user=cast.banten_kabid, document_id=document.pk)

    response = visitor.post_from(_url(document), {"file": SimpleUploadedFile("a.pdf", unsigned)})

    assert "versi sebelum ditandatangani" in response.content.decode()


def test_uploads_must_be_pdfs_within_the_size_limit(cast, visitor, settings):
    document = request_case_report()
    settings.DOCUMENTS_VERIFY_MAX_UPLOAD_BYTES = 1024

    not_pdf = visitor.post_from(_url(document), {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")})
    too_big = visitor.post_from(_url(document), {"file": SimpleUploadedFile("b.pdf", b"%PDF-" + b"0" * 200_000)})

    assert not_pdf.status_code == 400
    assert "bukan PDF" in not_pdf.content.decode()
    assert too_big.status_code == 413
    assert "terlalu besar" in too_big.content.decode()


def test_unknown_code_is_404(base_data, visitor):
    assert visitor.get_from(reverse("verification:document", kwargs={"code": "ZZZZZZZZZZZZ"})).status_code == 404


def test_the_page_is_rate_limited_per_address(cast, visitor, settings):
    document = request_case_report()
    settings.DOCUMENTS_VERIFY_PER_MINUTE = 3

    answers = [visitor.get_from(_url(document)).status_code for _ in range(5)]

    assert answers == [200, 200, 200, 429, 429]
