import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Visit
from cases.workflows import due_items_for
from napiter.accounts.models import Office, User
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def _case(
    name: str, *, review: int, opened: int = -30, visits: tuple[int, ...] = (), village="36.73.01.1002", **kwargs
):
    """A Banten case whose review falls `review` days from TODAY, opened `opened` days from TODAY."""
    person = PersonFactory(full_name=name, domicile_region_id=village)
    case = CaseFactory.create(person=person, opened_on=_days(opened), next_review_on=_days(review), **kwargs)
    visitor = User.objects.get(username="dinsos.banten.pendamping")
    for v in visits:
        Visit.objects.create(case=case, visited_on=_days(v), place="Rumah", findings="Stabil", visited_by=visitor)
    return case


def _rows(user, today=TODAY):
    return [(i.case.person.full_name, i.kind, i.due_on, i.days_left) for i in due_items_for(user, today=today)]


def test_reviews_and_visits_overdue_or_due_within_14_days_most_urgent_first(cast):
    _case("A Tinjau Lewat", review=-5, visits=(-10,))
    _case("B Tinjau 10 Hari", review=10, visits=(-10,))
    _case("C Tinjau 14 Hari", review=14, visits=(-10,))
    _case("D Tinjau 20 Hari", review=20, visits=(-10,))  # beyond the horizon
    _case("E Kunjungan Lewat", review=100, visits=(-200, -100))  # last visit 100 days ago
    _case("F Kunjungan 10 Hari", review=100, visits=(-80,))
    _case("G Belum Dikunjungi", review=100, opened=-95)  # never visited, opened 95 days ago
    _case("H Baru Dibuka", review=100, opened=-20)  # never visited but opened recently
    _case("I Ditutup", review=-30, opened=-300, stage="ditutup", closed_on=_days(-1), closure_reason="reintegrasi")
    assert _rows(cast.banten_pendamping) == [
        ("E Kunjungan Lewat", "visit", _days(-10), -10),
        ("A Tinjau Lewat", "review", _days(-5), -5),
        ("G Belum Dikunjungi", "visit", _days(-5), -5),
        ("B Tinjau 10 Hari", "review", _days(10), 10),
        ("F Kunjungan 10 Hari", "visit", _days(10), 10),
        ("C Tinjau 14 Hari", "review", _days(14), 14),
    ]


def test_a_case_can_be_due_for_both(cast):
    _case("Dua Tugas", review=-1, visits=(-120,))
    items = due_items_for(cast.banten_pendamping, today=TODAY)
    assert [(i.kind, i.overdue, i.days_overdue) for i in items] == [("visit", True, 30), ("review", True, 1)]
    assert items[0].last_visit == _days(-120)


def test_caseworker_sees_own_cases_supervisor_the_whole_office(cast):
    _case("Milik Siti", review=-1)
    _case("Milik Lain", review=-1, caseworker=cast.banten_kabid)
    _case("Tanpa Pendamping", review=-1, caseworker=None)
    names = {r[0] for r in _rows(cast.banten_pendamping)}
    assert names == {"Milik Siti"}
    assert {r[0] for r in _rows(cast.banten_kabid)} == {"Milik Siti", "Milik Lain", "Tanpa Pendamping"}


def test_other_offices_see_nothing_of_it(cast):
    _case("Kasus Banten", review=-1)
    assert _rows(cast.kaltim_pendamping) == []
    # National Kemensos sees every person, but its due list is its own office's cases.
    assert _rows(cast.kemensos_supervisor) == []
    national = CaseFactory(
        person=PersonFactory(full_name="Kasus Nasional"), office=Office.objects.get(code="KEMENSOS-RESOS"),
        caseworker=cast.kemensos_supervisor, next_review_on=_days(3), opened_on=_days(-10),
    )  # fmt: skip
    assert [(i.case, i.kind) for i in due_items_for(cast.kemensos_supervisor, today=TODAY)] == [(national, "review")]


def test_a_case_out_of_scope_is_not_listed_even_if_assigned(cast):
    """The access layer has the last word: a case whose person moved out of the office's territory, still
    wrongly owned by the office, is not on its list."""
    _case("Pindah Sendiri", review=-1, village="64.72.01.1001")
    assert _rows(cast.banten_pendamping) == []


def test_due_list_page(cast, client_for):
    today = timezone.localdate()
    overdue = CaseFactory(
        person=PersonFactory(full_name="Rahmat Terlambat"), next_review_on=today - dt.timedelta(days=3),
        opened_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    CaseFactory(
        person=PersonFactory(full_name="Umar Sepekan"), next_review_on=today + dt.timedelta(days=7),
        opened_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    CaseFactory(
        person=PersonFactory(full_name="Yusuf Jauh"), next_review_on=today + dt.timedelta(days=60),
        opened_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    html = client_for(cast.banten_pendamping).get(reverse("cases:due-list")).content.decode()
    assert html.index("Rahmat Terlambat") < html.index("Umar Sepekan")
    assert "Yusuf Jauh" not in html
    assert f'<tr data-due="review" data-case="{overdue.pk}" class="table-danger">' in html
    assert "terlambat 3 hari" in html
    assert "7 hari lagi" in html


def test_due_list_is_for_casework_roles_only(cast, client_for):
    _case("Kasus Banten", review=-1)
    assert client_for(cast.koordinator).get(reverse("cases:due-list")).status_code == 404
    assert client_for(cast.kemenag_perencana).get(reverse("cases:due-list")).status_code == 404
    kaltim = client_for(cast.kaltim_pendamping).get(reverse("cases:due-list"))
    assert kaltim.status_code == 200
    assert "Kasus Banten" not in kaltim.content.decode()


def test_nav_entry_for_roles_that_record_visits(cast, client_for):
    url = reverse("cases:due-list")
    assert f'href="{url}">Jatuh tempo<' in client_for(cast.banten_pendamping).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for(cast.asesor).get(reverse("home")).content.decode()


def test_due_list_query_count_does_not_grow_with_the_list(cast, client_for):
    today = timezone.localdate()

    def add(n: int) -> None:
        for _ in range(n):
            case = CaseFactory.create(
                next_review_on=today - dt.timedelta(days=1), opened_on=today - dt.timedelta(days=200)
            )
            Visit.objects.create(
                case=case, visited_on=today - dt.timedelta(days=120), place="Rumah", findings="-",
                visited_by=cast.banten_pendamping,
            )  # fmt: skip

    client = client_for(cast.banten_kabid)
    url = reverse("cases:due-list")
    add(2)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).content.decode().count('data-due="') == 4
    add(8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('data-due="') == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_due_list_pages_in_the_database_in_the_same_order(cast, client_for):
    """An office with more due items than a page: the page is a LIMIT of the ordered UNION, so the two pages
    together are the whole list in order, each item once, and only the first page links onward."""
    today = timezone.localdate()
    for n in range(16):  # 16 cases, each with an overdue review and an overdue visit: 32 items
        CaseFactory(
            person=PersonFactory(full_name=f"Orang Tempo {n:02d}"),
            next_review_on=today - dt.timedelta(days=n),
            opened_on=today - dt.timedelta(days=100 + 3 * n),
        )
    client = client_for(cast.banten_kabid)
    url = reverse("cases:due-list")
    first = client.get(url).content.decode()
    second = client.get(f"{url}?hal=2").content.decode()

    def rows(html: str) -> list[tuple[str, str]]:
        return re.findall(r'<tr data-due="(\w+)" data-case="(\d+)"', html)

    expected = [(i.kind, str(i.case.pk)) for i in due_items_for(cast.banten_kabid, today=today)]
    assert len(expected) == 32
    assert len(rows(first)) == 25
    assert rows(first) + rows(second) == expected
    assert "hal=2" in first
    assert "Berikutnya" in first
    assert "Berikutnya" not in second
    assert "hal=1" in second
