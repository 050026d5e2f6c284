"""The national coordinator's province page: the map is drawn under the CSP (no inline style) and a province
on it opens that province's row of the table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from cases.models import Person
from dashboards.maps import STEPS
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.browser


def test_a_province_on_the_map_opens_its_row(
    page: Page, site: str, log_in: Callable[[Page, str], None], save_screenshot: Callable[[Page, str], None]
) -> None:
    for name in ("Hasan", "Irfan"):
        CaseFactory.create(person=PersonFactory.create(full_name=f"{name} Peta", category=Person.Category.EX_CONVICT))
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            violations.append(message.text)

    page.on("console", on_console)
    log_in(page, "bnpt.koordinator")
    page.goto(reverse("dashboards:provinces"))
    banten = page.locator('svg.province-map a[href="#provinsi-36"]')
    expect(banten.locator("path")).to_have_attribute("fill", STEPS[-1])
    expect(banten.locator("title")).to_have_text("Banten: 2")
    save_screenshot(page, "province-map")
    banten.click()
    expect(page).to_have_url(f"{site}{reverse('dashboards:provinces')}#provinsi-36")
    row = page.locator("#provinsi-36")
    expect(row).to_be_in_viewport()
    expect(row.locator('[data-measure="people"]')).to_have_text("2")
    assert violations == []
