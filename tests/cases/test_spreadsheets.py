"""Excel import of people (all or nothing, with a report of refused rows) and export of the people list."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cases import spreadsheets, views_data
from cases.models import Household, Person
from cases.spreadsheets import (
    IMPORT_COLUMNS,
    PeopleImportRejected,
    import_report_rows,
    import_report_token,
    people_export,
    people_import,
)
from napiter.audit.chain import verify_access_chain
from napiter.audit.models import AccessEvent
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in IMPORT_COLUMNS]
BANTEN_VILLAGE = "36.73.01.1002"
KALTIM_VILLAGE_PREFIX = "64."


def _row(**values: object) -> dict[str, object]:
    """A valid Banten row, keyed by header; keyword arguments (by field name) override cells."""
    row: dict[str, object] = {
        "category": "Eks napiter / mitra deradikalisasi",
        "full_name": "Ahmad Hidayat",
        "aliases": "",
        "nik": "3673011503780002",
        "sex": "L",
        "birth_place": "Serang",
        "birth_date": dt.date(1978, 3, 15),
        "kk": "",
        "relation_to_head": "",
        "domicile_region": BANTEN_VILLAGE,
        "address": "Kp. Cibodas RT 02/RW 05",
        "phone": "081234567890",
        "legal_basis": "Kewajiban hukum (PP 77/2019)",
        "consent_date": None,
    }
    row.update(values)
    return row


def _xlsx(rows: list[dict[str, object]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data orang"
    sheet.append(headers or HEADERS)
    fields = [c.field for c in IMPORT_COLUMNS]
    for row in rows:
        sheet.append([row.get(field) for field in fields])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(user, content: bytes) -> spreadsheets.PeopleImportResult:
    return people_import(user=user, file=io.BytesIO(content), size=len(content))


FAMILY = [
    _row(full_name="Ahmad Hidayat", nik="3673011503780002", kk="3673010101100001", relation_to_head="kepala"),
    _row(
        category="keluarga", full_name="Siti Hidayat", nik="3673014101850001", sex="Perempuan",
        birth_date="01-01-1985", kk="3673010101100001", relation_to_head="Istri/suami",
        legal_basis="persetujuan", consent_date="2026-01-05",
    ),
    _row(
        category="Anak terpapar", full_name="Rizki Hidayat", nik="3673012006100003", birth_date=dt.date(2010, 6, 20),
        kk="3673010101100001", relation_to_head="anak", domicile_region="3673011002",
    ),
]  # fmt: skip


# --- template ----------------------------------------------------------------------------------------


def test_template_has_the_headers_choices_and_text_columns(cast, client_for):
    response = client_for(cast.banten_pendamping).get(reverse("cases:person-import-template"))
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data orang", "Pilihan", "Petunjuk"]
    data = workbook["Data orang"]
    assert [c.value for c in data[1]] == HEADERS
    assert data.column_dimensions["D"].number_format == "@"  # NIK stays text
    choices = [c.value for c in workbook["Pilihan"]["A"]]
    assert choices[0] == "Kategori"
    assert "Eks napiter / mitra deradikalisasi" in choices
    assert data.data_validations.dataValidation, "drop-down lists for the choice columns"


# --- import ------------------------------------------------------------------------------------------


def test_good_file_registers_every_row_with_the_household(cast):
    result = _import(cast.banten_pendamping, _xlsx(FAMILY))
    assert result.created == 3
    people = {p.full_name: p for p in Person.objects.filter(full_name__endswith="Hidayat")}
    assert set(people) == {"Ahmad Hidayat", "Siti Hidayat", "Rizki Hidayat"}
    siti = people["Siti Hidayat"]
    assert (siti.category, siti.sex, siti.birth_date, siti.relation_to_head) == (
        Person.Category.FAMILY, "P", dt.date(1985, 1, 1), "pasangan",
    )  # fmt: skip
    assert (siti.legal_basis, siti.consent_date) == ("persetujuan", dt.date(2026, 1, 5))
    assert people["Rizki Hidayat"].domicile_region_id == BANTEN_VILLAGE  # undotted code accepted
    assert Household.objects.get(kk="3673010101100001").members.count() == 3
    assert all(p.registered_by_office == cast.banten_pendamping.office for p in people.values())


def test_one_bad_row_saves_nothing_and_the_rejection_names_it(cast):
    rows = [*FAMILY[:2], _row(full_name="Budi Salah", nik="3673011503780009", sex="P")]
    before = Person.objects.count()
    with pytest.raises(PeopleImportRejected) as refused:
        _import(cast.banten_pendamping, _xlsx(rows))
    assert Person.objects.count() == before
    assert not Household.objects.filter(kk="3673010101100001").exists()
    [rejection] = refused.value.rejections
    assert (rejection.line, rejection.name) == (4, "Budi Salah")
    assert any(r.startswith("NIK: Jenis kelamin tidak sesuai NIK") for r in rejection.reasons)
    assert "1 dari 3 baris ditolak" in refused.value.message


def test_every_rule_of_registration_applies_to_each_row(cast):
    PersonFactory(nik="3673012503800004")
    kaltim = "64.71.01.1001"
    rows = [
        _row(full_name="Sudah Terdaftar", nik="3673012503800004", birth_date=dt.date(1980, 3, 25)),
        _row(full_name="Di Kaltim", nik="6471011503780005", domicile_region=kaltim),
        _row(full_name="Tanpa Hubungan", nik="3673011503780006", kk="3673010101100002"),
        _row(full_name="Tanpa Persetujuan", nik="3673011503780007", legal_basis="persetujuan"),
        _row(full_name="NIK Angka", nik=3673011503780008),
        _row(full_name="Kategori Asing", nik="3673011503780010", category="penjahat"),
        _row(full_name="", nik="3673011503780011"),
        _row(full_name="Kembar", nik="3673011503780002"),
        _row(full_name="Kembar Lagi", nik="3673011503780002"),
    ]
    with pytest.raises(PeopleImportRejected) as refused:
        _import(cast.banten_pendamping, _xlsx(rows))
    reasons = {r.line: " | ".join(r.reasons) for r in refused.value.rejections}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 10]
    assert "NIK ini sudah terdaftar atas nama" in reasons[2]
    assert "di luar wilayah kantor Anda" in reasons[3]
    assert "Hubungan dengan kepala keluarga: Pilih hubungan" in reasons[4]
    assert "Tanggal persetujuan: Isi tanggal persetujuan" in reasons[5]
    assert "sel berisi angka, bukan teks" in reasons[6]
    assert reasons[7].startswith("Kategori: ")
    assert reasons[8].startswith("Nama lengkap: ")
    assert "NIK: sama dengan baris 9" in reasons[10]
    assert not Person.objects.filter(full_name__in=["Kembar", "Di Kaltim"]).exists()


def test_row_numbers_are_excel_row_numbers_across_blank_rows(cast):
    with pytest.raises(PeopleImportRejected) as refused:
        _import(cast.banten_pendamping, _xlsx([FAMILY[0], {}, {}, _row(full_name="Setelah Kosong", nik="12")]))
    assert [(r.line, r.name) for r in refused.value.rejections] == [(5, "Setelah Kosong")]
    assert "2 baris" in refused.value.message  # blank rows are not rows


def test_duplicate_of_a_person_the_user_cannot_see_is_refused_neutrally(cast):
    PersonFactory(nik="6471011503780005", domicile_region_id="64.71.01.1001")
    with pytest.raises(PeopleImportRejected) as refused:
        _import(cast.banten_pendamping, _xlsx([_row(nik="6471011503780005")]))
    [rejection] = refused.value.rejections
    assert "hubungi BNPT" in " ".join(rejection.reasons)


def test_import_page_shows_rejections_and_offers_the_report(cast, client_for):
    client = client_for(cast.banten_pendamping)
    content = _xlsx([FAMILY[0], _row(full_name="Budi Salah", nik="123")])
    response = client.post(
        reverse("cases:person-import"), {"file": SimpleUploadedFile("orang.xlsx", content, "application/zip")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Budi Salah" in page
    assert "NIK harus 16 digit" in page
    assert not Person.objects.filter(full_name="Ahmad Hidayat").exists()
    token = response.context["report_token"]
    report = client.post(reverse("cases:person-import-report"), {"laporan": token})
    assert report["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Baris", "Nama lengkap", "Alasan penolakan")
    assert rows[1][:2] == (3, "Budi Salah")
    assert "NIK harus 16 digit" in rows[1][2]


def test_import_page_lists_the_first_rejections_and_counts_the_rest(cast, client_for, monkeypatch):
    monkeypatch.setattr(views_data, "SHOWN_REJECTIONS", 1)
    content = _xlsx([_row(full_name="Salah Satu", nik="1"), _row(full_name="Salah Dua", nik="2")])
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:person-import"), {"file": SimpleUploadedFile("orang.xlsx", content)}
    )
    page = response.content.decode()
    assert "Salah Satu" in page
    assert "Salah Dua" not in page
    assert "… dan 1 baris lain; lihat laporan." in page
    rows = import_report_rows(user=cast.banten_pendamping, token=response.context["report_token"])
    assert [r.name for r in rows] == ["Salah Satu", "Salah Dua"]


def test_import_page_registers_and_returns_to_the_list(cast, client_for):
    response = client_for(cast.banten_kabid).post(
        reverse("cases:person-import"), {"file": SimpleUploadedFile("orang.xlsx", _xlsx(FAMILY))}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person-list")
    assert Person.objects.filter(full_name__endswith="Hidayat").count() == 3


def test_report_token_is_bound_to_its_user_and_cannot_be_forged(cast, client_for):
    rejection = spreadsheets.RowRejection(line=5, name="X", reasons=("alasan",))
    token = import_report_token(user=cast.banten_pendamping, rejections=[rejection])
    assert import_report_rows(user=cast.banten_pendamping, token=token) == [rejection]
    with pytest.raises(ValidationError):
        import_report_rows(user=cast.banten_kabid, token=token)
    response = client_for(cast.banten_kabid).post(reverse("cases:person-import-report"), {"laporan": token})
    assert response.status_code == 400
    assert "tidak valid atau sudah kedaluwarsa" in response.content.decode()
    response = client_for(cast.banten_pendamping).post(reverse("cases:person-import-report"), {"laporan": token + "x"})
    assert response.status_code == 400


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("catatan.txt", "bukan excel")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nama,nik\nBudi,3673011503780002\n", "bukan berkas Excel"),
        (b"%PDF-1.7 not a spreadsheet", "bukan berkas Excel"),
        (_zip_without_workbook(), "tidak dapat dibaca sebagai berkas Excel"),
        (b"PK\x03\x04 truncated zip", "tidak dapat dibaca sebagai berkas Excel"),
    ],
)
def test_files_that_are_not_xlsx_are_refused_by_content(content, message, cast, client_for):
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:person-import"), {"file": SimpleUploadedFile("orang.xlsx", content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_oversize_file_is_refused_before_reading(cast):
    content = _xlsx([FAMILY[0]])
    with pytest.raises(ValidationError, match="terlalu besar"):
        people_import(user=cast.banten_pendamping, file=io.BytesIO(content), size=5 * 1024 * 1024 + 1)
    assert not Person.objects.filter(full_name="Ahmad Hidayat").exists()


def test_more_than_5000_rows_is_refused(cast, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(ValidationError, match="lebih dari 2 baris data"):
        _import(cast.banten_pendamping, _xlsx(FAMILY))
    assert not Person.objects.filter(full_name__endswith="Hidayat").exists()


def test_the_real_row_limit_counts_filled_rows_only(cast):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data orang")
    sheet.append(HEADERS)
    for n in range(5_001):
        sheet.append(["Keluarga", f"Orang {n}"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError, match=r"lebih dari 5\.000 baris data"):
        _import(cast.banten_pendamping, out.getvalue())


def test_headers_that_do_not_match_the_template_are_refused(cast):
    headers = [h for h in HEADERS if h != "Tanggal lahir"] + ["Golongan darah"]
    with pytest.raises(ValidationError) as refused:
        _import(cast.banten_pendamping, _xlsx([FAMILY[0]], headers=headers))
    message = " ".join(refused.value.messages)
    assert "kolom wajib tidak ada: Tanggal lahir" in message
    assert "kolom tidak dikenal: Golongan darah" in message


def test_roles_without_registration_cannot_import(cast):
    with pytest.raises(PermissionDenied):
        _import(cast.koordinator, _xlsx([FAMILY[0]]))


# --- export ------------------------------------------------------------------------------------------


def _exported(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content))["Daftar orang"].iter_rows(values_only=True))


def test_export_holds_only_people_in_scope_with_nik_masked_and_logs_each(cast, client_for):
    inside = [PersonFactory(full_name=f"Warga Banten {n}") for n in range(3)]
    CaseFactory(person=inside[0])
    outside = PersonFactory(full_name="Warga Kaltim", domicile_region_id="64.71.01.1001")
    response = client_for(cast.banten_pendamping).get(reverse("cases:person-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    rows = _exported(response)
    assert rows[0] == spreadsheets.EXPORT_HEADERS
    names = [r[1] for r in rows[1:]]
    assert names == [p.full_name for p in inside]
    assert outside.full_name not in names
    first = rows[1]
    assert first[3] == f"{inside[0].nik[:4]}********{inside[0].nik[-4:]}"
    assert inside[0].nik not in str(rows)
    assert first[8] == "Rehabilitasi"
    events = AccessEvent.objects.filter(action="export")
    assert sorted(events.values_list("person_id", flat=True)) == sorted(p.pk for p in inside)
    assert set(events.values_list("username", "office_name", "object_type")) == {
        (cast.banten_pendamping.username, cast.banten_pendamping.office.name, "cases.person")
    }
    assert verify_access_chain().intact


def test_export_applies_the_list_filters(cast, client_for):
    PersonFactory(full_name="Anak Satu", category=Person.Category.EXPOSED_CHILD)
    PersonFactory(full_name="Eks Dua")
    response = client_for(cast.banten_kabid).get(reverse("cases:person-export"), {"category": "anak_terpapar"})
    assert [r[1] for r in _exported(response)[1:]] == ["Anak Satu"]
    assert AccessEvent.objects.filter(action="export").count() == 1


def test_out_of_scope_caseworker_exports_nothing_of_banten(cast, client_for):
    PersonFactory(full_name="Warga Banten")
    response = client_for(cast.kaltim_pendamping).get(reverse("cases:person-export"))
    assert response.status_code == 200
    assert _exported(response)[1:] == []
    assert not AccessEvent.objects.filter(action="export").exists()


def test_export_over_the_cap_is_refused_with_a_message_and_logs_nothing(cast, client_for, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_EXPORT_ROWS", 2)
    for _ in range(3):
        PersonFactory()
    response = client_for(cast.banten_pendamping).get(reverse("cases:person-export"), {"category": "eks_napiter"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person-list") + "?category=eks_napiter"
    with pytest.raises(ValidationError, match="lebih dari batas ekspor 2 baris"):
        people_export(user=cast.banten_pendamping, params={})
    assert not AccessEvent.objects.filter(action="export").exists()


# --- who reaches the new pages -------------------------------------------------------------------------

NEW_GET_ROUTES = ["cases:person-import", "cases:person-import-template", "cases:person-export", "cases:dtsen-import"]
NEW_POST_ROUTES = ["cases:person-import", "cases:person-import-report", "cases:dtsen-import"]


@pytest.mark.parametrize("who", ["kemenag_perencana", "auditor"])
def test_roles_that_never_see_people_get_404_everywhere(who, cast, client_for):
    client = client_for(getattr(cast, who))
    for name in NEW_GET_ROUTES:
        assert client.get(reverse(name)).status_code == 404, name
    for name in NEW_POST_ROUTES:
        assert client.post(reverse(name)).status_code == 404, name


def test_assessor_may_not_export_or_import(cast, client_for):
    client = client_for(cast.asesor)
    for name in NEW_GET_ROUTES:
        assert client.get(reverse(name)).status_code == 404, name
    assert not AccessEvent.objects.filter(action="export").exists()
