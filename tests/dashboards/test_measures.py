"""Every dashboard number against the hand-computed world of conftest.py, for a scoped and a national user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.selectors import (
    assessment_levels,
    case_flow,
    dashboard_for,
    grant_totals,
    overdue_counts,
    people_by_category_stage,
    plan_realisation,
    plans_by_status,
    province_table,
)

pytestmark = pytest.mark.django_db


def _categories(user):
    return {r.code: (r.total, {s: n for s, n in r.stages if n}) for r in people_by_category_stage(user) if r.total}


def test_people_by_category_and_stage_in_banten(cast, world):
    assert _categories(cast.banten_kabid) == {
        "eks_napiter": (2, {"rehabilitasi": 1, "reintegrasi": 1}),
        "keluarga": (1, {"identifikasi": 1, "ditutup": 1}),
        "korban_langsung": (1, {}),
    }


def test_people_by_category_and_stage_nationally(cast, world):
    assert _categories(cast.koordinator) == {
        "eks_napiter": (3, {"rehabilitasi": 2, "reintegrasi": 1, "ditutup": 1}),
        "keluarga": (2, {"identifikasi": 2, "ditutup": 1}),
        "korban_langsung": (1, {}),
    }


def test_case_flow_counts_people_with_new_and_closed_cases(cast, world):
    assert case_flow(cast.banten_kabid, world.period) == {"opened": 2, "closed": 1, "open_now": 3}
    assert case_flow(cast.koordinator, world.period) == {"opened": 3, "closed": 2, "open_now": 5}


def test_overdue_follows_the_due_list_rules(cast, world):
    # Banten supervisor: the office's due list (B's visit and review), B's reassessment.
    assert overdue_counts(cast.banten_kabid, world.today) == {"visits": 1, "reviews": 1, "assessments": 1}
    # The caseworker of those cases answers for the same ones.
    assert overdue_counts(cast.banten_pendamping, world.today)["visits"] == 1
    # National coordinator: every open case in sight, B and E.
    assert overdue_counts(cast.koordinator, world.today) == {"visits": 2, "reviews": 2, "assessments": 2}


def test_grant_stages_and_money(cast, world):
    assert grant_totals(cast.banten_kabid, world.period) == {
        "registered": 3, "verified": 2, "approved": 2, "delivered": 1, "active_6": 1, "active_12": 0,
        "committed": 12_900_000, "delivered_value": 7_900_000, "registered_in_period": 3, "delivered_in_period": 1,
    }  # fmt: skip
    national = grant_totals(cast.koordinator, world.period)
    assert (national["registered"], national["delivered"], national["active_6"]) == (4, 2, 2)
    assert (national["committed"], national["delivered_value"]) == (18_900_000, 13_900_000)


def test_assessment_levels_and_movement(cast, world):
    rows = {
        r.label: (r.total, r.improved, r.worsened, r.unchanged, r.first) for r in assessment_levels(cast.banten_kabid)
    }
    assert rows == {"Rendah": (1, 1, 0, 0, 0), "Tinggi": (2, 0, 1, 0, 1)}
    national = {r.label: r.total for r in assessment_levels(cast.koordinator)}
    assert national == {"Rendah": 1, "Sedang": 1, "Tinggi": 2}


def test_plans_by_status_and_realisation(cast, world):
    coordinator = {r.code: (r.plans, r.budget) for r in plans_by_status(cast.koordinator) if r.plans}
    assert coordinator == {"draf": (1, 150_000_000), "diajukan": (1, 150_000_000), "disepakati": (1, 80_000_000)}
    assert plan_realisation(cast.koordinator) == {"spent": 20_000_000, "reached": 15, "reporting_plans": 1}
    planner = {r.code: r.plans for r in plans_by_status(cast.kemenag_perencana) if r.plans}
    assert planner == {"draf": 1, "diajukan": 1}
    assert plan_realisation(cast.kemenag_perencana) == {"spent": 0, "reached": 0, "reporting_plans": 0}


def test_each_role_gets_only_its_tiles(cast, world):
    planner = dashboard_for(cast.kemenag_perencana, period=world.period, today=world.today)
    assert planner.people is None
    assert planner.grants is None
    assert planner.levels is None
    assert planner.plans is not None
    supervisor = dashboard_for(cast.banten_kabid, period=world.period, today=world.today)
    assert supervisor.plans is None
    assert supervisor.people_total == 4
    auditor = dashboard_for(cast.auditor, period=world.period, today=world.today)
    assert auditor.is_empty


def test_each_tile_is_one_query(cast, world):
    # people, case flow, overdue cases, grants, levels with their overdue reassessments, plans, realisation;
    # the user's permissions and roles are read once per request, before.
    dashboard_for(cast.koordinator, period=world.period, today=world.today)
    with CaptureQueriesContext(connection) as queries:
        dashboard_for(cast.koordinator, period=world.period, today=world.today)
    assert len(queries) == 7


def test_province_table(cast, world):
    rows = {r.code: r for r in province_table(cast.koordinator, period=world.period, today=world.today).rows}
    assert len(rows) == 38
    banten, kaltim = rows["36"], rows["64"]
    assert (banten.people, banten.open_cases, banten.opened, banten.closed) == (4, 3, 2, 1)
    assert (banten.visits_overdue, banten.reviews_overdue) == (1, 1)
    assert (banten.grants["registered"], banten.grants["delivered"], banten.grants["committed"]) == (3, 1, 12_900_000)
    assert (banten.plans, banten.plans_agreed, banten.plan_budget) == (2, 1, 230_000_000)
    assert (kaltim.people, kaltim.open_cases, kaltim.opened, kaltim.closed) == (2, 2, 1, 1)
    assert (kaltim.visits_overdue, kaltim.reviews_overdue, kaltim.grants["active_6"]) == (1, 1, 1)
    assert (kaltim.plans, kaltim.plan_budget) == (1, 150_000_000)
    assert sum(r.people for r in rows.values()) == 6


def test_province_table_of_a_regional_office_is_its_own_province(cast, world):
    rows = province_table(cast.banten_kabid, period=world.period, today=world.today).rows
    assert [(r.code, r.people, r.grants["registered"]) for r in rows] == [("36", 4, 3)]
