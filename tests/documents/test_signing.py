"""Render and sign for real, then validate with pyHanko against the demo CA."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rest_framework.test import APIClient

from napiter.documents.models import Document
from napiter.documents.pki import DemoSigner, ensure_demo_pki
from napiter.documents.services import SignatureRefused, document_render, document_request, document_sign
from napiter.documents.signing import check_signatures, sign_pdf
from tests.documents.factories import rendered_case_report, signed_case_report
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _pdf(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _flip_one_byte_inside_a_stream(data: bytes) -> bytes:
    # A byte of page content covered by the signature: the file still parses, the digest no longer matches.
    start = data.index(b"stream", data.index(b"/Length")) + len(b"stream\n") + 20
    tampered = bytearray(data)
    tampered[start] ^= 0x01
    return bytes(tampered)


def test_signed_case_report_validates_against_demo_ca(demo_pki, cast):
    document = signed_case_report(recommendation="Lanjutkan reintegrasi sosial.")

    assert document.status == Document.Status.SIGNED
    checks = check_signatures(_pdf(document))
    assert [c.field_name for c in checks] == ["ttd1"]
    (check,) = checks
    assert (check.bottom_line, check.intact, check.valid, check.trusted) == (True, True, True, True)
    assert check.covers_whole_document
    assert "DEMO - bukan untuk produksi" in check.issuer_subject
    assert "Ahmad Fauzi" in check.signer_subject
    signature = document.signatures.get()
    assert signature.signed_at is not None
    assert signature.sha256_after == document.sha256


def test_one_flipped_byte_fails_validation(demo_pki, cast):
    data = _pdf(signed_case_report())

    (check,) = check_signatures(_flip_one_byte_inside_a_stream(data))

    assert not check.bottom_line
    assert not check.intact


def test_two_signers_in_order_both_valid(demo_pki, cast, co_signed_kind):
    case = CaseFactory()
    document = document_request(user=cast.banten_kabid, kind=co_signed_kind.code, subject_id=case.pk)
    assert document.number.startswith("UJI-001/DINSOS-BTN/")
    document_render(document_id=document.pk)

    first = document_sign(user=cast.banten_kabid, document_id=document.pk)
    assert first.status == Document.Status.AWAITING_SIGNATURE
    after_first = _pdf(first)
    second = document_sign(user=cast.koordinator, document_id=document.pk)
    assert second.status == Document.Status.SIGNED
    final = _pdf(second)

    # The second signature is an incremental update: the first signed file is the final file's prefix.
    assert final.startswith(after_first)
    checks = check_signatures(final)
    assert [c.field_name for c in checks] == ["ttd1", "ttd2"]
    assert all(c.bottom_line and c.intact and c.trusted for c in checks)
    assert "Ahmad Fauzi" in checks[0].signer_subject
    assert "Rudi Hartono" in checks[1].signer_subject
    assert [s.order for s in second.signatures.exclude(signed_at=None)] == [1, 2]


def test_wrong_order_is_refused_and_changes_nothing(demo_pki, cast, co_signed_kind):
    document = document_request(user=cast.banten_kabid, kind=co_signed_kind.code, subject_id=CaseFactory().pk)
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    before = rendered.sha256

    with pytest.raises(SignatureRefused, match="Belum giliran Anda"):
        document_sign(user=cast.koordinator, document_id=document.pk)

    document.refresh_from_db()
    assert document.sha256 == before
    assert document.status == Document.Status.AWAITING_SIGNATURE
    assert not document.signatures.exclude(signed_at=None).exists()


def test_wrong_order_through_the_api_answers_with_the_reason(demo_pki, cast, co_signed_kind):
    document = document_request(user=cast.banten_kabid, kind=co_signed_kind.code, subject_id=CaseFactory().pk)
    document_render(document_id=document.pk)
    client = APIClient()
    client.force_authenticate(cast.koordinator)

    response = client.post(f"/api/v1/documents/{document.pk}/sign/")

    assert response.status_code == 400
    assert "Belum giliran Anda" in response.json()["detail"]
    assert "Ahmad Fauzi" in response.json()["detail"]


def test_nobody_signs_for_someone_else(demo_pki, cast):
    """The caseworker can see the report (same territory) but is not its signer."""
    document = document_request(user=cast.banten_kabid, kind="laporan_kasus", subject_id=CaseFactory().pk)
    document_render(document_id=document.pk)

    with pytest.raises(SignatureRefused, match="bukan penanda tangan"):
        document_sign(user=cast.banten_pendamping, document_id=document.pk)


def test_signing_twice_is_refused(demo_pki, cast):
    document = signed_case_report()

    with pytest.raises(SignatureRefused, match="sudah ditandatangani lengkap"):
        document_sign(user=cast.banten_kabid, document_id=document.pk)
    assert document.signatures.get().signed_at is not None


def test_a_key_renewed_in_place_signs_the_next_document(tmp_path, settings, cast):
    """A signer's key is opened once per process, but per version of its file: after the administrator
    replaces the file, the next signature is made with the new key, without a restart."""
    settings.SIGNING_KEYS_DIR = tmp_path
    kabid = DemoSigner("dinsos.banten.kabid", "Ahmad Fauzi", "Kepala Bidang", "Dinas Sosial Provinsi Banten")
    ensure_demo_pki(directory=tmp_path, signers=[kabid], passphrase=settings.SIGNING_KEY_PASSPHRASE)
    data = _pdf(rendered_case_report())
    stamp = {"name": "Ahmad Fauzi", "nip": "", "position": "Kepala Bidang", "office": "Dinsos", "time": "hari ini"}

    def sign() -> str:
        signed = sign_pdf(
            data=data, field_name="ttd1", username=kabid.username, stamp=stamp,
            verification_url="https://contoh.go.id/v/ABC", reason="Uji", location="Serang",
        )  # fmt: skip
        return signed.certificate_subject

    assert "Ahmad Fauzi" in sign()
    assert "Ahmad Fauzi" in sign()  # the same file: the key opened before
    (tmp_path / "dinsos.banten.kabid.p12").unlink()
    ensure_demo_pki(
        directory=tmp_path, signers=[replace(kabid, full_name="Pejabat Pengganti")],
        passphrase=settings.SIGNING_KEY_PASSPHRASE,
    )  # fmt: skip

    assert "Pejabat Pengganti" in sign()


def test_signed_attributes_name_the_signers_own_certificate(demo_pki, cast):
    """PAdES signed attributes: content type, message digest and a signing-certificate-v2 whose hash is the
    signer's certificate (built once per key and reused, so it must still be the key that signed)."""
    import hashlib
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    (embedded,) = PdfFileReader(io.BytesIO(_pdf(signed_case_report()))).embedded_signatures
    attrs = {attr["type"].native: attr["values"] for attr in embedded.signer_info["signed_attrs"]}
    assert set(attrs) == {"content_type", "message_digest", "signing_certificate_v2"}
    (ess,) = attrs["signing_certificate_v2"][0]["certs"]
    assert ess["cert_hash"].native == hashlib.sha256(embedded.signer_cert.dump()).digest()
    assert ess["issuer_serial"]["serial_number"].native == embedded.signer_cert.serial_number
