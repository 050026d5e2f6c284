from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from napiter.accounts.models import Agency, Office
from sinergi.models import ActionPlan, ActionPlanEvent, Ministry, RealisationReport
from sinergi.selectors import plans_visible_to
from sinergi.services import (
    agreement_create,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
    plans_bulk_approve,
    realisation_overdue,
    realisation_report,
)
from tests.sinergi.factories import plan_data, signing_officials

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast):
    return plan_create(user=cast.kemenag_perencana, data=plan_data())


@pytest.fixture
def submitted(cast, draft):
    return plan_submit(user=cast.kemenag_perencana, plan_id=draft.pk)


def test_seeded_ministries_include_the_synergy_team():
    codes = set(Ministry.objects.values_list("code", flat=True))
    assert {"kemensos", "kemenag", "kemendikdasmen", "kemnaker", "kemenpu", "kemenkes", "kemenesdm"} <= codes
    assert Ministry.objects.count() >= 20


def test_planner_creates_draft_for_own_ministry(cast, draft):
    assert draft.ministry.code == "kemenag"
    assert draft.status == ActionPlan.Status.DRAFT
    assert list(draft.events.values_list("action", flat=True)) == [ActionPlanEvent.Action.CREATED]


def test_invalid_plan_is_refused_with_reasons(cast):
    with pytest.raises(ValidationError) as error:
        plan_create(
            user=cast.kemenag_perencana,
            data=plan_data(category=ActionPlan.Category.SUMUR_BOR, end_on=dt.date(2026, 1, 1), target_mitra=0,
                           target_families=0),
        )  # fmt: skip
    assert {"plan_type", "end_on", "target_mitra"} <= set(error.value.message_dict)


def test_coordinator_cannot_draft_or_edit_a_ministry_plan(cast, draft):
    with pytest.raises(PermissionDenied):
        plan_create(user=cast.koordinator, data=plan_data())
    with pytest.raises(PermissionDenied, match="hanya dapat diubah oleh perencana Kemenag"):
        plan_update(user=cast.koordinator, plan_id=draft.pk, data={"title": "Diubah BNPT"})


def test_submit_then_approve(cast, submitted):
    assert submitted.status == ActionPlan.Status.SUBMITTED
    approved = plan_approve(user=cast.koordinator, plan_id=submitted.pk)
    assert approved.status == ActionPlan.Status.APPROVED
    with pytest.raises(ValidationError, match="hanya rencana yang diajukan"):
        plan_approve(user=cast.koordinator, plan_id=submitted.pk)


def test_planner_cannot_approve(cast, submitted):
    with pytest.raises(PermissionDenied, match="Hanya koordinator BNPT"):
        plan_approve(user=cast.kemenag_perencana, plan_id=submitted.pk)
    submitted.refresh_from_db()
    assert submitted.status == ActionPlan.Status.SUBMITTED


def test_submitted_plan_cannot_be_edited(cast, submitted):
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        plan_update(user=cast.kemenag_perencana, plan_id=submitted.pk, data={"title": "Baru"})


def test_return_needs_comment_and_resubmission_keeps_history(cast, submitted):
    with pytest.raises(ValidationError):
        plan_return(user=cast.koordinator, plan_id=submitted.pk, comment="  ")
    plan_return(user=cast.koordinator, plan_id=submitted.pk, comment="Lengkapi lokus desa.")
    plan_update(user=cast.kemenag_perencana, plan_id=submitted.pk, data={"title": "Judul diperbaiki"})
    plan = plan_submit(user=cast.kemenag_perencana, plan_id=submitted.pk)

    assert plan.status == ActionPlan.Status.SUBMITTED
    assert list(plan.comments.values_list("text", flat=True)) == ["Lengkapi lokus desa."]
    submissions = list(plan.events.filter(action=ActionPlanEvent.Action.SUBMITTED))
    assert [s.snapshot["title"] for s in submissions] == [
        "Pembinaan moderasi beragama bagi mitra deradikalisasi",
        "Judul diperbaiki",
    ]
    assert submissions[1].from_status == ActionPlan.Status.RETURNED


def test_bulk_approve_is_all_or_nothing(cast):
    plans = [
        plan_submit(user=cast.kemenag_perencana, plan_id=plan_create(user=cast.kemenag_perencana, data=plan_data()).pk)
        for _ in range(3)
    ]
    draft = plan_create(user=cast.kemenag_perencana, data=plan_data())
    with pytest.raises(ValidationError, match=f"#{draft.pk}"):
        plans_bulk_approve(user=cast.koordinator, plan_ids=[p.pk for p in plans] + [draft.pk])
    assert ActionPlan.objects.filter(status=ActionPlan.Status.APPROVED).count() == 0

    approved = plans_bulk_approve(user=cast.koordinator, plan_ids=[p.pk for p in plans])
    assert {p.status for p in approved} == {ActionPlan.Status.APPROVED}
    with pytest.raises(PermissionDenied):
        plans_bulk_approve(user=cast.kemenag_perencana, plan_ids=[draft.pk])


def test_planner_sees_only_own_ministry_and_others_see_nothing(cast, draft):
    other_agency = Agency.objects.create(code="kemenkes", name="Kementerian Kesehatan", kind=Agency.Kind.MINISTRY)
    assert other_agency.kind == "kl"
    assert list(plans_visible_to(cast.kemenag_perencana)) == [draft]
    assert list(plans_visible_to(cast.koordinator)) == [draft]
    for outsider in (cast.banten_pendamping, cast.kemensos_supervisor, cast.auditor, cast.asesor):
        assert not plans_visible_to(outsider).exists()
        with pytest.raises(Http404):
            plan_submit(user=outsider, plan_id=draft.pk)
    assert Office.objects.get(code="KEMENAG-RENC").agency.code == "kemenag"


def _approved(cast, **overrides):
    plan = plan_create(user=cast.kemenag_perencana, data=plan_data(**overrides))
    plan_submit(user=cast.kemenag_perencana, plan_id=plan.pk)
    return plan_approve(user=cast.koordinator, plan_id=plan.pk)


def test_agreement_freezes_plans(cast, demo_pki):
    signing_officials()
    plan = _approved(cast)
    agreement = agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.AGREED
    assert plan.agreement == agreement
    assert agreement.document is not None
    assert agreement.document.kind == "kesepakatan"
    with pytest.raises(ValidationError, match="adendum"):
        plan_update(user=cast.kemenag_perencana, plan_id=plan.pk, data={"title": "Ubah"})
    with pytest.raises(ValidationError, match="adendum"):
        plan_submit(user=cast.kemenag_perencana, plan_id=plan.pk)
    with pytest.raises(ValidationError, match="sudah ada"):
        agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)


def test_agreement_refusals(cast, demo_pki):
    plan = _approved(cast)
    with pytest.raises(ValidationError, match="Eselon II"):
        agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    signing_officials()
    with pytest.raises(PermissionDenied):
        agreement_create(user=cast.kemenag_perencana, ministry_id=plan.ministry_id, year=2026)
    with pytest.raises(ValidationError, match="Belum ada rencana aksi"):
        agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2027)


def test_realisation_overdue_quarters(cast, demo_pki):
    signing_officials()
    plan = _approved(cast)
    assert realisation_overdue(plan=plan, today=dt.date(2027, 1, 1)) == []  # not agreed yet
    agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    plan.refresh_from_db()
    # Q1 (March start) is due on 15 April; on 15 April it is not yet late, on 16 April it is.
    assert realisation_overdue(plan=plan, today=dt.date(2026, 4, 15)) == []
    assert realisation_overdue(plan=plan, today=dt.date(2026, 4, 16)) == [1]
    realisation_report(
        user=cast.kemenag_perencana, plan_id=plan.pk, quarter=1,
        data={"progress_percent": 20, "output_achieved": Decimal("5"), "budget_spent": Decimal("20000000"),
              "beneficiaries_reached": 5},
    )  # fmt: skip
    assert realisation_overdue(plan=plan, today=dt.date(2026, 10, 16)) == [2, 3]
    assert realisation_overdue(plan=plan, today=dt.date(2027, 2, 1)) == [2, 3, 4]


def test_realisation_refusals(cast, demo_pki):
    signing_officials()
    plan = _approved(cast)
    with pytest.raises(ValidationError, match="sudah disepakati"):
        realisation_report(user=cast.kemenag_perencana, plan_id=plan.pk, quarter=1, data={"progress_percent": 10})
    agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    with pytest.raises(PermissionDenied):
        realisation_report(user=cast.koordinator, plan_id=plan.pk, quarter=1, data={"progress_percent": 10})
    with pytest.raises(ValidationError, match="melebihi"):
        realisation_report(
            user=cast.kemenag_perencana, plan_id=plan.pk, quarter=1,
            data={"progress_percent": 10, "budget_spent": Decimal("999999999999")},
        )  # fmt: skip
    realisation_report(user=cast.kemenag_perencana, plan_id=plan.pk, quarter=1, data={"progress_percent": 10})
    with pytest.raises(ValidationError, match="sudah dilaporkan"):
        realisation_report(user=cast.kemenag_perencana, plan_id=plan.pk, quarter=1, data={"progress_percent": 30})
    assert RealisationReport.objects.get(plan=plan).progress_percent == 10
