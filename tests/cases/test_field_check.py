"""Inline field checks: the registration and visit forms say what is wrong next to the field while they are
filled in, in Indonesian, without saving anything and without revealing whether a NIK exists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Person
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _check(client, name: str, data: dict[str, str], changed: str) -> str:
    response = client.post(reverse(name), data, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=changed)
    assert response.status_code == 200
    return response.content.decode()


def test_registration_form_inputs_post_to_the_check(cast, client_for):
    page = client_for(cast.banten_pendamping).get(reverse("cases:person-create")).content.decode()
    assert f'hx-post="{reverse("cases:person-check")}"' in page
    assert 'id="id_nik-feedback"' in page


def test_nik_error_is_answered_for_that_field_only(cast, client_for):
    html = _check(
        client_for(cast.banten_pendamping), "cases:person-check",
        {"nik": "3673011203850007", "sex": "P", "birth_date": "1985-03-12"}, "nik",
    )  # fmt: skip
    assert 'id="id_nik-feedback"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Jenis kelamin tidak sesuai NIK" in html
    # Fields not yet filled in are not scolded for being empty.
    assert "id_full_name-feedback" not in html
    assert "wajib" not in html.lower()
    assert not Person.objects.exists()


def test_changing_sex_clears_the_nik_error(cast, client_for):
    html = _check(
        client_for(cast.banten_pendamping), "cases:person-check",
        {"nik": "3673015203850007", "sex": "P", "birth_date": "1985-03-12"}, "sex",
    )  # fmt: skip
    assert 'id="id_nik-feedback"' in html
    assert "invalid-feedback" not in html


def test_a_required_field_left_empty_is_named_when_it_is_the_one_that_changed(cast, client_for):
    html = _check(client_for(cast.banten_pendamping), "cases:person-check", {"full_name": ""}, "full_name")
    assert 'id="id_full_name-feedback"' in html
    assert "invalid-feedback" in html


def test_regional_split_code_is_a_warning_not_an_error(cast, client_for):
    # 36.99: a regency code not (yet) in the region table, as after a split.
    html = _check(
        client_for(cast.banten_pendamping), "cases:person-check",
        {"nik": "3699011203850007", "sex": "L", "birth_date": "1985-03-12"}, "nik",
    )  # fmt: skip
    assert "text-warning-emphasis" in html
    assert "invalid-feedback" not in html


def test_an_existing_nik_is_not_revealed_by_the_check(cast, client_for):
    PersonFactory(nik="3673011203850007", domicile_region_id="64.72.01.1001")  # in Kalimantan Timur
    html = _check(
        client_for(cast.banten_pendamping), "cases:person-check",
        {"nik": "3673011203850007", "sex": "L", "birth_date": "1985-03-12"}, "nik",
    )  # fmt: skip
    assert "invalid-feedback" not in html
    assert "terdaftar" not in html


def test_visit_date_in_the_future_is_flagged_inline(cast, client_for, base_data):
    CaseFactory()
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    html = _check(client_for(cast.banten_pendamping), "cases:visit-check", {"visited_on": tomorrow}, "visited_on")
    assert "Tanggal kunjungan tidak boleh di masa depan." in html


def test_roles_without_casework_cannot_use_the_check(cast, client_for):
    response = client_for(cast.koordinator).post(reverse("cases:person-check"), {"nik": "1"})
    assert response.status_code == 404
