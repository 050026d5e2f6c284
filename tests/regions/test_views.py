from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _options(html: str) -> dict[str, str]:
    """value -> label of every non-empty <option> in a fragment."""
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', html))


def _select(html: str, select_id: str) -> str:
    match = re.search(rf'<select[^>]*id="{re.escape(select_id)}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select #{select_id}"
    return match.group(0)


def test_options_partial_lists_the_children_of_a_parent(cast, client_for):
    response = client_for(cast.banten_pendamping).get(reverse("regions:options"), {"parent": "36"})
    html = response.content.decode()

    assert _options(html) == {
        "36.01": "Kabupaten Pandeglang",
        "36.02": "Kabupaten Lebak",
        "36.03": "Kabupaten Tangerang",
        "36.04": "Kabupaten Serang",
        "36.71": "Kota Tangerang",
        "36.72": "Kota Cilegon",
        "36.73": "Kota Serang",
        "36.74": "Kota Tangerang Selatan",
    }
    # Sorted by name for people scanning a list, and the placeholder comes first.
    assert list(_options(html).values()) == sorted(_options(html).values())
    assert html.lstrip().startswith('<option value="">')


def test_village_options_carry_the_postal_code(cast, client_for):
    html = client_for(cast.banten_pendamping).get(reverse("regions:options"), {"parent": "36.03.12"}).content.decode()

    assert len(_options(html)) == 9
    assert '<option value="36.03.12.2001" data-postal-code="15560">Pasar Kemis</option>' in html


@pytest.mark.parametrize("parent", ["", "36.03.12.2001", "99"])
def test_options_without_children_is_only_the_placeholder(cast, client_for, parent):
    html = client_for(cast.banten_pendamping).get(reverse("regions:options"), {"parent": parent}).content.decode()

    assert _options(html) == {}
    assert html.count("<option") == 1


def test_options_need_login_and_a_role_that_uses_regions(cast, client, client_for):
    anonymous = client.get(reverse("regions:options"), {"parent": "36"})
    auditor = client_for(cast.auditor).get(reverse("regions:options"), {"parent": "36"})

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    # A refusal answers 404, never 403 (napiter/routes.py).
    assert auditor.status_code == 404
    assert "Kota Tangerang" not in auditor.content.decode()


def test_browse_page_offers_the_38_provinces_and_locks_the_lower_levels(cast, client_for):
    html = client_for(cast.kaltim_pendamping).get(reverse("regions:browse")).content.decode()

    provinces = _options(_select(html, "region-province"))
    assert len(provinces) == 38
    assert provinces["36"] == "Banten"
    assert provinces["64"] == "Kalimantan Timur"
    for level in ("regency", "district", "village"):
        lower = _select(html, f"region-{level}")
        assert " disabled" in lower.split(">", 1)[0]
        assert _options(lower) == {}
    assert re.search(r'<input type="hidden" name="region" value=""', html)
    assert 'src="/static/js/region-picker.js"' in html
    assert f'data-options-url="{reverse("regions:options")}"' in html
