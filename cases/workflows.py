"""Case workflows beyond the stages: referrals, transfers between offices, the due list, incident links.

Referrals and transfers open a person record to another office only through explicit, time-limited
office grants (napiter.accounts.access); this module keeps those grants in step with the referrals and
transfers that need them. Incidents link people to a terror event by side; the two sides of one event are
never shown together except through `incident_people`, which needs its own permission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from cases.models import (
    Case,
    Incident,
    IncidentInvolvement,
    Person,
    PersonOfficeGrant,
    Referral,
    Transfer,
    Visit,
)
from cases.selectors import case_get_for_user, cases_visible_to, people_visible_to
from cases.services import _case_for_write, case_can_write, person_grant_office
from napiter import policy
from napiter.accounts.access import VIEW_PERSON
from napiter.accounts.models import Agency, Office, User
from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log
from napiter.regions.models import Region

REFERRAL_ACCESS = dt.timedelta(days=90)
# A transfer waits for the receiving office; if nobody decides within this window the receiving office
# loses sight of the record again and the owning office re-sends the request.
TRANSFER_ACCESS = dt.timedelta(days=30)
DUE_HORIZON_DAYS = 14
VISIT_INTERVAL_DAYS = 90

# Offices whose staff work with people: a grant to any other office would open nothing.
PEOPLE_AGENCIES = frozenset(
    {Agency.Kind.BNPT, Agency.Kind.KEMENSOS, Agency.Kind.DINSOS_PROVINCE, Agency.Kind.DINSOS_REGENCY}
)
# A case follows the person to the social office of their new territory.
TRANSFER_AGENCIES = frozenset({Agency.Kind.DINSOS_PROVINCE, Agency.Kind.DINSOS_REGENCY})
# Grants whose purpose starts so were made by this module, and this module may end them.
WORKFLOW_PURPOSES = ("Rujukan #", "Perpindahan #")
LIVE_REFERRAL = (Referral.Status.SENT, Referral.Status.ACCEPTED)


def referral_office_choices(*, exclude: Office | None = None) -> QuerySet[Office]:
    offices = Office.objects.filter(agency__kind__in=PEOPLE_AGENCIES).select_related("agency").order_by("name")
    return offices.exclude(pk=exclude.pk) if exclude is not None else offices


def transfer_office_choices(*, exclude: Office | None = None) -> QuerySet[Office]:
    offices = Office.objects.filter(agency__kind__in=TRANSFER_AGENCIES, region__isnull=False).order_by("name")
    return offices.exclude(pk=exclude.pk) if exclude is not None else offices


# --- grants --------------------------------------------------------------------------------------------


def _office_access_sync(*, person: Person, office: Office, by: User | None) -> None:
    """Make `office`'s grant on `person` match the live office referrals and the pending transfer that need
    it: extended to the latest of their end dates, or removed when none is left.

    There is one grant row per office and person, so ending one referral must not end the access that
    another live referral or the pending transfer to the same office still relies on. A grant given for
    another purpose (not one of WORKFLOW_PURPOSES) that already lasts long enough is left alone; a shorter
    one is taken over, and then ends with the workflow: when in doubt, less access rather than more.
    """
    now = timezone.now()
    needs = [
        (r.access_until, f"Rujukan #{r.pk}")
        for r in Referral.objects.filter(
            case__person=person, to_office=office, status__in=LIVE_REFERRAL, access_until__gt=now
        ).order_by("pk")
        if r.access_until is not None
    ] + [
        (transfer_access_until(t), f"Perpindahan #{t.pk}")
        for t in Transfer.objects.filter(case__person=person, to_office=office, status=Transfer.Status.REQUESTED)
        if transfer_access_until(t) > now
    ]
    grant = (
        PersonOfficeGrant.objects.select_for_update()
        .filter(group_id=office.group_id, content_object=person, permission__codename=VIEW_PERSON)
        .first()
    )
    ours = grant is None or grant.purpose.startswith(WORKFLOW_PURPOSES)
    if not needs:
        if grant is not None and ours:
            grant.delete()
        return
    until = max(end for end, _ in needs)
    if grant is not None and not ours and grant.expires_at >= until:
        return
    purpose = ", ".join(p for _, p in needs)[:200]
    person_grant_office(person=person, office=office, purpose=purpose, expires_at=until, granted_by=by)


# --- referrals -----------------------------------------------------------------------------------------


def referral_may_respond(user: User, referral: Referral) -> bool:
    """An office referral is answered by the receiving office; an answer from an LKS, agency or school
    outside the system is recorded by the office that owns the case."""
    if referral.kind == Referral.Kind.OFFICE:
        return user.office_id == referral.to_office_id and policy.holds(user, "case.work")
    return case_can_write(user, referral.case)


def _referral_for_update(user: User, pk: int | str) -> Referral:
    """A referral on a case the user may see, locked; Http404 otherwise (as for the case itself)."""
    try:
        return (
            Referral.objects.select_for_update(of=("self",))
            .select_related("case__person", "case__office", "to_office")
            .get(pk=int(pk), case__in=cases_visible_to(user))
        )
    except (Referral.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


@transaction.atomic
def referral_create(
    *,
    user: User,
    case_pk: int | str,
    kind: str,
    to_office: Office | None = None,
    to_organisation: str = "",
    reason: str,
    consent_given: bool,
    consent_by: str,
    consent_date: dt.date | None,
) -> Referral:
    """Refer a case, by its owning office, with the consent of the person (or the guardian of a child).

    An office referral opens the person record to the receiving office for REFERRAL_ACCESS; that office
    then accepts or declines. Other referrals name the organisation, which answers outside the system.
    """
    case = _case_for_write(user, case_pk)
    person = case.person
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError("Kasus sudah ditutup; rujukan hanya untuk kasus yang berjalan.")
    errors: dict[str, str] = {}
    to_organisation = " ".join(to_organisation.split())
    if kind not in Referral.Kind.values:
        errors["kind"] = "Pilih jenis rujukan."
    # UU 27/2022: sharing specific personal data with another party needs the data subject's consent.
    if not consent_given:
        errors["consent_given"] = "Rujukan memerlukan persetujuan yang bersangkutan (atau wali bagi anak)."
    if not consent_by.strip():
        errors["consent_by"] = "Tuliskan siapa yang memberi persetujuan (yang bersangkutan atau walinya)."
    if consent_date is None:
        errors["consent_date"] = "Isi tanggal persetujuan."
    elif consent_date > timezone.localdate():
        errors["consent_date"] = "Tanggal persetujuan tidak boleh di masa depan."
    if not reason.strip():
        errors["reason"] = "Tuliskan alasan rujukan."
    if kind == Referral.Kind.SEKOLAH_RAKYAT and not person.is_child:
        errors["kind"] = "Sekolah Rakyat hanya untuk anak (di bawah 18 tahun)."
    if kind == Referral.Kind.OFFICE:
        if to_office is None:
            errors["to_office"] = "Pilih kantor tujuan rujukan."
        elif to_office.pk == case.office_id:
            errors["to_office"] = "Kantor tujuan harus kantor lain, bukan kantor pemilik kasus."
        elif to_office.agency.kind not in PEOPLE_AGENCIES:
            errors["to_office"] = "Kantor ini tidak menangani data orang; pilih BNPT, Kemensos atau Dinas Sosial."
        to_organisation = ""
    elif kind in Referral.Kind.values:
        if not to_organisation:
            errors["to_organisation"] = "Tuliskan nama lembaga tujuan rujukan."
        if to_office is not None:
            errors["to_office"] = "Kantor tujuan hanya untuk rujukan ke kantor lain dalam sistem."
    if errors:
        raise ValidationError(errors)
    live = case.referrals.filter(status__in=LIVE_REFERRAL, kind=kind)
    if (to_office is not None and live.filter(to_office=to_office).exists()) or (
        to_organisation and live.filter(to_organisation__iexact=to_organisation).exists()
    ):
        raise ValidationError("Rujukan ke tujuan ini masih berjalan; catat hasilnya sebelum merujuk lagi.")
    now = timezone.now()
    referral = Referral(
        case=case, kind=kind, to_office=to_office, to_organisation=to_organisation, reason=reason.strip(),
        consent_given=True, consent_by=consent_by.strip(), consent_date=consent_date, referred_by=user,
        referred_at=now, access_until=now + REFERRAL_ACCESS if to_office is not None else None,
    )  # fmt: skip
    referral.full_clean()
    referral.save()
    if to_office is not None:
        _office_access_sync(person=person, office=to_office, by=user)
    return referral


@transaction.atomic
def referral_respond(*, user: User, referral_pk: int | str, accept: bool, note: str = "") -> Referral:
    """Accept or decline a referral that is still waiting. Declining ends the receiving office's access."""
    referral = _referral_for_update(user, referral_pk)
    if referral.status != Referral.Status.SENT:
        raise ValidationError(f"Rujukan ini sudah {referral.get_status_display().lower()}.")
    if not referral_may_respond(user, referral):
        if referral.kind == Referral.Kind.OFFICE:
            raise PermissionDenied("Hanya kantor tujuan rujukan yang dapat menerima atau menolaknya.")
        raise PermissionDenied("Tanggapan lembaga di luar sistem dicatat oleh kantor pemilik kasus.")
    now = timezone.now()
    if referral.access_until is not None and referral.access_until <= now:
        raise ValidationError("Masa rujukan sudah berakhir; kantor pemilik kasus perlu merujuk ulang.")
    note = note.strip()
    if not accept and not note:
        raise ValidationError({"note": "Tuliskan alasan penolakan rujukan."})
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.responded_at = now
    fields = ["status", "responded_at"]
    if not accept:
        referral.outcome = note
        fields.append("outcome")
        if referral.access_until is not None:
            referral.access_until = now
            fields.append("access_until")
    referral.full_clean()
    referral.save(update_fields=fields)
    if referral.to_office is not None and not accept:
        _office_access_sync(person=referral.case.person, office=referral.to_office, by=user)
    return referral


@transaction.atomic
def referral_complete(*, user: User, referral_pk: int | str, outcome: str) -> Referral:
    """Record the outcome of an accepted referral, by the owning office. The receiving office's access ends:
    least privilege (UU 27/2022) once the service it was opened for is over."""
    referral = _referral_for_update(user, referral_pk)
    if not case_can_write(user, referral.case):
        raise PermissionDenied("Hasil rujukan dicatat oleh kantor pemilik kasus.")
    if referral.status == Referral.Status.SENT:
        raise ValidationError("Rujukan belum diterima; hasil dicatat setelah rujukan diterima.")
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError(f"Rujukan ini sudah {referral.get_status_display().lower()}.")
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Tuliskan hasil rujukan."})
    now = timezone.now()
    referral.status, referral.outcome = Referral.Status.COMPLETED, outcome
    fields = ["status", "outcome"]
    if referral.access_until is not None and referral.access_until > now:
        referral.access_until = now
        fields.append("access_until")
    referral.full_clean()
    referral.save(update_fields=fields)
    if referral.to_office is not None:
        _office_access_sync(person=referral.case.person, office=referral.to_office, by=user)
    return referral


# --- transfers -----------------------------------------------------------------------------------------


def transfer_access_until(transfer: Transfer) -> dt.datetime:
    """Until when a pending transfer lets the receiving office see the person."""
    return transfer.requested_at + TRANSFER_ACCESS


def _within(region: Region, office: Office) -> bool:
    return office.region_id is not None and region.code.startswith(f"{office.region_id}.")


def _pending_transfer(case: Case) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_office", "to_office", "new_domicile")
        .filter(case=case, status=Transfer.Status.REQUESTED)
        .first()
    )
    if transfer is None:
        raise ValidationError("Tidak ada perpindahan yang menunggu keputusan untuk kasus ini.")
    return transfer


def _case_for_decision(user: User, pk: int | str) -> Case:
    """The case, locked, for the receiving office: 404 outside scope. The case row is locked before the
    transfer row, in the same order as the owning office's writes, so the two cannot deadlock."""
    case = case_get_for_user(user, pk)
    return Case.objects.select_for_update().get(pk=case.pk)


def transfer_may_decide(user: User, transfer: Transfer) -> bool:
    return user.office_id == transfer.to_office_id and policy.holds(user, "case.work")


@transaction.atomic
def transfer_request(
    *, user: User, case_pk: int | str, to_office: Office, new_domicile: Region | None = None, reason: str
) -> Transfer:
    """Ask the Dinas Sosial of the person's new territory to take the case over.

    While the request waits, the receiving office may see the person (for TRANSFER_ACCESS) so that it can
    judge the request; the owning office keeps the case until the receiving office accepts.
    """
    case = _case_for_write(user, case_pk)
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError("Kasus sudah ditutup; perpindahan hanya untuk kasus yang berjalan.")
    if Transfer.objects.filter(case=case, status=Transfer.Status.REQUESTED).exists():
        raise ValidationError("Kasus ini sedang menunggu keputusan perpindahan; batalkan dulu bila perlu diubah.")
    errors: dict[str, str] = {}
    if to_office.pk == case.office_id:
        errors["to_office"] = "Pilih kantor tujuan selain kantor pemilik kasus sekarang."
    elif to_office.agency.kind not in TRANSFER_AGENCIES or to_office.region_id is None:
        errors["to_office"] = "Perpindahan kasus hanya ke Dinas Sosial provinsi atau kabupaten/kota."
    if new_domicile is not None and new_domicile.level != Region.Level.VILLAGE:
        errors["new_domicile"] = "Pilih domisili baru sampai desa/kelurahan."
    elif "to_office" not in errors:
        destination = new_domicile or case.person.domicile_region
        if not _within(destination, to_office):
            # Otherwise the new owner could not see its own case: visibility follows the domicile.
            errors["new_domicile"] = (
                "Domisili (baru) berada di luar wilayah kantor tujuan; pilih kantor yang membawahi domisili baru."
            )
    if not reason.strip():
        errors["reason"] = "Tuliskan alasan perpindahan."
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(
        case=case, from_office_id=case.office_id, to_office=to_office, new_domicile=new_domicile,
        reason=reason.strip(), requested_by=user, requested_at=timezone.now(),
    )  # fmt: skip
    transfer.full_clean()
    transfer.save()
    _office_access_sync(person=case.person, office=to_office, by=user)
    return transfer


@transaction.atomic
def transfer_accept(*, user: User, case_pk: int | str, note: str = "") -> Transfer:
    """The receiving office takes the case over: it becomes the owner and the accepting user its caseworker,
    the person's domicile moves, and the Transfer row keeps the history with the case.

    The old office loses write access at once (`case_can_write` checks the owning office). It also loses
    sight of the person: visibility follows the domicile, which is now outside its territory. Under
    UU 27/2022 (purpose limitation, least privilege) that is all it may keep: its own audit trail of what
    it did and read, and the Transfer row naming it as the office of origin, not the person's record.
    An office whose territory still contains the new domicile (a province over one of its regencies) keeps
    seeing the person as every office of that territory does, but no longer owns the case.
    """
    case = _case_for_decision(user, case_pk)
    transfer = _pending_transfer(case)
    if not transfer_may_decide(user, transfer):
        raise PermissionDenied("Hanya pendamping atau supervisor kantor tujuan yang dapat menerima perpindahan.")
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError("Kasus sudah ditutup oleh kantor asal; perpindahan tidak dapat diterima.")
    if case.office_id != transfer.from_office_id:
        raise ValidationError("Kantor pemilik kasus sudah berubah; minta kantor pemilik mengajukan ulang.")
    person = Person.objects.select_for_update().select_related("domicile_region").get(pk=case.person_id)
    destination = transfer.new_domicile or person.domicile_region
    if not _within(destination, transfer.to_office):
        raise ValidationError(
            "Domisili orang ini berada di luar wilayah kantor Anda; perpindahan tidak dapat diterima."
        )
    if transfer.new_domicile is not None and person.domicile_region_id != transfer.new_domicile_id:
        person.domicile_region = transfer.new_domicile
        person.full_clean()
        person.save(update_fields=["domicile_region", "updated_at"])
    case.office, case.caseworker = transfer.to_office, user
    case.full_clean()
    case.save(update_fields=["office", "caseworker"])
    transfer.status, transfer.decided_by, transfer.decided_at = Transfer.Status.ACCEPTED, user, timezone.now()
    transfer.decision_note = note.strip()
    transfer.full_clean()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    # The new owner sees the person by jurisdiction now; the grant that let it judge the request ends.
    _office_access_sync(person=person, office=transfer.to_office, by=user)
    return transfer


@transaction.atomic
def transfer_decline(*, user: User, case_pk: int | str, note: str) -> Transfer:
    """The receiving office refuses the case, with a reason; its access to the person ends."""
    case = _case_for_decision(user, case_pk)
    transfer = _pending_transfer(case)
    if not transfer_may_decide(user, transfer):
        raise PermissionDenied("Hanya pendamping atau supervisor kantor tujuan yang dapat menolak perpindahan.")
    if not note.strip():
        raise ValidationError({"note": "Tuliskan alasan penolakan perpindahan."})
    return _transfer_end(case, transfer, Transfer.Status.DECLINED, user=user, note=note)


@transaction.atomic
def transfer_cancel(*, user: User, case_pk: int | str, note: str = "") -> Transfer:
    """The owning office withdraws a request that has not been decided yet."""
    case = _case_for_write(user, case_pk)
    transfer = _pending_transfer(case)
    return _transfer_end(case, transfer, Transfer.Status.CANCELLED, user=user, note=note)


def _transfer_end(case: Case, transfer: Transfer, status: str, *, user: User, note: str) -> Transfer:
    transfer.status, transfer.decided_by, transfer.decided_at = status, user, timezone.now()
    transfer.decision_note = note.strip()
    transfer.full_clean()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _office_access_sync(person=case.person, office=transfer.to_office, by=user)
    return transfer


# --- the case page panel and the inbox -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowPanel:
    """What the case page shows of referrals and transfers, and which actions this user may take."""

    referrals: list[Referral]
    transfers: list[Transfer]
    pending_transfer: Transfer | None
    can_refer: bool
    can_request_transfer: bool
    can_decide_transfer: bool
    can_cancel_transfer: bool
    pending_access_until: dt.datetime | None = None
    respondable: frozenset[int] = field(default_factory=frozenset)
    completable: frozenset[int] = field(default_factory=frozenset)


def case_workflow_panel(user: User, case: Case) -> WorkflowPanel:
    """The caller has already checked that the user may see `case`."""
    referrals = list(case.referrals.select_related("to_office", "referred_by"))
    for r in referrals:
        r.case = case  # saves a query per row in referral_may_respond
    transfers = list(
        case.transfers.select_related("from_office", "to_office", "new_domicile", "requested_by", "decided_by")
    )
    pending = next((t for t in transfers if t.status == Transfer.Status.REQUESTED), None)
    writes = case_can_write(user, case)
    owner = writes and case.stage != Case.Stage.CLOSED
    return WorkflowPanel(
        referrals=referrals,
        transfers=transfers,
        pending_transfer=pending,
        can_refer=owner,
        can_request_transfer=owner and pending is None,
        can_decide_transfer=pending is not None and transfer_may_decide(user, pending),
        can_cancel_transfer=pending is not None and owner,
        pending_access_until=transfer_access_until(pending) if pending is not None else None,
        respondable=frozenset(
            r.pk for r in referrals if r.status == Referral.Status.SENT and referral_may_respond(user, r)
        ),
        # An outcome may arrive after the case was closed; it is still recorded.
        completable=frozenset(r.pk for r in referrals if r.status == Referral.Status.ACCEPTED and writes),
    )


@dataclass(frozen=True)
class Inbox:
    referrals: list[Referral]
    transfers: list[Transfer]


def workflow_inbox(user: User) -> Inbox:
    """Referrals and transfers waiting for the user's office to answer, among records the user may see."""
    if user.office_id is None or not policy.holds(user, "case.work"):
        return Inbox([], [])
    visible = cases_visible_to(user)
    referrals = (
        Referral.objects.filter(to_office_id=user.office_id, status=Referral.Status.SENT, case__in=visible)
        .select_related("case__person", "case__office")
        .order_by("referred_at", "pk")
    )
    transfers = (
        Transfer.objects.filter(to_office_id=user.office_id, status=Transfer.Status.REQUESTED, case__in=visible)
        .select_related("case__person", "from_office")
        .order_by("requested_at", "pk")
    )
    return Inbox(list(referrals), list(transfers))


# --- the due list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """One thing to do on one case: a review (PP 77/2019 reassessment) or a monitoring visit."""

    REVIEW = "review"
    VISIT = "visit"

    case: Case
    kind: str
    due_on: dt.date
    days_left: int  # negative when overdue
    last_visit: dt.date | None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def label(self) -> str:
        return "Peninjauan kasus" if self.kind == self.REVIEW else "Kunjungan pemantauan"


def due_list_whole_office(user: User) -> bool:
    """A supervisor oversees every case of the office; a caseworker sees the cases assigned to them."""
    return policy.holds(user, "case.oversee")


def due_cases_for(user: User) -> QuerySet[Case]:
    """The open cases whose reviews and visits the user answers for: those the access layer lets the user
    see, owned by the user's office and, for a caseworker, assigned to them. Annotated with `last_visit`
    (a subquery, so counts can aggregate over it) and aliased with `visit_base` for `due_by_q`."""
    if user.office_id is None:
        return Case.objects.none()
    cases = cases_visible_to(user).filter(office_id=user.office_id).exclude(stage=Case.Stage.CLOSED)
    if not due_list_whole_office(user):
        cases = cases.filter(caseworker=user)
    return with_visit_base(cases)


def with_visit_base(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`last_visit`, and `visit_base`: the day the visit interval runs from (last visit, else the opening)."""
    last_visit = Visit.objects.filter(case=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return cases.annotate(last_visit=Subquery(last_visit, output_field=DateField())).alias(
        visit_base=Coalesce("last_visit", "opened_on", output_field=DateField())
    )


def review_due_by_q(day: dt.date) -> Q:
    """Cases (from `with_visit_base`) whose review falls due on or before `day`."""
    return Q(next_review_on__lte=day)


def visit_due_by_q(day: dt.date) -> Q:
    """Cases (from `with_visit_base`) whose monitoring visit falls due on or before `day`."""
    return Q(visit_base__lte=day - dt.timedelta(days=VISIT_INTERVAL_DAYS))


def due_by_q(day: dt.date) -> Q:
    return review_due_by_q(day) | visit_due_by_q(day)


# What is overdue, as the person list's `terlambat` filter names it.
OVERDUE_VISIT, OVERDUE_REVIEW = "kunjungan", "peninjauan"
OVERDUE_CHOICES = [(OVERDUE_VISIT, "Kunjungan pemantauan terlambat"), (OVERDUE_REVIEW, "Peninjauan kasus terlambat")]


def overdue_q(kind: str, today: dt.date) -> Q:
    """Open cases (from `with_visit_base`) whose visit (`kunjungan`) or review (`peninjauan`) is overdue on
    `today`: it fell due on or before yesterday, as the due list marks it. The dashboards count with it and
    the person list filters with it, so a number and the list it links to agree."""
    yesterday = today - dt.timedelta(days=1)
    due = visit_due_by_q(yesterday) if kind == OVERDUE_VISIT else review_due_by_q(yesterday)
    return ~Q(stage=Case.Stage.CLOSED) & due


def due_rows(cases: QuerySet[Case], *, until: dt.date) -> QuerySet[Case, tuple[int, str, dt.date, str]]:
    """The reviews and monitoring visits of `cases` (from `with_visit_base`) falling due on or before
    `until`, most urgent first: rows of (case id, kind, due date), one per review and one per visit, built
    and ordered in the database (a UNION of the two kinds) so a page is a LIMIT, however many cases an
    office has. `due_items_of` turns a page of rows into DueItems.

    - a review is due on the case's `next_review_on`;
    - a monitoring visit is due VISIT_INTERVAL_DAYS after the latest visit, or after the case was opened
      if it has never been visited: a case with no visit in the last 90 days is overdue.
    """
    base = cases.order_by()
    reviews = base.filter(review_due_by_q(until)).annotate(
        due_kind=Value(DueItem.REVIEW), due_on=F("next_review_on"), due_name=F("person__full_name")
    )
    visits = base.filter(visit_due_by_q(until)).annotate(
        due_kind=Value(DueItem.VISIT),
        due_on=Cast(F("visit_base") + dt.timedelta(days=VISIT_INTERVAL_DAYS), DateField()),
        due_name=F("person__full_name"),
    )
    columns = ("pk", "due_kind", "due_on", "due_name")
    return (
        reviews.values_list(*columns)
        .union(visits.values_list(*columns), all=True)
        .order_by("due_on", "due_name", "pk", "due_kind")
    )


def due_items_of(rows: Iterable[tuple[int, str, dt.date, str]], *, today: dt.date) -> list[DueItem]:
    """DueItems for rows of `due_rows`, in their order; the cases come in one query."""
    rows = list(rows)
    cases = with_visit_base(Case.objects.filter(pk__in={row[0] for row in rows})).select_related("person", "caseworker")
    by_pk = {case.pk: case for case in cases}
    return [
        DueItem(by_pk[pk], kind, due_on, (due_on - today).days, getattr(by_pk[pk], "last_visit", None))
        for pk, kind, due_on, _name in rows
    ]


def due_horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=DUE_HORIZON_DAYS)


def due_items_for(user: User, *, today: dt.date | None = None) -> list[DueItem]:
    """Everything on the user's due list (`due_rows` of `due_cases_for`): overdue, or due within
    DUE_HORIZON_DAYS. The page shows it a page at a time."""
    today = today or timezone.localdate()
    return due_items_of(due_rows(due_cases_for(user), until=due_horizon(today)), today=today)


# --- incidents -----------------------------------------------------------------------------------------


@transaction.atomic
def incident_record(*, user: User, name: str, occurred_on: dt.date, region: Region) -> Incident:
    if not policy.holds(user, "incident.record"):
        raise PermissionDenied("Peran Anda tidak dapat mencatat peristiwa.")
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "Tanggal peristiwa tidak boleh di masa depan."})
    incident = Incident(name=" ".join(name.split()), occurred_on=occurred_on, region=region)
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_link(*, user: User, person: Person, incident: Incident, side: str) -> IncidentInvolvement:
    """Record that a person the user may see was involved in an incident, as perpetrator or victim.

    The side must agree with the person's category: a victim is linked only as victim, and only a victim
    is, so a mistaken side can never place a victim among perpetrators (or the reverse).
    """
    if not policy.holds(user, "incident.link"):
        raise PermissionDenied("Peran Anda tidak dapat menautkan orang ke peristiwa.")
    if not people_visible_to(user).filter(pk=person.pk).exists():
        raise Http404("Data tidak ditemukan.")
    if side not in IncidentInvolvement.Side.values:
        raise ValidationError({"side": "Pilih pihak: pelaku atau korban."})
    if person.is_victim and side != IncidentInvolvement.Side.VICTIM:
        raise ValidationError({"side": "Orang berkategori korban hanya dapat ditautkan sebagai korban."})
    if not person.is_victim and side == IncidentInvolvement.Side.VICTIM:
        raise ValidationError({"side": "Hanya orang berkategori korban yang dapat ditautkan sebagai korban."})
    if IncidentInvolvement.objects.filter(incident=incident, person=person).exists():
        raise ValidationError("Orang ini sudah tercatat pada peristiwa tersebut.")
    involvement = IncidentInvolvement(incident=incident, person=person, side=side)
    involvement.full_clean()
    involvement.save()
    return involvement


def person_incidents(person: Person) -> QuerySet[IncidentInvolvement]:
    """The person's own involvements (event, date, side). Deliberately nothing about anyone else involved:
    a victim's record never names a perpetrator of the same event, and vice versa."""
    return person.involvements.select_related("incident").order_by("-incident__occurred_on", "pk")


@transaction.atomic
def incident_people(user: User, incident: Incident) -> QuerySet[IncidentInvolvement]:
    """Both sides of one incident, among the people the user may see: the only place they appear together,
    so it needs `cases.view_incident_links` and every use is logged."""
    if not policy.holds(user, "incident.view_links"):
        raise PermissionDenied("Peran Anda tidak dapat melihat keterkaitan pelaku dan korban.")
    access_log(user=user, action=AccessEvent.Action.LIST, obj_type="cases.incident", obj_id=incident.pk)
    return (
        IncidentInvolvement.objects.filter(incident=incident, person__in=people_visible_to(user))
        .select_related("person")
        .order_by("side", "person__full_name", "pk")
    )
