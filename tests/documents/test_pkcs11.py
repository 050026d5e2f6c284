"""Signing with a key held on a PKCS#11 token (SoftHSM here; a smart card or HSM in production)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from pkcs11 import Attribute, CertificateType, ObjectClass
from pkcs11.util.ec import decode_ec_private_key

from napiter.documents.models import Document
from napiter.documents.services import document_sign
from napiter.documents.signing import SigningKeyMissing, check_signatures
from tests.documents.factories import ensure_test_pki, rendered_case_report

pytestmark = pytest.mark.django_db

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN = "napiter-uji", "246810"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    # Read by the library when this process first loads it; one token for the whole session.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "13579111"],
        check=True,
        capture_output=True,
    )
    return TOKEN


def _import_demo_key(username: str, pki: Path, passphrase: str) -> None:
    """Put a signer's demo key and certificate on the token, labelled with the username."""
    key, cert, _chain = pkcs12.load_key_and_certificates((pki / f"{username}.p12").read_bytes(), passphrase.encode())
    assert key is not None
    assert cert is not None
    token = pkcs11.lib(SOFTHSM).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        if list(session.get_objects({Attribute.LABEL: username, Attribute.CLASS: ObjectClass.CERTIFICATE})):
            return  # imported by an earlier test: the token lives for the whole session
        private = decode_ec_private_key(
            key.private_bytes(Encoding.DER, PrivateFormat.TraditionalOpenSSL, NoEncryption())
        )
        private.update(
            {Attribute.LABEL: username, Attribute.TOKEN: True, Attribute.SIGN: True, Attribute.SENSITIVE: True}
        )
        session.create_object(private)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.LABEL: username,
                Attribute.TOKEN: True,
            }
        )


@pytest.fixture
def keys_on_token(softhsm_token, settings, tmp_path):
    pki = ensure_test_pki()
    _import_demo_key("dinsos.banten.kabid", pki, settings.SIGNING_KEY_PASSPHRASE)
    settings.SIGNING_PKCS11_MODULE = SOFTHSM
    settings.SIGNING_PKCS11_TOKEN_LABEL = softhsm_token
    settings.SIGNING_PKCS11_PIN = PIN
    settings.SIGNING_KEYS_DIR = tmp_path / "no-key-files-here"  # proves the key comes from the token


def test_a_key_on_the_token_signs_and_validates(cast, keys_on_token):
    document = rendered_case_report()

    signed = document_sign(user=cast.banten_kabid, document_id=document.pk)

    assert signed.status == Document.Status.SIGNED
    assert "Ahmad Fauzi" in signed.signatures.get().certificate_subject
    with signed.file.open("rb") as handle:
        (check,) = check_signatures(handle.read())
    assert check.bottom_line


def test_a_signer_whose_key_is_not_on_the_token_is_told_so(cast, keys_on_token, co_signed_kind):
    from napiter.documents.services import document_render, document_request
    from tests.factories import CaseFactory

    document = document_request(user=cast.banten_kabid, kind=co_signed_kind.code, subject_id=CaseFactory.create().pk)
    document_render(document_id=document.pk)
    document_sign(user=cast.banten_kabid, document_id=document.pk)

    with pytest.raises(SigningKeyMissing, match="tidak ditemukan atau tidak dapat dipakai pada token"):
        document_sign(user=cast.koordinator, document_id=document.pk)
