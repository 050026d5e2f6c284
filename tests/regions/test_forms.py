from __future__ import annotations

import re

import pytest
from django import forms

from napiter.regions.forms import RegionField, RegionPickerWidget
from napiter.regions.models import Region

pytestmark = pytest.mark.django_db

PASAR_KEMIS = "36.03.12.2001"  # desa Pasar Kemis, kecamatan Pasar Kemis, Kabupaten Tangerang, Banten


class DomicileForm(forms.Form):
    domicile = RegionField(label="Desa/kelurahan domisili")


class RegencyForm(forms.Form):
    regency = RegionField(level=Region.Level.REGENCY, required=False)


def _select(html: str, select_id: str) -> str:
    match = re.search(rf'<select[^>]*id="{re.escape(select_id)}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select #{select_id}"
    return match.group(0)


def _selected(select_html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select_html)


def _is_disabled(select_html: str) -> bool:
    return " disabled" in select_html.split(">", 1)[0]


def test_widget_renders_a_stored_village_with_every_level_chosen(base_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = str(DomicileForm(initial={"domicile": PASAR_KEMIS})["domicile"])

    assert re.search(rf'<input type="hidden" name="domicile" value="{re.escape(PASAR_KEMIS)}" id="id_domicile"', html)
    expected = {"province": "36", "regency": "36.03", "district": "36.03.12", "village": PASAR_KEMIS}
    for level, code in expected.items():
        select = _select(html, f"domicile-{level}")
        assert _selected(select) == [code]
        assert not _is_disabled(select)
        assert f'name="domicile_{level}"' in select
        assert " required" in select.split(">", 1)[0]
    # Each level lists the siblings of the chosen region, so the person can change their mind.
    assert 'value="36.71"' in _select(html, "domicile-regency")
    assert 'value="36.03.12.1005"' in _select(html, "domicile-village")
    assert 'value="36.03.12.1005"' not in _select(html, "domicile-district")


def test_widget_accepts_a_region_instance_as_initial(base_data):
    html = str(DomicileForm(initial={"domicile": Region.objects.get(code=PASAR_KEMIS)})["domicile"])

    assert _selected(_select(html, "domicile-village")) == [PASAR_KEMIS]


def test_widget_with_a_partial_value_locks_the_levels_below_it(base_data):
    html = RegionPickerWidget(level=4).render("domicile", "36.03")

    assert _selected(_select(html, "domicile-regency")) == ["36.03"]
    assert 'value="36.03.12"' in _select(html, "domicile-district")
    assert not _is_disabled(_select(html, "domicile-district"))
    assert _is_disabled(_select(html, "domicile-village"))
    assert 'name="domicile" value="36.03"' in html


@pytest.mark.parametrize("value", ["36.03.12.9999", "'; select 1 --"])
def test_widget_shows_only_what_exists_of_a_bad_value(base_data, value):
    html = RegionPickerWidget(level=4).render("domicile", value)

    hidden = re.search(r'<input type="hidden" name="domicile" value="([^"]*)"', html)
    assert hidden
    assert hidden.group(1) == ("36.03.12" if value.startswith("36") else "")
    assert _selected(_select(html, "domicile-village")) == []
    assert "select 1" not in html


def test_widget_shows_only_the_levels_of_its_field(base_data):
    html = str(RegencyForm()["regency"])

    assert _select(html, "regency-province")
    assert _select(html, "regency-regency")
    assert 'id="regency-district"' not in html
    assert 'id="regency-village"' not in html
    assert " required" not in html


def test_field_cleans_a_village_code_to_the_region(base_data):
    form = DomicileForm(data={"domicile": PASAR_KEMIS})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["domicile"] == Region.objects.get(code=PASAR_KEMIS)


@pytest.mark.parametrize(
    ("submitted", "message"),
    [
        ("", "Pilih desa/kelurahan."),
        ("36.03.12", "Pilih desa/kelurahan."),
        ("36", "Pilih desa/kelurahan."),
        ("36.03.12.9999", "Kode wilayah tidak dikenal; pilih lagi dari daftar."),
        ("bukan-kode", "Kode wilayah tidak dikenal; pilih lagi dari daftar."),
    ],
)
def test_field_rejects_missing_unknown_and_too_shallow_codes(base_data, submitted, message):
    form = DomicileForm(data={"domicile": submitted})

    assert not form.is_valid()
    assert form.errors["domicile"] == [message]


def test_field_rejects_a_region_deeper_than_its_level(base_data):
    form = RegencyForm(data={"regency": PASAR_KEMIS})

    assert not form.is_valid()
    assert form.errors["regency"] == ["Pilih kabupaten/kota."]


def test_rerendered_form_after_an_error_keeps_what_was_chosen(base_data):
    form = DomicileForm(data={"domicile": "36.03.12"})
    assert not form.is_valid()
    html = str(form["domicile"])

    assert _selected(_select(html, "domicile-district")) == ["36.03.12"]
    assert not _is_disabled(_select(html, "domicile-village"))
    assert _selected(_select(html, "domicile-village")) == []
    assert 'aria-invalid="true"' in _select(html, "domicile-village")
    assert 'class="form-select is-invalid"' in _select(html, "domicile-village")


def test_visible_selects_win_over_a_stale_hidden_value(base_data):
    """Without the script the hidden input keeps the old code while the person changed the selects."""
    data = {
        "domicile": PASAR_KEMIS,
        "domicile_province": "64",
        "domicile_regency": "64.72",
        "domicile_district": "64.72.01",
        "domicile_village": "",
    }
    form = DomicileForm(data=data)

    assert not form.is_valid()
    assert form.errors["domicile"] == ["Pilih desa/kelurahan."]


def test_a_lower_select_left_from_another_province_is_ignored(base_data):
    data = {
        "domicile_province": "64",
        "domicile_regency": "36.03",
        "domicile_district": "36.03.12",
        "domicile_village": PASAR_KEMIS,
    }

    assert RegionPickerWidget(level=4).value_from_datadict(data, {}, "domicile") == "64"


def test_complete_selects_are_submitted_as_the_village(base_data):
    data = {
        "domicile_province": "36",
        "domicile_regency": "36.03",
        "domicile_district": "36.03.12",
        "domicile_village": PASAR_KEMIS,
    }
    form = DomicileForm(data=data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["domicile"].code == PASAR_KEMIS


def test_field_serves_a_foreign_key_in_a_model_form(base_data):
    """What ForeignKey.formfield() passes (queryset, to_field_name, blank ...) is accepted."""
    field = Region._meta.get_field("parent").formfield(form_class=RegionField, level=Region.Level.DISTRICT)

    assert isinstance(field, RegionField)
    assert field.clean("36.03.12") == Region.objects.get(code="36.03.12")
    with pytest.raises(forms.ValidationError) as excinfo:
        field.clean(PASAR_KEMIS)
    assert excinfo.value.messages == ["Pilih kecamatan."]
