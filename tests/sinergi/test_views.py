from __future__ import annotations

import pytest
from django.urls import reverse

from napiter.regions.models import Region
from sinergi.models import ActionPlan
from sinergi.services import plan_create, plan_submit
from tests.sinergi.factories import plan_data

pytestmark = pytest.mark.django_db


def _submitted(cast, **overrides):
    plan = plan_create(user=cast.kemenag_perencana, data=plan_data(**overrides))
    return plan_submit(user=cast.kemenag_perencana, plan_id=plan.pk)


def test_planner_creates_and_submits_through_pages(cast, client_for):
    client = client_for(cast.kemenag_perencana)
    form = {k: (v.pk if hasattr(v, "pk") else v) for k, v in plan_data().items()}
    response = client.post(reverse("sinergi:plan-create"), form)
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    response = client.post(reverse("sinergi:plan-submit", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED


def test_form_shows_model_errors(cast, client_for):
    form = {k: (v.pk if hasattr(v, "pk") else v) for k, v in plan_data(category="sumur_bor").items()}
    response = client_for(cast.kemenag_perencana).post(reverse("sinergi:plan-create"), form)
    assert response.status_code == 400
    assert "kegiatan fisik" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_review_queue_filters_and_bulk_approves(cast, client_for):
    banten = [_submitted(cast) for _ in range(2)]
    elsewhere = _submitted(cast, province=Region.objects.get(code="64"), regency=None)
    client = client_for(cast.koordinator)
    page = client.get(reverse("sinergi:plan-list"), {"province": "36", "status": "diajukan"}).content.decode()
    assert all(f'data-plan="{p.pk}"' in page for p in banten)
    assert f'data-plan="{elsewhere.pk}"' not in page
    response = client.post(reverse("sinergi:plan-bulk-approve"), {"plan": [p.pk for p in banten]})
    assert response.status_code == 302
    assert set(ActionPlan.objects.filter(status="disetujui").values_list("pk", flat=True)) == {p.pk for p in banten}


def test_return_from_page_keeps_comment(cast, client_for):
    plan = _submitted(cast)
    client_for(cast.koordinator).post(reverse("sinergi:plan-return", args=[plan.pk]), {"comment": "Perbaiki jadwal."})
    page = client_for(cast.kemenag_perencana).get(reverse("sinergi:plan-detail", args=[plan.pk])).content.decode()
    assert "Perbaiki jadwal." in page
    assert 'data-status="dikembalikan"' in page


def test_dashboard_province_table(cast, client_for):
    _submitted(cast)
    page = client_for(cast.koordinator).get(reverse("sinergi:dashboard")).content.decode()
    assert 'data-province="36"' in page
    assert 'data-total="1"' in page
    assert 'id="sinergi-chart-data"' in page


def test_planner_cannot_approve_page(cast, client_for):
    plan = _submitted(cast)
    response = client_for(cast.kemenag_perencana).post(reverse("sinergi:plan-approve", args=[plan.pk]))
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.SUBMITTED


def test_planner_reports_realisation_with_evidence(cast, client_for, demo_pki):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sinergi.services import agreement_create, plan_approve
    from tests.sinergi.factories import signing_officials

    signing_officials()
    plan = _submitted(cast)
    plan_approve(user=cast.koordinator, plan_id=plan.pk)
    agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    evidence = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0 bukti", content_type="image/jpeg")
    response = client_for(cast.kemenag_perencana).post(
        reverse("sinergi:realisation-create", args=[plan.pk]),
        {"quarter": 1, "progress_percent": 30, "output_achieved": 4, "budget_spent": 10000000,
         "beneficiaries_reached": 8, "narrative": "Angkatan pertama selesai.", "evidence": evidence},
    )  # fmt: skip
    assert response.status_code == 302
    report = plan.realisations.get()
    assert (report.quarter, report.progress_percent, report.beneficiaries_reached) == (1, 30, 8)
    assert report.evidence.name.endswith(".jpg")
    page = client_for(cast.koordinator).get(reverse("sinergi:plan-detail", args=[plan.pk])).content.decode()
    assert "30%" in page
