from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from sinergi.models import ActionPlan
from sinergi.spreadsheets import PlansImportRejected, plans_import
from tests.sinergi.factories import kemenag_unit

pytestmark = pytest.mark.django_db

HEADER = [
    "unit", "year", "title", "plan_type", "category", "province", "regency", "target_mitra", "target_families",
    "budget", "funding_source", "start_on", "end_on", "output_indicator", "output_target", "output_unit", "pillar",
]  # fmt: skip


def _row(title: str, **changes: object) -> list[object]:
    values = {
        "unit": kemenag_unit().name, "year": 2026, "title": title, "plan_type": "Non-fisik",
        "category": "Moderasi beragama", "province": "36", "regency": "36.04", "target_mitra": 5,
        "target_families": 10, "budget": 75000000, "funding_source": "APBN", "start_on": "2026-03-01",
        "end_on": "2026-10-31", "output_indicator": "Peserta", "output_target": 15, "output_unit": "orang",
        "pillar": "1",
    }  # fmt: skip
    values.update(changes)
    return [values[h] for h in HEADER]


def _xlsx(*rows: list[object]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_creates_every_row(cast):
    file = _xlsx(_row("Kajian A"), _row("Kajian B"), _row("Sumur", plan_type="fisik", category="sumur_bor"))
    plans = plans_import(user=cast.kemenag_perencana, file=file, size=file.getbuffer().nbytes)
    assert [p.title for p in plans] == ["Kajian A", "Kajian B", "Sumur"]
    assert {p.status for p in plans} == {ActionPlan.Status.DRAFT}
    assert plans[2].plan_type == "fisik"


def test_one_bad_row_rejects_the_file_with_row_report(cast):
    file = _xlsx(
        _row("Baik"),
        _row("Salah jenis", category="Sumur bor"),
        _row("Salah wilayah", regency="64.01"),
        _row("Tanpa unit", unit="Unit tidak dikenal"),
    )
    with pytest.raises(PlansImportRejected) as rejected:
        plans_import(user=cast.kemenag_perencana, file=file, size=file.getbuffer().nbytes)
    assert [r.line for r in rejected.value.rows] == [3, 4, 5]
    assert "kegiatan fisik" in " ".join(rejected.value.rows[0].reasons)
    assert "provinsi lokasi" in " ".join(rejected.value.rows[1].reasons)
    assert "Unit" in " ".join(rejected.value.rows[2].reasons)
    assert not ActionPlan.objects.exists()


def test_import_refusals(cast):
    with pytest.raises(PermissionDenied):
        plans_import(user=cast.koordinator, file=_xlsx(_row("X")), size=100)
    with pytest.raises(ValidationError, match="Excel"):
        plans_import(user=cast.kemenag_perencana, file=io.BytesIO(b"bukan excel"), size=11)


def test_import_page_shows_row_report(cast, client_for):
    from django.urls import reverse

    file = _xlsx(_row("Baik"), _row("Salah", category="Sumur bor"))
    file.name = "rencana.xlsx"
    response = client_for(cast.kemenag_perencana).post(reverse("sinergi:plan-import"), {"file": file})
    assert response.status_code == 400
    assert 'data-row="3"' in response.content.decode()
    assert not ActionPlan.objects.exists()


def _rejected_upload(client):
    from django.urls import reverse

    file = _xlsx(_row("Baik"), _row("Sumur salah jenis", category="Sumur bor"), _row("Luar lokasi", regency="64.01"))
    file.name = "rencana.xlsx"
    response = client.post(reverse("sinergi:plan-import"), {"file": file})
    assert response.status_code == 400
    return response


def test_rejected_import_offers_the_report_of_refused_rows(cast, client_for):
    from django.urls import reverse
    from openpyxl import load_workbook

    from napiter.spreadsheets import XLSX_CONTENT_TYPE

    client = client_for(cast.kemenag_perencana)
    response = _rejected_upload(client)
    page = response.content.decode()
    assert reverse("sinergi:plan-import-report") in page
    assert "Sumur salah jenis" in page
    report = client.post(reverse("sinergi:plan-import-report"), {"laporan": response.context["report_token"]})
    assert report.status_code == 200
    assert report["Content-Type"] == XLSX_CONTENT_TYPE
    assert "laporan-penolakan-impor-rencana-aksi.xlsx" in report["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Baris", "Judul rencana aksi", "Alasan penolakan")
    assert [r[:2] for r in rows[1:]] == [(3, "Sumur salah jenis"), (4, "Luar lokasi")]
    assert "kegiatan fisik" in rows[1][2]
    assert "provinsi lokasi" in rows[2][2]
    assert not ActionPlan.objects.exists()


def test_report_of_another_user_is_refused(cast, client_for):
    from django.urls import reverse

    from napiter.accounts.services import user_upsert

    token = _rejected_upload(client_for(cast.kemenag_perencana)).context["report_token"]
    colleague = user_upsert(
        username="kl.kemenag.perencana2", office=cast.kemenag_perencana.office, role="perencana", password="x-uji-123"
    )
    response = client_for(colleague).post(reverse("sinergi:plan-import-report"), {"laporan": token})
    assert response.status_code == 400
    assert "tidak valid atau sudah kedaluwarsa" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    forged = client_for(cast.kemenag_perencana).post(reverse("sinergi:plan-import-report"), {"laporan": token + "x"})
    assert forged.status_code == 400


def test_people_import_token_is_no_plans_import_token(cast, client_for):
    """The two imports sign their reports under different names: one's token never opens the other's."""
    from django.urls import reverse

    from cases.spreadsheets import import_report_token
    from napiter.spreadsheets import RowRejection

    token = import_report_token(
        user=cast.kemenag_perencana, rejections=[RowRejection(line=2, name="X", reasons=("alasan",))]
    )
    response = client_for(cast.kemenag_perencana).post(reverse("sinergi:plan-import-report"), {"laporan": token})
    assert response.status_code == 400
