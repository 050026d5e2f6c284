"""Pages of the assistance module: thin, each calling one service or selector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from assistance.exports import grants_export
from assistance.forms import DecreeForm, DeliveryForm, GrantFilterForm, GrantProposeForm, MonitoringForm, ReasonForm
from assistance.models import Grant
from assistance.selectors import (
    GrantFilters,
    grant_amount_total,
    grant_get_for_user,
    grants_filter,
    grants_visible_to,
    monitoring_alerts_for,
    monitoring_due_for,
    programme_get_for_user,
    programme_summary,
    programmes_visible_to,
)
from assistance.services import (
    grant_approve,
    grant_cancel,
    grant_deliver,
    grant_file_read,
    grant_propose,
    grant_read,
    grant_reject,
    grant_verify,
    grants_listed,
    monitoring_alert_acknowledge,
    monitoring_photo_read,
    monitoring_visit_record,
)
from cases.selectors import person_get_for_user
from cases.services import person_log_read, person_read
from napiter import policy
from napiter.accounts.access import works_with_people
from napiter.accounts.models import User
from napiter.forms import add_service_errors
from napiter.uploads import protected_file_response

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not works_with_people(user):
        raise Http404("Data tidak ditemukan.")
    return user


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "assistance/programme_list.html", {"programmes": programmes_visible_to(user)})


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    programme = programme_get_for_user(user, pk)
    rows = programme_summary(user, programme)
    totals = {
        field: sum(getattr(r, field) for r in rows)
        for field in ("registered", "verified", "approved", "delivered", "active_6", "active_12", "committed",
                      "delivered_value")
    }  # fmt: skip
    chart = {
        "labels": ["Terdaftar", "Terverifikasi", "Ditetapkan", "Disalurkan", "Aktif 6 bln", "Aktif 12 bln"],
        "values": [totals[k] for k in ("registered", "verified", "approved", "delivered", "active_6", "active_12")],
    }
    return render(
        request,
        "assistance/programme_detail.html",
        {"programme": programme, "rows": rows, "totals": totals, "chart": chart},
    )


def _filter_form(request: HttpRequest) -> GrantFilterForm:
    form = GrantFilterForm(request.GET)
    form.is_valid()
    return form


def _filters(request: HttpRequest) -> GrantFilters:
    return _filter_form(request).filters()


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = _filter_form(request)
    filters = form.filters()
    grants = grants_filter(grants_visible_to(user), filters).order_by("-id")
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    alerts = list(monitoring_alerts_for(user)) if policy.holds(user, "grant.approve") else []
    grants_listed(user=user, grants=list(page.object_list), alerts=alerts, request=request)
    return render(
        request,
        "assistance/grant_list.html",
        {
            "page": page,
            "filters": filters,
            "filter_form": form,
            "amount_total": grant_amount_total(grants),
            "statuses": Grant.Status.choices,
            "programmes": programmes_visible_to(user),
            "query": request.GET.urlencode(),
            "alerts": alerts,
        },
    )


@login_required
@require_GET
def grant_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    grants = grants_filter(grants_visible_to(user), _filters(request)).order_by("-id")
    try:
        content = grants_export(user=user, grants=grants, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assistance:grant-list")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="daftar-bantuan.xlsx"'
    return response


@login_required
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose aid for the person `pk`."""
    user = _user(request)
    # The form names the person: a GET reads them; a POST reads them only if it renders the form again.
    if request.method == "GET":
        person = person_read(user=user, pk=pk, request=request)
    else:
        person = person_get_for_user(user, pk)
    programmes = programmes_visible_to(user)
    form = GrantProposeForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            grant = grant_propose(
                user=user, programme_id=d["programme"].pk, person_id=person.pk, amount=d["amount"],
                business_type=d["business_type"], justification=d["justification"], group_name=d["group_name"],
                member_ids=d["member_ids"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Usulan bantuan tercatat.")
            return redirect("assistance:grant-detail", pk=grant.pk)
    status = 200
    if request.method == "POST":
        person_log_read(user=user, person=person, request=request)
        status = 400
    return render(request, "assistance/grant_form.html", {"form": form, "person": person}, status=status)


def _grant_context(user: User, grant: Grant, **forms_: forms.Form) -> dict[str, Any]:
    return {
        "grant": grant,
        "events": grant.events.select_related("by"),
        "items": grant.items.all(),
        "members": grant.members.select_related("person"),
        "visits": grant.monitoring_visits.select_related("recorded_by"),
        "items_total": sum(i.total for i in grant.items.all()),
        "may_work": policy.holds(user, "grant.work") and user.office_id == grant.office_id,
        "may_approve": policy.holds(user, "grant.approve") and user.office_id == grant.office_id,
        "decree_form": forms_.get("decree_form") or DecreeForm(),
        "reject_form": forms_.get("reject_form") or ReasonForm(prefix="reject"),
        "cancel_form": forms_.get("cancel_form") or ReasonForm(prefix="cancel"),
        "delivery_form": forms_.get("delivery_form") or DeliveryForm(),
        "monitoring_form": forms_.get("monitoring_form") or MonitoringForm(),
    }


@login_required
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grant = grant_read(user=user, pk=pk, request=request)
    return render(request, "assistance/grant_detail.html", _grant_context(user, grant))


def _grant_action(
    request: HttpRequest,
    pk: int,
    form: forms.Form | None,
    key: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One grant action from a posted form: success redirects back; a refusal re-renders with the reason."""
    user = _user(request)
    grant_get_for_user(user, pk)  # scope first: out of scope is 404 whatever the body holds
    if form is None or form.is_valid():
        try:
            run(form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("assistance:grant-detail", pk=pk)
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            if form is None:
                messages.error(request, str(exc))
                return redirect("assistance:grant-detail", pk=pk)
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("assistance:grant-detail", pk=pk)
    grant = grant_read(user=user, pk=pk, request=request)  # the grant page again, with the refusal: a read
    assert form is not None
    context = {**_grant_context(user, grant, **{key: form}), "refusals": form.non_field_errors()}
    return render(request, "assistance/grant_detail.html", context, status=400)


@login_required
@require_POST
def grant_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _grant_action(
        request, pk, None, "", lambda _d: grant_verify(user=user, grant_id=pk), "Verifikasi otomatis dijalankan."
    )


@login_required
@require_POST
def grant_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _grant_action(
        request, pk, DecreeForm(request.POST), "decree_form",
        lambda d: grant_approve(user=user, grant_id=pk, **d), "Bantuan ditetapkan.",
    )  # fmt: skip


@login_required
@require_POST
def grant_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _grant_action(
        request, pk, ReasonForm(request.POST, prefix="reject"), "reject_form",
        lambda d: grant_reject(user=user, grant_id=pk, reason=d["reason"]), "Usulan bantuan ditolak.",
    )  # fmt: skip


@login_required
@require_POST
def grant_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _grant_action(
        request, pk, ReasonForm(request.POST, prefix="cancel"), "cancel_form",
        lambda d: grant_cancel(user=user, grant_id=pk, reason=d["reason"]), "Bantuan dibatalkan.",
    )  # fmt: skip


@login_required
@require_POST
def grant_deliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    form = DeliveryForm(request.POST, request.FILES)

    def run(d: dict[str, Any]) -> object:
        try:
            items = form.items()
        except forms.ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return grant_deliver(
            user=user, grant_id=pk, delivered_on=d["delivered_on"], items=items, supplier=d["supplier"],
            location=d["location"], kiosk_stock=d["kiosk_stock"], photo=d["photo"],
            recipient_signature=d["recipient_signature"],
        )  # fmt: skip

    return _grant_action(request, pk, form, "delivery_form", run, "Penyaluran tercatat; minta BAST di bawah.")


@login_required
@require_POST
def grant_monitor_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    form = MonitoringForm(request.POST, request.FILES)
    return _grant_action(
        request, pk, form, "monitoring_form",
        lambda _d: monitoring_visit_record(user=user, grant_id=pk, data=form.to_input()), "Pemantauan tercatat.",
    )  # fmt: skip


@login_required
@require_POST
def grant_alert_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor marks a monitoring alert of this grant as followed up."""
    user = _user(request)
    grant = grant_get_for_user(user, pk)
    visit_id = request.POST.get("visit", "")
    visit = grant.monitoring_visits.filter(pk=int(visit_id)).first() if visit_id.isdigit() else None
    if visit is None:
        messages.error(request, "Pilih kunjungan pemantauan yang ditindaklanjuti.")
        return redirect("assistance:grant-detail", pk=pk)
    try:
        monitoring_alert_acknowledge(user=user, visit_id=visit.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, "Peringatan ditandai sudah ditindaklanjuti.")
    return redirect("assistance:grant-detail", pk=pk)


@login_required
@require_GET
def monitoring_due(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    due = monitoring_due_for(user)
    alerts = list(monitoring_alerts_for(user)) if policy.holds(user, "grant.approve") else []
    grants_listed(user=user, grants=[d.grant for d in due], alerts=alerts, request=request)
    return render(request, "assistance/monitoring_due.html", {"due": due, "alerts": alerts})


@login_required
@require_GET
def grant_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    grant, fieldfile = grant_file_read(user=_user(request), grant_id=pk, which="photo", request=request)
    return protected_file_response(fieldfile, download_name=f"foto-penyaluran-{grant.pk}")


@login_required
@require_GET
def grant_signature_view(request: HttpRequest, pk: int) -> FileResponse:
    grant, fieldfile = grant_file_read(user=_user(request), grant_id=pk, which="signature", request=request)
    return protected_file_response(fieldfile, download_name=f"tanda-tangan-penerima-{grant.pk}")


@login_required
@require_GET
def monitoring_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    visit = monitoring_photo_read(user=_user(request), visit_id=pk, request=request)
    return protected_file_response(visit.photo, download_name=f"foto-pemantauan-{visit.pk}")
