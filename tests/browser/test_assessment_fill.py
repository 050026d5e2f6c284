"""The BNPT assessor fills an assessment on a phone (autosaved as they go), submits it, and the person's
trajectory chart draws from it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, expect

from assessments.models import Assessment
from assessments.services import instrument_import
from napiter.accounts.models import User
from napiter.accounts.security import confirmed_devices, totp_code
from tests.assessments.conftest import demo_document
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
ITEMS = ["s1", "s2", "s3", "j1", "j2", "j3", "k1", "k2", "k3"]


def _asesor_on_phone(browser: Browser, site: str) -> Page:
    context = browser.new_context(
        base_url=site,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("bnpt.asesor")
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    device = confirmed_devices(User.objects.get(username="bnpt.asesor")).get()
    page.get_by_label("Kode verifikasi").fill(totp_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("office")).to_be_visible()
    return page


def test_assessor_fills_and_submits_an_assessment_on_a_phone(
    browser: Browser, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    instrument_import(user=User.objects.get(username="bnpt.koordinator"), data=demo_document())
    person = PersonFactory.create(full_name="Dedi Kurniawan")
    page = _asesor_on_phone(browser, site)
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"/asesmen/orang/{person.pk}/")
    page.get_by_label("Tujuan").select_option("awal")
    page.get_by_role("button", name="Mulai").click()
    expect(page.get_by_role("heading", name="Isi asesmen")).to_be_visible()

    for code in ITEMS[:-1]:
        page.locator(f"label[for='r-{code}-2']").click()  # 1 · Sebagian
    page.locator("label[for='r-k3-x']").click()  # no information on the last item
    page.locator("#e-s1").fill("Mengakui masih membaca kanal lama")
    page.locator("#e-s1").blur()
    expect(page.get_by_test_id("autosaved")).to_be_visible()
    assert Assessment.objects.get(person=person).ratings.count() == 9

    page.get_by_label("Rekomendasi", exact=True).select_option("reedukasi")
    page.get_by_label("Layak bantuan").select_option("true")
    save_screenshot(page, "assessment-fill")
    page.get_by_test_id("submit").click()

    expect(page.get_by_test_id("level")).to_have_text("Sedang")
    expect(page.get_by_text("Asesmen diajukan dan dikunci.")).to_be_visible()
    assessment = Assessment.objects.get(person=person)
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.missing_count == 1
    assert assessment.ratings.get(item__code="s1").evidence == "Mengakui masih membaca kanal lama"

    page.goto(f"/asesmen/orang/{person.pk}/")
    expect(page.locator("#assessment-trajectory-chart")).to_be_visible()
    # Chart.js has drawn into the canvas (it sets the canvas size from its container)
    expect(page.locator("#assessment-trajectory-chart")).to_have_attribute("height", re.compile(r"\d+"))
    save_screenshot(page, "assessment-trajectory")
    assert csp_errors == []
    page.context.close()
