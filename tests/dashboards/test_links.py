"""Every number on the dashboard and the province page is a link, and the list it opens reports that number:
its rows (the person, due and reassessment lists hold one page here), its total, or its money sum."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from tests.dashboards.conftest import OUTSIDER

pytestmark = pytest.mark.django_db

MEASURE = re.compile(r'<(?P<tag>\w+)(?P<attrs>[^>]*\sdata-measure="(?P<key>[^"]+)"[^>]*)>(?P<text>[^<]*)</(?P=tag)>')
# Which total of the plan list a sinergi measure is checked against (else its count, or its budget for money).
PLAN_TOTALS = {"plans-spent": "spent", "plans-reached": "reached", "plans-reporting": "reporting"}


@dataclass(frozen=True)
class Measure:
    key: str
    href: str
    text: str


def _measures(html: str) -> list[Measure]:
    """Every element carrying a number (data-measure); each must be a link."""
    found = list(MEASURE.finditer(html))
    assert len(found) == html.count("data-measure="), "a measure whose markup the test cannot read"
    measures = []
    for m in found:
        assert m["tag"] == "a", f"{m['key']} is not a link"
        href = re.search(r'href="([^"]+)"', m["attrs"])
        assert href, f"{m['key']} has no href"
        measures.append(Measure(m["key"], href.group(1).replace("&amp;", "&"), m["text"].strip()))
    return measures


def _total(html: str, name: str) -> str:
    found = re.search(rf'data-total="{name}">([^<]+)<', html)
    assert found, name
    return found.group(1).strip()


def _listed(client, measure: Measure) -> tuple[str, str]:
    """What the linked list reports for `measure`, and the list page itself."""
    response = client.get(measure.href)
    assert response.status_code == 200, measure
    html = response.content.decode()
    view = resolve(urlsplit(measure.href).path).view_name
    money = measure.text.startswith("Rp")
    if view in ("cases:person-list", "cases:due-list"):
        assert "hal=2" not in html, "more than one page: the rows would not be the total"
    if view == "cases:person-list":
        return str(len(set(re.findall(r'href="/orang/(\d+)/"', html)))), html
    if view == "cases:due-list":
        kind = "visit" if measure.key.startswith("visits") else "review"
        return str(len(re.findall(rf'<tr data-due="{kind}" data-case="\d+" class="table-danger">', html))), html
    if view == "assessments:due":
        return str(html.count('data-testid="overdue"')), html
    if view == "assistance:grant-list":
        return _total(html, "amount" if money else "grants"), html
    if view == "sinergi:plan-list":
        name = PLAN_TOTALS.get(measure.key) or ("budget" if money else "plans")
        total = _total(html, name)
        return (total if money or name != "plans" else total.split()[0]), html
    raise AssertionError(f"{measure.key} links to {view}, a list this test does not know")


def _check_every_link(client, html: str, *, outsider_hidden: bool) -> dict[str, Measure]:
    measures = _measures(html)
    assert measures
    for measure in measures:
        number, page = _listed(client, measure)
        assert number == measure.text, (measure, number)
        if outsider_hidden:
            assert OUTSIDER not in page, measure
    return {m.key: m for m in measures}


def _numbers(measures: dict[str, Measure], *keys: str) -> list[str]:
    return [measures[k].text for k in keys]


def test_supervisor_dashboard_numbers_all_open_lists_of_that_many(cast, client_for, linked_world):
    client = client_for(cast.banten_kabid)
    html = client.get(reverse("dashboards:home")).content.decode()
    measures = _check_every_link(client, html, outsider_hidden=True)
    assert OUTSIDER not in html
    # The supervisor's overdue numbers are their due list's overdue rows.
    assert measures["visits-overdue"].href == reverse("cases:due-list")
    assert _numbers(measures, "visits-overdue", "reviews-overdue", "assessments-overdue") == ["2", "1", "1"]
    assert _numbers(measures, "level-1", "level-1-membaik", "level-2", "level-2-tetap") == ["1", "1", "1", "1"]
    assert _numbers(measures, "level-3", "level-3-memburuk", "level-3-pertama", "level-3-membaik") == [
        "2", "1", "1", "0",
    ]  # fmt: skip
    assert _numbers(
        measures, "grants-registered", "grants-registered-period", "grants-delivered", "grants-delivered-period"
    ) == ["4", "3", "2", "1"]
    assert _numbers(measures, "grants-committed", "grants-delivered-value") == ["Rp 20.800.000", "Rp 15.800.000"]
    assert not any(key.startswith("plans") for key in measures)  # no sinergi for a Dinsos supervisor


def test_national_dashboard_numbers_all_open_lists_of_that_many(cast, client_for, linked_world):
    client = client_for(cast.koordinator)
    html = client.get(reverse("dashboards:home")).content.decode()
    measures = _check_every_link(client, html, outsider_hidden=False)
    # No due list of their own: the people with an overdue case, on the person list.
    assert measures["visits-overdue"].href == f"{reverse('cases:person-list')}?terlambat=kunjungan"
    assert _numbers(measures, "visits-overdue", "reviews-overdue", "assessments-overdue") == ["3", "2", "2"]
    assert _numbers(measures, "level-2", "level-2-tetap", "level-2-pertama") == ["2", "1", "1"]
    assert _numbers(measures, "plans-draf", "plans-diajukan", "plans-disepakati") == ["2", "1", "3"]
    assert _numbers(measures, "plans-budget-draf", "plans-budget-diajukan", "plans-budget-disepakati") == [
        "Rp 175.000.000", "Rp 150.000.000", "Rp 130.000.000",
    ]  # fmt: skip
    assert _numbers(measures, "plans-spent", "plans-reached", "plans-reporting") == ["Rp 32.000.000", "22", "2"]


def _province_measures(client, html: str, code: str) -> dict[str, Measure]:
    row = html[html.index(f'data-province="{code}"') :]
    row = row[: row.index("</tr>")]
    return _check_every_link(client, row, outsider_hidden=code != "64")


def test_national_province_table_numbers_all_open_lists_of_that_many(cast, client_for, linked_world):
    client = client_for(cast.koordinator)
    html = client.get(reverse("dashboards:provinces")).content.decode()
    banten = _province_measures(client, html, "36")
    assert _numbers(banten, "people", "open-cases", "visits-overdue", "reviews-overdue") == ["5", "4", "2", "1"]
    assert _numbers(banten, "grants-committed", "grants-delivered-value", "plan-budget") == [
        "Rp 20.800.000", "Rp 15.800.000", "Rp 295.000.000",
    ]  # fmt: skip
    kaltim = _province_measures(client, html, "64")
    assert _numbers(kaltim, "people", "open-cases", "visits-overdue", "reviews-overdue") == ["2", "2", "1", "1"]
    assert _numbers(kaltim, "grants-delivered-value", "plans", "plan-budget") == ["Rp 6.000.000", "2", "Rp 160.000.000"]


def test_supervisor_province_table_numbers_all_open_lists_of_that_many(cast, client_for, linked_world):
    client = client_for(cast.banten_kabid)
    html = client.get(reverse("dashboards:provinces")).content.decode()
    banten = _province_measures(client, html, "36")
    assert _numbers(banten, "people", "open-cases", "visits-overdue", "reviews-overdue") == ["5", "4", "2", "1"]
    assert "grants-committed" in banten
    # Plans are not the Dinsos supervisor's: no column, so no link to a list they may not open.
    assert "plans" not in banten
    assert "plan-budget" not in banten
    assert OUTSIDER not in html


def test_planner_dashboard_and_province_numbers_open_their_own_plans(cast, client_for, linked_world):
    client = client_for(cast.kemenag_perencana)
    measures = _check_every_link(client, client.get(reverse("dashboards:home")).content.decode(), outsider_hidden=True)
    # Kemenag's plans only: drafts in Kalimantan Timur (Rp 150 jt) and Banten (Rp 25 jt), one submitted.
    assert _numbers(measures, "plans-draf", "plans-budget-draf", "plans-diajukan", "plans-disepakati") == [
        "2", "Rp 175.000.000", "1", "0",
    ]  # fmt: skip
    assert not any(key.startswith(("people", "grants", "level", "visits")) for key in measures)
    html = client.get(reverse("dashboards:provinces")).content.decode()
    banten = _province_measures(client, html, "36")
    assert sorted(banten) == ["plan-budget", "plans", "plans-agreed"]
    assert _numbers(banten, "plans", "plan-budget") == ["2", "Rp 175.000.000"]
