"""The grant state machine: every transition, and every refusal with its reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from assistance.models import Grant, Programme
from assistance.selectors import monitoring_alerts_for, monitoring_due_for
from assistance.services import (
    ItemInput,
    VisitInput,
    grant_approve,
    grant_cancel,
    grant_complete,
    grant_deliver,
    grant_propose,
    grant_reject,
    grant_verify,
    monitoring_alert_acknowledge,
    monitoring_visit_record,
)
from napiter.accounts.models import Office
from tests.assistance.factories import (
    BAJU_MUSLIM,
    ProgrammeFactory,
    approved_grant,
    delivered_grant,
    dtsen,
    proposed_grant,
    verified_grant,
)
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _approve(user, grant):
    return grant_approve(user=user, grant_id=grant.pk, decree_number="SK-1/2026", decree_date=timezone.localdate())


def test_a_grant_goes_from_proposal_to_completion_with_each_step_logged(cast):
    grant = delivered_grant()
    for month in (3, 6, 12):
        monitoring_visit_record(
            user=cast.banten_pendamping,
            grant_id=grant.pk,
            data=VisitInput(
                month, timezone.localdate(), business_running=True, assets_present=True, monthly_revenue=2_500_000
            ),
        )
    grant = grant_complete(user=cast.banten_pendamping, grant_id=grant.pk)

    assert grant.status == Grant.Status.COMPLETED
    assert list(grant.events.values_list("to_status", flat=True)) == [
        "usulan", "verifikasi", "ditetapkan", "disalurkan", "dipantau", "selesai",
    ]  # fmt: skip
    assert grant.events.get(to_status="ditetapkan").by == cast.banten_kabid


def test_proposal_refuses_a_category_the_programme_does_not_serve(cast):
    victim = PersonFactory(category="korban_langsung")
    with pytest.raises(ValidationError, match="tidak untuk kategori korban langsung"):
        proposed_grant(person=victim)


def test_proposal_refuses_an_amount_outside_the_programmes_range(cast):
    with pytest.raises(ValidationError, match=re.escape("Rp 5.000.000 sampai Rp 7.900.000; diusulkan Rp 8.000.000")):
        proposed_grant(amount=8_000_000)


def test_proposal_for_a_person_out_of_scope_is_404(cast):
    kaltim_person = PersonFactory(domicile_region_id="64.72.01.1001")
    with pytest.raises(Http404):
        grant_propose(
            user=cast.banten_pendamping, programme_id=ProgrammeFactory().pk, person_id=kaltim_person.pk,
            amount=7_900_000, business_type="Warung",
        )  # fmt: skip


def test_roles_without_the_permission_cannot_propose_or_approve(cast):
    with pytest.raises(PermissionDenied, match="tidak dapat mengusulkan"):
        grant_propose(
            user=cast.asesor, programme_id=ProgrammeFactory().pk, person_id=PersonFactory().pk,
            amount=7_900_000, business_type="Warung",
        )  # fmt: skip
    grant = verified_grant()
    with pytest.raises(PermissionDenied, match="ditetapkan oleh supervisor"):
        _approve(cast.banten_pendamping, grant)


def test_kube_needs_a_group_and_members(cast):
    programme = ProgrammeFactory(form=Programme.Form.KUBE)
    chair, member = PersonFactory(), PersonFactory()
    with pytest.raises(ValidationError, match="nama kelompok dan anggotanya"):
        grant_propose(
            user=cast.banten_pendamping, programme_id=programme.pk, person_id=chair.pk, amount=7_000_000,
            business_type="Ternak ayam",
        )  # fmt: skip
    grant = grant_propose(
        user=cast.banten_pendamping, programme_id=programme.pk, person_id=chair.pk, amount=7_000_000,
        business_type="Ternak ayam", group_name="KUBE Maju Bersama", member_ids=[member.pk],
    )  # fmt: skip
    assert list(grant.members.values_list("person", flat=True)) == [member.pk]


def test_verification_records_each_check_and_approval_refuses_a_failed_one(cast):
    grant = verified_grant(decile=7)
    checks = {c["code"]: c for c in grant.checks}
    assert checks["dtsen"]["ok"] is True
    assert checks["desil"] == {"code": "desil", "label": "Desil paling tinggi 4", "ok": False, "detail": "Desil 7."}
    assert checks["ganda"]["ok"] is True
    assert grant.checks_passed is False
    with pytest.raises(ValidationError, match="verifikasi tidak lolos: Desil paling tinggi 4"):
        _approve(cast.banten_kabid, grant)


def test_a_terror_network_flag_blocks_approval(cast):
    person = PersonFactory()
    dtsen(person, decile=1, terror=True)
    grant = verified_grant(person=person, decile=0)
    assert {c["code"]: c["detail"] for c in grant.checks}["tanda"] == "Tanda: terindikasi jaringan terorisme."
    assert not grant.checks_passed


def test_a_person_missing_from_dtsen_fails_verification(cast):
    grant = verified_grant(decile=0)
    assert (
        grant.checks[0]["detail"] == "NIK tidak ditemukan pada data DT-SEN yang diimpor. Program ini mensyaratkannya."
    )


def test_verify_only_a_proposal(cast):
    grant = verified_grant()
    with pytest.raises(ValidationError, match="'Terverifikasi' tidak dapat diverifikasi"):
        grant_verify(user=cast.banten_pendamping, grant_id=grant.pk)


def test_double_aid_in_the_same_household_across_agencies_is_found_without_leaking(cast):
    household = HouseholdFactory()
    father = PersonFactory(household=household)
    # The son lives in Kalimantan Timur: his Kemensos grant is out of the Banten office's scope.
    son = PersonFactory(household=household, domicile_region_id="64.72.01.1001", category="keluarga")
    kemensos = ProgrammeFactory(
        office=Office.objects.get(code="KEMENSOS-RESOS"), name="UEP Kemensos Rahasia", funding_source="apbn"
    )
    grant_propose(
        user=cast.kemensos_supervisor, programme_id=kemensos.pk, person_id=son.pk, amount=5_000_000,
        business_type="Bengkel",
    )  # fmt: skip

    grant = verified_grant(person=father)

    duplicate = {c["code"]: c for c in grant.checks}["ganda"]
    assert duplicate["ok"] is False
    assert "1 bantuan lain di luar wilayah akses Anda" in duplicate["detail"]
    assert "Rahasia" not in duplicate["detail"]
    assert "Kemensos" not in duplicate["detail"]
    assert son.full_name not in duplicate["detail"]
    with pytest.raises(ValidationError, match="verifikasi tidak lolos"):
        _approve(cast.banten_kabid, grant)


def test_double_aid_seen_by_a_national_office_names_the_programme(cast):
    person = PersonFactory()
    first = ProgrammeFactory(name="Popwarung BNPT", office=Office.objects.get(code="BNPT-DERAD"))
    grant_propose(
        user=cast.kemensos_supervisor, programme_id=first.pk, person_id=person.pk, amount=7_000_000,
        business_type="Warung",
    )  # fmt: skip
    grant = verified_grant(person=person)
    detail = {c["code"]: c for c in grant.checks}["ganda"]["detail"]
    assert "Popwarung BNPT (Badan Nasional Penanggulangan Terorisme), usulan" in detail


def test_approval_refuses_beyond_the_budget_ceiling(cast):
    programme = ProgrammeFactory(budget_ceiling=10_000_000)
    approved_grant(programme=programme)
    second = verified_grant(programme=programme)
    with pytest.raises(ValidationError, match=re.escape("sisa Rp 2.100.000, bantuan ini Rp 7.900.000")):
        _approve(cast.banten_kabid, second)


def test_approval_needs_a_decree_number_and_is_for_the_proposing_office(cast):
    grant = verified_grant()
    with pytest.raises(ValidationError, match="Nomor SK penetapan wajib diisi"):
        grant_approve(user=cast.banten_kabid, grant_id=grant.pk, decree_number="  ", decree_date=timezone.localdate())
    with pytest.raises(PermissionDenied, match="oleh kantor pengusulnya"):
        _approve(cast.kemensos_supervisor, grant)


def test_reject_needs_a_reason_and_ends_the_grant(cast):
    grant = verified_grant()
    with pytest.raises(ValidationError, match="Alasan wajib diisi"):
        grant_reject(user=cast.banten_kabid, grant_id=grant.pk, reason=" ")
    grant = grant_reject(user=cast.banten_kabid, grant_id=grant.pk, reason="Menerima bantuan ganda")
    assert (grant.status, grant.reason) == (Grant.Status.REJECTED, "Menerima bantuan ganda")
    with pytest.raises(ValidationError, match="'Ditolak' tidak dapat ditetapkan"):
        _approve(cast.banten_kabid, grant)


def test_cancel_after_approval_is_for_the_supervisor_and_never_after_delivery(cast):
    grant = approved_grant()
    with pytest.raises(PermissionDenied, match="hanya dapat dibatalkan oleh supervisor"):
        grant_cancel(user=cast.banten_pendamping, grant_id=grant.pk, reason="Pindah domisili")
    assert grant_cancel(user=cast.banten_kabid, grant_id=grant.pk, reason="Pindah domisili").status == "dibatalkan"
    delivered = delivered_grant()
    with pytest.raises(ValidationError, match="'Disalurkan' tidak dapat dibatalkan"):
        grant_cancel(user=cast.banten_kabid, grant_id=delivered.pk, reason="x")


def test_delivery_over_the_approved_amount_is_refused(cast):
    grant = approved_grant()
    with pytest.raises(
        ValidationError, match=re.escape("Rp 8.000.000 melebihi nilai bantuan yang ditetapkan Rp 7.900.000")
    ):
        grant_deliver(
            user=cast.banten_pendamping, grant_id=grant.pk, delivered_on=timezone.localdate(),
            items=[*BAJU_MUSLIM, ItemInput("Kursi", 1, 100_000)],
        )  # fmt: skip
    assert grant.items.count() == 0


def test_delivery_requires_an_approved_grant_and_items(cast):
    grant = verified_grant()
    with pytest.raises(ValidationError, match="'Terverifikasi' tidak dapat disalurkan"):
        grant_deliver(
            user=cast.banten_pendamping, grant_id=grant.pk, delivered_on=timezone.localdate(), items=BAJU_MUSLIM
        )
    approved = approved_grant()
    with pytest.raises(ValidationError, match="sedikitnya satu barang"):
        grant_deliver(user=cast.banten_pendamping, grant_id=approved.pk, delivered_on=timezone.localdate(), items=[])


def test_popwarung_delivery_needs_the_kiosk_location(cast):
    grant = approved_grant(programme=ProgrammeFactory(form=Programme.Form.POPWARUNG))
    with pytest.raises(ValidationError, match="Lokasi kios Popwarung wajib diisi"):
        grant_deliver(
            user=cast.banten_pendamping, grant_id=grant.pk, delivered_on=timezone.localdate(), items=BAJU_MUSLIM
        )


def test_monitoring_misuse_raises_an_alert_the_supervisor_acknowledges(cast):
    grant = delivered_grant()
    visit = monitoring_visit_record(
        user=cast.banten_pendamping,
        grant_id=grant.pk,
        data=VisitInput(
            3, timezone.localdate(), business_running=True, assets_present=False, misuse=True, problems="Etalase dijual"
        ),
    )
    assert visit.alert
    assert list(monitoring_alerts_for(cast.banten_kabid)) == [visit]
    assert list(monitoring_alerts_for(cast.kaltim_pendamping)) == []
    with pytest.raises(PermissionDenied):
        monitoring_alert_acknowledge(user=cast.banten_pendamping, visit_id=visit.pk)
    monitoring_alert_acknowledge(user=cast.banten_kabid, visit_id=visit.pk)
    assert list(monitoring_alerts_for(cast.banten_kabid)) == []


def test_monitoring_is_recorded_once_per_month_and_completion_needs_the_12th(cast):
    grant = delivered_grant()
    data = VisitInput(3, timezone.localdate(), business_running=True, assets_present=True)
    monitoring_visit_record(user=cast.banten_pendamping, grant_id=grant.pk, data=data)
    with pytest.raises(ValidationError, match="bulan ke-3 sudah dicatat"):
        monitoring_visit_record(user=cast.banten_pendamping, grant_id=grant.pk, data=data)
    with pytest.raises(ValidationError, match="setelah pemantauan bulan ke-12"):
        grant_complete(user=cast.banten_pendamping, grant_id=grant.pk)


def test_visits_due_at_3_6_and_12_months_appear_in_the_due_list(cast):
    grant = delivered_grant()
    Grant.objects.filter(pk=grant.pk).update(delivered_on=timezone.localdate() - dt.timedelta(days=200))
    due = monitoring_due_for(cast.banten_pendamping)
    assert [(d.grant.pk, d.month, d.overdue) for d in due] == [(grant.pk, 3, True), (grant.pk, 6, True)]
    assert monitoring_due_for(cast.kaltim_pendamping) == []
