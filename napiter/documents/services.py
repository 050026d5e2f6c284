"""Every write of the document pipeline: request, enqueue, render, sign, and the reads that are logged.

The state machine: queued -> rendering -> awaiting_signature -> signed, or failed with the error.
Rendering runs in a Celery worker and may be delivered more than once (acks_late, a killed worker's
message is redelivered, the sweeper resends what looks lost); each step checks the status under a row
lock, so a document is numbered once, rendered into its file once and signed once per signer.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
import secrets
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from napiter import policy
from napiter.accounts.models import Office, User
from napiter.documents.formatting import datetime_long, roman_month
from napiter.documents.kinds import kind_for
from napiter.documents.models import Document, DocumentRegister, DocumentSignature
from napiter.documents.selectors import document_get_for_user
from napiter.uploads import save_or_clean_up

logger = logging.getLogger(__name__)

DOCUMENT_TYPE = "documents.document"
# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
# A request must not hang on a broker that is down: one quick retry, then the sweeper's turn.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.5}
SWEEP_BATCH = 200


class DocumentNotReady(Exception):
    """The document exists but is not in a state that allows this (download before it is signed)."""

    status_code = 409


class DocumentFileRemoved(DocumentNotReady):
    """The PDF was removed at the end of its retention period (UU 27/2022); the row keeps number and hash."""

    status_code = 410


FILE_REMOVED_MESSAGE = (
    "Berkas dokumen ini telah dihapus karena masa retensi data orang yang disebutnya berakhir. Nomor dan "
    "SHA-256 dokumen tetap tercatat, sehingga salinan yang beredar masih dapat diverifikasi."
)


def _require_file(document: Document) -> None:
    if not document.file:
        raise DocumentFileRemoved(FILE_REMOVED_MESSAGE)


class SignatureRefused(Exception):
    """This user may not sign this document now: not a signer, not their turn, or nothing to sign."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_number(*, prefix: str, sequence: int, office_code: str, month: int, year: int) -> str:
    return f"{prefix}-{sequence:03d}/{office_code}/{roman_month(month)}/{year}"


def _verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _next_sequence(*, office: Office, prefix: str, year: int) -> int:
    """The next number of the office's register, under a row lock held until the caller commits.

    Concurrent requests queue on the lock and each reads the number its predecessor committed; a request
    that rolls back releases its increment with it, so the numbers stay consecutive.
    """
    registers = DocumentRegister.objects.select_for_update()
    register = registers.filter(office=office, prefix=prefix, year=year).first()
    if register is None:
        # The year's first request: two at once both insert; ON CONFLICT lets the second wait for the first.
        DocumentRegister.objects.bulk_create(
            [DocumentRegister(office=office, prefix=prefix, year=year)], ignore_conflicts=True
        )
        register = registers.get(office=office, prefix=prefix, year=year)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return register.last_number


@transaction.atomic
def document_request(
    *, user: User, kind: str, subject_id: int | str, inputs: dict[str, object] | None = None
) -> Document:
    """Create a numbered document in the caller's transaction; it is sent to a worker once that commits.

    Raises Http404 when the subject is missing or out of the user's scope, PermissionDenied when the user
    may not ask for this kind, ValidationError for an unknown kind or bad inputs.
    """
    spec = kind_for(kind)
    subject = spec.subject_for_user(user, subject_id)
    spec.check_request(user=user, subject=subject)
    cleaned = spec.clean_inputs(inputs or {})
    signers = spec.signers(subject=subject, requester=user)
    unable = [s.get_full_name() or s.username for s in signers if not policy.holds(s, "signature.give")]
    if unable:
        raise PermissionDenied(f"Penanda tangan yang ditentukan tidak berwenang menandatangani: {', '.join(unable)}.")
    office = spec.issuing_office(subject)
    now = timezone.now()
    local = timezone.localtime(now, timezone=_zone(office))
    sequence = _next_sequence(office=office, prefix=spec.prefix, year=local.year)
    document = Document(
        kind=spec.code,
        subject_id=subject.pk,
        office=office,
        prefix=spec.prefix,
        year=local.year,
        sequence=sequence,
        number=format_number(
            prefix=spec.prefix, sequence=sequence, office_code=office.code, month=local.month, year=local.year
        ),
        verification_code=_verification_code(),
        inputs=cleaned,
        person_ids=spec.person_ids(subject),
        requested_by=user,
        requested_at=now,
    )
    document.full_clean(exclude=["file"])
    document.save(force_insert=True)
    for order, signer in enumerate(signers, start=1):
        signature = DocumentSignature(
            document=document,
            order=order,
            signer=signer,
            signer_name=signer.get_full_name() or signer.username,
            signer_nip=signer.nip,
            signer_position=signer.position,
            signer_office=signer.office.name if signer.office else "",
            field_name=f"ttd{order}",
        )
        signature.full_clean(exclude=["document"])
        signature.save(force_insert=True)
    transaction.on_commit(partial(document_enqueue, document_id=document.pk))
    return document


def _zone(office: Office) -> ZoneInfo:
    return ZoneInfo(office.timezone)


def document_enqueue(*, document_id: int) -> bool:
    """Send the render task; False when the broker cannot be reached.

    Never raises for a broker outage: this runs after the request's transaction committed, and the row
    waits in `queued` for `documents_requeue_stuck` to send it once the broker is back.
    """
    from napiter.documents.tasks import document_render_task

    try:
        document_render_task.apply_async(args=[document_id], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except (BrokerError, OSError) as exc:
        logger.warning("document %s stays queued: the broker is unreachable (%s)", document_id, exc)
        return False
    Document.objects.filter(pk=document_id).update(enqueued_at=timezone.now())
    return True


def documents_requeue_stuck() -> int:
    """Resend what a worker should have picked up by now: queued rows never sent or sent long ago (a lost
    message, a broker restarted empty), renders running past the hard time limit (a dead worker), and
    signatures asked for in a batch and not made since."""
    now = timezone.now()
    requeue_after = now - dt.timedelta(seconds=settings.DOCUMENTS_REQUEUE_AFTER_SECONDS)
    stale_after = now - dt.timedelta(seconds=settings.DOCUMENTS_STALE_RENDER_SECONDS)
    not_sent_lately = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=requeue_after)
    stuck = Document.objects.filter(
        (Q(status=Document.Status.QUEUED) | Q(status=Document.Status.RENDERING, render_started_at__lt=stale_after))
        & not_sent_lately
    ).order_by("requested_at", "id")
    sent = 0
    for document_id in stuck.values_list("pk", flat=True)[:SWEEP_BATCH]:
        if not document_enqueue(document_id=document_id):
            return sent  # the broker is down: the next sweep tries again
        sent += 1
    return sent + _signatures_requeue_stuck(requeue_after)


def _signatures_requeue_stuck(requeue_after: dt.datetime) -> int:
    """Resend the signatures asked for in a batch whose task has not made them by now. A message that is
    merely late is then delivered twice; the second finds the signature made and does nothing."""
    stuck = DocumentSignature.objects.filter(
        signed_at__isnull=True,
        sign_queued_at__lt=requeue_after,
        document__status=Document.Status.AWAITING_SIGNATURE,
    ).order_by("sign_queued_at", "id")
    sent = 0
    for pk, document_id, user_id in stuck.values_list("pk", "document_id", "signer_id")[:SWEEP_BATCH]:
        if not document_sign_enqueue(document_id=document_id, user_id=user_id):
            break
        DocumentSignature.objects.filter(pk=pk, signed_at__isnull=True).update(sign_queued_at=timezone.now())
        sent += 1
    return sent


def _folder(document: Document) -> str:
    # Files are named by the document's random code, not its id: ids repeat across databases that share a
    # storage volume (parallel test databases, a restored copy beside the live one).
    return f"{document.year}/{document.office.code}"


# --- rendering (in the worker) ---------------------------------------------------------------------------


@transaction.atomic
def _render_claim(*, document_id: int, task_id: str) -> tuple[Document, str] | None:
    document = Document.objects.select_for_update(of=("self",)).select_related("office").filter(pk=document_id).first()
    if document is None or document.status not in (Document.Status.QUEUED, Document.Status.RENDERING):
        return None
    if document.status == Document.Status.RENDERING and task_id != document.render_task_id:
        stale_after = timezone.now() - dt.timedelta(seconds=settings.DOCUMENTS_STALE_RENDER_SECONDS)
        if document.render_started_at is not None and document.render_started_at > stale_after:
            # Another message's attempt is rendering it and is not known dead: leave it to that attempt.
            return None
    token = uuid.uuid4().hex
    document.status = Document.Status.RENDERING
    document.render_token = token
    document.render_task_id = task_id
    document.render_attempts += 1
    document.render_started_at = timezone.now()
    document.rendering_worker = f"{socket.gethostname()}:{os.getpid()}"
    document.save(
        update_fields=[
            "status", "render_token", "render_task_id", "render_attempts", "render_started_at",
            "rendering_worker", "updated_at",
        ]
    )  # fmt: skip
    return document, token


@transaction.atomic
def _render_finish(*, document_id: int, token: str, data: bytes, page_count: int) -> Document | None:
    document = Document.objects.select_for_update(of=("self",)).select_related("office").get(pk=document_id)
    if document.status != Document.Status.RENDERING or document.render_token != token:
        logger.info("document %s: render attempt %s superseded, result discarded", document_id, token)
        return None
    digest = sha256_hex(data)
    name = f"{_folder(document)}/{document.verification_code}-{token[:8]}.pdf"
    try:
        save_or_clean_up(document.file, name, ContentFile(data))
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StorageFull from exc
    document.sha256 = document.rendered_sha256 = digest
    document.page_count = page_count
    document.status = Document.Status.AWAITING_SIGNATURE
    document.rendered_at = timezone.now()
    document.error = ""  # a full disk on an earlier attempt is over
    document.save(
        update_fields=[
            "file", "sha256", "rendered_sha256", "page_count", "status", "rendered_at", "error", "updated_at"
        ]
    )  # fmt: skip
    return document


class StorageFull(Exception):
    """The media volume has no room for the PDF: nothing about this document is wrong."""


STORAGE_FULL_MESSAGE = (
    "Penyimpanan dokumen di server penuh. Dokumen tetap dalam antrean dan disusun otomatis setelah admin "
    "menambah ruang penyimpanan."
)


@transaction.atomic
def _render_requeue(*, document_id: int, token: str, error: str) -> Document | None:
    """Back to the queue with the reason shown; the sweeper resends it after DOCUMENTS_REQUEUE_AFTER_SECONDS."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document_id)
    if document.status != Document.Status.RENDERING or document.render_token != token:
        return None
    document.status = Document.Status.QUEUED
    document.error = error
    document.enqueued_at = timezone.now()
    document.save(update_fields=["status", "error", "enqueued_at", "updated_at"])
    return document


@transaction.atomic
def _render_fail(*, document_id: int, token: str, error: str) -> Document | None:
    document = Document.objects.select_for_update(of=("self",)).get(pk=document_id)
    if document.status != Document.Status.RENDERING or document.render_token != token:
        return None
    document.status = Document.Status.FAILED
    document.error = error[:2000]
    document.save(update_fields=["status", "error", "updated_at"])
    return document


def document_render(*, document_id: int, task_id: str = "") -> Document | None:
    """Render a queued document into its PDF, with an empty signature field per signer.

    Returns the document when this call rendered (or failed) it, None when there was nothing to do:
    already rendered, claimed by a live attempt, or superseded while rendering.
    """
    from napiter.documents.rendering import render_pdf

    claimed = _render_claim(document_id=document_id, task_id=task_id)
    if claimed is None:
        return None
    document, token = claimed
    try:
        spec = kind_for(document.kind)
        subject = spec.subject_for_render(document.subject_id)
        rendered = render_pdf(document=document, kind=spec, subject=subject)
    except DatabaseError:
        raise  # transient: the task retries, and the retry (same message) takes the claim over
    except SoftTimeLimitExceeded:
        return _render_fail(document_id=document_id, token=token, error="Penyusunan melebihi batas waktu.")
    except Exception as exc:  # any other failure is this document's: recorded for the requester to see
        logger.exception("document %s failed to render", document_id)
        return _render_fail(
            document_id=document_id, token=token, error=f"Penyusunan gagal: {type(exc).__name__}: {exc}"
        )
    try:
        return _render_finish(document_id=document_id, token=token, data=rendered.data, page_count=rendered.page_count)
    except StorageFull:
        logger.error("document %s: the media volume is full; the document waits in the queue", document_id)
        return _render_requeue(document_id=document_id, token=token, error=STORAGE_FULL_MESSAGE)


# --- signing (by each signer's own action) ---------------------------------------------------------------


def _pending_signature(document: Document) -> DocumentSignature | None:
    return document.signatures.filter(signed_at__isnull=True).order_by("order").first()


def document_next_signer(document: Document) -> DocumentSignature | None:
    if document.status != Document.Status.AWAITING_SIGNATURE:
        return None
    return _pending_signature(document)


def _signature_due_from(user: User, document: Document) -> DocumentSignature:
    """The signature `user` is to make now on `document` (locked by the caller), or SignatureRefused saying
    why not: the document is not awaiting signatures, it is someone else's turn, or the user has no say."""
    if document.status != Document.Status.AWAITING_SIGNATURE:
        raise SignatureRefused(_not_signable_message(document))
    pending = _pending_signature(document)
    if pending is None:
        raise SignatureRefused("Dokumen ini tidak lagi menunggu tanda tangan.")
    if pending.signer_id != user.pk:
        if document.signatures.filter(signer=user, signed_at__isnull=True).exists():
            raise SignatureRefused(
                f"Belum giliran Anda: dokumen ini menunggu tanda tangan {pending.signer_name} "
                f"({pending.signer_position or 'urutan ' + str(pending.order)}) lebih dahulu."
            )
        if document.signatures.filter(signer=user).exists():
            raise SignatureRefused("Anda sudah menandatangani dokumen ini.")
        raise SignatureRefused("Anda bukan penanda tangan dokumen ini.")
    if not policy.holds(user, "signature.give"):
        raise SignatureRefused("Peran Anda tidak berwenang menandatangani dokumen.")
    return pending


@transaction.atomic
def document_sign(*, user: User, document_id: int | str) -> Document:
    """Sign the document as `user`, who must be the next required signer: an incremental update that
    keeps every earlier signature valid. The last signature makes the document `signed`."""
    return _sign_locked(user, document_get_for_user(user, document_id, for_update=True))


def _sign_locked(user: User, document: Document) -> Document:
    """`document_sign` on a document the caller fetched through the user's scope and locked."""
    from napiter.documents.rendering import verification_url
    from napiter.documents.signing import sign_pdf

    pending = _signature_due_from(user, document)
    with document.file.open("rb") as handle:
        current = handle.read()
    if sha256_hex(current) != document.sha256:
        raise SignatureRefused("Berkas dokumen tidak sama dengan yang tercatat; hubungi administrator.")
    spec = kind_for(document.kind)
    office = document.office
    now = timezone.now()
    signed = sign_pdf(
        data=current,
        field_name=pending.field_name,
        username=user.username,
        stamp={
            "name": pending.signer_name,
            "nip": f"NIP. {pending.signer_nip}\n" if pending.signer_nip else "",
            "position": pending.signer_position,
            "office": pending.signer_office,
            "time": datetime_long(now, office.timezone),
        },
        verification_url=verification_url(document),
        reason=f"Menandatangani {spec.label} nomor {document.number}",
        location=office.name,
    )
    old_name = document.file.name
    digest = sha256_hex(signed.data)
    document.file.save(
        f"{_folder(document)}/{document.verification_code}-ttd{pending.order}.pdf", ContentFile(signed.data), save=False
    )
    pending.signed_at = now
    pending.certificate_subject = signed.certificate_subject[:300]
    pending.certificate_issuer = signed.certificate_issuer[:300]
    pending.certificate_serial = signed.certificate_serial[:80]
    pending.sha256_after = digest
    pending.sign_error = ""  # a queued attempt that failed earlier is over
    pending.save(
        update_fields=[
            "signed_at", "certificate_subject", "certificate_issuer", "certificate_serial", "sha256_after", "sign_error"
        ]
    )  # fmt: skip
    document.sha256 = digest
    update_fields = ["file", "sha256", "updated_at"]
    if _pending_signature(document) is None:
        document.status = Document.Status.SIGNED
        document.signed_at = now
        update_fields += ["status", "signed_at"]
    document.save(update_fields=update_fields)
    if document.status == Document.Status.SIGNED:
        spec.signed(document=document, user=user)
    # The new file holds the old one byte for byte (an incremental update), so the old one can go.
    storage = document.file.storage
    transaction.on_commit(partial(storage.delete, old_name))
    return document


def _not_signable_message(document: Document) -> str:
    if document.status == Document.Status.SIGNED:
        return "Dokumen ini sudah ditandatangani lengkap."
    if document.status == Document.Status.FAILED:
        return "Dokumen ini gagal disusun dan tidak dapat ditandatangani; minta dokumen baru."
    return "Dokumen masih disusun; tanda tangani setelah statusnya 'Menunggu tanda tangan'."


# --- signing many at once (queued, made by the workers) --------------------------------------------------

SIGN_BATCH_MAX = 1000
NOT_FOUND_MESSAGE = "Dokumen tidak ditemukan atau di luar wewenang Anda."


@dataclass(frozen=True)
class SignRefusal:
    document_id: int | str  # as submitted: an id that is not the user's to see is echoed, never looked up
    number: str  # empty when the document is not visible to the user
    reason: str


@dataclass(frozen=True)
class SignBatchResult:
    queued: list[Document]  # sent to the workers now
    already_queued: list[Document]  # asked for earlier and still waiting in the queue: not sent twice
    refused: list[SignRefusal]


def _batch_ids(document_ids: Iterable[int | str]) -> tuple[list[int], list[SignRefusal]]:
    """The ids in the order given, each once; what is not an id is refused as not found."""
    ids: dict[int, None] = {}
    refused: list[SignRefusal] = []
    for raw in document_ids:
        try:
            ids[int(raw)] = None
        except (TypeError, ValueError):
            refused.append(SignRefusal(document_id=str(raw)[:20], number="", reason=NOT_FOUND_MESSAGE))
    return list(ids), refused


@transaction.atomic
def documents_sign_batch(*, user: User, document_ids: Iterable[int | str]) -> SignBatchResult:
    """Ask for `user`'s signature on many documents; each is made by a worker (`documents.sign`).

    Each document is checked as `document_sign` checks it, under its row lock: visible to the user (an id
    that is not is refused as not found, and never signed), awaiting signatures, and the user's turn. The
    batch is not all-or-nothing: every refusal is reported with its reason and the rest is queued. The
    request is recorded on the signature row (`sign_queued_at`), so the change log holds who asked for which
    signature and when; a signature already waiting in the queue is not sent twice (a lost message is the
    sweeper's to resend, see `documents_requeue_stuck`).
    """
    from napiter.audit.actor import audit_actor
    from napiter.documents.selectors import documents_visible_to

    ids, refused = _batch_ids(document_ids)
    if not ids and not refused:
        raise ValidationError("Pilih paling sedikit satu dokumen untuk ditandatangani.")
    if len(ids) + len(refused) > SIGN_BATCH_MAX:
        raise ValidationError(
            f"Paling banyak {SIGN_BATCH_MAX} dokumen sekali kirim; Anda memilih {len(ids) + len(refused)}. "
            "Kirim sisanya sesudahnya."
        )
    # Locked in id order, as every batch locks them: two batches over the same documents cannot deadlock.
    visible = documents_visible_to(user).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    documents = {document.pk: document for document in visible}
    queued: list[Document] = []
    already_queued: list[Document] = []
    requests: list[DocumentSignature] = []
    now = timezone.now()
    for pk in ids:
        document = documents.get(pk)
        if document is None:
            refused.append(SignRefusal(document_id=pk, number="", reason=NOT_FOUND_MESSAGE))
            continue
        try:
            pending = _signature_due_from(user, document)
        except SignatureRefused as exc:
            refused.append(SignRefusal(document_id=pk, number=document.number, reason=str(exc)))
            continue
        if pending.sign_queued_at is not None:
            already_queued.append(document)
            continue
        pending.sign_queued_at = now
        pending.sign_error = ""
        requests.append(pending)
        queued.append(document)
    # Written last, in one statement: the change log's trigger serialises every audited write until this
    # transaction commits, so the checks above must not run while holding it.
    with audit_actor(user.pk):
        DocumentSignature.objects.bulk_update(requests, ["sign_queued_at", "sign_error"], batch_size=SIGN_BATCH_MAX)
    for document in queued:
        transaction.on_commit(partial(document_sign_enqueue, document_id=document.pk, user_id=user.pk))
    return SignBatchResult(queued=queued, already_queued=already_queued, refused=refused)


def document_sign_enqueue(*, document_id: int, user_id: int) -> bool:
    """Send the sign task; False when the broker cannot be reached (the sweeper resends it later)."""
    from napiter.documents.tasks import document_sign_task

    try:
        document_sign_task.apply_async(args=[document_id, user_id], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except (BrokerError, OSError) as exc:
        logger.warning(
            "signature of %s on document %s stays queued: the broker is unreachable (%s)", user_id, document_id, exc
        )
        return False
    return True


@transaction.atomic
def _sign_queued(*, user: User, document_id: int) -> Document | None:
    document = document_get_for_user(user, document_id, for_update=True)
    if document.signatures.filter(signer=user, signed_at__isnull=False).exists():
        return None  # a redelivered or duplicate message: the signature it asks for is there already
    return _sign_locked(user, document)


@transaction.atomic
def _sign_queue_failed(*, document_id: int, user_id: int, error: str) -> None:
    """Out of the queue, with the reason for the signer to read; they may ask again."""
    signature = (
        DocumentSignature.objects.select_for_update()
        .filter(document_id=document_id, signer_id=user_id, signed_at__isnull=True)
        .first()
    )
    if signature is None:
        return
    signature.sign_queued_at = None
    signature.sign_error = error[:2000]
    signature.save(update_fields=["sign_queued_at", "sign_error"])


def document_sign_queued(*, document_id: int, user_id: int) -> Document | None:
    """The `documents.sign` task: make the signature `user_id` asked for in a batch, if still due.

    Idempotent: a document this user has signed already is left alone (None). A refusal found now (the
    document changed, the key is missing, the user lost the right to sign) is recorded on the signature for
    the signer to see, not raised: retrying would not change it. Database errors are raised for the task
    to retry.
    """
    from napiter.audit.actor import audit_actor
    from napiter.documents.signing import SigningKeyMissing

    user = User.objects.select_related("office").filter(pk=user_id).first()
    if user is None:
        return None
    with audit_actor(user.pk):
        try:
            return _sign_queued(user=user, document_id=document_id)
        except DatabaseError:
            raise
        except Http404:
            error = NOT_FOUND_MESSAGE
        except (SignatureRefused, SigningKeyMissing) as exc:
            error = str(exc)
        except SoftTimeLimitExceeded:
            error = "Penandatanganan melebihi batas waktu; silakan ulangi."
        except Exception as exc:  # any other failure is this signature's: recorded for the signer to see
            logger.exception("document %s: the queued signature of user %s failed", document_id, user_id)
            error = f"Penandatanganan gagal: {type(exc).__name__}: {exc}"
        _sign_queue_failed(document_id=document_id, user_id=user.pk, error=error)
    return None


# --- reads of the content, logged ------------------------------------------------------------------------


def _log_read(*, user: User, document: Document, action: str, request: HttpRequest | None) -> None:
    from napiter.audit.services import access_log

    person_ids: list[int | None] = list(document.person_ids) or [None]
    for person_id in person_ids:
        access_log(
            user=user, action=action, obj_type=DOCUMENT_TYPE, obj_id=document.pk, person_id=person_id,
            request=request,
        )  # fmt: skip


def document_log_read(*, user: User, document: Document, request: HttpRequest | None = None) -> None:
    """Record that `document`'s page (its subject by name, its signers, its status) is shown: one row, filed
    under the person it names if it names one."""
    from napiter.audit.models import AccessEvent
    from napiter.audit.services import access_log_listed

    access_log_listed(
        user=user, obj_type=DOCUMENT_TYPE, ids=[document.pk], person_ids=document.person_ids,
        action=AccessEvent.Action.VIEW, request=request,
    )  # fmt: skip


@transaction.atomic
def document_read(*, user: User, document_id: int | str, request: HttpRequest | None = None) -> Document:
    """One document's page or API detail (not its file: see `document_preview` and `document_download`)."""
    document = document_get_for_user(user, document_id)
    document_log_read(user=user, document=document, request=request)
    return document


def documents_listed(
    *, user: User, documents: Sequence[Document], request: HttpRequest | None = None
) -> Sequence[Document]:
    """Record a page of documents (the user's documents, page and API; those awaiting their signature):
    one row naming them, filed under a person if they all name the same one."""
    from napiter.audit.services import access_log_listed

    access_log_listed(
        user=user, obj_type=DOCUMENT_TYPE, ids=[d.pk for d in documents],
        person_ids=[pk for d in documents for pk in d.person_ids], request=request,
    )  # fmt: skip
    return documents


@transaction.atomic
def document_download(*, user: User, document_id: int | str, request: HttpRequest | None = None) -> Document:
    """The signed document for download, logged as a read of every person it names."""
    from napiter.audit.models import AccessEvent

    document = document_get_for_user(user, document_id)
    if document.status != Document.Status.SIGNED:
        raise DocumentNotReady(
            f"Dokumen belum dapat diunduh: statusnya '{document.get_status_display()}'. "
            "Dokumen dapat diunduh setelah semua penanda tangan menandatanganinya."
        )
    _require_file(document)
    _log_read(user=user, document=document, action=AccessEvent.Action.DOWNLOAD, request=request)
    return document


@transaction.atomic
def document_preview(*, user: User, document_id: int | str, request: HttpRequest | None = None) -> Document:
    """The current file for reading on screen, also before it is fully signed: signers read what they
    sign. Logged as a view of every person it names."""
    from napiter.audit.models import AccessEvent

    document = document_get_for_user(user, document_id)
    if document.status not in (Document.Status.AWAITING_SIGNATURE, Document.Status.SIGNED):
        raise DocumentNotReady(f"Dokumen belum tersedia: statusnya '{document.get_status_display()}'.")
    _require_file(document)
    _log_read(user=user, document=document, action=AccessEvent.Action.VIEW, request=request)
    return document
