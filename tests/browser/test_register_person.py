"""The Banten caseworker registers a person with a household, on a phone, and opens a case."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, Person

pytestmark = pytest.mark.browser


def test_caseworker_registers_person_with_household_and_opens_case(
    phone_page: Page, site: str, log_in: Callable[[Page, str], None], save_screenshot: Callable[[Page, str], None]
) -> None:
    page = phone_page
    log_in(page, "dinsos.banten.pendamping")
    page.goto("/orang/daftar/")
    page.get_by_label("Kategori").select_option("eks_napiter")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Joko Susilo")
    page.get_by_label("NIK", exact=True).fill("3673011203850007")
    page.get_by_label("Laki-laki").check()
    page.get_by_label("Tempat lahir").fill("Serang")
    page.get_by_label("Tanggal lahir").fill("1985-03-12")
    page.get_by_label("Nomor KK").fill("3673011502100003")
    page.get_by_label("Hubungan dengan kepala keluarga").select_option("kepala")
    page.locator("#domicile_region-province").select_option("36")
    expect(page.locator("#domicile_region-regency option", has_text="Kota Serang")).to_have_count(1)
    page.locator("#domicile_region-regency").select_option("36.73")
    expect(page.locator("#domicile_region-district option", has_text="Serang")).not_to_have_count(0)
    page.locator("#domicile_region-district").select_option("36.73.01")
    expect(page.locator("#domicile_region-village option", has_text="Cipare")).to_have_count(1)
    page.locator("#domicile_region-village").select_option("36.73.01.1002")
    page.get_by_label("Alamat (jalan, RT/RW)").fill("Kp. Cipare RT 01/RW 02")
    page.get_by_label("Dasar hukum pemrosesan data").select_option("kewajiban_hukum")
    save_screenshot(page, "register-person")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", name="Joko Susilo")).to_be_visible()
    expect(page.get_by_text("Joko Susilo terdaftar.")).to_be_visible()
    expect(page.get_by_text("3673********0007")).to_be_visible()  # NIK masked on the person page
    person = Person.objects.get(nik="3673011203850007")
    assert person.household is not None
    assert person.household.kk == "3673011502100003"
    assert person.domicile_region_id == "36.73.01.1002"

    page.get_by_label("Pendekatan layanan").select_option("keluarga")
    page.get_by_role("button", name="Buka kasus").click()
    expect(page.get_by_test_id("stage")).to_have_text("Identifikasi dan penilaian")
    case = Case.objects.get(person=person)
    assert case.caseworker is not None
    assert (case.office.code, case.caseworker.username) == ("DINSOS-BTN", "dinsos.banten.pendamping")
    save_screenshot(page, "case-opened")


def test_bad_nik_is_explained_next_to_the_field(page: Page, site: str, log_in: Callable[[Page, str], None]) -> None:
    log_in(page, "dinsos.banten.pendamping")
    page.goto("/orang/daftar/")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Siti Aminah")
    page.get_by_label("NIK", exact=True).fill("3673011203850007")  # a man's NIK (day without +40)
    page.get_by_label("Perempuan").check()
    page.get_by_label("Tanggal lahir").fill("1985-03-12")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#id_nik-feedback")).to_contain_text("Jenis kelamin tidak sesuai NIK")
    assert not Person.objects.exists()


def test_nik_error_appears_next_to_the_field_before_submitting(
    page: Page, site: str, log_in: Callable[[Page, str], None]
) -> None:
    log_in(page, "dinsos.banten.pendamping")
    page.goto("/orang/daftar/")
    page.get_by_label("Tanggal lahir").fill("1985-03-12")
    page.get_by_label("NIK", exact=True).fill("3673011203850007")  # a man's NIK
    page.get_by_label("Perempuan").check()  # the change sends the form to the inline check
    expect(page.locator("#id_nik-feedback")).to_contain_text("Jenis kelamin tidak sesuai NIK")
    expect(page.get_by_label("NIK", exact=True)).to_have_class(re.compile(r"\bis-invalid\b"))
    page.get_by_label("Laki-laki").check()  # corrected: the message and the red border go away
    expect(page.locator("#id_nik-feedback")).to_be_empty()
    expect(page.get_by_label("NIK", exact=True)).not_to_have_class(re.compile(r"\bis-invalid\b"))
    assert not Person.objects.exists()
