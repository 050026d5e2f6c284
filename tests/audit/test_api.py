import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from napiter.accounts.models import Office
from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log

from .conftest import PERSON_X, PERSON_Y

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-events/"


def _seen(response):
    assert response.status_code == 200, response.content
    return [(e["username"], e["action"], e["person_id"]) for e in response.json()["results"]]


def test_who_opened_person_x(cast, client_for, reads):
    response = client_for(cast.auditor).get(URL, {"person": PERSON_X})
    assert _seen(response) == [
        ("bnpt.koordinator", "reveal", PERSON_X),
        ("dinsos.banten.kabid", "view", PERSON_X),
        ("dinsos.banten.pendamping", "view", PERSON_X),
    ]
    reveal = response.json()["results"][0]
    assert reveal["action_label"] == "buka data sensitif"
    assert reveal["fields_revealed"] == ["nik"]
    assert reveal["reason"] == "Pencocokan data DTSEN untuk bantuan"
    assert reveal["office_name"] == "BNPT, Direktorat Deradikalisasi"
    assert len(reveal["hash"]) == 64


def test_what_did_user_y_open_by_username_or_id(cast, client_for, reads):
    client = client_for(cast.auditor)
    assert _seen(client.get(URL, {"user": "dinsos.kaltim.pendamping"})) == [
        ("dinsos.kaltim.pendamping", "view", PERSON_Y)
    ]
    assert _seen(client.get(URL, {"user": cast.koordinator.pk})) == [
        ("bnpt.koordinator", "reveal", PERSON_X),
        ("bnpt.koordinator", "search", None),
    ]


def test_office_action_and_time_filters(cast, client_for, reads):
    client = client_for(cast.auditor)
    kaltim = Office.objects.get(code="DINSOS-KTM")
    assert _seen(client.get(URL, {"office": kaltim.pk})) == [("dinsos.kaltim.pendamping", "view", PERSON_Y)]
    # The auditor's own queries are searches too, and are listed as such.
    assert _seen(client.get(URL, {"action": "search", "user": "bnpt.koordinator"})) == [
        ("bnpt.koordinator", "search", None)
    ]
    middle = reads[2].created_at
    assert [p for _, _, p in _seen(client.get(URL, {"person": PERSON_X, "before": middle.isoformat()}))] == [
        PERSON_X,
        PERSON_X,
    ]
    after = _seen(client.get(URL, {"after": middle.isoformat(), "user": "bnpt.koordinator"}))
    assert [a for _, a, _ in after] == ["reveal", "search"]
    assert _seen(client.get(URL, {"after": timezone.now().isoformat(), "person": PERSON_X})) == []


def test_bad_filter_is_a_400_in_indonesian(cast, client_for, reads):
    response = client_for(cast.auditor).get(URL, {"person": "satu"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Data tidak valid; periksa isian yang ditandai."
    assert "person" in response.json()["errors"]


@pytest.mark.parametrize("outsider", ["banten_pendamping", "kemenag_perencana", "koordinator"])
def test_outsiders_get_404(cast, client_for, reads, outsider):
    response = client_for(getattr(cast, outsider)).get(URL, {"person": PERSON_X})
    assert response.status_code == 404
    assert response.json() == {"detail": "Data tidak ditemukan."}


def test_anonymous_gets_401(client, reads):
    response = client.get(URL, {"person": PERSON_X})
    assert response.status_code == 401
    assert "results" not in response.json()


def test_query_count_does_not_grow_with_page_size(cast, client_for):
    client = client_for(cast.auditor)
    client.get(URL)  # warm the per-process caches (content types) so both counts are steady-state

    def queries_for(n):
        for i in range(n):
            access_log(user=cast.banten_kabid, action="view", obj_type="cases.person", obj_id=i, person_id=i)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"user": "dinsos.banten.kabid"})
        assert len(response.json()["results"]) == min(
            AccessEvent.objects.filter(username="dinsos.banten.kabid").count(), 50
        )
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(48)


def test_cursor_pages_walk_every_event_once(cast, client_for):
    for i in range(55):
        access_log(user=cast.banten_kabid, action="view", obj_type="cases.person", obj_id=i, person_id=i)
    client = client_for(cast.auditor)
    first = client.get(URL, {"user": "dinsos.banten.kabid"}).json()
    second = client.get(first["next"]).json()
    people = [e["person_id"] for e in first["results"] + second["results"]]
    assert people == list(range(54, -1, -1))
    assert second["next"] is None
    assert "count" not in first  # no COUNT(*) over the whole log


def test_api_queries_are_logged_as_reads(cast, client_for, reads):
    client_for(cast.auditor).get(URL, {"user": "dinsos.banten.kabid"})
    own = AccessEvent.objects.get(username="auditor")
    assert (own.action, own.object_id, own.path) == ("search", "user=dinsos.banten.kabid", URL)
