"""The dashboard's measures: each tile is one aggregate query over records scoped by the access layer.

Nothing here loops over rows: counts and sums are computed in the database with conditional aggregation
(`Count(..., filter=...)`) and GROUP BY. Scope comes from the selectors of each module, so a person outside
the user's jurisdiction is never counted, not even in a total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Left
from django.http import Http404

from assessments.models import Assessment
from assessments.selectors import assessments_visible_to, current_assessments, reviews_overdue
from assistance.selectors import REACHED_STAGES, grant_measures, grants_visible_to
from cases.models import Case, Person
from cases.selectors import cases_visible_to, people_visible_to
from cases.workflows import due_cases_for, review_due_by_q, visit_due_by_q, with_visit_base
from dashboards.models import PeriodicReport
from dashboards.periods import Period
from napiter.accounts import roles
from napiter.accounts.access import person_jurisdiction, works_with_people
from napiter.accounts.models import Office, User
from napiter.regions.models import Region
from napiter.routes import ROUTES
from sinergi.models import ActionPlan, RealisationReport
from sinergi.selectors import plans_visible_to

STAGES = [(code, str(label)) for code, label in Case.Stage.choices]
CATEGORIES = [(code, str(label)) for code, label in Person.Category.choices]
GRANT_STAGE_LABELS = {
    "registered": "Terdaftar",
    "verified": "Terverifikasi",
    "approved": "Ditetapkan",
    "delivered": "Disalurkan",
    "active_6": "Aktif 6 bulan",
    "active_12": "Aktif 12 bulan",
}


def sees_people(user: User) -> bool:
    return works_with_people(user)


def sees_grants(user: User) -> bool:
    return works_with_people(user) and user.has_perm("assistance.view_grant")


def sees_assessments(user: User) -> bool:
    return works_with_people(user) and user.has_perm("assessments.view_assessment")


def sees_sinergi(user: User) -> bool:
    return user.has_perm("sinergi.view_actionplan")


def answers_for_due_list(user: User) -> bool:
    """Caseworkers and supervisors count the cases of their own due list; national roles count every open
    case they may see."""
    return ROUTES["cases:due-list"].permits(user) and user.office_id is not None


# --- people and cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRow:
    code: str
    label: str
    total: int
    stages: list[tuple[str, int]]  # (stage, people with a case in that stage), in STAGES order


def people_by_category_stage(user: User) -> list[CategoryRow]:
    """Per category, the visible people and, per stage, those having a case in that stage (the person
    list's `stage` filter counts the same way). One query."""
    stage_counts = {code: Count("pk", filter=Q(cases__stage=code), distinct=True) for code, _ in STAGES}
    rows = {
        r["category"]: r
        for r in people_visible_to(user)
        .order_by()
        .values("category")
        .annotate(total=Count("pk", distinct=True), **stage_counts)
    }
    return [
        CategoryRow(
            code=code,
            label=label,
            total=rows.get(code, {}).get("total", 0),
            stages=[(stage, rows.get(code, {}).get(stage, 0)) for stage, _ in STAGES],
        )
        for code, label in CATEGORIES
    ]


def case_flow(user: User, period: Period) -> dict[str, int]:
    """People with a case opened, and with a case closed, in the period; people with an open case now."""
    return cases_visible_to(user).aggregate(
        opened=Count("person", filter=Q(opened_on__range=(period.start, period.end)), distinct=True),
        closed=Count("person", filter=Q(closed_on__range=(period.start, period.end)), distinct=True),
        open_now=Count("person", filter=~Q(stage=Case.Stage.CLOSED), distinct=True),
    )


def _open_cases_answered_for(user: User) -> QuerySet[Case]:
    if answers_for_due_list(user):
        return due_cases_for(user)
    return with_visit_base(cases_visible_to(user).exclude(stage=Case.Stage.CLOSED))


def overdue_counts(user: User, today: dt.date) -> dict[str, int]:
    """Open cases whose monitoring visit, or whose case review, is past due (the due list's rules)."""
    yesterday = today - dt.timedelta(days=1)
    counts = _open_cases_answered_for(user).aggregate(
        visits=Count("pk", filter=visit_due_by_q(yesterday)),
        reviews=Count("pk", filter=review_due_by_q(yesterday)),
    )
    counts["assessments"] = reviews_overdue(user, today=today).count() if sees_assessments(user) else 0
    return counts


# --- assistance ----------------------------------------------------------------------------------------


def grant_totals(user: User, period: Period) -> dict[str, int]:
    """How far the visible grants got and the money, plus those registered and delivered in the period."""
    return grants_visible_to(user).aggregate(
        **grant_measures(),
        registered_in_period=Count("pk", filter=Q(created_at__date__range=(period.start, period.end))),
        delivered_in_period=Count("pk", filter=Q(delivered_on__range=(period.start, period.end))),
    )


# --- assessments ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    label: str
    rank: int
    total: int
    improved: int
    worsened: int
    unchanged: int
    first: int


def assessment_levels(user: User) -> list[LevelRow]:
    """Each visible person's current level (their latest submitted primary assessment) and how it moved
    against the assessment before it. Rank 1 is the lowest concern, so a lower rank is an improvement.
    One query: the latest and the previous are correlated subqueries per person."""
    history = (
        Assessment.objects.submitted()
        .primary()
        .filter(person=OuterRef("person"))
        .order_by("-assessed_on", "-id")
        .annotate(level_rank=Coalesce("judged_band__rank", "computed_band__rank"))
    )
    rows = (
        current_assessments(assessments_visible_to(user))
        .annotate(
            rank=Coalesce("judged_band__rank", "computed_band__rank"),
            previous=Subquery(history.values("level_rank")[1:2]),
        )
        .order_by()
        .values("level_label", "rank")
        .annotate(
            total=Count("pk"),
            improved=Count("pk", filter=Q(rank__lt=F("previous"))),
            worsened=Count("pk", filter=Q(rank__gt=F("previous"))),
            unchanged=Count("pk", filter=Q(rank=F("previous"))),
            first=Count("pk", filter=Q(previous__isnull=True)),
        )
        .order_by("rank", "level_label")
    )
    return [
        LevelRow(
            label=r["level_label"] or "-",
            rank=r["rank"] or 0,
            total=r["total"],
            improved=r["improved"],
            worsened=r["worsened"],
            unchanged=r["unchanged"],
            first=r["first"],
        )
        for r in rows
    ]


# --- sinergi -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStatusRow:
    code: str
    label: str
    plans: int
    budget: int


def plans_by_status(user: User) -> list[PlanStatusRow]:
    rows = {
        r["status"]: r
        for r in plans_visible_to(user).order_by().values("status").annotate(plans=Count("pk"), budget=Sum("budget"))
    }
    return [
        PlanStatusRow(code, str(label), rows.get(code, {}).get("plans", 0), int(rows.get(code, {}).get("budget") or 0))
        for code, label in ActionPlan.Status.choices
    ]


def plan_realisation(user: User) -> dict[str, int]:
    """What the agreed plans reported: budget spent and people reached over all quarters, and the plans
    that reported at least once."""
    totals = RealisationReport.objects.filter(
        plan__in=plans_visible_to(user).filter(status=ActionPlan.Status.AGREED).values("pk")
    ).aggregate(
        spent=Coalesce(Sum("budget_spent"), Decimal(0)),
        reached=Coalesce(Sum("beneficiaries_reached"), 0),
        reporting_plans=Count("plan", distinct=True),
    )
    return {k: int(v) for k, v in totals.items()}


# --- the whole dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    today: dt.date
    people: list[CategoryRow] | None = None
    cases: dict[str, int] | None = None
    overdue: dict[str, int] | None = None
    grants: dict[str, int] | None = None
    levels: list[LevelRow] | None = None
    plans: list[PlanStatusRow] | None = None
    realisation: dict[str, int] | None = None
    due_list_scope: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in (self.people, self.grants, self.levels, self.plans))

    @property
    def people_total(self) -> int:
        return sum(r.total for r in self.people or [])

    @property
    def grant_rows(self) -> list[tuple[str, str, int]]:
        grants = self.grants or {}
        return [(key, label, grants.get(key, 0)) for key, label in GRANT_STAGE_LABELS.items()]

    @property
    def stage_totals(self) -> list[tuple[str, int]]:
        rows = self.people or []
        return [(code, sum(r.stages[i][1] for r in rows)) for i, (code, _) in enumerate(STAGES)]


def dashboard_for(user: User, *, period: Period, today: dt.date) -> Dashboard:
    """The tiles the user's role may see, each computed within the user's scope."""
    board = Dashboard(period=period, today=today)
    if sees_people(user):
        board.people = people_by_category_stage(user)
        board.cases = case_flow(user, period)
        board.overdue = overdue_counts(user, today)
        board.due_list_scope = answers_for_due_list(user)
    if sees_grants(user):
        board.grants = grant_totals(user, period)
    if sees_assessments(user):
        board.levels = assessment_levels(user)
    if sees_sinergi(user):
        board.plans = plans_by_status(user)
        board.realisation = plan_realisation(user)
    return board


# --- provinces -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    people: int = 0
    open_cases: int = 0
    opened: int = 0
    closed: int = 0
    visits_overdue: int = 0
    reviews_overdue: int = 0
    grants: dict[str, int] = field(default_factory=dict)
    plans: int = 0
    plans_agreed: int = 0
    plan_budget: int = 0


def provinces_for(user: User) -> QuerySet[Region]:
    """All 38 provinces for national users; a regional office's own province otherwise."""
    jurisdiction = person_jurisdiction(user)
    provinces = Region.objects.provinces().order_by("code")
    if jurisdiction.everywhere or (sees_sinergi(user) and not works_with_people(user)):
        return provinces
    if jurisdiction.region_code:
        return provinces.filter(code=jurisdiction.region_code[:2])
    return provinces.none()


def province_table(user: User, *, period: Period, today: dt.date) -> list[ProvinceRow]:
    """The dashboard's measures per province of the person's domicile (plans: per plan province). One
    grouped query per tile; the Python loop is over the provinces, never over records."""
    yesterday = today - dt.timedelta(days=1)
    people: dict[str, dict[str, int]] = {}
    cases: dict[str, dict[str, int]] = {}
    grants: dict[str, dict[str, int]] = {}
    plans: dict[str, dict[str, int]] = {}
    if sees_people(user):
        people = {
            r["province"]: r
            for r in people_visible_to(user)
            .order_by()
            .annotate(province=Left("domicile_region_id", 2))
            .values("province")
            .annotate(n=Count("pk"))
        }
        open_q = ~Q(stage=Case.Stage.CLOSED)
        cases = {
            r["province"]: r
            for r in with_visit_base(cases_visible_to(user))
            .order_by()
            .annotate(province=Left("person__domicile_region_id", 2))
            .values("province")
            .annotate(
                open_cases=Count("person", filter=open_q, distinct=True),
                opened=Count("person", filter=Q(opened_on__range=(period.start, period.end)), distinct=True),
                closed=Count("person", filter=Q(closed_on__range=(period.start, period.end)), distinct=True),
                visits_overdue=Count("pk", filter=open_q & visit_due_by_q(yesterday)),
                reviews_overdue=Count("pk", filter=open_q & review_due_by_q(yesterday)),
            )
        }
    if sees_grants(user):
        grants = {
            r["province"]: r
            for r in grants_visible_to(user)
            .order_by()
            .annotate(province=Left("person__domicile_region_id", 2))
            .values("province")
            .annotate(**grant_measures())
        }
    if sees_sinergi(user):
        plans = {
            r["province_id"]: r
            for r in plans_visible_to(user)
            .order_by()
            .values("province_id")
            .annotate(
                n=Count("pk"),
                agreed=Count("pk", filter=Q(status=ActionPlan.Status.AGREED)),
                budget=Coalesce(Sum("budget"), Decimal(0)),
            )
        }
    grant_keys = ("registered", *REACHED_STAGES, "committed", "delivered_value")
    return [
        ProvinceRow(
            code=p.code,
            name=p.name,
            people=people.get(p.code, {}).get("n", 0),
            open_cases=cases.get(p.code, {}).get("open_cases", 0),
            opened=cases.get(p.code, {}).get("opened", 0),
            closed=cases.get(p.code, {}).get("closed", 0),
            visits_overdue=cases.get(p.code, {}).get("visits_overdue", 0),
            reviews_overdue=cases.get(p.code, {}).get("reviews_overdue", 0),
            grants={k: int(grants.get(p.code, {}).get(k, 0)) for k in grant_keys},
            plans=plans.get(p.code, {}).get("n", 0),
            plans_agreed=plans.get(p.code, {}).get("agreed", 0),
            plan_budget=int(plans.get(p.code, {}).get("budget", 0)),
        )
        for p in provinces_for(user)
    ]


# --- periodic reports ----------------------------------------------------------------------------------


def is_office_supervisor(user: User, office: Office) -> bool:
    return user.office_id == office.pk and roles.SUPERVISOR in user.role_names()


def reports_visible_to(user: User) -> QuerySet[PeriodicReport]:
    """An office's reports are read by its own staff; national BNPT and Kemensos staff read every office's."""
    if not works_with_people(user) or user.office_id is None:
        return PeriodicReport.objects.none()
    reports = PeriodicReport.objects.select_related("office__agency", "document")
    if person_jurisdiction(user).everywhere:
        return reports
    return reports.filter(office_id=user.office_id)


def report_get_for_user(user: User, pk: int | str, *, for_update: bool = False) -> PeriodicReport:
    reports = reports_visible_to(user)
    if for_update:
        reports = reports.select_for_update(of=("self",))
    try:
        return reports.get(pk=int(pk))
    except (PeriodicReport.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
