"""The Content-Security-Policy forbids inline script, inline style and eval: every page must still work
in a real browser, with no violation reported, through a privileged user's two-step sign-in."""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Callable

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from playwright.sync_api import ConsoleMessage, Page, expect

from napiter.accounts import roles
from napiter.accounts.models import Office, User
from napiter.accounts.security import confirmed_devices, totp_code
from napiter.accounts.services import user_upsert

pytestmark = pytest.mark.browser


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    return violations


def test_two_step_sign_in_region_picker_language_switch_and_api_docs_run_under_the_csp(
    page: Page, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    violations = _watch_csp(page)

    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("dinsos.banten.kabid")
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(re.compile(r"/masuk/verifikasi/\?next=/$"))
    save_screenshot(page, "otp-verify")
    device = confirmed_devices(User.objects.get(username="dinsos.banten.kabid")).get()
    page.get_by_label("Kode verifikasi").fill(totp_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("office")).to_have_text("Dinas Sosial Provinsi Banten")

    # htmx and the region picker's script, with allowEval off and no inline indicator style.
    page.goto("/wilayah/")
    page.locator("#region-province").select_option("36")
    expect(page.locator("#region-regency option", has_text="Kota Serang")).to_have_count(1)

    # The language switch submits from napiter.js, not from an inline onchange handler.
    page.locator("#lang").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#lang").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    # Swagger UI: the split view's start-up script is a file; the operations must actually render.
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()

    assert violations == []


def test_new_supervisor_enrols_an_authenticator_from_the_page(
    page: Page, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    violations = _watch_csp(page)
    user_upsert(
        username="kabid.baru",
        office=Office.objects.get(code="DINSOS-BTN"),
        role=roles.SUPERVISOR,
        password=settings.DEMO_PASSWORD,
    )
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("kabid.baru")
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(re.compile(r"/masuk/aktivasi-2fa/"))
    qr = page.get_by_test_id("otp-qr").locator("svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None
    assert box["width"] >= 150  # large enough for a phone camera
    save_screenshot(page, "otp-enrol")

    # What a person types into an authenticator app by hand: the grouped base32 key on the page.
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode verifikasi").fill(f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="Aktifkan").click()

    expect(page.get_by_test_id("office")).to_have_text("Dinas Sosial Provinsi Banten")
    expect(page.get_by_role("alert")).to_contain_text("Verifikasi dua langkah aktif.")
    assert violations == []


def test_the_watcher_sees_a_violation(page: Page, site: str) -> None:
    """The check above would pass vacuously if the browser's CSP reports never reached it."""
    violations = _watch_csp(page)
    page.goto("/masuk/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; "
        "document.body.appendChild(s); }"
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in violations), violations
