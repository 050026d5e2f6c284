import pytest

from cases.models import Case
from napiter.audit.models import AccessEvent
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_open_transition_visit_close_through_the_api(cast, client_for):
    person = PersonFactory()
    api = client_for(cast.banten_pendamping)
    opened = api.post("/api/v1/cases/", {"person": person.pk, "approach": "keluarga"}, content_type=JSON)
    assert opened.status_code == 201
    case_id = opened.json()["id"]
    assert opened.json()["stage"] == "identifikasi"
    skip = api.post(f"/api/v1/cases/{case_id}/transition/", {"to_stage": "reedukasi"}, content_type=JSON)
    assert skip.status_code == 400
    assert "tidak dapat dilompati" in str(skip.json()["errors"])
    moved = api.post(f"/api/v1/cases/{case_id}/transition/", {"to_stage": "rehabilitasi"}, content_type=JSON)
    assert moved.json()["stage"] == "rehabilitasi"
    visit = api.post(
        f"/api/v1/cases/{case_id}/visits/",
        {"visited_on": "2026-05-05", "place": "Rumah", "findings": "Baik"},
        content_type=JSON,
    )
    assert visit.status_code == 201
    assert [v["place"] for v in api.get(f"/api/v1/cases/{case_id}/visits/").json()] == ["Rumah"]
    closed = api.post(f"/api/v1/cases/{case_id}/close/", {"reason": "reintegrasi"}, content_type=JSON)
    assert (closed.json()["stage"], closed.json()["closure_reason"]) == ("ditutup", "reintegrasi")


def test_case_retrieve_is_logged_and_scoped(cast, client_for):
    case = CaseFactory()
    assert client_for(cast.kaltim_pendamping).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client_for(cast.kaltim_pendamping).get("/api/v1/cases/").json()["results"] == []
    body = client_for(cast.koordinator).get(f"/api/v1/cases/{case.pk}/").json()
    assert (body["office"], body["caseworker"]) == ("DINSOS-BTN", "dinsos.banten.pendamping")
    assert AccessEvent.objects.filter(object_type="cases.case", object_id=str(case.pk), username="bnpt.koordinator")


def test_out_of_scope_actions_are_404_whatever_the_body(cast, client_for):
    case = CaseFactory()
    api = client_for(cast.kaltim_pendamping)
    for action in ("transition", "close", "visits"):
        response = api.post(f"/api/v1/cases/{case.pk}/{action}/", {}, content_type=JSON)
        assert response.status_code == 404, action
    assert Case.objects.get(pk=case.pk).stage == case.stage


def test_households_show_only_visible_members(cast, client_for):
    from tests.factories import HouseholdFactory

    household = HouseholdFactory()
    banten = PersonFactory(household=household, full_name="Anggota Banten")
    moved = PersonFactory(household=household, domicile_region_id="64.72.01.1001", nik="6472010101800001")
    body = client_for(cast.banten_pendamping).get(f"/api/v1/households/{household.pk}/").json()
    assert body["members"] == [banten.pk]
    assert moved.pk not in body["members"]
    assert body["kk"] == f"{household.kk[:4]}********{household.kk[-4:]}"
    assert client_for(cast.kemenag_perencana).get("/api/v1/households/").status_code == 404
    other = HouseholdFactory()
    PersonFactory(household=other, domicile_region_id="64.72.01.1001", nik="6472010101800002")
    assert client_for(cast.banten_pendamping).get(f"/api/v1/households/{other.pk}/").status_code == 404


def test_assign_through_the_api(cast, client_for):
    case = CaseFactory(caseworker=None)
    response = client_for(cast.banten_kabid).post(
        f"/api/v1/cases/{case.pk}/assign/", {"caseworker": "dinsos.banten.pendamping"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["caseworker"] == "dinsos.banten.pendamping"
