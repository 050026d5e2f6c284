from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from napiter.accounts.models import Agency, Office, User
from napiter.accounts.services import user_upsert
from sinergi.models import ActionPlan
from tests.sinergi.factories import kemenag_unit, submitted_plan_for_matrix

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(cast):
    return submitted_plan_for_matrix(region=cast.banten_pendamping.office.region)


@pytest.fixture
def kemenkes_planner(base_data) -> User:
    agency = Agency.objects.create(code="kemenkes", name="Kementerian Kesehatan", kind=Agency.Kind.MINISTRY)
    from napiter.accounts.services import office_upsert

    office = office_upsert(
        code="KEMENKES-RENC", agency=agency, name="Kemenkes, Biro Perencanaan", jurisdiction="national",
        region_code=None, timezone=Office.TimeZone.WIB,
    )  # fmt: skip
    return user_upsert(username="kl.kemenkes.perencana", office=office, role="perencana", password="x-uji-123")


def test_koordinator_approves_through_api(cast, plan):
    response = api(cast.koordinator).post(f"/api/v1/action-plans/{plan.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == ActionPlan.Status.APPROVED


def test_planner_approving_gets_403_with_reason(cast, plan):
    response = api(cast.kemenag_perencana).post(f"/api/v1/action-plans/{plan.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert "koordinator BNPT" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED


def test_other_ministry_planner_gets_404(plan, kemenkes_planner):
    client = api(kemenkes_planner)
    assert client.post(f"/api/v1/action-plans/{plan.pk}/approve/", {}, format="json").status_code == 404
    assert client.get(f"/api/v1/action-plans/{plan.pk}/").status_code == 404
    assert client.get("/api/v1/action-plans/").json()["count"] == 0
    assert [m["code"] for m in client.get("/api/v1/ministries/").json()["results"]] == ["kemenkes"]


@pytest.mark.parametrize("who", ["banten_pendamping", "auditor", "kemensos_supervisor"])
def test_people_roles_do_not_reach_sinergi(cast, plan, who):
    response = api(getattr(cast, who)).post(f"/api/v1/action-plans/{plan.pk}/approve/", {}, format="json")
    assert response.status_code == 404


def test_return_requires_comment_then_planner_resubmits(cast, plan):
    koordinator = api(cast.koordinator)
    assert koordinator.post(f"/api/v1/action-plans/{plan.pk}/return/", {}, format="json").status_code == 400
    response = koordinator.post(f"/api/v1/action-plans/{plan.pk}/return/", {"comment": "Lengkapi desa."}, format="json")
    assert response.json()["status"] == ActionPlan.Status.RETURNED
    assert response.json()["comments"][0]["text"] == "Lengkapi desa."
    response = api(cast.kemenag_perencana).post(f"/api/v1/action-plans/{plan.pk}/submit/", format="json")
    assert response.json()["status"] == ActionPlan.Status.SUBMITTED
    assert plan.events.filter(action="diajukan").count() == 2


def test_planner_creates_plan_via_api_and_coordinator_cannot(cast):
    body = {
        "unit": kemenag_unit().pk, "year": 2026, "title": "Pelatihan dai moderat", "plan_type": "non_fisik",
        "category": "moderasi_beragama", "province": "36", "target_mitra": 5, "budget": "50000000",
        "funding_source": "apbn", "start_on": "2026-02-01", "end_on": "2026-06-30",
        "output_indicator": "Peserta", "output_target": "5", "output_unit": "orang", "pillar": "1",
    }  # fmt: skip
    response = api(cast.kemenag_perencana).post("/api/v1/action-plans/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["ministry"] == "kemenag"
    assert response.json()["status"] == "draf"
    assert api(cast.koordinator).post("/api/v1/action-plans/", body, format="json").status_code == 403
    bad = api(cast.kemenag_perencana).post("/api/v1/action-plans/", {**body, "category": "sumur_bor"}, format="json")
    assert bad.status_code == 400
    assert "plan_type" in bad.json()["errors"]
