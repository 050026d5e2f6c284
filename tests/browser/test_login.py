from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_caseworker_logs_in_through_the_form_and_sees_her_office_in_indonesian(
    page: Page, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/$"))  # anonymous visitors are sent to log in

    page.get_by_label("Nama pengguna").fill("dinsos.banten.pendamping")
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page).to_have_title("Beranda · napiter")
    expect(page.get_by_test_id("office")).to_have_text("Dinas Sosial Provinsi Banten")
    expect(page.get_by_test_id("jurisdiction")).to_have_text("Provinsi Banten")
    expect(page.get_by_test_id("role")).to_have_text(["Pendamping"])
    nav = page.locator("nav")
    expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
    nav.get_by_role("button", name="Lainnya").click()
    expect(nav.get_by_role("link", name="Wilayah")).to_be_visible()
    expect(nav.get_by_role("button", name="Keluar")).to_be_visible()
    # A caseworker is not staff: the admin entry must not be offered to her.
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    save_screenshot(page, "home")

    nav.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(f"{site}/masuk/")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/$"))  # the session really ended


def test_wrong_password_is_refused_in_indonesian_and_stays_on_the_login_page(page: Page, site: str) -> None:
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("dinsos.banten.pendamping")
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page).to_have_url(f"{site}/masuk/")
    expect(page.get_by_label("Nama pengguna")).to_have_value("dinsos.banten.pendamping")
    # The rejected password is never echoed back into the page.
    expect(page.get_by_label("Kata sandi")).to_have_value("")
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
