import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Household, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

VALID = {
    "category": "eks_napiter",
    "full_name": "Joko  Susilo",
    "aliases": "Abu Joko, Jok",
    "nik": "3673011203850007",
    "sex": "L",
    "birth_place": "Serang",
    "birth_date": "1985-03-12",
    "kk": "3673011502100003",
    "relation_to_head": "kepala",
    "domicile_region": "36.73.01.1002",
    "address": "Kp. Cipare RT 01/RW 02",
    "phone": "081298765432",
    "legal_basis": "kewajiban_hukum",
}


def post(client, **changes):
    return client.post(reverse("cases:person-create"), {**VALID, **changes})


def test_caseworker_registers_person_with_household(cast, client_for):
    response = post(client_for(cast.banten_pendamping))
    person = Person.objects.get(nik="3673011203850007")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person-detail", args=[person.pk])
    assert (person.full_name, person.aliases, person.registered_by_office.code) == (
        "Joko Susilo", ["Abu Joko", "Jok"], "DINSOS-BTN",
    )  # fmt: skip
    assert person.household.kk == "3673011502100003"
    assert person.household.members.get() == person


def test_second_member_joins_the_same_household(cast, client_for):
    client = client_for(cast.banten_pendamping)
    post(client)
    post(client, full_name="Siti Aminah", nik="3673015506880002", sex="P", birth_date="1988-06-15",
         relation_to_head="pasangan")  # fmt: skip
    assert Household.objects.get(kk="3673011502100003").members.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nik": "367301120385000"}, "nik", "NIK harus 16 digit angka (terisi 15 karakter)."),
        ({"sex": "P"}, "nik", "Jenis kelamin tidak sesuai NIK"),
        ({"birth_date": "1985-03-13"}, "nik", "Tanggal lahir (13-03-1985) tidak sesuai dengan NIK (12-03-1985)."),
        ({"nik": "3673011203850000"}, "nik", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."),
        ({"domicile_region": "36.73"}, "domicile_region", "Pilih desa/kelurahan."),
        ({"domicile_region": "64.72.01.1001"}, "domicile_region", "Domisili berada di luar wilayah kantor Anda"),
        ({"legal_basis": "persetujuan"}, "consent_date", "Isi tanggal persetujuan"),
        ({"full_name": ""}, "full_name", "Bidang ini harus diisi."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(cast, client_for, changes, field, message):
    response = post(client_for(cast.banten_pendamping), **changes)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Person.objects.exists()
    assert not Household.objects.exists()


def test_duplicate_nik_visible_record_is_named_and_linked(cast, client_for):
    existing = PersonFactory(nik="3673011203850007", full_name="Joko Lama", birth_date=dt.date(1985, 3, 12))
    response = post(client_for(cast.banten_pendamping))
    html = response.content.decode()
    assert response.status_code == 400
    assert "NIK ini sudah terdaftar atas nama Joko Lama." in html
    assert reverse("cases:person-detail", args=[existing.pk]) in html
    assert Person.objects.count() == 1


def test_duplicate_nik_out_of_scope_gets_a_neutral_message(cast, client_for):
    hidden = PersonFactory(nik="3673011203850007", full_name="Orang Lain", domicile_region_id="64.72.01.1001")
    response = post(client_for(cast.banten_pendamping))
    html = response.content.decode()
    assert "NIK ini sudah terdaftar di sistem. Untuk koordinasi data, hubungi BNPT" in html
    assert "Orang Lain" not in html
    assert reverse("cases:person-detail", args=[hidden.pk]) not in html
    assert "64.72" not in html


def test_likely_duplicates_by_name_and_birth_date(cast, client_for):
    PersonFactory(full_name="Joko Susilo", birth_date=dt.date(1985, 3, 12))
    PersonFactory(full_name="Joko Susilo", birth_date=dt.date(1985, 3, 12), domicile_region_id="64.72.01.1001",
                  nik="6472011203850001")  # fmt: skip
    response = client_for(cast.banten_pendamping).get(
        reverse("cases:person-similar"), {"full_name": "Joko Susila", "birth_date": "1985-03-12"}
    )
    html = response.content.decode()
    assert html.count("<li>") == 1  # the Kalimantan Timur namesake is out of scope and not shown
    assert "Joko Susilo" in html


def test_unknown_region_code_in_nik_is_saved_with_a_warning(cast, client_for):
    response = post(client_for(cast.banten_pendamping), nik="3699011203850007")
    assert response.status_code == 302
    page = client_for(cast.banten_pendamping).get(response["Location"])
    assert (
        "pemekaran" in " ".join(str(m) for m in page.context["messages"])
        or Person.objects.filter(nik="3699011203850007").exists()
    )


def test_registration_form_renders_in_indonesian_for_the_caseworker(cast, client_for):
    html = client_for(cast.banten_pendamping).get(reverse("cases:person-create")).content.decode()
    assert "Daftarkan orang" in html
    assert 'id="domicile_region-province"' in html


API_BODY = {**VALID, "aliases": ["Abu Joko"], "domicile_region": "3673011002"}


def test_api_registration_same_rules(cast, client_for):
    client = client_for(cast.banten_pendamping)
    bad = client.post("/api/v1/people/", {**API_BODY, "sex": "P"}, content_type="application/json")
    assert bad.status_code == 400
    assert "Jenis kelamin tidak sesuai NIK" in bad.json()["errors"]["nik"][0]
    good = client.post("/api/v1/people/", API_BODY, content_type="application/json")
    assert good.status_code == 201
    body = good.json()
    assert (body["nik"], body["domicile_region"], body["full_name"]) == (
        "3673********0007", "36.73.01.1002", "Joko Susilo",
    )  # fmt: skip
    again = client.post("/api/v1/people/", API_BODY, content_type="application/json")
    assert again.status_code == 409
    assert again.json() == {"detail": "NIK ini sudah terdaftar atas nama Joko Susilo.", "existing_id": body["id"]}


def test_api_duplicate_out_of_scope_is_neutral(cast, client_for):
    PersonFactory(nik="3673011203850007", full_name="Orang Lain", domicile_region_id="64.72.01.1001")
    response = client_for(cast.banten_pendamping).post("/api/v1/people/", API_BODY, content_type="application/json")
    assert response.status_code == 409
    assert "existing_id" not in response.json()
    assert "Orang Lain" not in response.content.decode()


def test_api_registration_refused_for_roles_without_casework(cast, client_for):
    response = client_for(cast.asesor).post("/api/v1/people/", API_BODY, content_type="application/json")
    assert response.status_code == 403
    assert not Person.objects.exists()
