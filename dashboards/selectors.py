"""The dashboard's measures: each tile is one aggregate query over records scoped by the access layer.

Nothing here loops over rows: counts and sums are computed in the database with conditional aggregation
(`Count(..., filter=...)`) and GROUP BY. Scope comes from the selectors of each module, so a person outside
the user's jurisdiction is never counted, not even in a total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Left
from django.http import Http404
from django.utils import timezone

from assessments.selectors import LevelCount, assessments_visible_to, current_level_counts
from assistance.selectors import (
    REACHED_STAGES,
    grant_delivered_q,
    grant_measures,
    grant_registered_q,
    grants_visible_to,
)
from cases.models import Case, Person
from cases.selectors import cases_visible_to, people_visible_to
from cases.workflows import OVERDUE_REVIEW, OVERDUE_VISIT, due_cases_for, overdue_q, with_visit_base
from dashboards.cache import tile
from dashboards.models import PeriodicReport
from dashboards.periods import Period
from napiter import policy
from napiter.accounts.access import person_jurisdiction, works_with_people
from napiter.accounts.models import Office, User
from napiter.regions.models import Region
from sinergi.models import ActionPlan
from sinergi.selectors import plans_visible_to, realisation_totals

T = TypeVar("T")
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
    return works_with_people(user) and policy.holds(user, "grant.view")


def sees_assessments(user: User) -> bool:
    return works_with_people(user) and policy.holds(user, "assessment.view")


def sees_sinergi(user: User) -> bool:
    return policy.holds(user, "plan.view")


def answers_for_due_list(user: User) -> bool:
    """Caseworkers and supervisors count the cases of their own due list; national roles count every open
    case they may see."""
    return policy.holds(user, "case.due") and user.office_id is not None


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
        # A person has at most one open case (`case_one_open_per_person`): no DISTINCT needed.
        open_now=Count("pk", filter=~Q(stage=Case.Stage.CLOSED)),
    )


def _open_cases_answered_for(user: User) -> QuerySet[Case]:
    if answers_for_due_list(user):
        return due_cases_for(user)
    return with_visit_base(cases_visible_to(user).exclude(stage=Case.Stage.CLOSED))


def overdue_case_counts(user: User, today: dt.date) -> dict[str, int]:
    """Open cases whose monitoring visit, or whose case review, is past due (the due list's rules).

    A user with a due list counts its overdue rows; everyone else's number links to the person list filtered
    by `terlambat`. Both are these cases: a person has at most one open case (`case_one_open_per_person`),
    so the open cases counted are also the people listed, without a DISTINCT over every open case."""
    return _open_cases_answered_for(user).aggregate(
        visits=Count("pk", filter=overdue_q(OVERDUE_VISIT, today)),
        reviews=Count("pk", filter=overdue_q(OVERDUE_REVIEW, today)),
    )


def overdue_counts(user: User, today: dt.date) -> dict[str, int]:
    """The overdue visits and reviews of cases, and the overdue reassessments (`assessment_levels`)."""
    levels = assessment_levels(user, today) if sees_assessments(user) else []
    return {**overdue_case_counts(user, today), "assessments": sum(r.review_overdue for r in levels)}


# --- assistance ----------------------------------------------------------------------------------------


def grant_totals(user: User, period: Period) -> dict[str, int]:
    """How far the visible grants got and the money, plus those registered and delivered in the period."""
    return grants_visible_to(user).aggregate(
        **grant_measures(),
        registered_in_period=Count("pk", filter=grant_registered_q(period.start, period.end)),
        delivered_in_period=Count("pk", filter=grant_delivered_q(period.start, period.end)),
    )


# --- assessments ---------------------------------------------------------------------------------------


def assessment_levels(user: User, today: dt.date | None = None) -> list[LevelCount]:
    """Each visible person's current level (their latest submitted primary assessment), how it moved
    against the assessment before it (`assessments.selectors.movement_q`, as the person list's `perubahan`
    filter) and whose reassessment is overdue on `today`. One query (`current_level_counts`)."""
    if not sees_assessments(user):
        return []
    return current_level_counts(assessments_visible_to(user), today=today or timezone.localdate())


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
    totals = realisation_totals(plans_visible_to(user).filter(status=ActionPlan.Status.AGREED))
    return {"spent": totals["spent"], "reached": totals["reached"], "reporting_plans": totals["reporting_plans"]}


# --- the whole dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    today: dt.date
    people: list[CategoryRow] | None = None
    cases: dict[str, int] | None = None
    overdue: dict[str, int] | None = None
    grants: dict[str, int] | None = None
    levels: list[LevelCount] | None = None
    plans: list[PlanStatusRow] | None = None
    realisation: dict[str, int] | None = None
    due_list_scope: bool = False
    extras: dict[str, Any] = field(default_factory=dict)
    as_of: dt.datetime | None = None  # when the oldest cached tile shown was computed; None: all live

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
    """The tiles the user's role may see, each computed within the user's scope; a national user's come from
    the cache when they are fresh (dashboards.cache)."""
    board = Dashboard(period=period, today=today)
    shared = person_jurisdiction(user).everywhere

    def cached(name: str, compute: Callable[[], T], scopes: list[QuerySet[Any]], *args: object) -> T:
        value, computed_at = tile(name, compute, scopes=scopes, args=args, shared=shared)
        if computed_at is not None and (board.as_of is None or computed_at < board.as_of):
            board.as_of = computed_at
        return value

    if sees_assessments(user):
        board.levels = cached(
            "assessment_levels", lambda: assessment_levels(user, today), [assessments_visible_to(user)], today
        )
    if sees_people(user):
        board.people = cached(
            "people_by_category_stage", lambda: people_by_category_stage(user), [people_visible_to(user)]
        )
        board.cases = cached("case_flow", lambda: case_flow(user, period), [cases_visible_to(user)], period)
        overdue = cached(
            "overdue_case_counts", lambda: overdue_case_counts(user, today), [_open_cases_answered_for(user)], today
        )
        board.overdue = {**overdue, "assessments": sum(r.review_overdue for r in board.levels or [])}
        board.due_list_scope = answers_for_due_list(user)
    if sees_grants(user):
        board.grants = cached("grant_totals", lambda: grant_totals(user, period), [grants_visible_to(user)], period)
    if sees_sinergi(user):
        # A few thousand plans at most: always live.
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


@dataclass(frozen=True)
class ProvinceTable:
    rows: list[ProvinceRow]
    as_of: dt.datetime | None  # when it was computed, if it came from the cache; None: live


def province_table(user: User, *, period: Period, today: dt.date) -> ProvinceTable:
    """The province rows, from the cache for a national user when they are fresh (dashboards.cache)."""
    shows = (sees_people(user), sees_grants(user), sees_sinergi(user))
    scopes = [people_visible_to(user), cases_visible_to(user), grants_visible_to(user), plans_visible_to(user)]
    rows, as_of = tile(
        "province_table",
        lambda: province_rows(user, period=period, today=today),
        scopes=scopes,
        args=(period, today, shows),
        shared=person_jurisdiction(user).everywhere,
    )
    return ProvinceTable(rows, as_of)


def province_rows(user: User, *, period: Period, today: dt.date) -> list[ProvinceRow]:
    """The dashboard's measures per province of the person's domicile (plans: per plan province). One
    grouped query per tile; the Python loop is over the provinces, never over records."""
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
                # A person has at most one open case (`case_one_open_per_person`): no DISTINCT needed.
                open_cases=Count("pk", filter=open_q),
                opened=Count("person", filter=Q(opened_on__range=(period.start, period.end)), distinct=True),
                closed=Count("person", filter=Q(closed_on__range=(period.start, period.end)), distinct=True),
                # Open cases, and so people (one open case each): the person list filtered by `terlambat`.
                visits_overdue=Count("pk", filter=overdue_q(OVERDUE_VISIT, today)),
                reviews_overdue=Count("pk", filter=overdue_q(OVERDUE_REVIEW, today)),
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
    return user.office_id == office.pk and policy.holds(user, "report.create")


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
