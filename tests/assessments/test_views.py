"""The assessment pages: fill (autosave, submit), detail by role, person trajectory, due list."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Assessment
from assessments.services import assessment_start
from tests.assessments.conftest import submitted_assessment
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ITEMS = ["s1", "s2", "s3", "j1", "j2", "j3", "k1", "k2", "k3"]


def _draft(cast, version, person=None) -> Assessment:
    return assessment_start(
        user=cast.asesor,
        person=person or PersonFactory.create(),
        version=version,
        purpose=Assessment.Purpose.PERIODIC,
        assessed_on=dt.date(2026, 1, 10),
    )


def _form(**ratings: str) -> dict[str, str]:
    data = {"assessed_on": "2026-01-10", "purpose": "berkala", "sources": "Wawancara", "aid_eligible": "unknown"}
    data.update({f"rating_{k}": v for k, v in ratings.items()})
    return data


def test_fill_page_lists_every_item_with_its_scale(cast, client_for, demo_version):
    a = _draft(cast, demo_version)
    page = client_for(cast.asesor).get(f"/asesmen/{a.pk}/isi/").content.decode()
    for code in ITEMS:
        assert f'name="rating_{code}"' in page
    assert "Tidak diketahui" in page
    assert "Sebagian" in page


def test_autosave_answers_with_the_running_score(cast, client_for, demo_version):
    a = _draft(cast, demo_version)
    response = client_for(cast.asesor).post(
        f"/asesmen/{a.pk}/isi/", {**_form(s1="2", s2="x"), "evidence_s1": "Pengakuan"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Tersimpan" in response.content.decode()
    a.refresh_from_db()
    assert a.missing_count == 1
    assert a.ratings.get(item__code="s1").evidence == "Pengakuan"
    assert a.status == Assessment.Status.DRAFT


def test_submit_from_the_page_locks_and_shows_the_level(cast, client_for, demo_version):
    a = _draft(cast, demo_version)
    client = client_for(cast.asesor)
    incomplete = client.post(f"/asesmen/{a.pk}/isi/", {**_form(s1="1"), "action": "submit"})
    assert incomplete.status_code == 400
    assert "8 butir belum dinilai" in incomplete.content.decode()
    data = {**_form(**dict.fromkeys(ITEMS, "2")), "recommendation": "rehabilitasi", "aid_eligible": "false"}
    done = client.post(f"/asesmen/{a.pk}/isi/", {**data, "action": "submit"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED
    assert a.level.code == "tinggi"
    assert a.next_review_on == dt.date(2026, 2, 10)
    # once locked, the fill page sends the assessor to the read-only page
    assert client.get(f"/asesmen/{a.pk}/isi/")["Location"] == f"/asesmen/{a.pk}/"


def test_detail_shows_item_ratings_to_supervisor_only(cast, client_for, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, 1)
    caseworker = client_for(cast.banten_pendamping).get(f"/asesmen/{a.pk}/").content.decode()
    supervisor = client_for(cast.banten_kabid).get(f"/asesmen/{a.pk}/").content.decode()
    assert "Sedang" in caseworker
    assert 'data-testid="ratings"' not in caseworker
    assert "Wawancara" not in caseworker
    assert 'data-testid="ratings"' in supervisor
    assert "Wawancara" in supervisor


def test_another_assessors_draft_is_not_fillable(cast, client_for, demo_version, django_user_model):
    a = _draft(cast, demo_version)
    other = django_user_model.objects.create_user(username="asesor.lain", office=cast.asesor.office)
    other.groups.set(cast.asesor.groups.all())
    assert client_for(other).get(f"/asesmen/{a.pk}/isi/").status_code == 404


def test_second_assessor_disagreement_is_shown_side_by_side(cast, client_for, demo_version, django_user_model):
    from assessments.services import assessment_save, assessment_submit
    from tests.assessments.conftest import rate_all

    person = PersonFactory.create()
    first = submitted_assessment(cast.asesor, person, demo_version, 0)
    other = django_user_model.objects.create_user(username="asesor.dua", first_name="Asesor", last_name="Dua")
    other.office = cast.banten_kabid.office
    other.save()
    other.groups.set(cast.asesor.groups.all())
    second = assessment_start(user=other, person=person, version=demo_version, purpose="awal",
                              assessed_on=dt.date(2026, 1, 11), second_opinion_of=first)  # fmt: skip
    assessment_save(user=other, pk=second.pk, ratings=rate_all(demo_version, 2),
                    fields={"recommendation": "rehabilitasi", "aid_eligible": False})  # fmt: skip
    assessment_submit(user=other, pk=second.pk)
    page = client_for(cast.banten_kabid).get(f"/asesmen/{first.pk}/").content.decode()
    assert 'data-testid="comparison"' in page
    assert page.count("table-warning") == 9
    assert "berbeda" in page


def test_person_page_carries_the_trajectory_data(cast, client_for, demo_version):
    person = PersonFactory.create(full_name="Orang Grafik")
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, 5))
    page = client_for(cast.banten_pendamping).get(f"/asesmen/orang/{person.pk}/").content.decode()
    assert 'id="assessment-trajectory-data"' in page
    assert "assessment-trajectory.js" in page
    assert "Orang Grafik" in page
    assert "Mulai asesmen" not in page  # caseworkers do not assess
    assert "Mulai asesmen" in client_for(cast.asesor).get(f"/asesmen/orang/{person.pk}/").content.decode()


def test_start_from_the_person_page_opens_the_fill_form(cast, client_for, demo_version):
    person = PersonFactory.create()
    response = client_for(cast.asesor).post(
        f"/asesmen/orang/{person.pk}/mulai/",
        {"version": demo_version.pk, "purpose": "awal", "assessed_on": "2026-01-10"},
    )
    a = Assessment.objects.get(person=person)
    assert response["Location"] == f"/asesmen/{a.pk}/isi/"


def test_due_list_shows_overdue_reviews_in_scope(cast, client_for, demo_version):
    person = PersonFactory.create(full_name="Orang Terlambat")
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, 5))
    assert "Orang Terlambat" in client_for(cast.banten_pendamping).get("/asesmen/").content.decode()
    assert "Orang Terlambat" not in client_for(cast.kaltim_pendamping).get("/asesmen/").content.decode()


def test_due_list_pages_overdue_reviews_most_overdue_first(cast, client_for, demo_version):
    for day in range(1, 28):  # 27 people, each overdue since a different day of February
        person = PersonFactory.create(full_name=f"Orang Asesmen {day:02d}")
        submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, day))
    client = client_for(cast.banten_pendamping)
    first = client.get("/asesmen/").content.decode()
    second = client.get("/asesmen/?hal=2").content.decode()
    assert first.count('data-testid="overdue"') == 25
    assert second.count('data-testid="overdue"') == 2
    assert first.index("Orang Asesmen 01") < first.index("Orang Asesmen 25")
    assert "Orang Asesmen 26" not in first
    assert "Orang Asesmen 27" in second
    assert "hal=2" in first


def test_submitted_assessment_joins_the_person_timeline(cast, client_for, demo_version):
    person = PersonFactory.create()
    submitted_assessment(cast.asesor, person, demo_version, 1, assessed_on=dt.date(2025, 3, 1))
    page = client_for(cast.banten_pendamping).get(f"/orang/{person.pk}/").content.decode()
    assert "Asesmen: tingkat Sedang" in page
    assert "Asesmen awal · rekomendasi reintegrasi sosial" in page
