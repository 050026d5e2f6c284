"""Documents for tests: requested through the real service, rendered and signed for real."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Case, Person
from napiter.accounts.models import User
from napiter.documents.models import Document
from napiter.documents.pki import demo_signers, ensure_demo_pki
from napiter.documents.services import document_render, document_request, document_sign, sha256_hex
from tests.factories import CaseFactory


@cache
def ensure_test_pki() -> Path:
    """The demo PKI in the test session's var/ (once per process; safe across test workers)."""
    directory = Path(settings.SIGNING_KEYS_DIR)
    ensure_demo_pki(directory=directory, signers=demo_signers(), passphrase=settings.SIGNING_KEY_PASSPHRASE)
    return directory


def kabid() -> User:
    return User.objects.get(username="dinsos.banten.kabid")


def request_case_report(
    *, case: Case | None = None, requester: User | None = None, recommendation: str = ""
) -> Document:
    return document_request(
        user=requester or kabid(),
        kind="laporan_kasus",
        subject_id=(case or CaseFactory.create()).pk,
        inputs={"recommendation": recommendation},
    )


def rendered_case_report(**kwargs: object) -> Document:
    document = request_case_report(**kwargs)  # type: ignore[arg-type]
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    return rendered


def signed_case_report(**kwargs: object) -> Document:
    ensure_test_pki()
    document = rendered_case_report(**kwargs)
    return document_sign(user=document.requested_by, document_id=document.pk)


@cache
def _signed_pdf_bytes() -> bytes:
    # Made once per process: the route matrix builds a document for every one of its many tests.
    document = signed_case_report()
    with document.file.open("rb") as handle:
        return handle.read()


def signed_case_report_for_matrix(person: Person) -> Document:
    """A signed case report about `person`'s case, cheaply: requested through the service (numbered,
    with its signer), then given a signed PDF made once, as the route matrix needs only a signed row."""
    data = _signed_pdf_bytes()
    case = person.cases.first() or CaseFactory.create(person=person)
    document = request_case_report(case=case)
    document.file.save(f"matrix/{document.pk}.pdf", ContentFile(data), save=False)
    document.sha256 = document.rendered_sha256 = sha256_hex(data)
    document.status = Document.Status.SIGNED
    document.rendered_at = document.signed_at = timezone.now()
    document.save()
    document.signatures.update(signed_at=timezone.now())
    return document


@dataclass(frozen=True)
class PublicCode:
    """A document as the public verification page names it: by its code, never by its id."""

    pk: str


def verification_code_for_matrix(person: Person) -> PublicCode:
    document = Document.objects.filter(person_ids__contains=[person.pk]).latest("pk")
    return PublicCode(document.verification_code)
