"""The dashboard pages: numbers as computed, each link leading to a list of that many rows, exports that
hold the same numbers, and nothing from outside the user's scope anywhere."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _measures(html: str) -> dict[str, tuple[str, str]]:
    """data-measure -> (href, number) for every linked number on the page."""
    found = re.findall(r'<a[^>]*href="([^"]+)"[^>]*data-measure="([^"]+)"[^>]*>([^<]+)</a>', html)
    found += [
        (h, m, n) for m, h, n in re.findall(r'<a[^>]*data-measure="([^"]+)"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', html)
    ]
    return {m: (h.replace("&amp;", "&"), n.strip()) for h, m, n in found}


def _rows(client, url: str, marker: str) -> int:
    return client.get(url).content.decode().count(marker)


def test_supervisor_dashboard_numbers_link_to_lists_of_that_many(cast, client_for, world):
    client = client_for(cast.banten_kabid)
    html = client.get(reverse("dashboards:home")).content.decode()
    measures = _measures(html)
    assert measures["people-total"][1] == "4"
    assert measures["category-eks_napiter"][1] == "2"
    assert measures["category-keluarga-ditutup"][1] == "1"
    assert measures["cases-opened"][1] == "2"
    assert measures["cases-closed"][1] == "1"
    assert measures["visits-overdue"][1] == "1"
    assert measures["assessments-overdue"][1] == "1"
    assert measures["grants-registered"][1] == "3"
    assert measures["grants-delivered"][1] == "1"
    assert measures["grants-active_6"][1] == "1"
    assert measures["level-3"][1] == "2"  # Tinggi: B and C
    assert measures["level-1"][1] == "1"  # Rendah: A
    for key in (
        "people-total", "category-eks_napiter", "category-keluarga-ditutup", "cases-opened", "cases-closed",
        "level-1", "level-3",
    ):  # fmt: skip
        href, number = measures[key]
        listed = set(re.findall(r'href="/orang/(\d+)/"', client.get(href).content.decode()))
        assert len(listed) == int(number), (key, href)
    for key in ("grants-registered", "grants-verified", "grants-delivered", "grants-active_6", "grants-active_12"):
        href, number = measures[key]
        listed = set(re.findall(r'href="/bantuan/(\d+)/"', client.get(href).content.decode()))
        assert len(listed) == int(number), (key, href)
    due = client.get(measures["visits-overdue"][0]).content.decode()
    assert due.count('data-due="visit"') >= 1
    assert "Orang Luar Wilayah" not in html


def test_national_dashboard_counts_everyone_and_plans_link_to_the_plan_list(cast, client_for, world):
    client = client_for(cast.koordinator)
    html = client.get(reverse("dashboards:home")).content.decode()
    measures = _measures(html)
    assert measures["people-total"][1] == "6"
    assert measures["plans-disepakati"][1] == "1"
    plans = client.get(measures["plans-diajukan"][0]).content.decode()
    assert len(set(re.findall(r'href="/sinergi/rencana-aksi/(\d+)/"', plans))) == 1
    # National: no due list of their own; the people with an overdue visit, on the person list.
    assert measures["visits-overdue"] == (f"{reverse('cases:person-list')}?terlambat=kunjungan", "2")


def test_planner_sees_only_sinergi_of_their_ministry(cast, client_for, world):
    html = client_for(cast.kemenag_perencana).get(reverse("dashboards:home")).content.decode()
    measures = _measures(html)
    assert "people-total" not in measures
    assert "grants-registered" not in measures
    assert measures["plans-draf"][1] == "1"
    assert measures["plans-disepakati"][1] == "0"


def test_auditor_gets_an_explanation_not_numbers(cast, client_for, world):
    html = client_for(cast.auditor).get(reverse("dashboards:home")).content.decode()
    assert 'data-testid="no-tiles"' in html
    assert _measures(html) == {}


def test_period_form_changes_the_period(cast, client_for, world):
    client = client_for(cast.banten_kabid)
    long_ago = world.today.replace(year=world.today.year - 3, day=1)
    html = client.get(
        reverse("dashboards:home"), {"periode": "tahunan", "tanggal": long_ago.isoformat()}
    ).content.decode()
    assert f"Tahun {long_ago.year}" in html
    assert _measures(html)["cases-opened"][1] == "0"


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def test_dashboard_export_holds_the_same_numbers_within_scope(cast, client_for, world):
    response = client_for(cast.banten_kabid).get(reverse("dashboards:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    people = {row[0]: row[1] for row in sheets["Orang per kategori"][1:]}
    assert people["Eks napiter / mitra deradikalisasi"] == 2
    assert sum(people.values()) == 4
    grants = dict(sheets["Bantuan"][1:])
    assert grants["Terdaftar"] == 3
    assert grants["Anggaran ditetapkan (Rp)"] == 12_900_000
    cases = dict(sheets["Kasus"][1:])
    assert cases["Kunjungan pemantauan terlambat"] == 1
    assert "Rencana aksi" not in sheets


def test_province_page_and_export(cast, client_for, world):
    client = client_for(cast.koordinator)
    html = client.get(reverse("dashboards:provinces")).content.decode()
    assert html.count("data-province=") == 38
    banten = html[html.index('data-province="36"') :]
    banten = banten[: banten.index("</tr>")]
    people_href = re.search(r'href="([^"]+)" data-measure="people">(\d+)<', banten)
    assert people_href
    assert people_href.group(2) == "4"
    listed = set(
        re.findall(r'href="/orang/(\d+)/"', client.get(people_href.group(1).replace("&amp;", "&")).content.decode())
    )
    assert len(listed) == 4
    rows = _sheets(client.get(reverse("dashboards:provinces-export")).content)["Provinsi"]
    assert len(rows) == 39
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["36"][2] == 4
    assert by_code["64"][2] == 2


def test_regional_province_table_never_shows_another_province(cast, client_for, world):
    client = client_for(cast.banten_kabid)
    html = client.get(reverse("dashboards:provinces")).content.decode()
    assert html.count("data-province=") == 1
    assert 'data-province="36"' in html
    rows = _sheets(client.get(reverse("dashboards:provinces-export")).content)["Provinsi"]
    assert [r[0] for r in rows[1:]] == ["36"]
    assert sum(r[2] for r in rows[1:]) == 4


def test_out_of_scope_caseworker_never_counts_banten(cast, client_for, world):
    client = client_for(cast.kaltim_pendamping)
    measures = _measures(client.get(reverse("dashboards:home")).content.decode())
    assert measures["people-total"][1] == "2"
    sheets = _sheets(client.get(reverse("dashboards:export")).content)
    assert sum(row[1] for row in sheets["Orang per kategori"][1:]) == 2
    assert dict(sheets["Bantuan"][1:])["Terdaftar"] == 1
