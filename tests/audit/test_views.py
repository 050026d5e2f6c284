import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from napiter.accounts.models import Office
from napiter.audit.actor import audit_actor
from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log

from .conftest import PERSON_X, PERSON_Y

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:access-list")
CHANGES = reverse("audit:change-list")


def _rows(response):
    """(username, action label, person id) of each listed event, top to bottom."""
    events = response.context["page"].rows
    return [(e.username, e.get_action_display(), e.person_id) for e in events]


def test_who_opened_person_x(cast, client_for, reads):
    response = client_for(cast.auditor).get(PAGE, {"person": PERSON_X})
    assert _rows(response) == [
        ("bnpt.koordinator", "buka data sensitif", PERSON_X),
        ("dinsos.banten.kabid", "lihat", PERSON_X),
        ("dinsos.banten.pendamping", "lihat", PERSON_X),
    ]
    html = response.content.decode()
    assert "Pencocokan data DTSEN untuk bantuan" in html
    assert "Dinas Sosial Provinsi Banten" in html
    assert "dinsos.kaltim.pendamping" not in html


def test_what_did_user_y_open(cast, client_for, reads):
    client = client_for(cast.auditor)
    by_name = client.get(PAGE, {"user": "bnpt.koordinator"})
    assert _rows(by_name) == [("bnpt.koordinator", "buka data sensitif", PERSON_X), ("bnpt.koordinator", "cari", None)]
    by_id = client.get(PAGE, {"user": str(cast.kaltim_pendamping.pk)})
    assert _rows(by_id) == [("dinsos.kaltim.pendamping", "lihat", PERSON_Y)]


def test_office_action_and_date_filters(cast, client_for, reads):
    client = client_for(cast.auditor)
    banten = Office.objects.get(code="DINSOS-BTN")
    assert {u for u, _, _ in _rows(client.get(PAGE, {"office": banten.pk}))} == {
        "dinsos.banten.pendamping",
        "dinsos.banten.kabid",
    }
    assert _rows(client.get(PAGE, {"action": "reveal"})) == [("bnpt.koordinator", "buka data sensitif", PERSON_X)]
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    assert len(_rows(client.get(PAGE, {"person": PERSON_X, "date_from": today, "date_to": today}))) == 3
    assert _rows(client.get(PAGE, {"person": PERSON_X, "date_to": yesterday})) == []
    assert _rows(client.get(PAGE, {"person": PERSON_X, "date_from": today + dt.timedelta(days=1)})) == []


def test_invalid_filter_shows_the_error_and_no_rows(cast, client_for, reads):
    response = client_for(cast.auditor).get(PAGE, {"person": "bukan-angka"})
    assert _rows(response) == []
    assert "Masukkan keseluruhan angka bilangan." in response.content.decode()


def test_pages_of_fifty_newest_first_without_counting_the_table(cast, client_for):
    for n in range(60):
        access_log(user=cast.banten_pendamping, action="view", obj_type="cases.person", obj_id=n, person_id=n)
    client = client_for(cast.auditor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(PAGE, {"user": "dinsos.banten.pendamping"})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert [p for _, _, p in _rows(first)] == list(range(59, 9, -1))
    older = first.context["page"].older_than
    assert f"sebelum={older}" in first.content.decode()
    second = client.get(PAGE, {"user": "dinsos.banten.pendamping", "sebelum": older})
    assert [p for _, _, p in _rows(second)] == list(range(9, -1, -1))
    assert second.context["page"].older_than is None
    back = client.get(PAGE, {"user": "dinsos.banten.pendamping", "sesudah": second.context["page"].newer_than})
    assert [p for _, _, p in _rows(back)] == list(range(59, 9, -1))


def test_auditor_searches_are_themselves_logged(cast, client_for, reads):
    client_for(cast.auditor).get(PAGE, {"person": PERSON_X})
    own = AccessEvent.objects.filter(username="auditor").get()
    assert (own.action, own.object_type, own.object_id) == ("search", "audit.accessevent", f"person={PERSON_X}")
    assert own.person_id is None
    assert own.path == PAGE


@pytest.mark.parametrize("url", [PAGE, CHANGES])
def test_outsiders_get_404(cast, client_for, reads, url):
    for user in (cast.banten_pendamping, cast.kemenag_perencana, cast.koordinator):
        response = client_for(user).get(url, {"person": PERSON_X})
        assert response.status_code == 404, user.username
        assert "dinsos.banten.kabid" not in response.content.decode()


@pytest.mark.parametrize("url", [PAGE, CHANGES])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_audit_appears_in_the_navigation_only_for_auditors(cast, client_for):
    assert f'href="{PAGE}"' in client_for(cast.auditor).get(reverse("home")).content.decode()
    assert f'href="{PAGE}"' not in client_for(cast.banten_pendamping).get(reverse("home")).content.decode()


def test_change_page_shows_who_changed_which_row(cast, client_for):
    client = client_for(cast.auditor)
    with audit_actor(cast.koordinator.pk):
        Group.objects.filter(name="perencana").update(name="perencana-kl")
    response = client.get(CHANGES, {"table": "auth_group", "operation": "UPDATE"})
    (item,) = response.context["events"]
    assert item["username"] == "bnpt.koordinator"
    assert [(v.column, v.old, v.new) for v in item["values"]] == [("name", '"perencana"', '"perencana-kl"')]
    html = response.content.decode()
    assert "perencana-kl" in html
    assert "ubah" in html
    assert _no_rows(client.get(CHANGES, {"table": "auth_group", "user": "dinsos.banten.pendamping"}))


def _no_rows(response):
    return response.context["events"] == []
