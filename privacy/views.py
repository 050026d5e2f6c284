"""Pages of the privacy module. Thin: parse, call one service or selector, respond."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from napiter import policy
from napiter.accounts.models import User
from napiter.documents.formatting import datetime_long
from napiter.documents.selectors import documents_for_subject
from napiter.forms import add_service_errors
from napiter.paging import page_window
from privacy import services
from privacy.forms import BreachForm, CloseForm, DataCategoryForm, HoldForm, LiftForm, NotifiedForm, SubjectRequestForm
from privacy.models import SubjectRequest
from privacy.selectors import (
    active_hold_for,
    breach_get_for_user,
    breaches_visible_to,
    data_categories,
    data_category_get,
    subject_requests_visible_to,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_messages(request: HttpRequest, form: BaseForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _form_action(
    request: HttpRequest, form: BaseForm, action: Callable[[dict[str, Any]], object], done: str, back: HttpResponse
) -> HttpResponse:
    """A posted form that calls one service: its refusal or the form's errors as messages, then back."""
    if not form.is_valid():
        _form_messages(request, form)
        return back
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, done)
    return back


# --- subject requests --------------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """Open requests by deadline (overdue first in red), then closed ones; and a person search to record
    a new request, each result logged as a search hit."""
    user = _user(request)
    status = request.GET.get("status", SubjectRequest.Status.OPEN)
    if status not in SubjectRequest.Status.values:
        status = SubjectRequest.Status.OPEN
    window = page_window(request, subject_requests_visible_to(user).filter(status=status).order_by("due_at", "id"))
    q = request.GET.get("q", "").strip()
    found = services.people_find(user=user, q=q) if q else []
    services.subject_requests_listed(
        user=user, requests=window.rows, found=found if q else None, search=q, request=request
    )
    return render(
        request,
        "privacy/request_list.html",
        {
            "requests": window.rows,
            "page": window.page,
            "has_next": window.has_next,
            "status": status,
            "statuses": SubjectRequest.Status.choices,
            "q": q,
            "found": found,
        },
    )


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = services.person_open_for_request(user=user, person_id=pk, request=request)
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.subject_request_create(
                user=user,
                person_id=person.pk,
                kind=data["kind"],
                requester_name=data["requester_name"],
                details=data["details"],
                received_at=data["received_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            due = datetime_long(created.due_at, created.office.timezone)
            messages.success(request, _("Permintaan dicatat; batas waktu %(due)s.") % {"due": due})
            return redirect("privacy:request-detail", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "person": person,
        "form": form,
        "earlier": subject_requests_visible_to(user).filter(person=person).order_by("-received_at", "-id"),
        "hold": active_hold_for(person.pk),
        "hold_form": HoldForm() if policy.holds(user, "privacy.manage") else None,
    }
    return render(request, "privacy/request_form.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    subject_request = services.subject_request_read(user=user, request_id=pk, request=request)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "item": subject_request,
            "close_form": CloseForm(),
            "documents": list(
                documents_for_subject(user, kind=services.SUBJECT_ACCESS_KIND, subject_id=subject_request.pk)
            ),
        },
    )


@login_required
@require_POST
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.subject_export_start(user=_user(request), request_id=pk)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("Ekspor data sedang disusun; salinan PDF menyusul untuk ditandatangani."))
    return redirect("privacy:request-detail", pk=pk)


@login_required
@require_GET
def request_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        data = services.subject_export_read(user=_user(request), request_id=pk, request=request)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-permintaan-{pk}.json"'
    return response


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(
        request, CloseForm(request.POST),
        lambda d: services.subject_request_close(
            user=_user(request), request_id=pk, status=d["status"], resolution=d["resolution"]
        ),
        _("Permintaan ditutup."), redirect("privacy:request-detail", pk=pk),
    )  # fmt: skip


# --- record of processing ----------------------------------------------------------------------------


@login_required
@require_GET
def ropa(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    office_id = user.office_id or 0
    return render(
        request,
        "privacy/ropa.html",
        {
            "categories": data_categories(),
            "office_id": office_id,
            "documents": list(documents_for_subject(user, kind=services.ROPA_KIND, subject_id=office_id)),
        },
    )


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    category = data_category_get(user, pk)
    form = DataCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.data_category_update(user=user, category_id=pk, values=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)  # type: ignore[arg-type]  # a ModelForm takes errors the same way
        else:
            messages.success(request, _("Catatan pemrosesan diperbarui."))
            return redirect("privacy:ropa")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/category_form.html", {"category": category, "form": form}, status=status)


# --- retention and legal holds -----------------------------------------------------------------------


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    """The dry run: who the next run would anonymise, which categories, and who a legal hold protects."""
    report = services.retention_report(user=_user(request), request=request)
    return render(
        request,
        "privacy/retention.html",
        {
            "candidates": report.candidates,
            "due_count": sum(not c.blocked for c in report.candidates),
            "holds": report.holds,
            "lift_form": LiftForm(),
        },
    )


@login_required
@require_POST
def retention_run(request: HttpRequest) -> HttpResponse:
    result = services.retention_run(user=_user(request))
    messages.success(
        request,
        _("%(done)d orang dianonimkan; %(held)d ditahan.")
        % {"done": len(result.anonymised), "held": len(result.blocked)},
    )
    return redirect("privacy:retention")


@login_required
@require_POST
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(
        request, HoldForm(request.POST),
        lambda d: services.legal_hold_place(user=_user(request), person_id=pk, reason=d["reason"]),
        _("Data orang ini ditahan: tidak akan dianonimkan sampai penahanan dicabut."),
        redirect("privacy:request-create", pk=pk),
    )  # fmt: skip


@login_required
@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(
        request, LiftForm(request.POST),
        lambda d: services.legal_hold_lift(user=_user(request), hold_id=pk, reason=d["reason"]),
        _("Penahanan data dicabut."), redirect("privacy:retention"),
    )  # fmt: skip


# --- breaches ----------------------------------------------------------------------------------------


@login_required
@require_GET
def breach_list(request: HttpRequest) -> HttpResponse:
    window = page_window(request, breaches_visible_to(_user(request)))
    return render(
        request,
        "privacy/breach_list.html",
        {"incidents": window.rows, "page": window.page, "has_next": window.has_next},
    )


@login_required
def breach_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories = list(data.pop("categories"))
        try:
            incident = services.breach_record(user=user, values=data, categories=categories)
        except ValidationError as exc:
            add_service_errors(form, exc)  # type: ignore[arg-type]  # a ModelForm takes errors the same way
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Insiden dicatat. Batas pemberitahuan: 3x24 jam sejak diketahui."))
            return redirect("privacy:breach-detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/breach_form.html", {"form": form}, status=status)


@login_required
@require_GET
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    incident = breach_get_for_user(user, pk)
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "incident": incident,
            "notified_form": NotifiedForm(),
            "documents": list(documents_for_subject(user, kind=services.BREACH_LETTER_KIND, subject_id=incident.pk)),
        },
    )


@login_required
@require_POST
def breach_notified(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(
        request, NotifiedForm(request.POST),
        lambda d: services.breach_mark_notified(user=_user(request), breach_id=pk, notified_to=d["notified_to"]),
        _("Pemberitahuan dicatat terkirim."), redirect("privacy:breach-detail", pk=pk),
    )  # fmt: skip
