from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

KOTA_SERANG = "36.73"
KEC_SERANG = "36.73.01"
SUMUR_PECUNG = "36.73.01.1003"
PHONE_WIDTH = 390  # the phone_page viewport


def test_region_picker_on_a_phone_fills_each_level_from_the_one_above(
    phone_page: Page, log_in: Callable[[Page, str], None], save_screenshot: Callable[[Page, str], None]
) -> None:
    page = phone_page
    log_in(page, "dinsos.banten.pendamping")

    # On a phone the main menu is collapsed behind the toggler; a caseworker must still reach the picker.
    wilayah = page.locator("nav").get_by_role("link", name="Wilayah")
    expect(wilayah).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    page.locator("nav").get_by_role("button", name="Lainnya").click()
    wilayah.click()
    expect(page.get_by_role("heading", name="Wilayah Kemendagri")).to_be_visible()

    province = page.locator("#region-province")
    regency = page.locator("#region-regency")
    district = page.locator("#region-district")
    village = page.locator("#region-village")

    province.select_option("36")
    expect(regency.locator("option", has_text="Kota Serang")).to_have_count(1)
    regency.select_option(label="Kota Serang")
    expect(regency).to_have_value(KOTA_SERANG)

    expect(district.locator("option", has_text="Cipocok Jaya")).to_have_count(1)
    district.select_option(KEC_SERANG)

    expect(village.locator("option", has_text="Sumur Pecung")).to_have_count(1)
    village.select_option(SUMUR_PECUNG)
    save_screenshot(page, "wilayah-phone")
    # The form submits the deepest region chosen, as one code.
    expect(page.locator("input[data-region-value]")).to_have_value(SUMUR_PECUNG)

    # Phone layout: one column, full-width selects, thumb-sized targets, no sideways scrolling.
    for select in (province, regency, district, village):
        box = select.bounding_box()
        assert box is not None
        assert box["width"] >= PHONE_WIDTH * 0.8
        assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # Choosing another province must not leave Banten's regency, district or village behind.
    province.select_option("64")
    expect(regency.locator("option", has_text="Kabupaten Paser")).to_have_count(1)
    expect(regency.locator("option", has_text="Kota Serang")).to_have_count(0)
    expect(district).to_have_value("")
    expect(district.locator("option[value]:not([value=''])")).to_have_count(0)
    expect(village.locator("option[value]:not([value=''])")).to_have_count(0)
    expect(page.locator("input[data-region-value]")).not_to_have_value(SUMUR_PECUNG)


# Runs in the page before any of its scripts: as soon as the parser has built the province select (the
# regency select follows it), a person chooses Banten, while the deferred picker script is yet to run.
CHOOSE_BEFORE_THE_SCRIPT = """
new MutationObserver(function (changes, observer) {
  var province = document.getElementById("region-province");
  if (province && document.getElementById("region-regency")) {
    observer.disconnect();
    window.choiceMadeBeforeScript = !window.napiterRegionPicker;
    province.value = "36";
    province.dispatchEvent(new Event("change", { bubbles: true }));
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_a_province_chosen_before_the_picker_script_runs_still_fills_the_regencies(
    page: Page, log_in: Callable[[Page, str], None]
) -> None:
    """On a slow connection the deferred script can run after the person has chosen: that choice counts."""
    log_in(page, "dinsos.banten.pendamping")
    page.add_init_script(CHOOSE_BEFORE_THE_SCRIPT)
    page.goto("/wilayah/")

    assert page.evaluate("window.choiceMadeBeforeScript") is True
    regency = page.locator("#region-regency")
    expect(regency.locator("option", has_text="Kota Serang")).to_have_count(1)
    expect(regency).to_be_enabled()
    expect(page.locator("[data-region-picker]")).to_have_attribute("data-region-picker-ready", "true")
    expect(page.locator("input[data-region-value]")).to_have_value("36")
