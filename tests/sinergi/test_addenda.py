"""Addenda to agreed plans: every refusal of a proposal, the review, and who sees them (pages and API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from napiter.accounts.models import Agency, Office, User
from napiter.accounts.services import office_upsert, user_upsert
from napiter.regions.models import Region
from sinergi.models import ActionPlan, Addendum
from sinergi.services import (
    PlanChange,
    addendum_approve,
    addendum_propose,
    addendum_return,
    plan_create,
    plan_submit,
)
from tests.sinergi.factories import agreed_plans, plan_data, sign_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(cast):
    return agreed_plans(titles=("Pembinaan moderasi beragama", "Beasiswa pendidikan anak mitra"))


@pytest.fixture
def kemenkes_planner(base_data) -> User:
    agency = Agency.objects.create(code="kemenkes", name="Kementerian Kesehatan", kind=Agency.Kind.MINISTRY)
    office = office_upsert(
        code="KEMENKES-RENC", agency=agency, name="Kemenkes, Biro Perencanaan", jurisdiction="national",
        region_code=None, timezone=Office.TimeZone.WIB,
    )  # fmt: skip
    return user_upsert(username="kl.kemenkes.perencana", office=office, role="perencana", password="x-uji-123")


def _propose(user, plan, reason="Harga satuan naik.", **changes):
    return addendum_propose(user=user, changes=[PlanChange(plan_id=plan.pk, changes=changes, reason=reason)])


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- proposing ------------------------------------------------------------------------------------------


def test_planner_proposes_changes_with_old_and_new_values(cast, plans):
    first, second = plans
    addendum = addendum_propose(
        user=cast.kemenag_perencana,
        changes=[
            PlanChange(
                plan_id=first.pk,
                changes={"budget": Decimal("175000000"), "regency": Region.objects.get(code="36.01")},
                reason="Lokus dipindah ke Pandeglang; biaya perjalanan naik.",
            ),
            PlanChange(plan_id=second.pk, changes={"end_on": "2026-12-15", "title": second.title}, reason="Jadwal."),
        ],
    )
    assert addendum.status == Addendum.Status.PROPOSED
    assert addendum.sequence == 1
    assert addendum.agreement == first.agreement
    items = {i.plan_id: i for i in addendum.items.all()}
    assert [c["field"] for c in items[first.pk].changes] == ["regency", "budget"]
    budget = items[first.pk].changes[1]
    assert (budget["old"], budget["new"]) == ("150000000", "175000000")
    assert (budget["old_display"], budget["new_display"]) == ("Rp 150.000.000", "Rp 175.000.000")
    regency = items[first.pk].changes[0]
    assert (regency["old"], regency["new"]) == ("36.04", "36.01")
    assert regency["new_display"] == Region.objects.get(code="36.01").name
    # An unchanged value sent along (the title) is not a change.
    assert [(c["field"], c["old"], c["new"]) for c in items[second.pk].changes] == [
        ("end_on", "2026-11-30", "2026-12-15")
    ]
    assert items[second.pk].changes[0]["new_display"] == "15 Desember 2026"
    for plan in plans:
        fresh = ActionPlan.objects.get(pk=plan.pk)
        assert (fresh.budget, fresh.regency_id, fresh.end_on) == (plan.budget, plan.regency_id, plan.end_on)
        assert fresh.is_frozen


def test_plan_not_frozen_is_edited_without_addendum(cast, plans):
    submitted = plan_submit(
        user=cast.kemenag_perencana, plan_id=plan_create(user=cast.kemenag_perencana, data=plan_data()).pk
    )
    with pytest.raises(ValidationError, match="belum terkunci dalam kesepakatan; ubah langsung"):
        _propose(cast.kemenag_perencana, submitted, budget=1)
    assert not Addendum.objects.exists()


def test_plan_of_another_ministry_is_refused(plans, kemenkes_planner):
    with pytest.raises(ValidationError, match=f"#{plans[0].pk} bukan rencana aksi Kemenkes"):
        _propose(kemenkes_planner, plans[0], budget=1)
    with pytest.raises(ValidationError, match="#999999 bukan rencana aksi Kemenkes"):
        addendum_propose(user=kemenkes_planner, changes=[PlanChange(plan_id=999999, changes={"budget": 1}, reason="x")])
    assert not Addendum.objects.exists()


@pytest.mark.parametrize("changes", [{}, {"budget": Decimal("150000000"), "output_target": "30"}])
def test_empty_change_is_refused(cast, plans, changes):
    with pytest.raises(ValidationError, match="tidak ada perubahan"):
        _propose(cast.kemenag_perencana, plans[0], **changes)
    with pytest.raises(ValidationError, match="paling sedikit satu rencana aksi"):
        addendum_propose(user=cast.kemenag_perencana, changes=[])


@pytest.mark.parametrize("field", ["ministry", "year"])
def test_ministry_and_year_cannot_change(cast, plans, field):
    with pytest.raises(ValidationError, match="K/L dan tahun rencana aksi tidak dapat diubah"):
        _propose(cast.kemenag_perencana, plans[0], **{field: 2027 if field == "year" else 1})


def test_unknown_field_is_refused(cast, plans):
    with pytest.raises(ValidationError, match="tidak dikenal atau tidak dapat diubah: status"):
        _propose(cast.kemenag_perencana, plans[0], status="draf")


def test_second_open_addendum_on_a_plan_is_refused_until_the_first_is_returned(cast, plans):
    first = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    with pytest.raises(ValidationError, match="sedang diubah oleh adendum ke-1 yang belum selesai"):
        _propose(cast.kemenag_perencana, plans[0], target_mitra=12)
    other_plan = _propose(cast.kemenag_perencana, plans[1], target_mitra=12)
    assert other_plan.sequence == 2
    addendum_return(user=cast.koordinator, addendum_id=first.pk, comment="Sertakan rincian biaya.")
    again = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    assert again.sequence == 3


def test_new_values_are_checked_like_the_plan_form(cast, plans):
    with pytest.raises(ValidationError) as error:
        _propose(cast.kemenag_perencana, plans[0], end_on=dt.date(2026, 1, 1), regency=Region.objects.get(code="64.01"))
    text = " ".join(error.value.messages)
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai" in text
    assert "Kabupaten/kota harus berada di provinsi lokasi" in text
    with pytest.raises(ValidationError, match=r"Anggaran \(Rp\): .*bilangan desimal"):
        _propose(cast.kemenag_perencana, plans[0], budget="banyak")
    with pytest.raises(ValidationError, match=r"Pilihan 99\.99 tidak dikenal"):
        _propose(cast.kemenag_perencana, plans[0], regency="99.99")
    with pytest.raises(ValidationError, match="Pilihan bukan-angka tidak dikenal"):
        _propose(cast.kemenag_perencana, plans[0], unit="bukan-angka")
    assert not Addendum.objects.exists()


def test_reason_is_required(cast, plans):
    with pytest.raises(ValidationError, match="tuliskan alasan perubahan"):
        _propose(cast.kemenag_perencana, plans[0], reason="  ", budget=Decimal("160000000"))


def test_plans_of_two_agreements_need_two_addenda(cast, plans):
    later = agreed_plans(year=2027, start_on=dt.date(2027, 3, 1), end_on=dt.date(2027, 11, 30))[0]
    with pytest.raises(ValidationError, match="dari berita acara kesepakatan yang sama"):
        addendum_propose(
            user=cast.kemenag_perencana,
            changes=[
                PlanChange(plan_id=plans[0].pk, changes={"target_mitra": 11}, reason="x"),
                PlanChange(plan_id=later.pk, changes={"target_mitra": 11}, reason="x"),
            ],
        )


def test_only_the_planner_proposes_and_only_the_coordinator_reviews(cast, plans):
    with pytest.raises(PermissionDenied):
        _propose(cast.koordinator, plans[0], budget=1)
    addendum = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    with pytest.raises(PermissionDenied, match="koordinator BNPT"):
        addendum_approve(user=cast.kemenag_perencana, addendum_id=addendum.pk)
    with pytest.raises(PermissionDenied, match="koordinator BNPT"):
        addendum_return(user=cast.kemenag_perencana, addendum_id=addendum.pk, comment="x")


# --- reviewing ------------------------------------------------------------------------------------------


def test_return_needs_a_comment_and_closes_the_proposal(cast, plans):
    addendum = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    with pytest.raises(ValidationError, match="Tuliskan catatan"):
        addendum_return(user=cast.koordinator, addendum_id=addendum.pk, comment=" ")
    returned = addendum_return(user=cast.koordinator, addendum_id=addendum.pk, comment="Lampirkan RAB.")
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        Addendum.Status.RETURNED, "Lampirkan RAB.", cast.koordinator,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="hanya adendum yang diajukan"):
        addendum_approve(user=cast.koordinator, addendum_id=addendum.pk)


def test_approval_waits_for_the_signed_agreement_then_requests_the_document(cast, plans, demo_pki):
    addendum = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    with pytest.raises(ValidationError, match="belum ditandatangani lengkap"):
        addendum_approve(user=cast.koordinator, addendum_id=addendum.pk)
    sign_document(plans[0].agreement.document_id)
    approved = addendum_approve(user=cast.koordinator, addendum_id=addendum.pk, comment="Sesuai RAB.")
    assert approved.status == Addendum.Status.APPROVED
    assert approved.document is not None
    assert approved.document.kind == "addendum"
    assert [s.signer.username for s in approved.document.signatures.order_by("order")] == [
        "kl.kemenag.eselon2", "bnpt.kepala",
    ]  # fmt: skip
    assert ActionPlan.objects.get(pk=plans[0].pk).budget == Decimal("150000000")  # not before the signatures
    with pytest.raises(ValidationError, match="hanya adendum yang diajukan"):
        addendum_approve(user=cast.koordinator, addendum_id=addendum.pk)


# --- pages ----------------------------------------------------------------------------------------------


def test_planner_proposes_through_the_pages(cast, client_for, plans):
    client = client_for(cast.kemenag_perencana)
    agreement = plans[0].agreement
    page = client.get(reverse("sinergi:agreement-detail", args=[agreement.pk])).content.decode()
    create_url = reverse("sinergi:addendum-create", args=[agreement.pk])
    assert create_url in page
    choose = client.get(create_url).content.decode()
    assert f'value="{plans[0].pk}"' in choose
    assert f'value="{plans[1].pk}"' in choose
    form_page = client.get(create_url, {"plan": plans[0].pk})
    assert f'data-addendum-form="{plans[0].pk}"' in form_page.content.decode()
    assert f'data-addendum-form="{plans[1].pk}"' not in form_page.content.decode()
    fields = {
        f"p{plans[0].pk}-{name}": (value.pk if hasattr(value, "pk") else value)
        for name, value in plan_data(title=plans[0].title).items()
        if name != "year"
    }
    fields |= {f"p{plans[0].pk}-budget": "180000000", f"p{plans[0].pk}-reason": "Tambah dua angkatan.",
               "plan": plans[0].pk}  # fmt: skip
    response = client.post(create_url, fields)
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert response["Location"] == reverse("sinergi:addendum-detail", args=[addendum.pk])
    item = addendum.items.get()
    assert [c["field"] for c in item.changes] == ["budget"]
    assert item.reason == "Tambah dua angkatan."
    detail = client.get(response["Location"]).content.decode()
    assert "Rp 180.000.000" in detail
    assert "Rp 150.000.000" in detail
    assert 'data-addendum-status="diajukan"' in detail


def test_page_shows_the_services_refusal_and_saves_nothing(cast, client_for, plans):
    create_url = reverse("sinergi:addendum-create", args=[plans[0].agreement.pk])
    fields = {
        f"p{plans[0].pk}-{name}": (value.pk if hasattr(value, "pk") else value)
        for name, value in plan_data(title=plans[0].title).items()
    }
    fields |= {f"p{plans[0].pk}-reason": "Tidak ada yang berubah.", "plan": plans[0].pk}
    response = client_for(cast.kemenag_perencana).post(create_url, fields)
    assert response.status_code == 400
    assert "tidak ada perubahan" in response.content.decode()
    empty = client_for(cast.kemenag_perencana).post(create_url, {})
    assert empty.status_code == 400
    assert "Pilih paling sedikit satu rencana aksi" in empty.content.decode()
    assert not Addendum.objects.exists()


def test_coordinator_returns_through_the_page(cast, client_for, plans):
    addendum = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    client = client_for(cast.koordinator)
    assert 'id="return-addendum"' in client.get(reverse("sinergi:addendum-detail", args=[addendum.pk])).content.decode()
    client.post(reverse("sinergi:addendum-return", args=[addendum.pk]), {"comment": "Rincikan biaya."})
    page = client_for(cast.kemenag_perencana).get(reverse("sinergi:addendum-detail", args=[addendum.pk]))
    assert "Rincikan biaya." in page.content.decode()
    assert 'data-addendum-status="dikembalikan"' in page.content.decode()


def test_another_ministry_planner_gets_404_everywhere(cast, client_for, plans, kemenkes_planner):
    addendum = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("160000000"))
    client = client_for(kemenkes_planner)
    assert client.get(reverse("sinergi:addendum-detail", args=[addendum.pk])).status_code == 404
    assert client.get(reverse("sinergi:addendum-create", args=[addendum.agreement_id])).status_code == 404
    assert f'data-addendum="{addendum.pk}"' not in client.get(reverse("sinergi:addendum-list")).content.decode()
    api = _api(kemenkes_planner)
    assert api.get(f"/api/v1/addenda/{addendum.pk}/").status_code == 404
    assert api.get("/api/v1/addenda/").json()["count"] == 0
    assert api.post(f"/api/v1/addenda/{addendum.pk}/approve/", {}, format="json").status_code == 404


def test_coordinator_cannot_open_the_proposal_page(cast, client_for, plans):
    response = client_for(cast.koordinator).get(reverse("sinergi:addendum-create", args=[plans[0].agreement_id]))
    assert response.status_code == 404


# --- API ------------------------------------------------------------------------------------------------


def test_plan_history_shows_what_each_applied_addendum_changed(cast, client_for, plans, demo_pki):
    sign_document(plans[0].agreement.document_id)
    returned = _propose(cast.kemenag_perencana, plans[0], budget=Decimal("990000000"))
    addendum_return(user=cast.koordinator, addendum_id=returned.pk, comment="Melebihi pagu.")
    proposed = _propose(cast.kemenag_perencana, plans[0], target_victims=5, budget=Decimal("175000000"))
    addendum = addendum_approve(user=cast.koordinator, addendum_id=proposed.pk)
    assert addendum.document is not None
    sign_document(addendum.document.pk)

    response = client_for(cast.kemenag_perencana).get(reverse("sinergi:plan-detail", args=[plans[0].pk]))
    history = response.context["history"]
    assert [e.action for e, _changes in history][-1] == "diadendum"
    assert all(changes == [] for e, changes in history[:-1])  # submissions and approvals change no field
    event, changes = history[-1]
    assert event.snapshot["addendum"] == addendum.document.number
    assert [(c["label"], c["old_display"], c["new_display"]) for c in changes] == [
        ("Sasaran korban", "0", "5"), ("Anggaran (Rp)", "Rp 150.000.000", "Rp 175.000.000"),
    ]  # fmt: skip
    html = response.content.decode()
    assert "<span data-before>Rp 150.000.000</span>, Menjadi <span data-after>Rp 175.000.000</span>" in html
    assert "Rp 990.000.000" not in html  # the returned proposal never reached the plan
    other = client_for(cast.kemenag_perencana).get(reverse("sinergi:plan-detail", args=[plans[1].pk]))
    assert all(changes == [] for _e, changes in other.context["history"])


def test_api_propose_then_return(cast, plans):
    response = _api(cast.kemenag_perencana).post(
        "/api/v1/addenda/",
        {"items": [{"plan": plans[0].pk, "changes": {"budget": "165000000", "regency": "36.01"}, "reason": "Lokus."}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "diajukan"
    assert body["items"][0]["changes"][1]["new_display"] == "Rp 165.000.000"
    refused = _api(cast.kemenag_perencana).post(f"/api/v1/addenda/{body['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert "koordinator BNPT" in refused.json()["detail"]
    returned = _api(cast.koordinator).post(
        f"/api/v1/addenda/{body['id']}/return/", {"comment": "Lampirkan RAB."}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "dikembalikan"


def test_api_refusal_keeps_the_reason(cast, plans):
    response = _api(cast.kemenag_perencana).post(
        "/api/v1/addenda/", {"items": [{"plan": plans[0].pk, "changes": {"year": 2027}, "reason": "x"}]}, format="json"
    )
    assert response.status_code == 400
    assert "tidak dapat diubah dengan adendum" in str(response.json())
