"""A Kemenag plan agreed and signed is frozen; the planner proposes an addendum raising its budget, the BNPT
coordinator approves it, the Kemenag Eselon II official and the Kepala BNPT sign the berita acara adendum, and
only then does the plan page show the new budget, its history keeping the value before and after."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from napiter.documents.models import Document
from napiter.documents.services import document_render
from sinergi.models import ActionPlan, ActionPlanEvent, Addendum
from tests.sinergi.factories import agreed_plans

pytestmark = pytest.mark.browser

TITLE = "Pembinaan moderasi beragama di Kota Serang"


def _signed_in(browser: Browser, site: str, log_in: Callable[[Page, str], None], username: str) -> Page:
    """A tab of the user's own; each signs in once, since a verification code is accepted only once."""
    page = browser.new_context(base_url=site, locale="id-ID", timezone_id="Asia/Jakarta").new_page()
    page.set_default_timeout(15_000)
    log_in(page, username)
    return page


def _sign(page: Page, document: Document) -> None:
    page.goto(reverse("documents:detail", args=[document.pk]))
    page.locator("#sign-confirm").check()
    page.get_by_role("button", name="Tanda tangani").click()
    expect(page.get_by_text("Ditandatangani").first).to_be_visible()


def test_planner_amends_a_signed_plan_coordinator_approves_both_sign_plan_shows_new_budget_and_history(
    browser: Browser, site: str, log_in: Callable[[Page, str], None], save_screenshot: Callable[[Page, str], None]
) -> None:
    (plan,) = agreed_plans(titles=(TITLE,))
    assert plan.budget == Decimal("150000000")
    agreement = plan.agreement
    assert agreement is not None
    assert agreement.document is not None
    document_render(document_id=agreement.document.pk)  # the worker's step, run here
    eselon = _signed_in(browser, site, log_in, "kl.kemenag.eselon2")
    kepala = _signed_in(browser, site, log_in, "bnpt.kepala")
    _sign(eselon, agreement.document)
    _sign(kepala, agreement.document)
    agreement.refresh_from_db()
    assert agreement.is_signed
    assert ActionPlan.objects.get(pk=plan.pk).is_frozen

    # The planner proposes from the frozen plan's page.
    planner = _signed_in(browser, site, log_in, "kl.kemenag.perencana")
    planner.goto(reverse("sinergi:plan-detail", args=[plan.pk]))
    expect(planner.get_by_text("Rencana aksi ini sudah disepakati dan dibekukan")).to_be_visible()
    planner.get_by_role("link", name="Ajukan adendum").click()
    form = planner.locator(f"[data-addendum-form='{plan.pk}']")
    form.get_by_label("Anggaran (Rp)").fill("175000000")
    form.get_by_label("Alasan perubahan").fill("Dua angkatan tambahan atas permintaan Pemerintah Kota Serang.")
    planner.get_by_role("button", name="Ajukan adendum ke BNPT").click()
    expect(planner.get_by_text("Adendum diajukan ke BNPT.")).to_be_visible()
    proposed = planner.locator(f"[data-addendum-plan='{plan.pk}'] [data-change='budget']")
    expect(proposed).to_contain_text("Rp 150.000.000")
    expect(proposed).to_contain_text("Rp 175.000.000")
    expect(planner.locator("[data-addendum-status]")).to_have_text("Diajukan")
    addendum = Addendum.objects.get(agreement=agreement)

    # The coordinator finds it among the addenda and approves it.
    coordinator = _signed_in(browser, site, log_in, "bnpt.koordinator")
    coordinator.goto(reverse("sinergi:dashboard"))
    coordinator.get_by_role("link", name="Adendum", exact=True).click()
    coordinator.locator(f"[data-addendum='{addendum.pk}']").get_by_role("link", name=str(addendum.sequence)).click()
    coordinator.get_by_role("button", name="Setujui dan terbitkan berita acara adendum").click()
    expect(
        coordinator.get_by_text("Adendum disetujui; berita acara adendum dikirim untuk ditandatangani.")
    ).to_be_visible()
    save_screenshot(coordinator, "sinergi-addendum-approved")
    addendum.refresh_from_db()
    assert addendum.status == Addendum.Status.APPROVED
    assert addendum.document is not None
    document_render(document_id=addendum.document.pk)

    # One signature is not enough: the plan keeps the agreed budget.
    _sign(eselon, addendum.document)
    planner.goto(reverse("sinergi:plan-detail", args=[plan.pk]))
    expect(planner.locator("dd", has_text="Rp 150.000.000")).to_be_visible()
    expect(planner.locator("#plan-history [data-event='diadendum']")).to_have_count(0)

    _sign(kepala, addendum.document)
    planner.goto(reverse("sinergi:plan-detail", args=[plan.pk]))
    expect(planner.locator("dd", has_text="Rp 175.000.000")).to_be_visible()
    expect(planner.locator("dd", has_text="Rp 150.000.000")).to_have_count(0)
    amended = planner.locator("#plan-history [data-event='diadendum']")
    expect(amended).to_contain_text(addendum.document.number)
    change = amended.locator("[data-change='budget']")
    expect(change).to_contain_text("Anggaran")
    expect(change.locator("[data-before]")).to_have_text("Rp 150.000.000")
    expect(change.locator("[data-after]")).to_have_text("Rp 175.000.000")
    save_screenshot(planner, "sinergi-addendum-applied")

    addendum.refresh_from_db()
    assert addendum.status == Addendum.Status.APPLIED
    assert addendum.document is not None
    assert addendum.document.status == Document.Status.SIGNED
    plan.refresh_from_db()
    assert plan.budget == Decimal("175000000")
    assert plan.is_frozen
    event = plan.events.get(action=ActionPlanEvent.Action.AMENDED)
    assert (event.snapshot["before"]["budget"], event.snapshot["after"]["budget"]) == ("150000000", "175000000")
    for page in (eselon, kepala, planner, coordinator):
        page.context.close()
