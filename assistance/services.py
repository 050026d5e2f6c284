"""Every write of the grant lifecycle: an explicit state machine, each transition checked and logged.

    usulan -> verifikasi -> ditetapkan -> disalurkan -> dipantau -> selesai
    usulan | verifikasi -> ditolak (supervisor, with a reason)
    usulan | verifikasi | ditetapkan -> dibatalkan (with a reason)

Each refusal is a ValidationError (a rule) or PermissionDenied (a role) with a message a person can act on;
a grant outside the user's scope is Http404, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest
from django.utils import timezone

from assistance.models import MONITORING_MONTHS, Grant, GrantEvent, GrantItem, GrantMember, MonitoringVisit, Programme
from assistance.selectors import grant_get_for_user, grants_visible_to, programme_get_for_user
from cases.dtsen import dtsen_latest_for
from cases.models import Person
from cases.selectors import person_get_for_user
from napiter import policy
from napiter.accounts.access import person_scope_q
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent
from napiter.audit.services import Listing, access_log, access_log_listed, access_log_listings
from napiter.documents.formatting import rupiah
from napiter.errors import StateConflict
from napiter.uploads import save_file, stored_files

# The policy's actions (napiter/policy/declaration.py): caseworkers propose, verify, deliver and monitor;
# supervisors also approve, reject and answer monitoring alerts.
WORK = "grant.work"
APPROVE = "grant.approve"


def _require(user: User, action: str, message: str) -> None:
    if not policy.holds(user, action):
        raise PermissionDenied(message)


def _same_office(user: User, grant: Grant, action: str) -> None:
    if user.office_id != grant.office_id:
        raise PermissionDenied(f"Bantuan ini {action} oleh kantor pengusulnya ({grant.office.name}).")


def _move(*, grant: Grant, to: str, user: User, note: str = "", fields: Sequence[str] = ()) -> Grant:
    previous = grant.status
    grant.status = to
    grant.full_clean()
    grant.save(update_fields=["status", "updated_at", *fields])
    GrantEvent.objects.create(grant=grant, from_status=previous, to_status=to, by=user, note=note)
    return grant


def _refuse_unless(grant: Grant, allowed: Sequence[str], action: str) -> None:
    if grant.status not in allowed:
        labels = ", ".join(str(Grant.Status(s).label).lower() for s in allowed)
        raise StateConflict(
            f"Bantuan berstatus '{grant.get_status_display()}' tidak dapat {action}; hanya bantuan berstatus {labels}."
        )


# --- proposal ---------------------------------------------------------------------------------------------


@transaction.atomic
def grant_propose(
    *,
    user: User,
    programme_id: int | str,
    person_id: int | str,
    amount: int,
    business_type: str,
    justification: str = "",
    group_name: str = "",
    member_ids: Sequence[int] = (),
) -> Grant:
    """A pendamping proposes aid for a person they may see (for KUBE: the group's chair and members)."""
    _require(user, WORK, "Peran Anda tidak dapat mengusulkan bantuan.")
    if user.office is None:
        raise PermissionDenied("Akun Anda tidak terdaftar pada kantor mana pun.")
    programme = programme_get_for_user(user, programme_id)
    person = person_get_for_user(user, person_id)
    if programme.eligible_categories and person.category not in programme.eligible_categories:
        raise ValidationError(f"Program {programme.name} tidak untuk kategori {person.get_category_display().lower()}.")
    if person.status != Person.Status.ACTIVE:
        raise ValidationError(
            f"Penerima berstatus {person.get_status_display().lower()}; bantuan tidak dapat diusulkan."
        )
    if not programme.unit_value_min <= amount <= programme.unit_value_max:
        raise ValidationError(
            {
                "amount": f"Nilai bantuan program ini {rupiah(programme.unit_value_min)} sampai "
                f"{rupiah(programme.unit_value_max)}; diusulkan {rupiah(amount)}."
            }
        )
    is_group = programme.form == Programme.Form.KUBE
    if is_group and (not group_name.strip() or not member_ids):
        raise ValidationError("Bantuan KUBE diusulkan untuk kelompok: isi nama kelompok dan anggotanya.")
    if not is_group and (group_name.strip() or member_ids):
        raise ValidationError("Hanya bantuan KUBE yang memiliki kelompok dan anggota.")
    members = [person_get_for_user(user, pk) for pk in dict.fromkeys(member_ids) if int(pk) != person.pk]
    if Grant.objects.filter(programme=programme, person=person, status__in=Grant.OPEN_STATUSES).exists():
        raise ValidationError(f"{person.full_name} sudah memiliki usulan yang berjalan pada program ini.")
    grant = Grant(
        programme=programme,
        person=person,
        group_name=group_name.strip(),
        office=user.office,
        amount=amount,
        business_type=business_type.strip(),
        justification=justification.strip(),
        proposed_by=user,
    )
    grant.full_clean()
    grant.save()
    for member in members:
        GrantMember.objects.create(grant=grant, person=member)
    GrantEvent.objects.create(grant=grant, from_status="", to_status=Grant.Status.PROPOSED, by=user)
    return grant


# --- verification -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "ok": self.ok, "detail": self.detail}


def _dtsen_checks(programme: Programme, person: Person) -> list[Check]:
    record = dtsen_latest_for(person)
    if record is None:
        return [
            Check(
                "dtsen",
                "Terdaftar di DT-SEN",
                not programme.requires_dtsen,
                "NIK tidak ditemukan pada data DT-SEN yang diimpor."
                + (" Program ini mensyaratkannya." if programme.requires_dtsen else ""),
            )
        ]
    as_of = f"DT-SEN per {record.snapshot.snapshot_date:%d-%m-%Y}"
    checks = [Check("dtsen", "Terdaftar di DT-SEN", True, f"Desil {record.decile} ({as_of}).")]
    if programme.max_decile is not None:
        checks.append(
            Check(
                "desil",
                f"Desil paling tinggi {programme.max_decile}",
                record.decile <= programme.max_decile,
                f"Desil {record.decile}.",
            )
        )
    flags = [
        label
        for flagged, label in (
            (record.flag_terror_network, "terindikasi jaringan terorisme"),
            (record.flag_online_gambling, "terindikasi judi daring"),
        )
        if flagged
    ]
    checks.append(
        Check(
            "tanda",
            "Tanpa tanda penghalang DT-SEN",
            not (flags and programme.blocking_flags),
            f"Tanda: {', '.join(flags)}." if flags else "Tidak ada tanda.",
        )
    )
    return checks


def duplicate_aid(*, user: User, grant: Grant) -> Check:
    """Other aid to the same person or household in the same fiscal year, by any programme of any agency.

    The search runs over every grant, whatever the user may see (double aid is found across agencies);
    the message names the programme only of grants the user may see, and only counts the others.
    """
    person = grant.person
    people = Q(person=person) | Q(members__person=person)
    if person.household_id is not None:
        people |= Q(person__household_id=person.household_id) | Q(members__person__household_id=person.household_id)
    others = (
        Grant.objects.filter(people, programme__fiscal_year=grant.programme.fiscal_year)
        .exclude(status__in=[Grant.Status.REJECTED, Grant.Status.CANCELLED])
        .exclude(pk=grant.pk)
        .values_list("pk", flat=True)
        .distinct()
    )
    other_ids = set(others)
    if not other_ids:
        return Check("ganda", "Tidak menerima bantuan lain tahun ini", True, "Tidak ada bantuan lain tercatat.")
    visible = list(grants_visible_to(user).filter(pk__in=other_ids).order_by("pk"))
    parts = [
        f"#{g.pk} {g.programme.name} ({g.programme.office.agency.name}), {g.get_status_display().lower()}"
        for g in visible
    ]
    hidden = len(other_ids) - len(visible)
    if hidden:
        parts.append(f"{hidden} bantuan lain di luar wilayah akses Anda; tanyakan kepada koordinator BNPT")
    return Check(
        "ganda",
        "Tidak menerima bantuan lain tahun ini",
        False,
        f"Orang atau keluarganya sudah tercatat menerima bantuan tahun {grant.programme.fiscal_year}: "
        + "; ".join(parts)
        + ".",
    )


def grant_checks(*, user: User, grant: Grant) -> list[Check]:
    programme, person = grant.programme, grant.person
    checks = _dtsen_checks(programme, person)
    if programme.eligible_categories:
        checks.append(
            Check(
                "kategori",
                "Kategori penerima sesuai program",
                person.category in programme.eligible_categories,
                person.get_category_display(),
            )
        )
    if programme.requires_assessment:
        checks.append(_assessment_check(person))
    checks.append(duplicate_aid(user=user, grant=grant))
    return checks


ASSESSMENT_VALIDITY_DAYS = 365


def _assessment_check(person: Person) -> Check:
    """The latest submitted assessment must be recent and recommend aid (DOMAIN: assessments feed aid)."""
    from assessments.selectors import latest_assessment_for

    label = "Asesmen terakhir merekomendasikan bantuan"
    latest = latest_assessment_for(person)
    if latest is None:
        return Check("asesmen", label, False, "Belum ada asesmen yang diajukan.")
    age = (timezone.localdate() - latest.assessed_on).days
    if age > ASSESSMENT_VALIDITY_DAYS:
        return Check(
            "asesmen", label, False, f"Asesmen terakhir {latest.assessed_on:%d-%m-%Y}, lebih dari 12 bulan lalu."
        )
    return Check(
        "asesmen",
        label,
        bool(latest.aid_eligible),
        f"Asesmen {latest.assessed_on:%d-%m-%Y}: "
        + ("layak bantuan." if latest.aid_eligible else "belum layak bantuan."),
    )


@transaction.atomic
def grant_verify(*, user: User, grant_id: int | str) -> Grant:
    """Run the automatic checks and record their results; the grant moves to `verifikasi` either way, and
    approval is refused while any check fails."""
    _require(user, WORK, "Peran Anda tidak dapat memverifikasi bantuan.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "diverifikasi")
    _refuse_unless(grant, [Grant.Status.PROPOSED], "diverifikasi")
    checks = grant_checks(user=user, grant=grant)
    grant.checks = [c.as_dict() for c in checks]
    grant.checks_passed = all(c.ok for c in checks)
    failed = [c.label for c in checks if not c.ok]
    note = "Semua pemeriksaan lolos." if not failed else "Tidak lolos: " + "; ".join(failed) + "."
    return _move(grant=grant, to=Grant.Status.VERIFIED, user=user, note=note, fields=["checks", "checks_passed"])


# --- decision -----------------------------------------------------------------------------------------------


@transaction.atomic
def grant_approve(*, user: User, grant_id: int | str, decree_number: str, decree_date: dt.date) -> Grant:
    """A supervisor of the proposing office approves a verified grant, within the programme's budget."""
    _require(user, APPROVE, "Bantuan ditetapkan oleh supervisor.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "ditetapkan")
    _refuse_unless(grant, [Grant.Status.VERIFIED], "ditetapkan")
    if not grant.checks_passed:
        failed = [c["label"] for c in grant.checks if not c.get("ok")]
        raise ValidationError(
            "Bantuan tidak dapat ditetapkan karena verifikasi tidak lolos: " + "; ".join(map(str, failed)) + ". "
            "Tolak usulan dengan alasannya."
        )
    # Aid given elsewhere since verification counts too: checked again under the programme's lock.
    programme = Programme.objects.select_for_update().get(pk=grant.programme_id)
    duplicate = duplicate_aid(user=user, grant=grant)
    if not duplicate.ok:
        raise ValidationError(f"Bantuan tidak dapat ditetapkan: {duplicate.detail}")
    committed = Grant.objects.filter(programme=programme).committed().aggregate(total=Sum("amount"))["total"] or 0
    if committed + grant.amount > programme.budget_ceiling:
        raise ValidationError(
            f"Pagu program {rupiah(programme.budget_ceiling)} terlampaui: sudah ditetapkan {rupiah(committed)}, "
            f"sisa {rupiah(programme.budget_ceiling - committed)}, bantuan ini {rupiah(grant.amount)}."
        )
    if decree_date > timezone.localdate():
        raise ValidationError({"decree_date": "Tanggal SK penetapan tidak boleh di masa depan."})
    grant.decree_number = decree_number.strip()
    grant.decree_date = decree_date
    grant.approved_by = user
    if not grant.decree_number:
        raise ValidationError({"decree_number": "Nomor SK penetapan wajib diisi."})
    return _move(
        grant=grant,
        to=Grant.Status.APPROVED,
        user=user,
        note=f"SK {grant.decree_number}",
        fields=["decree_number", "decree_date", "approved_by"],
    )


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise ValidationError({"reason": "Alasan wajib diisi."})
    return cleaned


@transaction.atomic
def grant_reject(*, user: User, grant_id: int | str, reason: str) -> Grant:
    _require(user, APPROVE, "Usulan bantuan ditolak oleh supervisor.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "ditolak")
    _refuse_unless(grant, [Grant.Status.PROPOSED, Grant.Status.VERIFIED], "ditolak")
    grant.reason = _reason(reason)
    return _move(grant=grant, to=Grant.Status.REJECTED, user=user, note=grant.reason, fields=["reason"])


@transaction.atomic
def grant_cancel(*, user: User, grant_id: int | str, reason: str) -> Grant:
    """The proposing office withdraws a grant not yet delivered (a pendamping only before approval)."""
    _require(user, WORK, "Peran Anda tidak dapat membatalkan bantuan.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "dibatalkan")
    _refuse_unless(grant, [Grant.Status.PROPOSED, Grant.Status.VERIFIED, Grant.Status.APPROVED], "dibatalkan")
    if grant.status == Grant.Status.APPROVED and not policy.holds(user, APPROVE):
        raise PermissionDenied("Bantuan yang sudah ditetapkan hanya dapat dibatalkan oleh supervisor.")
    grant.reason = _reason(reason)
    return _move(grant=grant, to=Grant.Status.CANCELLED, user=user, note=grant.reason, fields=["reason"])


# --- delivery -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    name: str
    quantity: int
    unit_value: int
    unit: str = "unit"


@transaction.atomic
def grant_deliver(
    *,
    user: User,
    grant_id: int | str,
    delivered_on: dt.date,
    items: Sequence[ItemInput],
    supplier: str = "",
    location: str = "",
    kiosk_stock: str = "",
    photo: ContentFile[bytes] | None = None,
    recipient_signature: ContentFile[bytes] | None = None,
) -> Grant:
    """Record the hand-over of an approved grant: goods whose total does not exceed the approved amount.

    `photo` (the hand-over) and `recipient_signature` (a scan or a drawn image, shown on the BAST) come
    checked and re-encoded by napiter.uploads; they are stored with the delivery or not at all."""
    _require(user, WORK, "Peran Anda tidak dapat mencatat penyaluran bantuan.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "disalurkan")
    _refuse_unless(grant, [Grant.Status.APPROVED], "disalurkan")
    if not items:
        raise ValidationError({"items": "Catat sedikitnya satu barang yang diserahkan."})
    total = sum(i.quantity * i.unit_value for i in items)
    if total > grant.amount:
        raise ValidationError(
            {
                "items": f"Jumlah nilai barang {rupiah(total)} melebihi nilai bantuan yang ditetapkan "
                f"{rupiah(grant.amount)}."
            }
        )
    assert grant.decree_date is not None  # approved grants carry their decree (a check constraint)
    if delivered_on < grant.decree_date or delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": "Tanggal penyaluran harus antara tanggal SK penetapan dan hari ini."})
    if grant.programme.form == Programme.Form.POPWARUNG and not location.strip():
        raise ValidationError({"location": "Lokasi kios Popwarung wajib diisi."})
    for item in items:
        row = GrantItem(
            grant=grant, name=item.name.strip(), quantity=item.quantity, unit=item.unit, unit_value=item.unit_value
        )
        row.full_clean()
        row.save()
    grant.delivered_on = delivered_on
    grant.supplier = supplier.strip()
    grant.location = location.strip()
    grant.kiosk_stock = kiosk_stock.strip()
    with stored_files() as saved:
        if photo is not None:
            save_file(saved, grant.delivery_photo, photo)
        if recipient_signature is not None:
            save_file(saved, grant.recipient_signature, recipient_signature)
        return _move(
            grant=grant,
            to=Grant.Status.DELIVERED,
            user=user,
            note=f"Barang senilai {rupiah(total)}",
            fields=["delivered_on", "supplier", "location", "kiosk_stock", "delivery_photo", "recipient_signature"],
        )


# --- monitoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    month: int
    visited_on: dt.date
    business_running: bool
    assets_present: bool
    monthly_revenue: int = 0
    problems: str = ""
    misuse: bool = False
    photo: ContentFile[bytes] | None = None


@transaction.atomic
def monitoring_visit_record(*, user: User, grant_id: int | str, data: VisitInput) -> MonitoringVisit:
    """Record the 3, 6 or 12-month visit; the first one moves the grant to `dipantau`. Misuse or a closed
    business raises an alert for the office's supervisors."""
    _require(user, WORK, "Peran Anda tidak dapat mencatat pemantauan bantuan.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "dipantau")
    _refuse_unless(grant, [Grant.Status.DELIVERED, Grant.Status.MONITORING], "dipantau")
    if data.month not in MONITORING_MONTHS:
        raise ValidationError({"month": "Pemantauan dilakukan pada bulan ke-3, ke-6 atau ke-12 setelah penyaluran."})
    assert grant.delivered_on is not None
    if data.visited_on < grant.delivered_on or data.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "Tanggal kunjungan harus antara tanggal penyaluran dan hari ini."})
    if grant.monitoring_visits.filter(month=data.month).exists():
        raise ValidationError(f"Pemantauan bulan ke-{data.month} sudah dicatat.")
    visit = MonitoringVisit(
        grant=grant,
        month=data.month,
        visited_on=data.visited_on,
        business_running=data.business_running,
        assets_present=data.assets_present,
        monthly_revenue=data.monthly_revenue,
        problems=data.problems.strip(),
        misuse=data.misuse,
        recorded_by=user,
        alert=data.misuse or not data.business_running,
    )
    visit.full_clean()
    with stored_files() as saved:
        if data.photo is not None:
            save_file(saved, visit.photo, data.photo)
        visit.save()
    if grant.status == Grant.Status.DELIVERED:
        _move(grant=grant, to=Grant.Status.MONITORING, user=user, note=f"Pemantauan bulan ke-{data.month}")
    return visit


@transaction.atomic
def monitoring_alert_acknowledge(*, user: User, visit_id: int | str) -> MonitoringVisit:
    _require(user, APPROVE, "Peringatan pemantauan ditindaklanjuti oleh supervisor.")
    visits = MonitoringVisit.objects.filter(person_scope_q(user, prefix="grant__person__"))
    try:
        visit = visits.select_for_update(of=("self",)).get(pk=int(visit_id))
    except (MonitoringVisit.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    if not visit.alert or visit.alert_acknowledged_at is not None:
        raise ValidationError("Tidak ada peringatan yang menunggu tindak lanjut pada kunjungan ini.")
    visit.alert_acknowledged_by = user
    visit.alert_acknowledged_at = timezone.now()
    visit.save(update_fields=["alert_acknowledged_by", "alert_acknowledged_at"])
    return visit


@transaction.atomic
def grant_complete(*, user: User, grant_id: int | str) -> Grant:
    """Close a monitored grant once its 12-month visit is recorded."""
    _require(user, WORK, "Peran Anda tidak dapat menyelesaikan bantuan.")
    grant = grant_get_for_user(user, grant_id, for_update=True)
    _same_office(user, grant, "diselesaikan")
    _refuse_unless(grant, [Grant.Status.MONITORING], "diselesaikan")
    if not grant.monitoring_visits.filter(month=MONITORING_MONTHS[-1]).exists():
        raise ValidationError("Bantuan diselesaikan setelah pemantauan bulan ke-12 dicatat.")
    return _move(grant=grant, to=Grant.Status.COMPLETED, user=user)


# --- reads, logged -----------------------------------------------------------------------------------------


def grant_log_read(*, user: User, grant: Grant, request: HttpRequest | None = None) -> None:
    """Record that `grant`, already fetched within the user's scope, is shown (against its recipient)."""
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=Grant, obj_id=grant.pk, person_id=grant.person_id,
        request=request,
    )  # fmt: skip


@transaction.atomic
def grant_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Grant:
    """One grant for display (page and API), its read logged against the recipient."""
    grant = grant_get_for_user(user, pk)
    grant_log_read(user=user, grant=grant, request=request)
    return grant


def grants_listed(
    *,
    user: User,
    grants: Sequence[Grant],
    alerts: Sequence[MonitoringVisit] = (),
    request: HttpRequest | None = None,
) -> Sequence[Grant]:
    """Record a page of grants (the grant list, page and API; the monitoring due list) and the monitoring
    alerts shown beside it, in one INSERT."""
    listings = [Listing(Grant, ids=[g.pk for g in grants], person_ids=[g.person_id for g in grants])]
    if alerts:
        listings.append(
            Listing(MonitoringVisit, ids=[v.pk for v in alerts], person_ids=[v.grant.person_id for v in alerts])
        )
    access_log_listings(user=user, listings=listings, request=request)
    return grants


def grant_monitoring_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> list[MonitoringVisit]:
    """A grant's monitoring visits, logged as a list of its recipient's records."""
    grant = grant_get_for_user(user, pk)
    visits = list(grant.monitoring_visits.all())
    access_log_listed(
        user=user, obj_type=MonitoringVisit, ids=[v.pk for v in visits], person_ids=[grant.person_id], request=request
    )
    return visits


# --- files ------------------------------------------------------------------------------------------------

GRANT_FILES = {"photo": "delivery_photo", "signature": "recipient_signature"}


@transaction.atomic
def grant_file_read(
    *, user: User, grant_id: int | str, which: str, request: HttpRequest | None = None
) -> tuple[Grant, FieldFile]:
    """The hand-over photo or the recipient's signature of a grant in scope; the read is logged against the
    recipient, as any read of their record is."""
    grant = grant_get_for_user(user, grant_id)
    fieldfile: FieldFile = getattr(grant, GRANT_FILES[which])
    if not fieldfile:
        raise Http404("Berkas tidak ada.")
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=f"assistance.grant.{which}", obj_id=str(grant.pk),
        person_id=grant.person_id, request=request,
    )  # fmt: skip
    return grant, fieldfile


@transaction.atomic
def monitoring_photo_read(*, user: User, visit_id: int | str, request: HttpRequest | None = None) -> MonitoringVisit:
    try:
        visit = (
            MonitoringVisit.objects.filter(person_scope_q(user, prefix="grant__person__"))
            .select_related("grant")
            .get(pk=int(visit_id))
        )
    except (MonitoringVisit.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    if not visit.photo:
        raise Http404("Foto tidak ada.")
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type="assistance.monitoringvisit.photo", obj_id=str(visit.pk),
        person_id=visit.grant.person_id, request=request,
    )  # fmt: skip
    return visit
