"""Pages: "Dokumen saya", a document's live status, request, sign, preview, download, and the public
verification page. Thin: each calls one service or selector."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from napiter.accounts.models import User
from napiter.documents.formatting import date_long, datetime_long
from napiter.documents.forms import DocumentRequestForm, SignBatchForm, SignForm, VerifyUploadForm
from napiter.documents.kinds import label_for
from napiter.documents.models import Document
from napiter.documents.ratelimit import rate_limited
from napiter.documents.selectors import (
    document_get_by_code,
    document_get_for_user,
    document_revision_for_hash,
    document_stored_file_check,
    document_subject_label,
    documents_of_user,
    documents_to_sign,
)
from napiter.documents.services import (
    SIGN_BATCH_MAX,
    DocumentNotReady,
    SignatureRefused,
    document_download,
    document_log_read,
    document_next_signer,
    document_preview,
    document_read,
    document_request,
    document_sign,
    documents_listed,
    documents_sign_batch,
)
from napiter.documents.signing import SigningKeyMissing
from napiter.paging import page_window


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def download_filename(document: Document) -> str:
    return f"{document.number.replace('/', '_')}.pdf"


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    window = page_window(request, documents_of_user(user))
    documents_listed(user=user, documents=window.rows, request=request)
    items = []
    for document in window.rows:
        pending = sorted((s for s in document.signatures.all() if s.signed_at is None), key=lambda s: s.order)
        mine = next((s for s in pending if s.signer_id == user.pk), None)
        items.append(
            {
                "document": document,
                "kind_label": label_for(document.kind),
                "my_turn": document.status == Document.Status.AWAITING_SIGNATURE
                and bool(pending)
                and pending[0].signer_id == user.pk,
                "sign_queued": mine is not None and mine.sign_queued_at is not None,
                "sign_error": mine.sign_error if mine is not None else "",
            }
        )
    context = {
        "items": items,
        "page": window.page,
        "has_next": window.has_next,
        "to_sign_count": documents_to_sign(user).count(),
    }
    return render(request, "documents/list.html", context)


def _document_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def _sign_batch_page(
    request: HttpRequest, documents: list[Document], *, form: SignBatchForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or SignBatchForm(initial={"documents": ",".join(str(d.pk) for d in documents)})
    documents_listed(user=_user(request), documents=documents, request=request)
    rows = [{"document": d, "kind_label": label_for(d.kind)} for d in documents]
    context = {
        "rows": rows,
        "form": form,
        "errors": _form_errors(form) if form.is_bound else [],
        "limit": SIGN_BATCH_MAX,
    }
    return render(request, "documents/sign_batch.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_sign_batch_view(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation page for the documents chosen on "Dokumen saya" (`dokumen`), or every document
    awaiting the user's signature (`semua`). POST: queue the signatures and report what was refused."""
    user = _user(request)
    to_sign = documents_to_sign(user)
    if request.method == "GET":
        if not request.GET.get("semua"):
            to_sign = to_sign.filter(pk__in=_document_ids(request.GET.getlist("dokumen")))
        return _sign_batch_page(request, list(to_sign[:SIGN_BATCH_MAX]))
    form = SignBatchForm(request.POST)
    if form.is_valid():
        try:
            result = documents_sign_batch(user=user, document_ids=form.cleaned_data["documents"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "documents/sign_batch_result.html", {"result": result})
    listed = to_sign.filter(pk__in=_document_ids(str(request.POST.get("documents", "")).split(",")))
    return _sign_batch_page(request, list(listed[:SIGN_BATCH_MAX]), form=form, status=400)


def _detail_context(user: User, document: Document) -> dict[str, Any]:
    next_signature = document_next_signer(document)
    return {
        "document": document,
        "kind_label": label_for(document.kind),
        "signatures": list(document.signatures.order_by("order")),
        "next_signature": next_signature,
        "my_turn": next_signature is not None and next_signature.signer_id == user.pk,
        "sign_form": SignForm(),
    }


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if request.headers.get("HX-Request"):
        # The page polls itself for the status panel while the worker renders: status and signers only.
        return render(request, "documents/_status.html", _detail_context(user, document_get_for_user(user, pk)))
    document = document_read(user=user, document_id=pk, request=request)  # the page names its subject
    context = _detail_context(user, document)
    context["subject_label"] = document_subject_label(user, document)
    return render(request, "documents/detail.html", context)


@login_required
@require_POST
def document_request_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DocumentRequestForm(request.POST)
    if not form.is_valid():
        return _request_refused(request, _form_errors(form), status=400)
    data = form.cleaned_data
    try:
        document = document_request(
            user=user,
            kind=data["kind"],
            subject_id=data["subject_id"],
            inputs={"recommendation": data["recommendation"]},
        )
    except ValidationError as exc:
        return _request_refused(request, exc.messages, status=400)
    except PermissionDenied as exc:
        return _request_refused(request, [str(exc)], status=403)
    if request.headers.get("HX-Request"):
        # Asked from a subject's page: its live status goes in place, and polls itself from there.
        return render(request, "documents/_status.html", _detail_context(user, document))
    messages.success(request, f"Dokumen {document.number} sedang disusun.")
    return redirect("documents:detail", pk=document.pk)


def _request_refused(request: HttpRequest, errors: list[str], *, status: int) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx swaps only successful answers into the page: the refusal is the content shown in place.
        return render(request, "documents/_errors.html", {"errors": errors})
    return render(request, "documents/request_error.html", {"errors": errors}, status=status)


def _form_errors(form: DocumentRequestForm | SignForm | SignBatchForm | VerifyUploadForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@login_required
@require_POST
def document_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = document_get_for_user(user, pk)
    form = SignForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            document = document_sign(user=user, document_id=pk)
        except (SignatureRefused, SigningKeyMissing) as exc:
            errors = [str(exc)]
        else:
            messages.success(request, f"Dokumen {document.number} telah Anda tandatangani.")
            return redirect("documents:detail", pk=document.pk)
    else:
        errors = _form_errors(form)
    document_log_read(user=user, document=document, request=request)  # the page again, with the refusal
    context = _detail_context(user, document)
    context.update(subject_label=document_subject_label(user, document), errors=errors, sign_form=form)
    return render(request, "documents/detail.html", context, status=400)


def _pdf_response(document: Document, *, attachment: bool) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=attachment,
        filename=download_filename(document),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        document = document_download(user=_user(request), document_id=pk, request=request)
    except DocumentNotReady as exc:
        return render(request, "documents/not_ready.html", {"message": str(exc), "pk": pk}, status=exc.status_code)
    return _pdf_response(document, attachment=True)


@login_required
def document_preview_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        document = document_preview(user=_user(request), document_id=pk, request=request)
    except DocumentNotReady as exc:
        return render(request, "documents/not_ready.html", {"message": str(exc), "pk": pk}, status=exc.status_code)
    return _pdf_response(document, attachment=False)


# --- public ----------------------------------------------------------------------------------------------


def _public_signers(document: Document, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_field = {check["field_name"]: check for check in checks}
    rows = []
    for signature in document.signatures.all():
        check = by_field.get(signature.field_name) if signature.signed_at else None
        rows.append(
            {
                "order": signature.order,
                "name": signature.signer_name,
                "position": signature.signer_position,
                "office": signature.signer_office,
                "signed_at": datetime_long(signature.signed_at, document.office.timezone)
                if signature.signed_at
                else "",
                "certificate_subject": signature.certificate_subject,
                "certificate_issuer": signature.certificate_issuer,
                "check": check,
            }
        )
    return rows


REVISION_MESSAGES = {
    "final": ("success", "Berkas ini sama persis dengan dokumen yang telah ditandatangani lengkap."),
    "current": ("info", "Berkas ini sama dengan versi terakhir dokumen; tanda tangan belum lengkap."),
    "unsigned": ("warning", "Berkas ini adalah versi sebelum ditandatangani; bukan dokumen final."),
}


def _revision_message(revision: str | None) -> tuple[str, str]:
    if revision is None:
        return (
            "danger",
            "Berkas ini BERBEDA dari dokumen yang terdaftar dengan kode ini: isinya telah diubah atau berkas "
            "ini bukan dokumen tersebut.",
        )
    if revision.startswith("after:"):
        return (
            "warning",
            f"Berkas ini adalah versi setelah tanda tangan ke-{revision.split(':')[1]}; bukan versi final.",
        )
    return REVISION_MESSAGES[revision]


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the document is and whether its signatures hold. Never a person's name, NIK or
    address: only the kind, number, issuing office, date, signers (officials) and hash."""
    if rate_limited(request, scope="verify", per_minute=settings.DOCUMENTS_VERIFY_PER_MINUTE):
        return render(request, "documents/rate_limited.html", status=429)
    document = document_get_by_code(code)
    context: dict[str, Any] = {"form": VerifyUploadForm()}
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope="verify-upload", per_minute=settings.DOCUMENTS_VERIFY_UPLOADS_PER_MINUTE):
            return render(request, "documents/rate_limited.html", status=429)
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.DOCUMENTS_VERIFY_MAX_UPLOAD_BYTES + 64 * 1024:
            # Refused before the body is read: no temporary file for an oversized upload.
            context["upload_errors"] = ["Berkas terlalu besar."]
            status = 413
        else:
            form = VerifyUploadForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                digest = hashlib.sha256()
                for chunk in form.cleaned_data["file"].chunks():
                    digest.update(chunk)
                context["upload_sha256"] = digest.hexdigest()
                context["upload_level"], context["upload_message"] = _revision_message(
                    document_revision_for_hash(document, digest.hexdigest())
                )
            else:
                context["upload_errors"] = _form_errors(form)
                status = 400
    stored = document_stored_file_check(document)
    checks = stored.signatures if stored is not None else []
    context.update(
        {
            "code": document.verification_code,
            "kind_label": label_for(document.kind),
            "number": document.number,
            "office_name": document.office.name,
            "issued_on": date_long(document.requested_at.astimezone(_zone(document.office.timezone)).date()),
            "status": document.status,
            "status_label": document.get_status_display(),
            "sha256": document.sha256,
            "signers": _public_signers(document, checks),
            "file_matches_record": stored is None or stored.matches_record,
            "all_valid": document.status == Document.Status.SIGNED
            and stored is not None
            and stored.matches_record
            and len(checks) == document.signatures.count()
            and all(check["bottom_line"] for check in checks),
        }
    )
    return render(request, "documents/verify.html", context, status=status)


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
