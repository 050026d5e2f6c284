"""Periodic reports: drafts on schedule (once per office and period), the narrative, the signed PDF with
the period's measures, charts and overdue lists, and who may do what."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from dashboards.models import PeriodicReport
from dashboards.periods import MONTHLY, QUARTERLY, YEARLY
from dashboards.services import (
    OVERDUE_LIST_LIMIT,
    periodic_report_create,
    periodic_report_request_signing,
    periodic_report_update,
    periodic_reports_generate,
)
from dashboards.tasks import generate_periodic_reports
from napiter.documents.models import Document
from napiter.documents.services import document_render, document_sign
from tests.documents.factories import ensure_test_pki
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_schedule_creates_each_office_and_period_once(cast):
    assert periodic_reports_generate(today=dt.date(2026, 4, 2)) == 3
    made = {
        (r.office.code, r.kind, r.period_start, r.period_end) for r in PeriodicReport.objects.select_related("office")
    }
    # Banten has a supervisor, Kalimantan Timur none; Kemensos is the national office with one.
    assert made == {
        ("DINSOS-BTN", MONTHLY, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("DINSOS-BTN", QUARTERLY, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (cast.kemensos_supervisor.office.code, YEARLY, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }
    assert periodic_reports_generate(today=dt.date(2026, 4, 20)) == 0
    assert periodic_reports_generate(today=dt.date(2026, 5, 1)) == 1  # April's monthly report
    assert PeriodicReport.objects.count() == 4


def test_beat_runs_the_generating_task(cast):
    entry = settings.CELERY_BEAT_SCHEDULE["dashboards-periodic-reports"]
    assert entry["task"] == generate_periodic_reports.name
    generate_periodic_reports.apply()
    first = PeriodicReport.objects.count()
    assert first == 3
    generate_periodic_reports.apply()
    assert PeriodicReport.objects.count() == first


def test_on_demand_report_is_the_same_row_as_the_scheduled_one(cast, world):
    report = periodic_report_create(user=cast.banten_kabid, kind=MONTHLY, day=world.today, today=world.today)
    again = periodic_report_create(user=cast.banten_kabid, kind=MONTHLY, day=world.period.end, today=world.today)
    assert again.pk == report.pk
    assert report.period == world.period
    with pytest.raises(ValidationError):
        periodic_report_create(
            user=cast.banten_kabid, kind=MONTHLY, day=world.today + dt.timedelta(days=40), today=world.today
        )
    with pytest.raises(PermissionDenied):
        periodic_report_create(user=cast.banten_pendamping, kind=MONTHLY, day=world.today, today=world.today)


def test_only_the_office_supervisor_writes_and_outsiders_do_not_see_it(cast, world):
    report = periodic_report_create(user=cast.banten_kabid, kind=MONTHLY, day=world.today, today=world.today)
    with pytest.raises(PermissionDenied):
        periodic_report_update(
            user=cast.banten_pendamping, report_id=report.pk, summary="x", obstacles="", follow_up=""
        )
    with pytest.raises(Http404):
        periodic_report_update(
            user=cast.kaltim_pendamping, report_id=report.pk, summary="x", obstacles="", follow_up=""
        )


def test_signing_needs_a_summary_and_leaves_nothing_half_done(cast, world):
    report = periodic_report_create(user=cast.banten_kabid, kind=MONTHLY, day=world.today, today=world.today)
    with pytest.raises(ValidationError):
        periodic_report_request_signing(user=cast.banten_kabid, report_id=report.pk)
    report.refresh_from_db()
    assert report.is_draft
    assert report.document_id is None
    assert not Document.objects.filter(kind="laporan_periodik").exists()


def test_signed_report_carries_the_period_measures_narrative_charts_and_overdue_items(cast, world):
    ensure_test_pki()
    kabid = cast.banten_kabid
    report = periodic_report_create(user=kabid, kind=MONTHLY, day=world.today, today=world.today)
    periodic_report_update(
        user=kabid, report_id=report.pk, summary="Pendampingan berjalan sesuai rencana kerja.",
        obstacles="Akses jalan ke desa terputus banjir.", follow_up="Kunjungan susulan pekan depan.",
    )  # fmt: skip
    document = periodic_report_request_signing(user=kabid, report_id=report.pk)
    report.refresh_from_db()
    assert report.status == PeriodicReport.Status.REQUESTED
    assert report.document_id == document.pk
    with pytest.raises(ValidationError):
        periodic_report_update(user=kabid, report_id=report.pk, summary="ubah", obstacles="", follow_up="")
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    signed = document_sign(user=kabid, document_id=document.pk)
    assert signed.status == Document.Status.SIGNED
    assert [s.signer_id for s in signed.signatures.all()] == [kabid.pk]
    text = _pdf_text(signed)
    assert "LAPORAN BULANAN" in text
    assert world.period.label.upper() in text
    assert "Pendampingan berjalan sesuai rencana kerja." in text
    assert "Akses jalan ke desa terputus banjir." in text
    assert "Orang dalam layanan : 4 orang" in text
    # Long labels wrap in the two-column table: the last word may come after the number.
    assert re.search(r"Orang dengan kasus baru dalam (periode )?: 2 orang", text)
    assert re.search(r"Orang dengan kasus ditutup dalam (periode )?: 1 orang", text)
    assert "Kunjungan pemantauan terlambat : 1 kasus" in text
    assert "Rp 12.900.000" in text
    assert "Rp 7.900.000" in text
    case_b = Case.objects.get(person=world.b)
    assert f"Kasus #{case_b.pk} Kunjungan pemantauan" in text
    assert f"Kasus #{case_b.pk} Peninjauan kasus" in text
    # The charts are drawn into the PDF as vector graphics, their bar labels and values as text.
    assert "Grafik: Orang per kategori" in text
    assert "Grafik: Tahapan bantuan" in text
    assert "Terdaftar 3 Terverifikasi 2 Ditetapkan 2 Disalurkan 1 Aktif 6 bulan 1 Aktif 12 bulan 0" in text
    # Never a name, and nothing from outside Banten.
    for name in ("Bambang", "Ahmad Dashboard", "Orang Luar Wilayah"):
        assert name not in text
    assert signed.person_ids == []
    with pytest.raises(ValidationError):
        periodic_report_request_signing(user=kabid, report_id=report.pk)


def test_report_pages(cast, client_for, world):
    client = client_for(cast.banten_kabid)
    response = client.post(reverse("dashboards:report-create"), {"kind": MONTHLY, "day": world.today.isoformat()})
    report = PeriodicReport.objects.get()
    assert response["Location"] == reverse("dashboards:report-detail", args=[report.pk])
    response = client.post(
        reverse("dashboards:report-detail", args=[report.pk]),
        {"summary": "Ringkasan uji", "obstacles": "", "follow_up": ""},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary == "Ringkasan uji"
    page = client.get(reverse("dashboards:report-detail", args=[report.pk])).content.decode()
    assert 'data-measure="people-total">4<' in page
    response = client.post(reverse("dashboards:report-request", args=[report.pk]))
    report.refresh_from_db()
    assert response["Location"] == reverse("documents:detail", args=[report.document_id])
    listing = client_for(cast.banten_pendamping).get(reverse("dashboards:report-list")).content.decode()
    assert f'data-report="{report.pk}"' in listing
    outsider = client_for(cast.kaltim_pendamping)
    assert f'data-report="{report.pk}"' not in outsider.get(reverse("dashboards:report-list")).content.decode()
    assert outsider.get(reverse("dashboards:report-detail", args=[report.pk])).status_code == 404


def test_bad_input_is_refused_with_a_message_and_nothing_saved(cast, client_for, world):
    client = client_for(cast.banten_kabid)
    response = client.post(reverse("dashboards:report-create"), {"kind": "mingguan", "day": "kemarin"}, follow=True)
    assert "Pilih jenis periode dan tanggal di dalam periode laporan." in response.content.decode()
    assert not PeriodicReport.objects.exists()
    report = periodic_report_create(user=cast.banten_kabid, kind=MONTHLY, day=world.today, today=world.today)
    response = client.post(
        reverse("dashboards:report-detail", args=[report.pk]), {"summary": "x" * 4001, "obstacles": "", "follow_up": ""}
    )
    assert response.status_code == 200
    assert "Paling panjang 4000 karakter." in response.content.decode()
    report.refresh_from_db()
    assert report.summary == ""
    response = client.post(reverse("dashboards:report-request", args=[report.pk]), follow=True)
    assert "Isi ringkasan pelaksanaan sebelum mengajukan laporan" in response.content.decode()
    assert not Document.objects.filter(kind="laporan_periodik").exists()


def test_long_overdue_list_is_cut_to_the_most_overdue_with_the_count_of_the_rest(cast):
    """26 cases, each with an overdue visit and an overdue review: 52 items, more than a report lists. It
    names the 50 most overdue (every visit, then the reviews from the oldest) and counts the 2 left out."""
    ensure_test_pki()
    kabid = cast.banten_kabid
    today = timezone.localdate()
    cases = [
        CaseFactory.create(
            opened_on=today - dt.timedelta(days=400 + i), next_review_on=today - dt.timedelta(days=10 + i)
        )
        for i in range(26)
    ]
    assert 2 * len(cases) == OVERDUE_LIST_LIMIT + 2
    report = periodic_report_create(user=kabid, kind=MONTHLY, day=today, today=today)
    periodic_report_update(user=kabid, report_id=report.pk, summary="Ringkasan.", obstacles="", follow_up="")
    document = periodic_report_request_signing(user=kabid, report_id=report.pk)
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error

    text = _pdf_text(rendered)

    assert (
        "Ditampilkan 50 kegiatan yang paling lama terlambat dari seluruhnya 52; 2 kegiatan terlambat lainnya "
        "tercantum pada daftar jatuh tempo di aplikasi." in text
    )
    assert all(f"Kasus #{case.pk} Kunjungan pemantauan" in text for case in cases)
    assert f"Kasus #{cases[-1].pk} Peninjauan kasus" in text  # the oldest review
    for least_overdue in cases[:2]:
        assert f"Kasus #{least_overdue.pk} Peninjauan kasus" not in text
