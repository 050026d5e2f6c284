"""Pages for data in bulk: DT-SEN extracts in, people from Excel in, the people list out to Excel.

Who reaches each page is decided by the route registry (napiter/routes.py); the services check the
permissions again and apply the person scope themselves.
"""

from __future__ import annotations

from typing import IO, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases.dtsen import MAX_UPLOAD_BYTES, DtsenFileRejected, dtsen_import, dtsen_snapshots_recent
from cases.services import person_duplicates_shown
from cases.spreadsheets import (
    MAX_IMPORT_ROWS,
    XLSX_CONTENT_TYPE,
    PeopleImportRejected,
    import_report_rows,
    import_report_token,
    import_report_xlsx,
    people_export,
    people_import,
    people_import_template,
    thousands,
)
from napiter.accounts.models import User
from napiter.forms import StyledFormMixin
from napiter.spreadsheets import xlsx_response

# The page lists this many refused rows; the downloadable report lists them all.
SHOWN_REJECTIONS = 100
SHOWN_WARNINGS = 20


class DtsenImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Berkas ekstrak DT-SEN (CSV)",
        help_text="Baris judul: nik,desil,flag_terorisme,flag_judi_daring. Flag ditulis 1/0 atau ya/tidak.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    snapshot_date = forms.DateField(
        label="Data per tanggal",
        help_text="Tanggal keadaan data pada ekstrak, biasanya akhir triwulan (mis. 30 September).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"Berkas lebih dari {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Ekstrak sebesar ini dimuat oleh "
                "administrator server dengan perintah import_dtsen."
            )
        return upload


class PeopleImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Berkas Excel (.xlsx)",
        help_text=f"Gunakan templat. Paling besar 5 MB dan {thousands(MAX_IMPORT_ROWS)} baris.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def dtsen_import_view(request: HttpRequest) -> HttpResponse:
    form = DtsenImportForm(request.POST or None, request.FILES or None)
    rejected: DtsenFileRejected | None = None
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        try:
            snapshot = dtsen_import(
                user=_user(request),
                file=cast(IO[bytes], upload),
                source_name=upload.name or "dtsen.csv",
                snapshot_date=form.cleaned_data["snapshot_date"],
            )
        except DtsenFileRejected as exc:
            rejected = exc
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Data DT-SEN per {snapshot.snapshot_date:%d-%m-%Y} dimuat: {snapshot.row_count} NIK.",
            )
            return redirect("cases:dtsen-import")
    return render(
        request,
        "cases/dtsen_import.html",
        {"form": form, "rejected": rejected, "snapshots": dtsen_snapshots_recent()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def person_import_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        try:
            result = people_import(user=user, file=cast(IO[bytes], upload), size=upload.size or 0)
        except PeopleImportRejected as exc:
            person_duplicates_shown(user=user, people=exc.named, request=request)
            context |= {
                "rejected": exc,
                "rejections": exc.rejections[:SHOWN_REJECTIONS],
                "more_rejections": max(0, len(exc.rejections) - SHOWN_REJECTIONS),
                "report_token": import_report_token(user=user, rejections=exc.rejections),
            }
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{result.created} orang terdaftar dari {upload.name}.")
            for warning in result.warnings[:SHOWN_WARNINGS]:
                messages.warning(request, warning)
            if len(result.warnings) > SHOWN_WARNINGS:
                messages.warning(request, f"… dan {len(result.warnings) - SHOWN_WARNINGS} peringatan lain.")
            return redirect("cases:person-list")
    return render(request, "cases/import_people.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def person_import_template_view(request: HttpRequest) -> HttpResponse:
    return xlsx_response(people_import_template(), "templat-impor-orang.xlsx")


@login_required
@require_POST
def person_import_report_view(request: HttpRequest) -> HttpResponse:
    try:
        rejections = import_report_rows(user=_user(request), token=request.POST.get("laporan", ""))
    except ValidationError as exc:
        context = {"form": PeopleImportForm(), "page_errors": exc.messages}
        return render(request, "cases/import_people.html", context, status=400)
    return xlsx_response(import_report_xlsx(rejections), "laporan-penolakan-impor-orang.xlsx")


@login_required
@require_GET
def person_export_view(request: HttpRequest) -> HttpResponseBase:
    try:
        export = people_export(user=_user(request), params=request.GET, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        query = request.GET.urlencode()
        return redirect(reverse("cases:person-list") + (f"?{query}" if query else ""))
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=XLSX_CONTENT_TYPE)
