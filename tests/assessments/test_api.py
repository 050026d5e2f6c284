"""The instruments, assessments and trajectories API: the flow, sensitive item ratings, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Assessment
from cases.services import case_open
from tests.assessments.conftest import demo_document, submitted_assessment
from tests.assistance.factories import delivered_grant
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_assessor_fills_submits_and_amends_through_the_api(cast, client_for, demo_version):
    person = PersonFactory.create()
    api = client_for(cast.asesor)
    created = api.post(
        "/api/v1/assessments/",
        {"person": person.pk, "version": demo_version.pk, "purpose": "awal", "assessed_on": "2026-01-10"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    ratings = [{"item": code, "value": 1, "evidence": "Wawancara"} for code in
               ["s1", "s2", "s3", "j1", "j2", "j3", "k1", "k2"]] + [{"item": "k3", "missing": True}]  # fmt: skip
    saved = api.patch(
        f"/api/v1/assessments/{pk}/",
        {"ratings": ratings, "recommendation": "reedukasi", "aid_eligible": True},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["missing_count"] == 1
    assert saved.json()["score"] == "9.00"  # 8 of max 16 rated, prorated to max 18
    submitted = api.post(f"/api/v1/assessments/{pk}/submit/", content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert (body["status"], body["level"], body["next_review_on"]) == ("diajukan", "Sedang", "2026-04-10")
    locked = api.patch(f"/api/v1/assessments/{pk}/", {"sources": "x"}, content_type="application/json")
    assert locked.status_code == 400
    assert "terkunci" in str(locked.json()["errors"])
    amended = api.post(f"/api/v1/assessments/{pk}/amend/", content_type="application/json")
    assert amended.status_code == 201
    assert (amended.json()["amends"], amended.json()["version_number"]) == (pk, 2)


def test_caseworker_sees_level_but_not_item_ratings(cast, client_for, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, 2)
    caseworker = client_for(cast.banten_pendamping).get(f"/api/v1/assessments/{a.pk}/").json()
    supervisor = client_for(cast.banten_kabid).get(f"/api/v1/assessments/{a.pk}/").json()
    assert caseworker["level"] == "Tinggi"
    assert caseworker["recommendation"] == "reintegrasi"
    assert "ratings" not in caseworker
    assert "score" not in caseworker
    assert len(supervisor["ratings"]) == 9
    assert supervisor["ratings"][0]["evidence"] == "Wawancara"


def test_caseworker_cannot_start_an_assessment(cast, client_for, demo_version):
    response = client_for(cast.banten_pendamping).post(
        "/api/v1/assessments/",
        {
            "person": PersonFactory.create().pk,
            "version": demo_version.pk,
            "purpose": "awal",
            "assessed_on": "2026-01-10",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Hanya asesor yang dapat melakukan asesmen."
    assert not Assessment.objects.exists()


def test_list_is_scoped_and_filterable_by_person(cast, client_for, demo_version):
    mine, other = PersonFactory.create(), PersonFactory.create()
    a = submitted_assessment(cast.asesor, mine, demo_version, 0)
    submitted_assessment(cast.asesor, other, demo_version, 0)
    rows = client_for(cast.banten_pendamping).get(f"/api/v1/assessments/?person={mine.pk}").json()["results"]
    assert [r["id"] for r in rows] == [a.pk]
    assert client_for(cast.kaltim_pendamping).get("/api/v1/assessments/").json()["results"] == []


def test_instrument_import_and_export_for_coordinator(cast, client_for):
    api = client_for(cast.koordinator)
    bad = demo_document()
    bad["bands"] = []
    refused = api.post("/api/v1/instruments/import/", {"document": bad}, content_type="application/json")
    assert refused.status_code == 400
    assert "bands" in str(refused.json()["errors"])
    created = api.post("/api/v1/instruments/import/", {"document": demo_document()}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    exported = api.get(f"/api/v1/instruments/{pk}/export/").json()
    assert exported["code"] == "demo-reintegrasi"
    assert [d["code"] for d in exported["domains"]] == ["sikap", "jejaring", "kehidupan"]
    listed = client_for(cast.banten_pendamping).get("/api/v1/instruments/").json()["results"]
    assert listed[0]["bands"][0]["label"] == "Rendah"
    # an assessor uses instruments but does not manage them
    assert (
        client_for(cast.asesor)
        .post("/api/v1/instruments/import/", {"document": demo_document()}, content_type="application/json")
        .status_code
        == 404
    )


def test_trajectory_has_levels_domain_scores_and_case_stages(cast, client_for, demo_version):
    person = PersonFactory.create(full_name="Orang Lintasan")
    case_open(user=cast.banten_pendamping, person=person, approach="keluarga", goals="Reintegrasi")
    grant = delivered_grant(person=person)
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, 5))
    submitted_assessment(cast.asesor, person, demo_version, 0, assessed_on=dt.date(2025, 7, 5))
    supervisor = client_for(cast.banten_kabid).get(f"/api/v1/trajectories/{person.pk}/").json()
    points = [p for p in supervisor["points"] if p["kind"] == "assessment"]
    assert [(p["date"], p["title"], p["level_rank"]) for p in points] == [
        ("2025-01-05", "Tinggi", 3),
        ("2025-07-05", "Rendah", 1),
    ]
    assert points[0]["domain_scores"] == {"sikap": "100.00", "jejaring": "100.00", "kehidupan": "100.00"}
    assert any(p["kind"] == "stage" for p in supervisor["points"])
    assert [p["title"] for p in supervisor["points"] if p["kind"] == "grant"] == [f"Bantuan: {grant.programme.name}"]
    assert supervisor["levels"] == ["Rendah", "Sedang", "Tinggi"]
    caseworker = client_for(cast.banten_pendamping).get(f"/api/v1/trajectories/{person.pk}/").json()
    assert all(p["domain_scores"] == {} for p in caseworker["points"])
    assert client_for(cast.kaltim_pendamping).get(f"/api/v1/trajectories/{person.pk}/").status_code == 404


def test_drafts_are_listed_only_to_their_assessor(cast, client_for, demo_version):
    from assessments.services import assessment_start

    person = PersonFactory.create()
    draft = assessment_start(
        user=cast.asesor, person=person, version=demo_version, purpose="awal", assessed_on=dt.date(2026, 1, 10)
    )
    own = client_for(cast.asesor).get(f"/api/v1/assessments/?person={person.pk}").json()["results"]
    assert [r["id"] for r in own] == [draft.pk]
    assert client_for(cast.banten_pendamping).get(f"/api/v1/assessments/?person={person.pk}").json()["results"] == []
