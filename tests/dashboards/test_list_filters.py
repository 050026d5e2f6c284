"""The list filters the dashboard's numbers link to, each against hand-worked cases of its rule (the people,
grants and plans of `linked_world` in tests/dashboards/conftest.py), within the user's scope, and refusing
bad values without an error page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from cases.models import Case, Person, Visit
from cases.selectors import PersonFilters, people_search, people_visible_to
from dashboards.selectors import assessment_levels, overdue_counts
from tests.dashboards.conftest import OUTSIDER, _assess
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _people(client, **params: str) -> set[str]:
    html = client.get(reverse("cases:person-list"), params).content.decode()
    return set(re.findall(r'<a href="/orang/\d+/">([^<]+)</a>', html))


def _names(*people: Person) -> set[str]:
    return {p.full_name for p in people}


# --- terlambat: open cases whose visit or review is overdue (cases.workflows.overdue_q) ----------------------


def test_overdue_filter_lists_the_people_the_overdue_count_counts(cast, client_for, linked_world):
    w = linked_world.base
    national = client_for(cast.koordinator)
    # B: review 5 days ago, visited 100 days ago; E: the same in Kalimantan Timur; G: never visited in 200
    # days, review in 30. C's closed case is long past its review, but closed cases are never overdue.
    assert _people(national, terlambat="kunjungan") == _names(w.b, w.e, linked_world.g)
    assert _people(national, terlambat="peninjauan") == _names(w.b, w.e)
    assert _people(national, terlambat="kunjungan", region="36") == _names(w.b, linked_world.g)
    assert overdue_counts(cast.koordinator, w.today)["visits"] == 3
    # The Banten supervisor never sees E, not even through the filter.
    assert _people(client_for(cast.banten_kabid), terlambat="kunjungan") == _names(w.b, linked_world.g)


def test_overdue_starts_the_day_after_the_due_day(cast, world):
    today, days = world.today, dt.timedelta
    due_yesterday = PersonFactory.create(full_name="Tinjau Kemarin")
    due_today = PersonFactory.create(full_name="Tinjau Hari Ini")
    CaseFactory.create(person=due_yesterday, opened_on=today - days(91), next_review_on=today - days(1))
    case = CaseFactory.create(person=due_today, opened_on=today - days(90), next_review_on=today)
    people = people_visible_to(cast.koordinator).filter(pk__in=[due_yesterday.pk, due_today.pk])

    def overdue(kind: str, on: dt.date) -> set[str]:
        return set(people_search(people, PersonFilters(overdue=kind, today=on)).values_list("full_name", flat=True))

    # Visits fall due 90 days after the opening (no visit yet): yesterday for one, today for the other.
    assert overdue("peninjauan", today) == {"Tinjau Kemarin"}
    assert overdue("kunjungan", today) == {"Tinjau Kemarin"}
    assert overdue("kunjungan", today + days(1)) == {"Tinjau Kemarin", "Tinjau Hari Ini"}
    # A visit counts from the latest one, not from the opening.
    Visit.objects.create(case=case, visited_on=today - days(10), place="Rumah", findings="Baik",
                         visited_by=cast.banten_pendamping)  # fmt: skip
    assert overdue("kunjungan", today + days(1)) == {"Tinjau Kemarin"}


def test_open_case_filter(cast, client_for, linked_world):
    w = linked_world.base
    national = client_for(cast.koordinator)
    # D has no case; C has a closed case and an open one.
    assert _people(national, terbuka="1", region="36") == _names(w.a, w.b, w.c, linked_world.g)
    assert _people(national, terbuka="1", stage=Case.Stage.CLOSED) == set()


# --- perubahan: the current level against the assessment before it (assessments.selectors.movement_q) --------


def test_movement_filter_follows_the_level_rule(cast, client_for, linked_world):
    w = linked_world.base
    supervisor = client_for(cast.banten_kabid)
    # A: Sedang then Rendah (a second assessor's Tinggi later does not count); C: Rendah then judged Tinggi over
    # a computed Sedang; G: Sedang twice; B: one assessment; D: a draft only.
    assert _people(supervisor, perubahan="membaik") == _names(w.a)
    assert _people(supervisor, perubahan="memburuk") == _names(w.c)
    assert _people(supervisor, perubahan="tetap") == _names(linked_world.g)
    assert _people(supervisor, perubahan="pertama") == _names(w.b)
    assert _people(supervisor, perubahan="pertama", level="Tinggi") == _names(w.b)
    assert _people(supervisor, perubahan="pertama", level="Rendah") == set()
    assert _people(client_for(cast.koordinator), perubahan="pertama") == _names(w.b, w.e)


def test_movement_reads_the_judged_level_over_the_computed_one(cast, client_for, world):
    today, days = world.today, dt.timedelta
    person = PersonFactory.create(full_name="Jaka Penilaian")
    bands = {b.rank: b for b in Assessment.objects.get(person=world.b).version.bands.all()}
    _assess(person, bands[2], on=today - days(40))
    # Computed Rendah would be an improvement; the assessor judged Tinggi: worse.
    _assess(person, bands[1], on=today - days(4), judged_band=bands[3], judgement_reason="Temuan lapangan")
    supervisor = client_for(cast.banten_kabid)
    assert "Jaka Penilaian" in _people(supervisor, perubahan="memburuk")
    assert "Jaka Penilaian" not in _people(supervisor, perubahan="membaik")
    tinggi = next(r for r in assessment_levels(cast.banten_kabid) if r.label == "Tinggi")
    assert (tinggi.total, tinggi.improved, tinggi.worsened, tinggi.unchanged, tinggi.first) == (3, 0, 2, 0, 1)


def test_the_same_day_is_ordered_by_entry(cast, client_for, world):
    """Two assessments on one day: the later entry is the current one, the earlier one is before it."""
    person = PersonFactory.create(full_name="Sama Hari")
    bands = {b.rank: b for b in Assessment.objects.get(person=world.b).version.bands.all()}
    _assess(person, bands[3], on=world.today - dt.timedelta(days=2))
    _assess(person, bands[2], on=world.today - dt.timedelta(days=2))
    assert "Sama Hari" in _people(client_for(cast.banten_kabid), perubahan="membaik", level="Sedang")


# --- bad values, the filters on the page, one query ---------------------------------------------------------


@pytest.mark.parametrize("params", [{"terlambat": "besok"}, {"perubahan": "naik"}, {"terbuka": "ya"}])
def test_bad_person_filters_are_explained_not_applied(cast, client_for, linked_world, params):
    response = client_for(cast.banten_kabid).get(reverse("cases:person-list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "Masukkan pilihan yang valid" in html  # Django's Indonesian message, naming the refused value
    assert not re.findall(r'href="/orang/\d+/"', html)


def test_person_list_shows_the_filters_it_applies(cast, client_for, linked_world):
    html = (
        client_for(cast.koordinator)
        .get(reverse("cases:person-list"), {"terlambat": "kunjungan", "perubahan": "tetap", "terbuka": "1"})
        .content.decode()
    )
    assert re.search(r'data-filter="terlambat">Kunjungan pemantauan terlambat<', html)
    assert re.search(r'data-filter="perubahan">Perubahan tingkat asesmen: Tetap<', html)
    assert re.search(r'data-filter="terbuka">Punya kasus terbuka<', html)
    assert 'type="hidden" name="terlambat" value="kunjungan"' in html
    listed = _people(client_for(cast.koordinator), terlambat="kunjungan", perubahan="tetap", terbuka="1")
    assert listed == _names(linked_world.g)


def test_new_person_filters_add_no_query(cast, client_for, linked_world):
    client = client_for(cast.koordinator)
    url = reverse("cases:person-list")
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        page = client.get(url, {"terlambat": "peninjauan", "perubahan": "pertama", "level": "Tinggi", "terbuka": "1"})
    assert _people_in(page) == _names(linked_world.base.b)
    assert len(filtered) == len(plain)


def _people_in(response) -> set[str]:
    return set(re.findall(r'<a href="/orang/\d+/">([^<]+)</a>', response.content.decode()))


def test_person_api_takes_the_same_filters(cast, client_for, linked_world):
    api = client_for(cast.banten_kabid)
    names = {p["full_name"] for p in api.get("/api/v1/people/", {"terlambat": "kunjungan"}).json()["results"]}
    assert names == _names(linked_world.base.b, linked_world.g)
    assert api.get("/api/v1/people/", {"perubahan": "naik"}).status_code == 400


# --- grants: registered and delivered within dates ------------------------------------------------------------


def _grants(client, **params: str) -> tuple[set[str], str, str]:
    html = client.get(reverse("assistance:grant-list"), params).content.decode()
    names = set(re.findall(r'data-grant="\d+">.*?</td>\s*<td>([^<]+)</td>', html, flags=re.S))
    count = re.search(r'data-total="grants">(\d+)<', html)
    amount = re.search(r'data-total="amount">([^<]+)<', html)
    assert count
    assert amount
    return names, count.group(1), amount.group(1)


def test_grant_date_filters(cast, client_for, linked_world):
    w = linked_world.base
    start, end = w.period.start.isoformat(), w.period.end.isoformat()
    client = client_for(cast.banten_kabid)
    # G's grant was proposed 90 days ago and delivered 60 days ago; A's, B's and C's were proposed today.
    assert _grants(client, registered_from=start, registered_to=end) == (
        _names(w.a, w.b, w.c), "3", "Rp 20.800.000",
    )  # fmt: skip
    assert _grants(client, delivered_from=start, delivered_to=end) == (_names(w.b), "1", "Rp 7.900.000")
    before = (w.period.start - dt.timedelta(days=1)).isoformat()
    assert _grants(client, delivered_to=before) == (_names(linked_world.g), "1", "Rp 7.900.000")
    assert _grants(client, registered_to=before)[0] == _names(linked_world.g)
    # E's grant, delivered today in Kalimantan Timur, is never the Banten supervisor's.
    assert _grants(client, delivered_from=start)[0] == _names(w.b)
    assert OUTSIDER in _grants(client_for(cast.koordinator), delivered_from=start)[0]


def test_grant_list_explains_a_bad_date_and_applies_the_rest(cast, client_for, linked_world):
    w = linked_world.base
    response = client_for(cast.banten_kabid).get(
        reverse("assistance:grant-list"), {"registered_from": "kemarin", "reached": "delivered"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "Diusulkan sejak" in html
    assert "Masukkan tanggal yang valid" in html
    names = set(re.findall(r'data-grant="\d+">.*?</td>\s*<td>([^<]+)</td>', html, flags=re.S))
    assert names == _names(w.b, linked_world.g)  # delivered, the bad date left out


def test_grant_api_takes_the_date_filters(cast, client_for, linked_world):
    api = client_for(cast.banten_kabid)
    before = (linked_world.base.period.start - dt.timedelta(days=1)).isoformat()
    results = api.get("/api/v1/grants/", {"delivered_to": before}).json()["results"]
    assert [g["id"] for g in results] == [linked_world.g.grants.get().pk]
    assert api.get("/api/v1/grants/", {"delivered_to": "31-12-2026"}).status_code == 400


# --- plans: reporting, and the sums of the list ---------------------------------------------------------------


def _plans(client, **params: str) -> tuple[int, dict[str, str]]:
    html = client.get(reverse("sinergi:plan-list"), params).content.decode()
    totals = dict(re.findall(r'data-total="(\w+)">([^<]+)<', html))
    return len(set(re.findall(r'data-plan="(\d+)"', html))), totals


def test_plan_list_reporting_filter_and_sums(cast, client_for, linked_world):
    coordinator = client_for(cast.koordinator)
    rows, totals = _plans(coordinator, status="disepakati", melapor="1")
    # Agreed and reporting: Rp 80 jt (one report: Rp 20 jt, 15 people) and Rp 40 jt (Rp 5 jt + Rp 7 jt, 3 + 4).
    assert rows == 2
    assert (totals["budget"], totals["spent"], totals["reached"], totals["reporting"]) == (
        "Rp 120.000.000", "Rp 32.000.000", "22", "2",
    )  # fmt: skip
    rows, totals = _plans(coordinator, status="disepakati", melapor="0")
    assert (rows, totals["budget"], totals["spent"]) == (1, "Rp 10.000.000", "Rp 0")
    rows, totals = _plans(coordinator, status="draf")
    assert (rows, totals["budget"]) == (2, "Rp 175.000.000")
    # A Kemenag planner sees only Kemenag plans, none of which has reported.
    assert _plans(client_for(cast.kemenag_perencana), melapor="1")[0] == 0
    assert _plans(client_for(cast.kemenag_perencana))[1]["budget"] == "Rp 325.000.000"


def test_plan_list_ignores_a_bad_reporting_value(cast, client_for, linked_world):
    response = client_for(cast.koordinator).get(reverse("sinergi:plan-list"), {"melapor": "mungkin"})
    assert response.status_code == 200
    api = client_for(cast.koordinator).get("/api/v1/action-plans/", {"melapor": "1"}).json()
    budgets = sorted(Decimal(p["budget"]) for p in api["results"])
    assert budgets == [Decimal("40000000"), Decimal("80000000")]
