from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from napiter import policy
from napiter.accounts.models import User
from napiter.spreadsheets import xlsx_response
from sinergi.filters import ActionPlanFilterSet
from sinergi.forms import ActionPlanForm, AddendumPlanForm, AgreementForm, RealisationForm, ReturnForm
from sinergi.models import ActionPlan, Ministry
from sinergi.selectors import (
    addenda_visible_to,
    addendum_get_for_user,
    agreement_get_for_user,
    agreements_visible_to,
    plan_budget_total,
    plan_get_for_user,
    plan_history,
    plans_visible_to,
    realisation_totals,
    user_ministry,
)
from sinergi.services import (
    PlanChange,
    addendum_approve,
    addendum_propose,
    addendum_return,
    agreement_create,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
    plans_bulk_approve,
    realisation_overdue,
    realisation_report,
)

PAGE_SIZE = 50
# The import page lists this many refused rows; the downloadable report lists them all.
SHOWN_REJECTIONS = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _post_action(request: HttpRequest, run: Callable[[], object], done: str, back: HttpResponse) -> HttpResponse:
    """One posted transition: the service's refusal or the success as a message, then back to the page."""
    try:
        run()
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, done)
    return back


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Plans by K/L, province, type and status, with the realisation reported so far."""
    user = _user(request)
    filterset = ActionPlanFilterSet(request.GET, queryset=plans_visible_to(user))
    plans = filterset.qs
    by_status = dict(plans.order_by().values_list("status").annotate(n=Count("id")))
    status_rows = [(label, by_status.get(code, 0)) for code, label in ActionPlan.Status.choices]
    fisik = Q(plan_type=ActionPlan.PlanType.FISIK)
    provinces = (
        plans.order_by()
        .values("province__code", "province__name")
        .annotate(
            total=Count("id"),
            fisik=Count("id", filter=fisik),
            non_fisik=Count("id", filter=~fisik),
            agreed=Count("id", filter=Q(status=ActionPlan.Status.AGREED)),
            budget=Sum("budget"),
            targets=Sum("target_mitra") + Sum("target_families") + Sum("target_victims"),
        )
        .order_by("province__name")
    )
    ministries = (
        plans.order_by()
        .values("ministry__short_name")
        .annotate(
            total=Count("id"), agreed=Count("id", filter=Q(status=ActionPlan.Status.AGREED)), budget=Sum("budget")
        )
        .order_by("-total", "ministry__short_name")
    )
    realised = plans.filter(status=ActionPlan.Status.AGREED).aggregate(
        spent=Sum("realisations__budget_spent"), reached=Sum("realisations__beneficiaries_reached")
    )
    chart = {
        "labels": [label for label, _n in status_rows],
        "values": [n for _label, n in status_rows],
        "provinces": [p["province__name"] for p in provinces],
        "fisik": [p["fisik"] for p in provinces],
        "non_fisik": [p["non_fisik"] for p in provinces],
    }
    return render(
        request,
        "sinergi/dashboard.html",
        {
            "filter": filterset,
            "total": plans.count(),
            "status_rows": status_rows,
            "provinces": provinces,
            "ministries": ministries,
            "realised": realised,
            "chart": chart,
            "own_ministry": user_ministry(user),
        },
    )


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The planner's own K/L plans, or the coordinator's review queue with filters and bulk approval."""
    user = _user(request)
    filterset = ActionPlanFilterSet(request.GET, queryset=plans_visible_to(user).order_by("-year", "ministry", "id"))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sinergi/plan_list.html",
        {
            "filter": filterset,
            "page": page,
            # Over every filtered row, not the page: the dashboard's numbers can be checked here.
            "budget_total": plan_budget_total(filterset.qs),
            "realisation": realisation_totals(filterset.qs),
            "query": query.urlencode(),
            "may_review": policy.holds(user, "plan.review"),
            "may_create": user_ministry(user) is not None and policy.holds(user, "plan.write"),
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    ministry = user_ministry(user)
    if ministry is None:
        raise Http404(_("Akun Anda tidak terdaftar pada K/L."))
    form = ActionPlanForm(request.POST or None, ministry=ministry)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Draf rencana aksi tersimpan."))
            return redirect("sinergi:plan-detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sinergi/plan_form.html", {"form": form, "ministry": ministry}, status=status)


def _add_errors(form: ActionPlanForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = plan_get_for_user(user, pk)
    form = ActionPlanForm(request.POST or None, instance=plan, ministry=plan.ministry)
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(user=user, plan_id=pk, data={f: form.cleaned_data[f] for f in form.changed_data})
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Rencana aksi diperbarui."))
            return redirect("sinergi:plan-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "sinergi/plan_form.html", {"form": form, "ministry": plan.ministry, "plan": plan}, status=status
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = plan_get_for_user(user, pk)
    ministry = user_ministry(user)
    return render(
        request,
        "sinergi/plan_detail.html",
        {
            "plan": plan,
            "history": plan_history(plan),
            "comments": plan.comments.select_related("author"),
            "realisations": plan.realisations.order_by("quarter"),
            "overdue": realisation_overdue(plan=plan),
            "is_owner": ministry is not None and ministry.pk == plan.ministry_id,
            "may_review": policy.holds(user, "plan.review"),
            "return_form": ReturnForm(),
            "realisation_form": RealisationForm(),
        },
    )


@login_required
@require_POST
def plan_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request, lambda: plan_submit(user=_user(request), plan_id=pk), _("Rencana aksi diajukan ke BNPT."),
        redirect("sinergi:plan-detail", pk=pk),
    )  # fmt: skip


@login_required
@require_POST
def plan_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request, lambda: plan_approve(user=_user(request), plan_id=pk, comment=request.POST.get("comment", "")),
        _("Rencana aksi disetujui."), redirect("sinergi:plan-detail", pk=pk),
    )  # fmt: skip


@login_required
@require_POST
def plan_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request, lambda: plan_return(user=_user(request), plan_id=pk, comment=request.POST.get("comment", "")),
        _("Rencana aksi dikembalikan dengan catatan."), redirect("sinergi:plan-detail", pk=pk),
    )  # fmt: skip


@login_required
@require_POST
def plan_bulk_approve(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("plan")
    back = reverse("sinergi:plan-list") + "?" + request.POST.get("query", "")
    try:
        approved = plans_bulk_approve(user=_user(request), plan_ids=[int(i) for i in ids if i.isdigit()])
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("%(n)d rencana aksi disetujui.") % {"n": len(approved)})
    return redirect(back)


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agreements = agreements_visible_to(user).annotate(plan_count=Count("plans")).order_by("-year", "ministry")
    ready: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    if policy.holds(user, "agreement.create"):
        rows = list(
            plans_visible_to(user)
            .filter(status=ActionPlan.Status.APPROVED)
            .order_by()
            .values("ministry", "ministry__short_name", "year")
            .annotate(n=Count("id"))
            .order_by("ministry__short_name", "year")
        )
        ministries = Ministry.objects.in_bulk({r["ministry"] for r in rows})
        possible = {pk for pk, m in ministries.items() if policy.allows(user, "agreement.create", m, in_scope=True)}
        ready = [r for r in rows if r["ministry"] in possible]
        waiting = [r for r in rows if r["ministry"] not in possible]
    context = {"agreements": agreements, "ready": ready, "waiting": waiting}
    return render(request, "sinergi/agreement_list.html", context)


@login_required
@require_POST
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    form = AgreementForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("sinergi:agreement-list")
    try:
        agreement = agreement_create(
            user=_user(request), ministry_id=form.cleaned_data["ministry"].pk, year=form.cleaned_data["year"]
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("sinergi:agreement-list")
    messages.success(request, _("Berita acara kesepakatan disusun dan dikirim untuk ditandatangani."))
    return redirect("sinergi:agreement-detail", pk=agreement.pk)


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    agreement = agreement_get_for_user(user, pk)
    plans = agreement.plans.select_related("province", "unit").order_by("province__name", "id")
    ministry = user_ministry(user)
    return render(
        request,
        "sinergi/agreement_detail.html",
        {
            "agreement": agreement,
            "plans": plans,
            "addenda": agreement.addenda.select_related("document").annotate(plan_count=Count("items")),
            "may_propose": ministry is not None
            and ministry.pk == agreement.ministry_id
            and policy.holds(user, "plan.write"),
        },
    )


@login_required
@require_GET
def addendum_list(request: HttpRequest) -> HttpResponse:
    addenda = addenda_visible_to(_user(request)).annotate(plan_count=Count("items")).order_by("-proposed_at", "-id")
    page = Paginator(addenda, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sinergi/addendum_list.html", {"page": page})


@login_required
def addendum_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The planner picks frozen plans of an agreement, then changes them in place, each with a reason."""
    user = _user(request)
    agreement = agreement_get_for_user(user, pk)
    ministry = user_ministry(user)
    if ministry is None or ministry.pk != agreement.ministry_id:
        raise Http404(_("Adendum diajukan oleh perencana K/L pemilik kesepakatan."))
    plans = agreement.plans.select_related("province", "regency", "village", "unit").order_by("province__name", "id")
    wanted = request.POST.getlist("plan") if request.method == "POST" else request.GET.getlist("plan")
    # Fresh rows for the forms: a bound model form puts the posted values on its instance.
    chosen = list(plans.filter(pk__in=[int(i) for i in wanted if i.isdigit()]))
    forms_by_plan = [
        (plan, AddendumPlanForm(request.POST or None, instance=plan, ministry=agreement.ministry, prefix=f"p{plan.pk}"))
        for plan in chosen
    ]
    errors: list[str] = []
    if request.method == "POST":
        if not chosen:
            errors.append(_("Pilih paling sedikit satu rencana aksi yang diubah."))
        elif all(form.is_valid() for _plan, form in forms_by_plan):
            changes = [
                PlanChange(plan_id=plan.pk, changes=form.changes(), reason=form.cleaned_data["reason"])
                for plan, form in forms_by_plan
            ]
            try:
                addendum = addendum_propose(user=user, changes=changes)
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(request, _("Adendum diajukan ke BNPT."))
                return redirect("sinergi:addendum-detail", pk=addendum.pk)
    return render(
        request,
        "sinergi/addendum_form.html",
        {"agreement": agreement, "plans": plans, "forms": forms_by_plan, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def addendum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    addendum = addendum_get_for_user(user, pk)
    return render(
        request,
        "sinergi/addendum_detail.html",
        {
            "addendum": addendum,
            "agreement": addendum.agreement,
            "items": addendum.items.select_related("plan__province", "plan__regency").order_by("plan_id"),
            "may_review": policy.holds(user, "plan.review") and addendum.status == addendum.Status.PROPOSED,
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def addendum_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        lambda: addendum_approve(user=_user(request), addendum_id=pk, comment=request.POST.get("comment", "")),
        _("Adendum disetujui; berita acara adendum dikirim untuk ditandatangani."),
        redirect("sinergi:addendum-detail", pk=pk),
    )


@login_required
@require_POST
def addendum_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        lambda: addendum_return(user=_user(request), addendum_id=pk, comment=request.POST.get("comment", "")),
        _("Adendum dikembalikan dengan catatan."), redirect("sinergi:addendum-detail", pk=pk),
    )  # fmt: skip


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    """Upload many plans from Excel: all rows saved, or none and every refused row listed."""
    from sinergi.spreadsheets import HEADER_HELP, PLANS_IMPORT_REPORT, PlansImportRejected, plans_import

    context: dict[str, Any] = {"columns": HEADER_HELP}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Pilih berkas Excel (.xlsx).")
            return render(request, "sinergi/plan_import.html", context, status=400)
        try:
            plans = plans_import(user=_user(request), file=upload, size=upload.size or 0)
        except PlansImportRejected as exc:
            context.update(
                error=exc.messages[0],
                rows=exc.rows[:SHOWN_REJECTIONS],
                more_rows=max(0, len(exc.rows) - SHOWN_REJECTIONS),
                report_token=PLANS_IMPORT_REPORT.token(user=_user(request), rejections=exc.rows),
            )
            return render(request, "sinergi/plan_import.html", context, status=400)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            return render(request, "sinergi/plan_import.html", context, status=400)
        messages.success(request, _("%(n)d rencana aksi diimpor sebagai draf.") % {"n": len(plans)})
        return redirect("sinergi:plan-list")
    return render(request, "sinergi/plan_import.html", context)


@login_required
@require_POST
def plan_import_report(request: HttpRequest) -> HttpResponse:
    """The refused rows of the user's last rejected import, with their reasons, as .xlsx."""
    from sinergi.spreadsheets import HEADER_HELP, PLANS_IMPORT_REPORT

    try:
        rejections = PLANS_IMPORT_REPORT.rows(user=_user(request), token=request.POST.get("laporan", ""))
    except ValidationError as exc:
        context = {"columns": HEADER_HELP, "error": " ".join(exc.messages)}
        return render(request, "sinergi/plan_import.html", context, status=400)
    return xlsx_response(PLANS_IMPORT_REPORT.xlsx(rejections), "laporan-penolakan-impor-rencana-aksi.xlsx")


@login_required
@require_POST
def realisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The K/L's quarterly progress report on an agreed plan, with its evidence file."""
    form = RealisationForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("sinergi:plan-detail", pk=pk)
    data = dict(form.cleaned_data)
    quarter = data.pop("quarter")
    if not data.get("evidence"):
        data.pop("evidence", None)
    try:
        realisation_report(user=_user(request), plan_id=pk, quarter=quarter, data=data)
        messages.success(request, _("Realisasi triwulan %(q)d dilaporkan.") % {"q": quarter})
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("sinergi:plan-detail", pk=pk)
