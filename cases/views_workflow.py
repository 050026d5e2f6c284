"""Pages for referrals, transfers and the due list: parse, call one service in cases.workflows, respond."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.forms_workflow import (
    CaseActionForm,
    ReferralCompleteForm,
    ReferralForm,
    ReferralRespondForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from cases.models import Case
from cases.selectors import case_get_for_user, cases_visible_to
from cases.services import case_can_write, case_log_read, case_read, cases_listed
from cases.views import _case_context, _people_user
from cases.workflows import (
    DUE_HORIZON_DAYS,
    VISIT_INTERVAL_DAYS,
    due_cases_for,
    due_horizon,
    due_items_of,
    due_list_whole_office,
    due_rows,
    referral_complete,
    referral_create,
    referral_respond,
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
    workflow_inbox,
)
from napiter.accounts.models import User
from napiter.forms import add_service_errors
from napiter.paging import page_window


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    user = _people_user(request)
    today = timezone.localdate()
    window = page_window(request, due_rows(due_cases_for(user), until=due_horizon(today)))
    items, inbox = due_items_of(window.rows, today=today), workflow_inbox(user)
    shown = [item.case for item in items] + [r.case for r in inbox.referrals] + [t.case for t in inbox.transfers]
    cases_listed(user=user, cases=shown, request=request)
    return render(
        request,
        "cases/due_list.html",
        {
            "items": items,
            "page": window.page,
            "has_next": window.has_next,
            "inbox": inbox,
            "whole_office": due_list_whole_office(user),
            "today": today,
            "horizon_days": DUE_HORIZON_DAYS,
            "visit_interval_days": VISIT_INTERVAL_DAYS,
        },
    )


def _shown_again(request: HttpRequest, user: User, case: Case) -> int:
    """The status of a form page about to be rendered; a refused POST shows the case again, a read to log
    (a GET was logged as it fetched the case)."""
    if request.method != "POST":
        return 200
    case_log_read(user=user, case=case, request=request)
    return 400


def _owner_case(request: HttpRequest, user: User, pk: int, refusal: str) -> Case | None:
    """The case for a form page of the owning office; None (with the reason queued) for anyone else."""
    case = case_read(user=user, pk=pk, request=request) if request.method == "GET" else case_get_for_user(user, pk)
    if not case_can_write(user, case) or case.stage == Case.Stage.CLOSED:
        messages.error(request, refusal)
        return None
    return case


@login_required
def referral_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    case = _owner_case(request, user, pk, "Rujukan dibuat oleh kantor pemilik kasus, untuk kasus yang berjalan.")
    if case is None:
        return redirect("cases:case-detail", pk=pk)
    form = ReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            referral_create(user=user, case_pk=case.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Rujukan dikirim.")
            return redirect("cases:case-detail", pk=case.pk)
    status = _shown_again(request, user, case)
    return render(
        request, "cases/referral_form.html", {"case": case, "person": case.person, "form": form}, status=status
    )


@login_required
def transfer_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _people_user(request)
    case = _owner_case(request, user, pk, "Perpindahan diajukan oleh kantor pemilik kasus, untuk kasus yang berjalan.")
    if case is None:
        return redirect("cases:case-detail", pk=pk)
    form = TransferRequestForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            transfer_request(user=user, case_pk=case.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Perpindahan diajukan; menunggu keputusan kantor tujuan.")
            return redirect("cases:case-detail", pk=case.pk)
    status = _shown_again(request, user, case)
    return render(
        request, "cases/transfer_form.html", {"case": case, "person": case.person, "form": form}, status=status
    )


def _workflow_action(
    request: HttpRequest, pk: int, form_class: type[CaseActionForm], action: Callable[..., object], done: str
) -> HttpResponse:
    """Run one referral or transfer decision posted from the case page's panel.

    Success goes back to the case page, or to the due list when the decision ended the user's access to
    the record (a declined referral or transfer). A refusal re-renders the case page with the reason.
    """
    user = _people_user(request)
    case = case_get_for_user(user, pk)  # out of scope: 404 before anything in the body is looked at
    form = form_class(request.POST, case=case)
    reasons: list[str] = []
    if form.is_valid():
        try:
            action(user=user, **form.action_kwargs())
        except ValidationError as exc:
            reasons = exc.messages
        except PermissionDenied as exc:
            reasons = [str(exc)]
        else:
            messages.success(request, done)
            if cases_visible_to(user).filter(pk=case.pk).exists():
                return redirect("cases:case-detail", pk=case.pk)
            return redirect("cases:due-list")
    else:
        reasons = [str(e) for errors in form.errors.values() for e in errors]
    case = case_read(user=user, pk=pk, request=request)  # the case page again, with the refusal: a read
    return render(request, "cases/case_detail.html", {**_case_context(user, case), "refusals": reasons}, status=400)


@login_required
@require_POST
def referral_respond_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(request, pk, ReferralRespondForm, referral_respond, "Tanggapan rujukan disimpan.")


@login_required
@require_POST
def referral_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(request, pk, ReferralCompleteForm, referral_complete, "Hasil rujukan dicatat.")


@login_required
@require_POST
def transfer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(
        request,
        pk,
        TransferDecisionForm,
        partial(transfer_accept, case_pk=pk),
        "Perpindahan diterima; kasus kini milik kantor Anda.",
    )


@login_required
@require_POST
def transfer_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(
        request, pk, TransferDecisionForm, partial(transfer_decline, case_pk=pk), "Perpindahan ditolak."
    )


@login_required
@require_POST
def transfer_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow_action(
        request, pk, TransferDecisionForm, partial(transfer_cancel, case_pk=pk), "Pengajuan perpindahan dibatalkan."
    )
