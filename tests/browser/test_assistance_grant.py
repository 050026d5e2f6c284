"""The Banten pendamping proposes aid, the Banten kabid approves it, the pendamping records the delivery,
the kabid signs the BAST and the pendamping downloads it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, FilePayload, Page, expect

from assistance.models import Grant
from napiter.accounts.models import User
from napiter.accounts.security import confirmed_devices, totp_code
from napiter.documents.models import Document
from napiter.documents.services import document_render
from tests.assistance.factories import ProgrammeFactory, dtsen
from tests.documents.factories import ensure_test_pki
from tests.factories import PersonFactory
from tests.images import jpeg_bytes

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


def test_propose_approve_deliver_and_download_the_signed_bast(
    browser: Browser, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    ensure_test_pki()
    person = PersonFactory.create(full_name="Joko Wibowo")
    dtsen(person, decile=2)
    programme = ProgrammeFactory.create(name="UEP Dinsos Banten Uji")
    today = dt.date.today().isoformat()

    pendamping = _signed_in(browser, site, "dinsos.banten.pendamping")
    pendamping.goto(reverse("assistance:grant-create", args=[person.pk]))
    pendamping.get_by_label("Program").select_option(label=str(programme))
    pendamping.get_by_label("Nilai bantuan (Rp)").fill("7900000")
    pendamping.get_by_label("Jenis usaha").fill("Kantin sekolah")
    pendamping.get_by_role("button", name="Usulkan").click()
    expect(pendamping.locator("[data-status]")).to_have_text("Usulan")
    pendamping.get_by_role("button", name="Verifikasi").click()
    expect(pendamping.locator('[data-check="ganda"][data-ok="1"]')).to_be_visible()
    grant = Grant.objects.get(person=person)

    kabid = _signed_in(browser, site, "dinsos.banten.kabid")
    kabid.goto(reverse("assistance:grant-detail", args=[grant.pk]))
    kabid.get_by_label("Nomor SK penetapan").fill("460/012/DINSOS-BTN/2026")
    kabid.get_by_label("Tanggal SK").fill(today)
    kabid.get_by_role("button", name="Tetapkan bantuan").click()
    expect(kabid.locator("[data-status]")).to_have_text("Ditetapkan")

    pendamping.reload()
    pendamping.get_by_label("Tanggal penyaluran").fill(today)
    pendamping.locator('input[name="item_0_name"]').fill("Etalase makanan")
    pendamping.locator('input[name="item_0_quantity"]').fill("1")
    pendamping.locator('input[name="item_0_unit_value"]').fill("7900000")
    photo: FilePayload = {"name": "serah-terima.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    pendamping.get_by_label("Foto penyerahan").set_input_files(files=[photo])
    # The recipient signs on the screen: a stroke across the pad.
    pad = pendamping.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()  # the mouse reaches only what is on the screen
    box = pad.bounding_box()
    assert box is not None
    pendamping.mouse.move(box["x"] + 30, box["y"] + 80)
    pendamping.mouse.down()
    for step in range(1, 12):
        pendamping.mouse.move(box["x"] + 30 + step * 30, box["y"] + 80 + (15 if step % 2 else -15))
    pendamping.mouse.up()
    expect(pendamping.locator('input[name="signature_drawn"]')).to_have_value(re.compile(r"^data:image/png;base64,"))
    pendamping.get_by_role("button", name="Simpan penyaluran").click()
    expect(pendamping.locator("[data-status]")).to_have_text("Disalurkan")
    expect(pendamping.get_by_role("img", name="Tanda tangan penerima")).to_be_visible()
    delivered = Grant.objects.get(pk=grant.pk)
    assert delivered.recipient_signature.name.endswith(".png")
    assert delivered.delivery_photo.name.endswith(".jpg")
    pendamping.get_by_role("button", name="Buat Berita Acara Serah Terima Bantuan").click()
    expect(pendamping.get_by_text("BAST-001/DINSOS-BTN/").first).to_be_visible()
    save_screenshot(pendamping, "assistance-grant-delivered")

    document = Document.objects.get(kind="bast", subject_id=grant.pk)
    document_render(document_id=document.pk)  # the worker's step, run here
    kabid.goto(reverse("documents:detail", args=[document.pk]))
    kabid.locator("#sign-confirm").check()
    kabid.get_by_role("button", name="Tanda tangani").click()
    expect(kabid.get_by_text("Ditandatangani").first).to_be_visible()

    pendamping.goto(reverse("documents:detail", args=[document.pk]))
    with pendamping.expect_download() as download_info:
        pendamping.get_by_role("link", name="Unduh PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    document.refresh_from_db()
    assert document.status == Document.Status.SIGNED
    assert Grant.objects.get(pk=grant.pk).status == Grant.Status.DELIVERED
