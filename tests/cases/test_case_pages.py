import pytest
from django.urls import reverse

from cases.models import Case, Visit
from napiter.audit.models import AccessEvent
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_caseworker_opens_a_case_from_the_person_page(cast, client_for):
    person = PersonFactory()
    client = client_for(cast.banten_pendamping)
    response = client.post(reverse("cases:case-open", args=[person.pk]), {"approach": "komunitas", "goals": "Mandiri"})
    case = Case.objects.get(person=person)
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    page = client.get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    assert "Kasus</a>" in page or f"#{case.pk}" in page
    assert "Kasus dibuka" in page  # on the timeline


def test_case_page_moves_stage_and_records_visit(cast, client_for):
    case = CaseFactory(stage="rehabilitasi")
    client = client_for(cast.banten_pendamping)
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert page.status_code == 200
    assert AccessEvent.objects.filter(object_type="cases.case", person_id=case.person_id, action="view").exists()
    client.post(reverse("cases:case-transition", args=[case.pk]), {"to_stage": "reedukasi", "note": ""})
    client.post(
        reverse("cases:visit-create", args=[case.pk]),
        {"visited_on": "2026-06-01", "place": "Rumah", "findings": "Warung buka setiap hari"},
    )
    case.refresh_from_db()
    assert case.stage == "reedukasi"
    assert Visit.objects.get(case=case).findings == "Warung buka setiap hari"
    timeline = client.get(reverse("cases:person-detail", args=[case.person_id])).content.decode()
    assert "Tahap: Reedukasi" in timeline
    assert "Kunjungan: Rumah" in timeline


def test_refused_transition_shows_the_reason_on_the_page(cast, client_for):
    case = CaseFactory(stage="rehabilitasi")
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:case-transition", args=[case.pk]), {"to_stage": "pemantauan", "note": ""}
    )
    assert response.status_code == 400
    assert "tidak dapat dilompati" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "rehabilitasi"


def test_national_supervisor_sees_case_but_gets_no_write_forms(cast, client_for):
    case = CaseFactory()
    client = client_for(cast.kemensos_supervisor)
    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "Ubah tahap" not in html
    response = client.post(reverse("cases:case-close", args=[case.pk]), {"reason": "meninggal"})
    assert response.status_code == 400
    assert "Hanya kantor pemilik kasus" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "rehabilitasi"


def test_intelligence_notes_only_for_roles_with_their_permission(cast, client_for):
    from cases.models import CaseNote

    case = CaseFactory()
    CaseNote.objects.create(
        case=case, body="Kontak lama di jaringan X", is_intelligence=True, written_by=cast.banten_kabid
    )
    CaseNote.objects.create(case=case, body="Anak mulai sekolah lagi", written_by=cast.banten_pendamping)
    url = reverse("cases:case-detail", args=[case.pk])
    pendamping = client_for(cast.banten_pendamping).get(url).content.decode()
    assert "Anak mulai sekolah lagi" in pendamping
    assert "Kontak lama di jaringan X" not in pendamping
    kabid = client_for(cast.banten_kabid).get(url).content.decode()
    assert "Kontak lama di jaringan X" in kabid


def test_caseworker_cannot_write_intelligence_note(cast, client_for):
    from cases.models import CaseNote

    case = CaseFactory()
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:note-create", args=[case.pk]), {"body": "Rahasia", "is_intelligence": "on"}
    )
    assert response.status_code == 400
    assert not CaseNote.objects.exists()


def test_person_page_shows_cases_and_timeline_once(cast, client_for):
    case = CaseFactory()
    html = (
        client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[case.person_id])).content.decode()
    )
    assert html.count("Linimasa") == 1
    assert html.count(reverse("cases:case-detail", args=[case.pk])) == 1
    title = html.split("<title>")[1].split("</title>")[0]
    assert "<div" not in title


def test_assign_and_plan_the_case(cast, client_for):
    from cases.services import case_assign

    case = CaseFactory(caseworker=None)
    response = client_for(cast.banten_kabid).post(
        reverse("cases:case-plan", args=[case.pk]),
        {
            "goals": "Usaha mandiri",
            "atensi_planned": ["vokasional", "dukungan_keluarga"],
            "atensi_given": ["vokasional"],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.goals, case.atensi_planned, case.atensi_given) == (
        "Usaha mandiri", ["dukungan_keluarga", "vokasional"], ["vokasional"],
    )  # fmt: skip
    page = client_for(cast.banten_kabid).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "Pelatihan vokasional/kewirausahaan" in page.split('data-testid="atensi-planned"')[1].split("</dd>")[0]
    assigned = case_assign(user=cast.banten_kabid, pk=case.pk, caseworker=cast.banten_pendamping)
    assert assigned.caseworker == cast.banten_pendamping
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="kantor pemilik"):
        case_assign(user=cast.banten_kabid, pk=case.pk, caseworker=cast.kaltim_pendamping)
