"""PAdES signatures with pyHanko: each signer's key, the visible stamp, and validation against the
configured trust roots.

Keys: `SIGNING_KEYS_DIR/<username>.p12`, opened with that signer's passphrase (SIGNING_KEY_PASSPHRASES_FILE,
lines "username=passphrase") or the shared SIGNING_KEY_PASSPHRASE; or, with SIGNING_PKCS11_MODULE set, the
key and certificate labelled with the username on the PKCS#11 token SIGNING_PKCS11_TOKEN_LABEL.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from asn1crypto import pem, tsp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import SigningError, as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext

from napiter.documents.fonts import FontNotBundled, bundled_font

# The stamp font must be embedded (Courier, pyHanko's default, is not): the Noto Sans that ships with
# napiter, as the documents' text. The full font is 500 KB and pyHanko subsets it on every signature (~1 s);
# a Latin subset made once per machine, without hinting (print and screen viewers scale outlines) and
# without the OpenType layout tables (kerning a 7 pt stamp is not worth the 35 ms that subsetting GPOS
# costs on every signature), takes ~9 ms.
STAMP_FONT_SOURCE = "NotoSans-Regular.ttf"
STAMP_FONT_UNICODES = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026,
)  # fmt: skip
STAMP_FONT_DROPPED_TABLES = ("GDEF", "GPOS", "GSUB")
STAMP_TEXT = (
    "Ditandatangani secara elektronik oleh\n%(name)s\n%(nip)s%(position)s\n%(office)s\n%(time)s\n"
    "Verifikasi: pindai kode QR"
)
# Enough for an EC P-256 CMS signature with a three-certificate chain and a timestamp token; a fixed
# reservation saves pyHanko a trial signature.
SIGNATURE_BYTES_RESERVED = 16384


class SigningKeyMissing(RuntimeError):
    """No usable key for this signer: the administrator must install their certificate."""


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    certificate_subject: str
    certificate_issuer: str
    certificate_serial: str


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    signer_subject: str
    issuer_subject: str
    signing_time: str
    intact: bool
    valid: bool
    trusted: bool
    bottom_line: bool
    covers_whole_document: bool
    summary: str


# --- keys ------------------------------------------------------------------------------------------------


def _passphrase_for(username: str) -> bytes:
    path = settings.SIGNING_KEY_PASSPHRASES_FILE
    if path:
        for line in Path(path).read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip() == username:
                return value.strip().encode()
    return str(settings.SIGNING_KEY_PASSPHRASE).encode()


class _SigningCertificateV2(CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, value: tsp.SigningCertificateV2) -> None:
        self.value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self.value


class PadesSignedAttributes(SignedAttributeProviderSpec):
    """The signed attributes pyHanko gives a PAdES signature with no CAdES extras (ours): the
    signing-certificate-v2 attribute alone, the signing time being kept out of them by PAdES. The attribute
    is built once per certificate and parsed back from its bytes: built afresh, asn1crypto re-serializes
    the issuer's name thousands of times while pyHanko copies it (~30 ms of every signature)."""

    def __init__(self, cert: asn1_x509.Certificate) -> None:
        self.value = tsp.SigningCertificateV2.load(as_signing_certificate_v2(cert).dump())

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str) -> Iterator[CMSAttributeProvider]:
        yield _SigningCertificateV2(self.value)


def _with_pades_attributes(signer: Signer) -> Signer:
    if signer.signing_cert is not None:
        signer.signed_attr_prov_spec = PadesSignedAttributes(signer.signing_cert)
    return signer


@lru_cache(maxsize=256)
def _load_pkcs12(path: str, inode: int, mtime_ns: int, size: int, passphrase: bytes) -> Signer | None:
    """The key file opened once per process and version of the file: decrypting it (PBKDF2) and parsing the
    certificates is a good part of a signature's time. A key renewed in place (a new file, or a new
    passphrase) has a new cache key, so the next signature reads it; the old entry just ages out."""
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase)
    return None if signer is None else _with_pades_attributes(signer)


@contextmanager
def signer_for(username: str) -> Iterator[Signer]:
    """The signer's key: a PKCS#11 token session (closed afterwards) or their PKCS#12 file."""
    if settings.SIGNING_PKCS11_MODULE:
        from pkcs11.exceptions import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        session = pkcs11.open_pkcs11_session(
            settings.SIGNING_PKCS11_MODULE,
            token_criteria=TokenCriteria(label=settings.SIGNING_PKCS11_TOKEN_LABEL or None),
            user_pin=settings.SIGNING_PKCS11_PIN or None,
        )
        try:
            token_signer = pkcs11.PKCS11Signer(
                session,
                cert_label=username,
                key_label=username,
                use_raw_mechanism=settings.SIGNING_PKCS11_RAW_MECHANISM,
            )
            try:
                token_signer.signing_cert  # noqa: B018 - fetched now, so a missing key is told apart
            except (PKCS11Error, SigningError) as exc:
                raise SigningKeyMissing(
                    f"Kunci tanda tangan untuk akun {username} tidak ditemukan atau tidak dapat dipakai pada token "
                    f"({exc}). Hubungi administrator."
                ) from exc
            yield _with_pades_attributes(token_signer)
        finally:
            session.close()
        return
    path = Path(settings.SIGNING_KEYS_DIR) / f"{username}.p12"
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not S_ISREG(stat.st_mode):
        raise SigningKeyMissing(f"Sertifikat tanda tangan untuk akun {username} belum dipasang. Hubungi administrator.")
    signer = _load_pkcs12(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size, _passphrase_for(username))
    if signer is None:
        raise SigningKeyMissing(
            f"Sertifikat tanda tangan untuk akun {username} tidak dapat dibuka (kata sandi berkas salah?). "
            "Hubungi administrator."
        )
    yield signer


@lru_cache(maxsize=1)
def _trust_roots(paths: tuple[str, ...]) -> list[asn1_x509.Certificate]:
    roots = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            roots += [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def trust_roots() -> list[asn1_x509.Certificate]:
    paths = tuple(p for p in settings.SIGNING_TRUST_ROOTS if Path(p).is_file())
    return _trust_roots(paths)


# --- the stamp -------------------------------------------------------------------------------------------


def _stamp_font() -> str:
    try:
        source = str(bundled_font(STAMP_FONT_SOURCE))
    except FontNotBundled as exc:
        raise SigningError(f"the stamp font is missing: {exc}") from exc
    stat = Path(source).stat()
    recipe = f"{source}:{stat.st_size}:{stat.st_mtime_ns}:-{','.join(STAMP_FONT_DROPPED_TABLES)}:nohint"
    tag = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"napiter-stamp-font-{tag}.ttf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font = TTFont(source)
        options = subset.Options()
        options.layout_features = []
        options.drop_tables += list(STAMP_FONT_DROPPED_TABLES)
        options.hinting = False
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=STAMP_FONT_UNICODES)
        subsetter.subset(font)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        font.save(str(tmp))
        os.replace(tmp, target)
    return str(target)


@lru_cache(maxsize=1)
def stamp_style() -> QRStampStyle:
    return QRStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_stamp_font()), font_size=7, leading=9),
        border_width=0,
        background=None,
    )


# --- signing and validation ------------------------------------------------------------------------------


def _name(cert: asn1_x509.Certificate, which: str) -> str:
    return str(getattr(cert, which).human_friendly)


def sign_pdf(
    *,
    data: bytes,
    field_name: str,
    username: str,
    stamp: dict[str, str],
    verification_url: str,
    reason: str,
    location: str,
) -> SignedPdf:
    """Sign `field_name` as an incremental update: the bytes before it, and the signatures they hold,
    are left exactly as they were."""
    with signer_for(username) as signer:
        cert = signer.signing_cert
        if cert is None:
            raise SigningKeyMissing(f"Kunci {username} tidak memuat sertifikat penanda tangan.")
        timestamper = HTTPTimeStamper(settings.DOCUMENTS_TSA_URL) if settings.DOCUMENTS_TSA_URL else None
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name=field_name,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=reason,
                location=location,
                name=stamp["name"],
            ),
            signer=signer,
            timestamper=timestamper,
            stamp_style=stamp_style(),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        out = pdf_signer.sign_pdf(
            writer,
            appearance_text_params={**stamp, "url": verification_url},
            bytes_reserved=SIGNATURE_BYTES_RESERVED,
        )
        return SignedPdf(
            data=out.getvalue(),
            certificate_subject=_name(cert, "subject"),
            certificate_issuer=_name(cert, "issuer"),
            certificate_serial=format(cert.serial_number, "X"),
        )


def check_signatures(data: bytes) -> list[SignatureCheck]:
    """Every embedded signature, validated against the trust roots. Judge each by `bottom_line`: a
    signature over bytes that were changed afterwards can still report itself `valid`."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as exc:
        raise ValueError(f"not a readable PDF: {exc}") from exc
    results = []
    roots = trust_roots()
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except (PdfError, SigningError, ValueError) as exc:
            results.append(
                SignatureCheck(
                    field_name=sig.field_name, signer_subject="", issuer_subject="", signing_time="",
                    intact=False, valid=False, trusted=False, bottom_line=False, covers_whole_document=False,
                    summary=f"tidak dapat diperiksa: {exc}",
                )
            )  # fmt: skip
            continue
        cert = status.signing_cert
        results.append(
            SignatureCheck(
                field_name=sig.field_name,
                signer_subject=_name(cert, "subject") if cert is not None else "",
                issuer_subject=_name(cert, "issuer") if cert is not None else "",
                signing_time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                bottom_line=bool(status.bottom_line),
                covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                summary=status.summary(),
            )
        )
    return results
