"""The Banten supervisor opens the dashboard, follows a number to the list it counts, and completes, signs
and downloads the month's periodic report."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from cases.models import Person
from dashboards.models import PeriodicReport
from napiter.accounts.models import Office, User
from napiter.accounts.security import confirmed_devices, totp_code
from napiter.documents.models import Document
from napiter.documents.services import document_render
from napiter.regions.models import Region
from tests.documents.factories import ensure_test_pki
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.browser


def _signed_in(browser: Browser, site: str, username: str) -> Page:
    page = browser.new_context(base_url=site, locale="id-ID", timezone_id="Asia/Jakarta").new_page()
    page.set_default_timeout(15_000)
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    device = confirmed_devices(User.objects.get(username=username)).first()
    if device is not None:
        page.get_by_label("Kode verifikasi").fill(totp_code(device))
        page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("office")).to_be_visible()
    return page


def test_supervisor_follows_a_number_and_downloads_the_signed_report(
    browser: Browser, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    ensure_test_pki()
    for name in ("Hasan", "Irfan", "Joko"):
        CaseFactory.create(person=PersonFactory.create(full_name=f"{name} Dasbor", category=Person.Category.EX_CONVICT))
    PersonFactory.create(full_name="Kartini Dasbor", category=Person.Category.FAMILY)
    kaltim = Office.objects.get(code="DINSOS-KTM")
    village = Region.objects.filter(code__startswith="64.", level=Region.Level.VILLAGE).order_by("code").first()
    assert village is not None
    PersonFactory.create(full_name="Luar Dasbor", domicile_region_id=village.code, registered_by_office=kaltim)

    kabid = _signed_in(browser, site, "dinsos.banten.kabid")
    errors: list[str] = []
    kabid.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    kabid.get_by_test_id("open-dashboard").click()
    expect(kabid.locator('[data-measure="people-total"]')).to_have_text("4")
    expect(kabid.locator("canvas.dashboard-chart").first).to_be_visible()
    save_screenshot(kabid, "dashboard-supervisor")
    number = kabid.locator('[data-measure="category-eks_napiter"]')
    expect(number).to_have_text("3")
    number.click()
    expect(kabid).to_have_url(f"{site}{reverse('cases:person-list')}?category=eks_napiter")
    rows = kabid.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(kabid.get_by_text("Luar Dasbor")).to_have_count(0)
    assert errors == []

    kabid.goto(reverse("dashboards:report-list"))
    kabid.get_by_role("button", name="Buat laporan").click()
    kabid.get_by_label("Ringkasan pelaksanaan").fill("Tiga mitra dalam pendampingan aktif.")
    kabid.get_by_label("Kendala").fill("Tidak ada.")
    kabid.get_by_role("button", name="Simpan narasi").click()
    expect(kabid.get_by_text("Narasi laporan disimpan.")).to_be_visible()
    kabid.get_by_test_id("request-signing").click()
    expect(kabid.get_by_text("Laporan diajukan sebagai dokumen")).to_be_visible()
    report = PeriodicReport.objects.get()
    assert report.document is not None
    document_render(document_id=report.document.pk)  # the worker's step, run here
    kabid.reload()
    kabid.locator("#sign-confirm").check()
    kabid.get_by_role("button", name="Tanda tangani").click()
    expect(kabid.get_by_text("Ditandatangani").first).to_be_visible()
    with kabid.expect_download() as download_info:
        kabid.get_by_role("link", name="Unduh PDF").click()
    with open(download_info.value.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode().split()
    )
    assert "Tiga mitra dalam pendampingan aktif." in text
    assert "Orang dalam layanan : 4 orang" in text
    assert "Luar Dasbor" not in text
    report.document.refresh_from_db()
    assert report.document.status == Document.Status.SIGNED
