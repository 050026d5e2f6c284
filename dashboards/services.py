"""Writes of the dashboards app: periodic reports, from scheduled draft to the signed document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from assessments.models import Assessment
from assessments.selectors import assessments_in_order, reviews_overdue
from cases.workflows import DueItem, due_cases_for, due_items_of, due_rows
from dashboards.charts import bar_chart_svg
from dashboards.models import PeriodicReport
from dashboards.periods import MONTHLY, QUARTERLY, YEARLY, period_of, previous_period
from dashboards.selectors import (
    GRANT_STAGE_LABELS,
    STAGES,
    dashboard_for,
    is_office_supervisor,
    report_get_for_user,
    sees_assessments,
)
from napiter import policy
from napiter.accounts.access import NATIONAL_PERSON_AGENCIES
from napiter.accounts.models import Agency, Office, User
from napiter.documents.models import Document

REGIONAL_AGENCIES = (Agency.Kind.DINSOS_PROVINCE, Agency.Kind.DINSOS_REGENCY)
NARRATIVE_MAX_LENGTH = 4000
# A report names at most this many overdue items per list, the most overdue first, then says how many more
# there are: a national office's list can hold hundreds of thousands, far beyond a readable (or renderable)
# document, and the full lists are in the application.
OVERDUE_LIST_LIMIT = 50
T = TypeVar("T")


def report_offices(kind: str) -> QuerySet[Office]:
    """Who reports on schedule: each regional Dinas Sosial monthly and quarterly, each national BNPT and
    Kemensos office yearly; only offices with an active supervisor, who signs."""
    # The roles that compose and sign the office's report (report.create: the supervisor).
    signers = policy.roles_holding("report.create")
    has_supervisor = Exists(User.objects.filter(office=OuterRef("pk"), is_active=True, groups__name__in=signers))
    offices = Office.objects.filter(has_supervisor).order_by("pk")
    if kind == YEARLY:
        return offices.filter(jurisdiction=Office.Jurisdiction.NATIONAL, agency__kind__in=NATIONAL_PERSON_AGENCIES)
    return offices.filter(agency__kind__in=REGIONAL_AGENCIES).exclude(jurisdiction=Office.Jurisdiction.NATIONAL)


@transaction.atomic
def periodic_reports_generate(*, today: dt.date) -> int:
    """Create the drafts of the last complete month, quarter and year, once per office and period: run
    again, it creates nothing (the unique constraint makes concurrent runs safe too). Returns how many."""
    before = PeriodicReport.objects.count()
    for kind in (MONTHLY, QUARTERLY, YEARLY):
        period = previous_period(kind, today)
        PeriodicReport.objects.bulk_create(
            [
                PeriodicReport(office=office, kind=kind, period_start=period.start, period_end=period.end)
                for office in report_offices(kind)
            ],
            ignore_conflicts=True,
        )
    return PeriodicReport.objects.count() - before


def _supervisor_office(user: User) -> Office:
    office = user.office
    if office is None or not policy.holds(user, "report.create"):
        raise PermissionDenied("Laporan periodik disusun oleh supervisor kantor.")
    return office


@transaction.atomic
def periodic_report_create(*, user: User, kind: str, day: dt.date, today: dt.date) -> PeriodicReport:
    """The office's report for the period of `kind` containing `day`, created on demand if there is none yet."""
    office = _supervisor_office(user)
    if kind not in PeriodicReport.Kind.values:
        raise ValidationError({"kind": "Pilih jenis periode: bulanan, triwulanan atau tahunan."})
    period = period_of(kind, day)
    if period.start > today:
        raise ValidationError({"day": "Periode laporan belum dimulai."})
    report, _created = PeriodicReport.objects.get_or_create(
        office=office, kind=kind, period_start=period.start, defaults={"period_end": period.end, "updated_by": user}
    )
    return report


def _draft_for_update(user: User, report_id: int | str) -> PeriodicReport:
    report = report_get_for_user(user, report_id, for_update=True)
    if not is_office_supervisor(user, report.office):
        raise PermissionDenied(f"Laporan ini disusun oleh supervisor {report.office.name}.")
    if not report.is_draft:
        raise ValidationError("Laporan ini sudah diajukan untuk ditandatangani dan tidak dapat diubah lagi.")
    return report


@transaction.atomic
def periodic_report_update(
    *, user: User, report_id: int | str, summary: str, obstacles: str, follow_up: str
) -> PeriodicReport:
    report = _draft_for_update(user, report_id)
    texts = {"summary": summary.strip(), "obstacles": obstacles.strip(), "follow_up": follow_up.strip()}
    too_long = {
        k: f"Paling panjang {NARRATIVE_MAX_LENGTH} karakter." for k, v in texts.items() if len(v) > NARRATIVE_MAX_LENGTH
    }
    if too_long:
        raise ValidationError(too_long)
    for name, value in texts.items():
        setattr(report, name, value)
    report.updated_by = user
    report.full_clean()
    report.save(update_fields=[*texts, "updated_by", "updated_at"])
    return report


@transaction.atomic
def periodic_report_request_signing(*, user: User, report_id: int | str) -> Document:
    """Freeze the draft and ask for its document, which the supervisor then signs. The narrative summary is
    required: a report goes upward with the office's own account of the period."""
    from napiter.documents.services import document_request

    report = _draft_for_update(user, report_id)
    if not report.summary:
        raise ValidationError({"summary": "Isi ringkasan pelaksanaan sebelum mengajukan laporan untuk ditandatangani."})
    document = document_request(user=user, kind="laporan_periodik", subject_id=report.pk)
    report.document = document
    report.status = PeriodicReport.Status.REQUESTED
    report.updated_by = user
    report.full_clean()
    report.save(update_fields=["document", "status", "updated_by", "updated_at"])
    return document


@dataclass(frozen=True)
class OverdueList(Generic[T]):
    """The first `rows` of an overdue list (most overdue first) and how many the whole list has."""

    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _overdue_case_items(user: User, *, today: dt.date, limit: int) -> OverdueList[DueItem]:
    """The overdue part of the supervisor's due list, in its order: a case counts once for its visit and
    once for its review. Ordered, cut and counted in the database."""
    rows = due_rows(due_cases_for(user), until=today - dt.timedelta(days=1))
    return OverdueList(due_items_of(rows[:limit], today=today), rows.count())


def report_overdue_items(
    user: User, *, today: dt.date, limit: int = OVERDUE_LIST_LIMIT, assessments_total: int | None = None
) -> tuple[OverdueList[DueItem], OverdueList[Assessment]]:
    """The office's overdue visits and reviews (the supervisor's due list), and overdue reassessments.

    `assessments_total` is the count of `reviews_overdue` when the caller has it already (the dashboard
    tile): over a national scope that count is the costly part."""
    cases = _overdue_case_items(user, today=today, limit=limit)
    if not sees_assessments(user):
        return cases, OverdueList([], 0)
    overdue = reviews_overdue(user, today=today)
    total = overdue.count() if assessments_total is None else assessments_total
    return cases, OverdueList(assessments_in_order(list(overdue[:limit])), total)


def report_context(*, report: PeriodicReport, user: User, on: dt.datetime) -> dict[str, Any]:
    """What the report's template shows: the measures within the requester's scope for the period, as of
    the request, with charts drawn as SVG."""
    from django.utils import timezone

    today = timezone.localdate(on)
    board = dashboard_for(user, period=report.period, today=today)
    overdue_cases, overdue_assessments = report_overdue_items(
        user, today=today, assessments_total=board.overdue["assessments"] if board.overdue is not None else None
    )
    charts = {}
    stage_labels = dict(STAGES)
    if board.people is not None:
        charts["people"] = bar_chart_svg(
            [r.label for r in board.people], [r.total for r in board.people], title="Orang per kategori"
        )
        charts["stages"] = bar_chart_svg(
            [stage_labels[code] for code, _ in board.stage_totals],
            [n for _, n in board.stage_totals],
            title="Orang per tahap kasus",
        )
    if board.grants is not None:
        charts["grants"] = bar_chart_svg(
            list(GRANT_STAGE_LABELS.values()), [board.grants[k] for k in GRANT_STAGE_LABELS], title="Tahapan bantuan"
        )
    if board.plans:
        charts["plans"] = bar_chart_svg(
            [r.label for r in board.plans], [r.plans for r in board.plans], title="Rencana aksi per status"
        )
    return {
        "report": report,
        "board": board,
        "stages": STAGES,
        "grant_labels": GRANT_STAGE_LABELS,
        "charts": charts,
        "overdue_cases": overdue_cases,
        "overdue_assessments": overdue_assessments,
        "as_of": today,
    }
