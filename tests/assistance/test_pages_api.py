"""Programme page counts, the grant list and export, the API lifecycle, and the person's timeline."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from assistance.models import Grant
from assistance.selectors import monitoring_alerts_for
from assistance.services import VisitInput, grant_reject, monitoring_visit_record
from cases.selectors import person_timeline
from napiter.audit.models import AccessEvent
from tests.assistance.factories import (
    ProgrammeFactory,
    approved_grant,
    delivered_grant,
    dtsen,
    proposed_grant,
    verified_grant,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_programme_page_counts_match_the_grants(cast, client_for):
    programme = ProgrammeFactory(budget_ceiling=100_000_000)
    delivered = [delivered_grant(programme=programme) for _ in range(2)]
    approved_grant(programme=programme)
    verified_grant(programme=programme)
    grant_reject(user=cast.banten_kabid, grant_id=proposed_grant(programme=programme).pk, reason="Ganda")
    monitoring_visit_record(
        user=cast.banten_pendamping, grant_id=delivered[0].pk,
        data=VisitInput(6, timezone.localdate(), business_running=True, assets_present=True),
    )  # fmt: skip

    response = client_for(cast.banten_kabid).get(reverse("assistance:programme-detail", args=[programme.pk]))

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row.registered, row.verified, row.approved, row.delivered, row.active_6, row.active_12) == (
        5,
        4,
        3,
        2,
        1,
        0,
    )
    assert row.committed == 3 * 7_900_000
    assert row.delivered_value == 2 * 7_900_000
    assert response.context["chart"]["values"] == [5, 4, 3, 2, 1, 0]
    assert "Rp 23.700.000" in response.content.decode()


def test_programme_counts_only_what_the_user_may_see(cast, client_for):
    programme = ProgrammeFactory()
    delivered_grant(programme=programme)
    response = client_for(cast.kaltim_pendamping).get(reverse("assistance:programme-detail", args=[programme.pk]))
    assert response.context["rows"] == []


def test_grant_list_filters_and_hides_out_of_scope_grants(cast, client_for):
    delivered = delivered_grant()
    proposed = proposed_grant()
    url = reverse("assistance:grant-list")

    page = client_for(cast.banten_pendamping).get(url, {"status": "disalurkan"})
    assert [g.pk for g in page.context["page"]] == [delivered.pk]
    other = client_for(cast.kaltim_pendamping).get(url)
    assert list(other.context["page"]) == []
    assert proposed.person.full_name not in other.content.decode()


def test_grant_export_is_an_excel_list_and_each_row_is_logged(cast, client_for):
    grant = delivered_grant()
    response = client_for(cast.banten_pendamping).get(reverse("assistance:grant-export"), {"status": "disalurkan"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == grant.pk
    assert rows[1][4] == grant.person.full_name
    assert rows[1][9] == 7_900_000
    assert AccessEvent.objects.filter(action="export", person_id=grant.person_id).count() == 1


def test_grant_page_is_logged_and_shows_the_checks(cast, client_for):
    grant = verified_grant(decile=6)
    response = client_for(cast.banten_kabid).get(reverse("assistance:grant-detail", args=[grant.pk]))
    body = response.content.decode()
    assert 'data-check="desil" data-ok="0"' in body
    assert AccessEvent.objects.filter(action="view", person_id=grant.person_id).exists()


def test_the_html_approve_refusal_is_shown_with_its_reason(cast, client_for):
    grant = verified_grant(decile=6)
    response = client_for(cast.banten_kabid).post(
        reverse("assistance:grant-approve", args=[grant.pk]),
        {"decree_number": "SK-9", "decree_date": timezone.localdate()},
    )
    assert response.status_code == 400
    assert "verifikasi tidak lolos: Desil paling tinggi 4" in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).status == "verifikasi"


def test_api_lifecycle_propose_verify_approve_deliver(cast):
    person = PersonFactory()
    dtsen(person, decile=3)
    programme = ProgrammeFactory()
    pendamping, kabid = _api(cast.banten_pendamping), _api(cast.banten_kabid)

    created = pendamping.post(
        "/api/v1/grants/",
        {"programme": programme.pk, "person": person.pk, "amount": 7_900_000, "business_type": "Ternak ayam"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    grant_id = created.json()["id"]
    assert created.json()["status"] == "usulan"
    assert pendamping.post(f"/api/v1/grants/{grant_id}/verify/").json()["checks_passed"] is True
    body = {"decree_number": "SK-1", "decree_date": timezone.localdate()}
    # The route is not the pendamping's at all; another office's supervisor is refused with the reason.
    assert pendamping.post(f"/api/v1/grants/{grant_id}/approve/", body, format="json").status_code == 404
    refused = _api(cast.kemensos_supervisor).post(f"/api/v1/grants/{grant_id}/approve/", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Bantuan ini ditetapkan oleh kantor pengusulnya (Dinas Sosial Provinsi Banten)."
    approved = kabid.post(
        f"/api/v1/grants/{grant_id}/approve/",
        {"decree_number": "SK-1", "decree_date": timezone.localdate()},
        format="json",
    )
    assert approved.json()["status"] == "ditetapkan"
    over = pendamping.post(
        f"/api/v1/grants/{grant_id}/deliver/",
        {"delivered_on": timezone.localdate(), "items": [{"name": "Kandang", "quantity": 1, "unit_value": 9_000_000}]},
        format="json",
    )
    assert over.status_code == 400
    assert "melebihi nilai bantuan" in over.json()["errors"]["items"][0]
    delivered = pendamping.post(
        f"/api/v1/grants/{grant_id}/deliver/",
        {
            "delivered_on": timezone.localdate(),
            "items": [{"name": "Bibit ayam", "quantity": 100, "unit": "ekor", "unit_value": 79_000}],
        },
        format="json",
    )
    assert delivered.json()["status"] == "disalurkan"
    assert delivered.json()["items"][0]["total"] == 7_900_000
    visit = pendamping.post(
        f"/api/v1/grants/{grant_id}/monitoring/",
        {"month": 3, "visited_on": timezone.localdate(), "business_running": False, "assets_present": True},
        format="json",
    )
    assert visit.status_code == 201
    assert visit.json()["alert"] is True


def test_api_grant_of_an_out_of_scope_person_is_404(cast):
    grant = proposed_grant()
    client = _api(cast.kaltim_pendamping)
    assert client.get(f"/api/v1/grants/{grant.pk}/").status_code == 404
    assert client.post(f"/api/v1/grants/{grant.pk}/verify/").status_code == 404
    assert client.get("/api/v1/grants/").json()["results"] == []


def test_grants_appear_on_the_persons_timeline(cast):
    grant = delivered_grant()
    entries = [e for e in person_timeline(grant.person) if e.kind == "grant"]
    assert {e.title for e in entries} >= {
        f"Bantuan {grant.programme.name}: usulan",
        f"Bantuan {grant.programme.name}: disalurkan",
    }


def test_the_supervisor_acknowledges_a_misuse_alert_from_the_grant_page(cast, client_for):
    grant = delivered_grant()
    visit = monitoring_visit_record(
        user=cast.banten_pendamping, grant_id=grant.pk,
        data=VisitInput(3, timezone.localdate(), business_running=True, assets_present=False, misuse=True),
    )  # fmt: skip
    url = reverse("assistance:grant-alert-acknowledge", args=[grant.pk])
    page = client_for(cast.banten_kabid).get(reverse("assistance:grant-detail", args=[grant.pk]))
    assert "Tandai sudah ditindaklanjuti" in page.content.decode()

    response = client_for(cast.banten_kabid).post(url, {"visit": visit.pk})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.alert_acknowledged_by == cast.banten_kabid
    assert list(monitoring_alerts_for(cast.banten_kabid)) == []
