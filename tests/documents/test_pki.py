"""The demo PKI that `make run` creates: named as demo everywhere, idempotent, and what signing needs."""

from __future__ import annotations

import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from rest_framework.test import APIClient

from napiter.documents.models import Document
from napiter.documents.pki import CA_CERT_FILE, DEMO_LABEL, demo_signers
from tests.documents.factories import rendered_case_report


def test_ensure_demo_pki_creates_a_demo_ca_and_a_key_per_signer_once(tmp_path, settings):
    settings.SIGNING_KEYS_DIR = tmp_path / "pki"

    first_run, second_run = io.StringIO(), io.StringIO()
    call_command("ensure_demo_pki", stdout=first_run)
    files = {p.name: p.read_bytes() for p in (tmp_path / "pki").iterdir() if not p.name.startswith(".")}
    call_command("ensure_demo_pki", stdout=second_run)
    again = {p.name: p.read_bytes() for p in (tmp_path / "pki").iterdir() if not p.name.startswith(".")}

    assert again == files  # nothing reissued on the second run
    assert "dibuat untuk" in first_run.getvalue()
    assert "dibuat untuk" not in second_run.getvalue()
    signers = {s.username for s in demo_signers()}
    assert signers == {"bnpt.koordinator", "bnpt.asesor", "kemensos.supervisor", "dinsos.banten.kabid", "bnpt.dpo"}
    assert {f"{u}.p12" for u in signers} <= set(files)
    ca = x509.load_pem_x509_certificate(files[CA_CERT_FILE])
    assert ca.subject.rfc4514_string().count(DEMO_LABEL) == 2  # organisation and common name
    _key, cert, chain = pkcs12.load_key_and_certificates(
        files["dinsos.banten.kabid.p12"], settings.SIGNING_KEY_PASSPHRASE.encode()
    )
    assert cert is not None
    assert DEMO_LABEL in cert.subject.rfc4514_string()
    assert "Ahmad Fauzi" in cert.subject.rfc4514_string()
    cert.verify_directly_issued_by(ca)
    assert chain == [ca]
    assert (tmp_path / "pki" / "dinsos.banten.kabid.p12").stat().st_mode & 0o077 == 0  # private to the owner


def test_a_key_issued_by_another_ca_is_replaced(tmp_path, settings):
    settings.SIGNING_KEYS_DIR = tmp_path / "pki"
    call_command("ensure_demo_pki", stdout=io.StringIO())
    (tmp_path / "pki" / CA_CERT_FILE).unlink()  # the CA is lost: every signer must be reissued under the new one

    call_command("ensure_demo_pki", stdout=io.StringIO())

    ca = x509.load_pem_x509_certificate((tmp_path / "pki" / CA_CERT_FILE).read_bytes())
    _key, cert, _chain = pkcs12.load_key_and_certificates(
        (tmp_path / "pki" / "bnpt.koordinator.p12").read_bytes(), settings.SIGNING_KEY_PASSPHRASE.encode()
    )
    assert cert is not None
    cert.verify_directly_issued_by(ca)


@pytest.mark.django_db
def test_a_signer_without_an_installed_key_is_told_so_and_nothing_changes(cast, tmp_path, settings):
    document = rendered_case_report()
    settings.SIGNING_KEYS_DIR = tmp_path / "kosong"
    client = APIClient()
    client.force_authenticate(cast.banten_kabid)

    response = client.post(f"/api/v1/documents/{document.pk}/sign/")

    assert response.status_code == 400
    assert "belum dipasang" in response.json()["detail"]
    document.refresh_from_db()
    assert document.status == Document.Status.AWAITING_SIGNATURE
    assert document.sha256 == document.rendered_sha256
