"""Dashboard pages, their Excel exports, and the periodic reports: parse, call a selector or service, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from dashboards.exports import dashboard_workbook, province_workbook
from dashboards.forms import NarrativeForm, PeriodForm, ReportCreateForm
from dashboards.maps import province_map_svg
from dashboards.periods import Period
from dashboards.selectors import (
    GRANT_STAGE_LABELS,
    STAGES,
    ProvinceRow,
    dashboard_for,
    is_office_supervisor,
    province_table,
    report_get_for_user,
    reports_visible_to,
    sees_grants,
    sees_people,
    sees_sinergi,
)
from dashboards.services import (
    periodic_report_create,
    periodic_report_request_signing,
    periodic_report_update,
)
from napiter import policy
from napiter.accounts.access import person_jurisdiction
from napiter.accounts.models import User
from napiter.forms import add_service_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET)
    return form, form.period(timezone.localdate())


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chart_data(board: Any) -> dict[str, Any]:
    stage_labels = dict(STAGES)
    data: dict[str, Any] = {}
    if board.people is not None:
        data["people"] = {"labels": [r.label for r in board.people], "values": [r.total for r in board.people]}
        data["stages"] = {
            "labels": [stage_labels[code] for code, _ in board.stage_totals],
            "values": [n for _, n in board.stage_totals],
        }
    if board.grants is not None:
        data["grants"] = {
            "labels": list(GRANT_STAGE_LABELS.values()),
            "values": [board.grants[k] for k in GRANT_STAGE_LABELS],
        }
    if board.levels:
        data["levels"] = {"labels": [r.label for r in board.levels], "values": [r.total for r in board.levels]}
    if board.plans is not None:
        data["plans"] = {"labels": [r.label for r in board.plans], "values": [r.plans for r in board.plans]}
    return data


def _province_map(user: User, rows: list[ProvinceRow]) -> SafeString | None:
    """People on the map for national users, plans for a planner; a single province needs no map."""
    if len(rows) < 2:
        return None
    if sees_people(user):
        title, values = gettext("Orang dalam layanan"), {r.code: r.people for r in rows}
    elif sees_sinergi(user):
        title, values = gettext("Rencana aksi"), {r.code: r.plans for r in rows}
    else:
        return None
    return province_map_svg(
        values, names={r.code: r.name for r in rows}, title=title, link_for=lambda code: f"#provinsi-{code}"
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, period = _period(request)
    board = dashboard_for(user, period=period, today=timezone.localdate())
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "board": board,
            "stages": STAGES,
            "grant_labels": GRANT_STAGE_LABELS,
            "chart": _chart_data(board),
            "query": request.GET.urlencode(),
            "national": person_jurisdiction(user).everywhere,
        },
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _form, period = _period(request)
    board = dashboard_for(_user(request), period=period, today=timezone.localdate())
    return _xlsx(dashboard_workbook(board), f"dasbor-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


@login_required
@require_GET
def provinces(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, period = _period(request)
    table = province_table(user, period=period, today=timezone.localdate())
    return render(
        request,
        "dashboards/provinces.html",
        {
            "form": form,
            "period": period,
            "rows": table.rows,
            "as_of": table.as_of,
            # Only the columns the role has numbers for: each links to a list the role may open.
            "shows": {"people": sees_people(user), "grants": sees_grants(user), "plans": sees_sinergi(user)},
            "province_map": _province_map(user, table.rows),
            "grant_labels": GRANT_STAGE_LABELS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def provinces_export(request: HttpRequest) -> HttpResponse:
    _form, period = _period(request)
    table = province_table(_user(request), period=period, today=timezone.localdate())
    return _xlsx(
        province_workbook(table.rows, period_label=period.label), f"dasbor-provinsi-{period.start:%Y%m%d}.xlsx"
    )


# --- periodic reports ----------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    reports = reports_visible_to(user).order_by("-period_start", "office__name", "kind", "-id")[:200]
    may_create = user.office is not None and policy.holds(user, "report.create")
    return render(
        request,
        "dashboards/report_list.html",
        {"reports": reports, "form": ReportCreateForm(initial={"day": timezone.localdate()}), "may_create": may_create},
    )


@login_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    form = ReportCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pilih jenis periode dan tanggal di dalam periode laporan.")
        return redirect("dashboards:report-list")
    try:
        report = periodic_report_create(
            user=_user(request),
            kind=form.cleaned_data["kind"],
            day=form.cleaned_data["day"],
            today=timezone.localdate(),
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)]))
        return redirect("dashboards:report-list")
    return redirect("dashboards:report-detail", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft with its measures as they stand, and the narrative form for the office supervisor."""
    user = _user(request)
    report = report_get_for_user(user, pk)
    may_edit = report.is_draft and is_office_supervisor(user, report.office)
    form = NarrativeForm(
        initial={"summary": report.summary, "obstacles": report.obstacles, "follow_up": report.follow_up}
    )
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        if form.is_valid():
            try:
                periodic_report_update(user=user, report_id=pk, **form.cleaned_data)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("dashboards:report-detail", pk=pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Narasi laporan disimpan.")
                return redirect("dashboards:report-detail", pk=pk)
    # The measures as the office sees them; staff of other offices read the signed document instead.
    own_office = user.office_id == report.office_id
    board = dashboard_for(user, period=report.period, today=timezone.localdate()) if own_office else None
    return render(
        request,
        "dashboards/report_detail.html",
        {
            "report": report,
            "form": form,
            "may_edit": may_edit,
            "board": board,
            "stages": STAGES,
            "grant_labels": GRANT_STAGE_LABELS,
        },
    )


@login_required
@require_POST
def report_request(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = periodic_report_request_signing(user=_user(request), report_id=pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("dashboards:report-detail", pk=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dashboards:report-detail", pk=pk)
    messages.success(
        request, f"Laporan diajukan sebagai dokumen {document.number}; tanda tangani setelah selesai disusun."
    )
    return redirect("documents:detail", pk=document.pk)
