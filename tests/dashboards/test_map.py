"""The province map: the shipped boundaries account for every province once, the shapes are filled and titled
by their numbers (the Papua shapes by the sum of the provinces split from them in 2022) and link to the table
rows, and only users with more than one province get it, on the page and never in the PDF report."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from dashboards.maps import EMPTY, STEPS, legend_bins, province_map_data, province_map_svg, step_of
from dashboards.periods import MONTHLY
from dashboards.services import periodic_report_create, periodic_report_request_signing, periodic_report_update
from napiter.documents.kinds import kind_for
from napiter.documents.rendering import render_html
from napiter.regions.models import Region

SHAPE = re.compile(r'<a href="(?P<href>[^"]*)"><title>(?P<title>[^<]*)</title><path d="[^"]*" fill="(?P<fill>[^"]+)"')


def _shapes(svg: str) -> dict[str, tuple[str, str]]:
    """href -> (title, fill) of every shape of the map."""
    found = {m["href"]: (m["title"], m["fill"]) for m in SHAPE.finditer(svg)}
    assert len(found) == svg.count("<path "), "a shape whose markup the test cannot read"
    return found


def _render(values: dict[str, int], names: dict[str, str] | None = None, title: str = "Orang dalam layanan") -> str:
    codes = {code for shape in province_map_data().shapes for code in shape.codes}
    names = {code: f"Provinsi {code}" for code in codes} | (names or {})
    return str(province_map_svg(values, names=names, title=title, link_for=lambda code: f"#provinsi-{code}"))


def _page_map(html: str) -> str:
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="province-map"')
    return html[start : html.index("</svg>", start) + len("</svg>")]


def test_shapes_account_for_every_province_exactly_once(base_data):
    shapes = province_map_data().shapes
    assert len(shapes) == 34
    drawn = Counter(code for shape in shapes for code in shape.codes)
    assert [code for code, times in drawn.items() if times > 1] == []
    assert set(drawn) == set(Region.objects.provinces().values_list("code", flat=True))
    assert len(drawn) == 38
    split = {shape.code: shape.includes for shape in shapes if shape.includes}
    assert split == {"91": ("93", "94", "95"), "92": ("96",)}
    # The source's names against the decree's: "Bangka Belitung" is Kepulauan Bangka Belitung, "Jakarta Raya"
    # Daerah Khusus Ibukota Jakarta, "Yogyakarta" Daerah Istimewa Yogyakarta.
    decree = dict(Region.objects.provinces().values_list("code", "name"))
    for shape in shapes:
        source = shape.name.removesuffix(" Raya")
        assert decree[shape.code] == source or decree[shape.code].endswith(f" {source}"), shape.code


def test_the_largest_value_is_darkest_and_zero_is_empty():
    shapes = _shapes(_render({"36": 40, "64": 20, "11": 1, "32": 0}))
    assert shapes["#provinsi-36"] == ("Provinsi 36: 40", STEPS[-1])
    assert shapes["#provinsi-64"] == ("Provinsi 64: 20", STEPS[2])  # 20 of 40: the middle step
    assert shapes["#provinsi-11"] == ("Provinsi 11: 1", STEPS[0])
    assert shapes["#provinsi-32"] == ("Provinsi 32: 0", EMPTY)
    assert shapes["#provinsi-51"] == ("Provinsi 51: 0", EMPTY)  # not in the values: counted as zero
    assert Counter(fill for _title, fill in shapes.values())[EMPTY] == 31


def test_nothing_to_show_leaves_every_shape_empty():
    svg = _render({})
    assert {fill for _title, fill in _shapes(svg).values()} == {EMPTY}
    assert not any(colour in svg for colour in STEPS)


def test_legend_bins_hold_exactly_the_values_filled_with_their_step():
    for largest in range(1, 60):
        bins = legend_bins(largest)
        assert bins[-1][0] == len(STEPS)
        assert bins[-1][2] == largest
        for value in range(1, largest + 1):
            holding = [step for step, low, high in bins if low <= value <= high]
            assert holding == [step_of(value, largest)], (largest, value)


def test_papua_shapes_show_the_sum_of_the_provinces_split_from_them():
    names = {
        "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }  # fmt: skip
    shapes = _shapes(_render({"91": 1, "93": 1, "94": 1, "95": 1, "92": 5, "96": 6}, names))
    assert shapes["#provinsi-91"] == ("Papua, Papua Selatan, Papua Tengah, Papua Pegunungan: 4", STEPS[1])
    assert shapes["#provinsi-92"] == ("Papua Barat, Papua Barat Daya: 11", STEPS[-1])
    assert not any(f"#provinsi-{code}" in shapes for code in ("93", "94", "95", "96"))


def test_names_and_title_are_escaped():
    svg = _render({"36": 3}, {"36": '<script>alert("x")</script> & Co'}, title="<b>Orang</b>")
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co: 3" in svg
    assert "&lt;b&gt;Orang&lt;/b&gt;" in svg


def test_every_shape_links_to_its_row_and_the_map_has_no_inline_style():
    svg = _render({"36": 3})
    shapes = _shapes(svg)
    assert sorted(shapes) == sorted(f"#provinsi-{shape.code}" for shape in province_map_data().shapes)
    assert "style=" not in svg
    assert 'role="img"' in svg
    assert 'aria-label="Peta provinsi: Orang dalam layanan"' in svg
    assert "Peta: @svg-maps/indonesia, CC BY 4.0" in svg


@pytest.mark.django_db
def test_national_province_page_maps_people_and_links_to_the_rows(cast, client_for, world):
    html = client_for(cast.koordinator).get(reverse("dashboards:provinces")).content.decode()
    svg = _page_map(html)
    shapes = _shapes(svg)
    # Banten 4 (A, B, C, D), Kalimantan Timur 2 (E, F): 2 of 4 falls in the middle step.
    assert shapes["#provinsi-36"] == ("Banten: 4", STEPS[-1])
    assert shapes["#provinsi-64"] == ("Kalimantan Timur: 2", STEPS[2])
    assert shapes["#provinsi-11"] == ("Aceh: 0", EMPTY)
    assert shapes["#provinsi-91"] == ("Papua, Papua Selatan, Papua Tengah, Papua Pegunungan: 0", EMPTY)
    for href in shapes:
        assert f'<tr id="{href[1:]}" data-province="{href.removeprefix("#provinsi-")}">' in html
    assert "Orang dalam layanan" in svg
    assert "style=" not in svg
    assert "batas 34 provinsi sebelum pemekaran Papua tahun 2022" in html


@pytest.mark.django_db
def test_planner_gets_a_map_of_their_plans(cast, client_for, linked_world):
    html = client_for(cast.kemenag_perencana).get(reverse("dashboards:provinces")).content.decode()
    shapes = _shapes(_page_map(html))
    # Kemenag's plans: Banten 2 (one submitted, one draft), Kalimantan Timur 1 (a draft).
    assert shapes["#provinsi-36"] == ("Banten: 2", STEPS[-1])
    assert shapes["#provinsi-64"] == ("Kalimantan Timur: 1", STEPS[2])
    assert 'aria-label="Peta provinsi: Rencana aksi"' in html


@pytest.mark.django_db
def test_a_regional_office_gets_no_map(cast, client_for, world):
    html = client_for(cast.banten_kabid).get(reverse("dashboards:provinces")).content.decode()
    assert 'data-province="36"' in html
    assert "province-map" not in html
    assert "svg-maps" not in html


@pytest.mark.django_db
def test_the_periodic_report_of_a_national_office_has_its_charts_and_no_map(cast, world):
    supervisor = cast.kemensos_supervisor
    report = periodic_report_create(user=supervisor, kind=MONTHLY, day=world.today, today=world.today)
    periodic_report_update(user=supervisor, report_id=report.pk, summary="Ringkasan.", obstacles="", follow_up="")
    document = periodic_report_request_signing(user=supervisor, report_id=report.pk)
    html = render_html(document=document, kind=kind_for(document.kind), subject=report)
    assert "Grafik: Orang per kategori" in html
    assert 'class="chart"' in html
    assert "province-map" not in html
    assert "svg-maps" not in html
