"""Who sees which document, and the public facts of a document for its verification page.

A document is visible to the user who requested it, to its signers, and to everyone who can see its
subject through the access layer (each kind says how); to anyone else it does not exist (404).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from napiter.accounts.models import User
from napiter.documents.models import Document, DocumentSignature

CHECKS_CACHE_SECONDS = 3600


def _visible(user: User, kind_codes: list[str]) -> Q:
    from napiter.documents.kinds import KINDS

    signed_or_signing = DocumentSignature.objects.filter(signer=user).values("document_id")
    visible = Q(requested_by=user) | Q(pk__in=signed_or_signing)
    for code in kind_codes:
        visible |= Q(kind=code, subject_id__in=KINDS[code].visible_subjects(user).values("pk"))
    return visible


def documents_visible_to(user: User | AnonymousUser) -> QuerySet[Document]:
    from napiter.documents.kinds import KINDS

    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(_visible(user, list(KINDS)))


def document_get_for_user(user: User | AnonymousUser, pk: int | str, *, for_update: bool = False) -> Document:
    """The document, or Http404 whether it is missing or not visible to the user. The rule is the one of
    `documents_visible_to`, narrowed first to the document's own kind: one subject scope to plan, not
    every kind's (a signature or a download spent ~30 ms planning them at a million people)."""
    from napiter.documents.kinds import KINDS

    try:
        number = int(pk)
    except (ValueError, TypeError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    kind = Document.objects.filter(pk=number).values_list("kind", flat=True).first()
    if not user.is_authenticated or kind not in KINDS:
        raise Http404("Data tidak ditemukan.")
    documents = Document.objects.filter(_visible(user, [kind]), pk=number, kind=kind).select_related(
        "office__agency", "office__region", "requested_by"
    )
    if for_update:
        documents = documents.select_for_update(of=("self",))
    document = documents.first()
    if document is None:
        raise Http404("Data tidak ditemukan.")
    return document


def documents_of_user(user: User) -> QuerySet[Document]:
    """ "Dokumen saya": what the user asked for or must sign (or signed), newest first."""
    signing = DocumentSignature.objects.filter(signer=user).values("document_id")
    return (
        Document.objects.filter(Q(requested_by=user) | Q(pk__in=signing))
        .select_related("office")
        .prefetch_related("signatures")
        .order_by("-requested_at", "-id")
    )


def documents_to_sign(user: User) -> QuerySet[Document]:
    """Awaiting `user`'s signature now (every earlier signer has signed) and not already in the signing
    queue: what "sign all" offers, oldest request first."""
    earlier_pending = DocumentSignature.objects.filter(
        document=OuterRef("document"), order__lt=OuterRef("order"), signed_at__isnull=True
    )
    due = DocumentSignature.objects.filter(
        signer=user,
        signed_at__isnull=True,
        sign_queued_at__isnull=True,
        document__status=Document.Status.AWAITING_SIGNATURE,
    ).filter(~Exists(earlier_pending))
    return (
        Document.objects.filter(pk__in=due.values("document_id"))
        .select_related("office")
        .order_by("requested_at", "id")
    )


def documents_for_subject(user: User, *, kind: str, subject_id: int) -> QuerySet[Document]:
    """The subject's documents the user may see: `documents_visible_to`'s rule for this one kind."""
    from napiter.documents.kinds import KINDS

    if kind not in KINDS:
        return Document.objects.none()
    return (
        Document.objects.filter(_visible(user, [kind]), kind=kind, subject_id=subject_id)
        .prefetch_related("signatures")
        .order_by("-requested_at", "-id")
    )


def document_subject_label(user: User, document: Document) -> str | None:
    """The subject as the user may see it (e.g. "Kasus #12 · name"), or None if it is out of their scope."""
    from napiter.documents.kinds import KINDS

    kind = KINDS.get(document.kind)
    if kind is None:
        return None
    try:
        subject = kind.subject_for_user(user, document.subject_id)
    except Http404:
        return None
    return kind.subject_label(subject)


def document_get_by_code(code: str) -> Document:
    try:
        return (
            Document.objects.select_related("office__agency")
            .prefetch_related("signatures")
            .get(verification_code=code.strip().upper())
        )
    except Document.DoesNotExist as exc:
        raise Http404("Kode verifikasi tidak dikenal.") from exc


@dataclass(frozen=True)
class StoredFileCheck:
    sha256: str  # of the file as it is in storage now
    matches_record: bool  # equal to the hash recorded when it was written
    signatures: list[dict[str, Any]]


def document_stored_file_check(document: Document) -> StoredFileCheck | None:
    """The stored file's signatures, validated. Cached by the file's own hash (not the recorded one), so a
    file altered in storage is judged afresh; a given file always validates the same way, the trust roots
    aside, hence the expiry."""
    from napiter.documents.signing import check_signatures

    if not document.file:
        return None
    with document.file.open("rb") as handle:
        data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    cached = cache.get_or_set(
        f"documents:checks:{digest}", lambda: [asdict(c) for c in check_signatures(data)], CHECKS_CACHE_SECONDS
    )
    signatures: list[dict[str, Any]] = cached or []
    return StoredFileCheck(sha256=digest, matches_record=digest == document.sha256, signatures=signatures)


def document_revision_for_hash(document: Document, digest: str) -> str | None:
    """Which version of the document a file with this SHA-256 is, if any: the final one, the one after
    signature n, or the unsigned render."""
    if digest == document.sha256:
        return "final" if document.status == Document.Status.SIGNED else "current"
    for signature in document.signatures.all():
        if signature.sha256_after and digest == signature.sha256_after:
            return f"after:{signature.order}"
    if document.rendered_sha256 and digest == document.rendered_sha256:
        return "unsigned"
    return None
