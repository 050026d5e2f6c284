"""The Kemenag planner submits a plan, the BNPT coordinator approves it and draws up the berita acara, the
Kemenag Eselon II official and the Kepala BNPT sign it, and the planner sees the signed agreement."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from napiter.accounts.models import User
from napiter.accounts.security import confirmed_devices, totp_code
from napiter.documents.models import Document
from napiter.documents.services import document_render
from sinergi.models import ActionPlan, Agreement
from sinergi.services import plan_create
from tests.sinergi.factories import plan_data, signing_officials

pytestmark = pytest.mark.browser


def _signed_in(browser: Browser, site: str, username: str) -> Page:
    page = browser.new_context(base_url=site, locale="id-ID", timezone_id="Asia/Jakarta").new_page()
    page.set_default_timeout(15_000)
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    user = User.objects.get(username=username)
    device = confirmed_devices(user).first()
    if device is not None:
        page.get_by_label("Kode verifikasi").fill(totp_code(device))
        page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_test_id("office")).to_be_visible()
    return page


def _sign(browser: Browser, site: str, username: str, document: Document) -> None:
    page = _signed_in(browser, site, username)
    page.goto(reverse("documents:detail", args=[document.pk]))
    page.locator("#sign-confirm").check()
    page.get_by_role("button", name="Tanda tangani").click()
    expect(page.get_by_text("Ditandatangani").first).to_be_visible()
    page.context.close()


def test_planner_submits_coordinator_approves_both_sign_planner_sees_signed(
    browser: Browser, site: str, save_screenshot: Callable[[Page, str], None]
) -> None:
    signing_officials()
    planner_user = User.objects.get(username="kl.kemenag.perencana")
    plan = plan_create(user=planner_user, data=plan_data(title="Penguatan moderasi beragama di Pandeglang"))

    planner = _signed_in(browser, site, "kl.kemenag.perencana")
    planner.goto(reverse("sinergi:plan-detail", args=[plan.pk]))
    planner.get_by_role("button", name="Ajukan ke BNPT").click()
    expect(planner.locator("[data-status]").first).to_have_text("Diajukan")

    coordinator = _signed_in(browser, site, "bnpt.koordinator")
    coordinator.goto(reverse("sinergi:plan-list") + "?status=diajukan")
    coordinator.get_by_label("Pilih Penguatan moderasi beragama di Pandeglang").check()
    coordinator.get_by_role("button", name="Setujui yang dipilih").click()
    expect(coordinator.get_by_text("1 rencana aksi disetujui.")).to_be_visible()
    coordinator.goto(reverse("sinergi:agreement-list"))
    coordinator.get_by_role("button", name="Susun berita acara").click()
    expect(coordinator.get_by_text("Berita acara kesepakatan disusun")).to_be_visible()
    save_screenshot(coordinator, "sinergi-agreement")
    coordinator.context.close()

    agreement = Agreement.objects.get()
    assert agreement.document is not None
    document_render(document_id=agreement.document.pk)  # the worker's step, run here
    _sign(browser, site, "kl.kemenag.eselon2", agreement.document)
    _sign(browser, site, "bnpt.kepala", agreement.document)

    planner.goto(reverse("sinergi:agreement-detail", args=[agreement.pk]))
    planner.get_by_role("link", name=agreement.document.number).click()
    expect(planner.get_by_role("link", name="Unduh PDF")).to_be_visible()
    save_screenshot(planner, "sinergi-agreement-signed")
    agreement.document.refresh_from_db()
    assert agreement.document.status == Document.Status.SIGNED
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.AGREED
