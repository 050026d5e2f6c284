"""A demo certificate authority and one PKCS#12 signing key per demo signer, for `make run` and the tests.

Production mounts certificates issued by a real CA (e.g. BSrE/BSSN) into SIGNING_KEYS_DIR in the same
layout, `<username>.p12`, and lists that CA in SIGNING_TRUST_ROOTS; nothing here runs there. Every name
in this PKI says "DEMO - bukan untuk produksi", so a demo signature can never pass for a real one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_LABEL = "DEMO - bukan untuk produksi"
CA_COMMON_NAME = f"{DEMO_LABEL} napiter CA"
CA_CERT_FILE = "demo-ca.pem"
CA_KEY_FILE = "demo-ca-key.pem"
CA_VALIDITY = dt.timedelta(days=3650)
SIGNER_VALIDITY = dt.timedelta(days=730)
# A signer certificate this close to expiry is replaced on the next run.
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class DemoSigner:
    username: str
    full_name: str
    position: str
    office_name: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    os.replace(tmp, path)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    # Several processes (test workers, `make run` next to a shell) may ensure the PKI at once; two CAs
    # written side by side would leave signer keys that chain to neither.
    with (directory / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ca_name() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _create_ca(directory: Path, passphrase: bytes) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_ca_name())
        .issuer_name(_ca_name())
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_atomically(
        directory / CA_KEY_FILE,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        ),
    )
    _write_atomically(directory / CA_CERT_FILE, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return cert, key


def _load_ca(directory: Path, passphrase: bytes) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    try:
        cert = x509.load_pem_x509_certificate((directory / CA_CERT_FILE).read_bytes())
        key = serialization.load_pem_private_key((directory / CA_KEY_FILE).read_bytes(), passphrase)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert.not_valid_after_utc < _now() + RENEW_BEFORE:
        return None
    return cert, key


def _signer_name(signer: DemoSigner) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_LABEL),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, signer.office_name[:64]),
            x509.NameAttribute(NameOID.TITLE, signer.position[:64] or "-"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{signer.full_name} ({DEMO_LABEL})"[:64]),
        ]
    )


def _signer_is_current(path: Path, ca: x509.Certificate, passphrase: bytes) -> bool:
    try:
        _key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except (OSError, ValueError):
        return False
    if cert is None or cert.issuer != ca.subject or cert.not_valid_after_utc < _now() + RENEW_BEFORE:
        return False
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _create_signer(
    path: Path, signer: DemoSigner, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, passphrase: bytes
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_signer_name(signer))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + SIGNER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        f"{signer.username} ({DEMO_LABEL})".encode(),
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(passphrase),
    )
    _write_atomically(path, data)


def ensure_demo_pki(*, directory: Path, signers: Iterable[DemoSigner], passphrase: str) -> list[str]:
    """Create what is missing or stale: the CA (`demo-ca.pem`), and `<username>.p12` for each signer.

    Idempotent: a run with everything in place changes nothing. A new CA (the old one expired or its key
    was lost) reissues every signer. Returns the usernames whose keys were (re)issued.
    """
    directory.mkdir(parents=True, exist_ok=True)
    secret = passphrase.encode()
    issued: list[str] = []
    with _locked(directory):
        loaded = _load_ca(directory, secret)
        ca, ca_key = loaded if loaded is not None else _create_ca(directory, secret)
        for signer in signers:
            path = directory / f"{signer.username}.p12"
            if not _signer_is_current(path, ca, secret):
                _create_signer(path, signer, ca, ca_key, secret)
                issued.append(signer.username)
    return issued


def demo_signers() -> list[DemoSigner]:
    """The demo cast members whose role may sign documents."""
    from napiter import policy
    from napiter.accounts.demo import DEMO_CAST

    signing_roles = policy.roles_holding("signature.give")
    return [
        DemoSigner(m.username, f"{m.first_name} {m.last_name}", m.position, m.office_name)
        for m in DEMO_CAST
        if m.role in signing_roles
    ]
