"""Every write of the privacy module: the record of processing, subject requests and their export, legal
holds, the retention run and the breach register."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Person
from napiter import policy
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent
from napiter.audit.services import Listing, access_log, access_log_listed, access_log_listings
from napiter.documents.models import Document
from privacy.models import LEGAL_DEADLINE, Anonymisation, BreachIncident, DataCategory, LegalHold, SubjectRequest
from privacy.retention import ANONYMISERS, ORDER, Subject
from privacy.selectors import (
    RetentionCandidate,
    breach_get_for_user,
    data_category_get,
    legal_holds_visible_to,
    person_for_privacy,
    retention_candidates,
    subject_request_get_for_user,
)

logger = logging.getLogger(__name__)

SUBJECT_REQUEST_TYPE = "privacy.subjectrequest"
PERSON_TYPE = "cases.person"
SUBJECT_ACCESS_KIND = "akses_subjek"
BREACH_LETTER_KIND = "pemberitahuan_insiden"
ROPA_KIND = "ropa"
# Only the DPO fulfils a subject request: builds, downloads and closes the export of a whole record.
FULFIL = "subject_request.fulfil"


def _require(user: User, action: str, message: str) -> None:
    if not policy.holds(user, action):
        raise PermissionDenied(message)


# --- record of processing ----------------------------------------------------------------------------

CATEGORY_FIELDS = (
    "name", "data_items", "is_specific", "purpose", "legal_basis", "retention_years", "retention_action", "recipients",
)  # fmt: skip


@transaction.atomic
def data_category_update(*, user: User, category_id: int | str, values: dict[str, Any]) -> DataCategory:
    """Edit one row of the record of processing. A retention period needs an anonymisation step that knows
    the category, or the period would be promised and never kept."""
    _require(user, "privacy.manage", "Catatan pemrosesan diubah oleh Pejabat Pelindungan Data Pribadi.")
    category = data_category_get(user, category_id)
    for name in CATEGORY_FIELDS:
        if name in values:
            setattr(category, name, values[name])
    if category.retention_years is not None and category.code not in ANONYMISERS:
        raise ValidationError(
            {"retention_years": "Kategori ini tidak dianonimkan otomatis; kosongkan masa retensinya."}
        )
    category.updated_by = user
    category.full_clean()
    category.save(update_fields=[*CATEGORY_FIELDS, "updated_by", "updated_at"])
    return category


# --- subject requests --------------------------------------------------------------------------------

PEOPLE_FOUND_MAX = 20


def people_find(*, user: User, q: str) -> list[Person]:
    """People in the user's scope matching a NIK or name, to record a request for. Whoever shows them logs
    them (`subject_requests_listed`)."""
    from cases.selectors import PersonFilters, people_search
    from napiter.accounts.access import person_scope_q

    action = "subject_request.file"
    if not policy.holds(user, action):
        return []
    scoped = Person.objects.filter(person_scope_q(user, action=action))
    return list(people_search(scoped, PersonFilters(q=q))[:PEOPLE_FOUND_MAX])


def subject_requests_listed(
    *,
    user: User,
    requests: Sequence[SubjectRequest],
    found: Sequence[Person] | None = None,
    search: str = "",
    request: HttpRequest | None = None,
) -> Sequence[SubjectRequest]:
    """Record a page of subject requests (page and API) and, on the page, the people its search found for
    `search` (`found`; None when nothing was searched for), in one INSERT."""
    from cases.services import people_listing

    listings = [Listing(SUBJECT_REQUEST_TYPE, ids=[r.pk for r in requests], person_ids=[r.person_id for r in requests])]
    if found is not None:
        listings.append(people_listing(found, search=search))
    access_log_listings(user=user, listings=listings, request=request)
    return requests


@transaction.atomic
def person_open_for_request(*, user: User, person_id: int | str, request: HttpRequest | None = None) -> Person:
    person = person_for_privacy(user, person_id)
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=PERSON_TYPE, obj_id=person.pk, person_id=person.pk,
        request=request,
    )  # fmt: skip
    return person


@transaction.atomic
def subject_request_read(*, user: User, request_id: int | str, request: HttpRequest | None = None) -> SubjectRequest:
    subject_request = subject_request_get_for_user(user, request_id)
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=SUBJECT_REQUEST_TYPE, obj_id=subject_request.pk,
        person_id=subject_request.person_id, request=request,
    )  # fmt: skip
    return subject_request


@transaction.atomic
def subject_request_create(
    *,
    user: User,
    person_id: int | str,
    kind: str,
    requester_name: str,
    details: str = "",
    received_at: dt.datetime | None = None,
) -> SubjectRequest:
    """Record a request received from a data subject; the legal deadline runs from its receipt."""
    _require(user, "subject_request.file", "Permintaan subjek data dicatat oleh DPO atau supervisor.")
    person = person_for_privacy(user, person_id)
    received = received_at or timezone.now()
    if received > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "Waktu diterima tidak boleh di masa depan."})
    if kind in (SubjectRequest.Kind.CORRECTION, SubjectRequest.Kind.ERASURE) and not details.strip():
        raise ValidationError({"details": "Sebutkan data yang diminta diperbaiki atau dihapus."})
    if user.office is None:
        raise PermissionDenied("Akun tanpa kantor tidak dapat mencatat permintaan.")
    request = SubjectRequest(
        person=person,
        kind=kind,
        requester_name=requester_name.strip(),
        details=details.strip(),
        received_at=received,
        due_at=received + LEGAL_DEADLINE,
        office=user.office,
        recorded_by=user,
    )
    request.full_clean()
    request.save(force_insert=True)
    return request


@transaction.atomic
def subject_request_close(*, user: User, request_id: int | str, status: str, resolution: str) -> SubjectRequest:
    """Close a request as done or refused, with what was done or why not. An access request is done only
    once its export has been produced."""
    _require(user, FULFIL, "Permintaan subjek data ditutup oleh Pejabat Pelindungan Data Pribadi.")
    request = subject_request_get_for_user(user, request_id, for_update=True, action=FULFIL)
    if request.status != SubjectRequest.Status.OPEN:
        raise ValidationError("Permintaan ini sudah ditutup.")
    if status not in (SubjectRequest.Status.DONE, SubjectRequest.Status.REFUSED):
        raise ValidationError({"status": "Pilih selesai atau ditolak."})
    if not resolution.strip():
        raise ValidationError({"resolution": "Tuliskan penyelesaian atau alasan penolakan."})
    if (
        status == SubjectRequest.Status.DONE
        and request.kind == SubjectRequest.Kind.ACCESS
        and request.export_status != SubjectRequest.ExportStatus.READY
    ):
        raise ValidationError("Buat ekspor data terlebih dahulu sebelum permintaan akses dinyatakan selesai.")
    request.status = status
    request.resolution = resolution.strip()
    request.closed_by = user
    request.closed_at = timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "resolution", "closed_by", "closed_at"])
    return request


@transaction.atomic
def subject_export_start(*, user: User, request_id: int | str) -> SubjectRequest:
    """Queue the export of everything held about the person; a worker builds it within minutes."""
    _require(user, FULFIL, "Ekspor data dibuat oleh Pejabat Pelindungan Data Pribadi.")
    request = subject_request_get_for_user(user, request_id, for_update=True, action=FULFIL)
    if request.kind != SubjectRequest.Kind.ACCESS:
        raise ValidationError("Ekspor data dibuat untuk permintaan akses.")
    if request.export_status == SubjectRequest.ExportStatus.QUEUED:
        raise ValidationError("Ekspor data sedang disusun.")
    request.export_status = SubjectRequest.ExportStatus.QUEUED
    request.export_error = ""
    request.save(update_fields=["export_status", "export_error"])
    transaction.on_commit(partial(_enqueue_export, request_id=request.pk, user_id=user.pk))
    return request


def _enqueue_export(*, request_id: int, user_id: int) -> None:
    from privacy.tasks import subject_export

    subject_export.delay(request_id, user_id)


def subject_export_build(*, request_id: int, user_id: int) -> SubjectRequest:
    """Build the export for the user who asked for it (their scope and permissions apply, re-checked
    here), store it, log it as an export of the person, and request its signed PDF."""
    from napiter.documents.services import document_request
    from privacy.export import person_export

    user = User.objects.select_related("office").get(pk=user_id)
    try:
        with transaction.atomic():
            request = subject_request_get_for_user(user, request_id, for_update=True, action=FULFIL)
            request.export_data = person_export(user=user, person=request.person)
            request.export_status = SubjectRequest.ExportStatus.READY
            request.exported_at = timezone.now()
            request.exported_by = user
            request.save(update_fields=["export_data", "export_status", "exported_at", "exported_by"])
            access_log(
                user=user, action=AccessEvent.Action.EXPORT, obj_type=SUBJECT_REQUEST_TYPE, obj_id=request.pk,
                person_id=request.person_id, reason=f"Permintaan akses subjek data #{request.pk}",
            )  # fmt: skip
            document_request(user=user, kind=SUBJECT_ACCESS_KIND, subject_id=request.pk)
    except Exception as exc:
        logger.exception("subject access export %s failed", request_id)
        SubjectRequest.objects.filter(pk=request_id).update(
            export_status=SubjectRequest.ExportStatus.FAILED, export_error=str(exc)[:2000]
        )
        raise
    return request


@transaction.atomic
def subject_export_read(*, user: User, request_id: int | str, request: HttpRequest | None = None) -> dict[str, Any]:
    """The machine-readable export, logged as a download of the person's data."""
    subject_request = subject_request_get_for_user(user, request_id, action=FULFIL)
    if subject_request.export_status != SubjectRequest.ExportStatus.READY or subject_request.export_data is None:
        raise ValidationError("Ekspor data belum tersedia.")
    access_log(
        user=user, action=AccessEvent.Action.DOWNLOAD, obj_type=SUBJECT_REQUEST_TYPE, obj_id=subject_request.pk,
        person_id=subject_request.person_id, reason=f"Permintaan akses subjek data #{subject_request.pk}",
        request=request,
    )  # fmt: skip
    data: dict[str, Any] = subject_request.export_data
    return data


# --- legal holds -------------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, user: User, person_id: int | str, reason: str) -> LegalHold:
    _require(user, "privacy.manage", "Penahanan data ditetapkan oleh Pejabat Pelindungan Data Pribadi.")
    person = person_for_privacy(user, person_id)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
        raise ValidationError("Data orang ini sudah ditahan.")
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Tuliskan alasan penahanan (paling sedikit 10 karakter)."})
    hold = LegalHold(person=person, reason=reason.strip(), placed_by=user)
    hold.full_clean()
    hold.save(force_insert=True)
    return hold


@transaction.atomic
def legal_hold_lift(*, user: User, hold_id: int | str, reason: str) -> LegalHold:
    _require(user, "privacy.manage", "Penahanan data dicabut oleh Pejabat Pelindungan Data Pribadi.")
    try:
        hold = legal_holds_visible_to(user).select_for_update(of=("self",)).get(pk=int(hold_id))
    except (LegalHold.DoesNotExist, ValueError) as exc:
        from django.http import Http404

        raise Http404("Data tidak ditemukan.") from exc
    if hold.lifted_at is not None:
        raise ValidationError("Penahanan ini sudah dicabut.")
    if len(reason.strip()) < 10:
        raise ValidationError({"lift_reason": "Tuliskan alasan pencabutan (paling sedikit 10 karakter)."})
    hold.lifted_at = timezone.now()
    hold.lifted_by = user
    hold.lift_reason = reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return hold


# --- retention ---------------------------------------------------------------------------------------


@dataclass
class RetentionResult:
    anonymised: list[tuple[int, list[str]]] = field(default_factory=list)  # person id, category codes
    blocked: list[int] = field(default_factory=list)  # person ids under a legal hold


@dataclass(frozen=True)
class RetentionReport:
    candidates: list[RetentionCandidate]
    holds: list[LegalHold]  # in force, whoever they protect


def retention_report(*, user: User, request: HttpRequest | None = None) -> RetentionReport:
    """The dry run, for the DPO: nothing changes. Everyone it names (those due, those a hold protects) is
    logged in one list read."""
    _require(user, "privacy.manage", "Laporan retensi untuk Pejabat Pelindungan Data Pribadi.")
    candidates = retention_candidates()
    holds = list(legal_holds_visible_to(user).filter(lifted_at__isnull=True))
    ids = [c.person.pk for c in candidates] + [h.person_id for h in holds]
    access_log_listed(user=user, obj_type=PERSON_TYPE, ids=ids, person_ids=ids, request=request)
    return RetentionReport(candidates, holds)


def retention_run(*, user: User) -> RetentionResult:
    """The run started by hand from the dry-run page, attributed to the DPO."""
    _require(user, "privacy.manage", "Anonimisasi dijalankan oleh Pejabat Pelindungan Data Pribadi.")
    return retention_apply(actor=user)


def retention_apply(*, today: dt.date | None = None, actor: User | None = None) -> RetentionResult:
    """Anonymise every category whose retention has ended, person by person, each in its own transaction
    so that one failure does not undo the others. A legal hold (checked again under the person's row
    lock, as one may be placed while the run is going) leaves the person untouched. The audit trigger
    records each change, attributed to `actor` (the scheduled job has none)."""
    from napiter.audit.actor import audit_actor

    result = RetentionResult()
    candidates = retention_candidates(today=today)
    anonymised_ids = set(Anonymisation.objects.filter(category__code="identitas").values_list("person_id", flat=True))
    with audit_actor(actor.pk if actor is not None else None):
        for candidate in candidates:
            if candidate.blocked:
                result.blocked.append(candidate.person.pk)
                continue
            codes = _anonymise_person(candidate, anonymised_ids=frozenset(anonymised_ids))
            if codes is None:
                result.blocked.append(candidate.person.pk)
                continue
            if "identitas" in codes:
                anonymised_ids.add(candidate.person.pk)
            result.anonymised.append((candidate.person.pk, codes))
    return result


@transaction.atomic
def _anonymise_person(candidate: RetentionCandidate, *, anonymised_ids: frozenset[int]) -> list[str] | None:
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("household", "domicile_region")
        .get(pk=candidate.person.pk)
    )
    if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
        return None
    subject = Subject(person=person, nik=person.nik or "", anonymised_ids=anonymised_ids)
    due = sorted(candidate.due, key=lambda d: ORDER[d.category.code])
    for item in due:
        ANONYMISERS[item.category.code](subject)
        Anonymisation.objects.create(person=person, category=item.category, retention_ended_on=item.retention_ended_on)
    return [d.category.code for d in due]


# --- breaches ----------------------------------------------------------------------------------------

BREACH_FIELDS = (
    "title", "data_description", "occurred_at", "discovered_at", "how_discovered", "affected_description",
    "affected_count", "actions_taken",
)  # fmt: skip


@transaction.atomic
def breach_record(*, user: User, values: dict[str, Any], categories: list[DataCategory]) -> BreachIncident:
    """Record a breach; the 3x24 hour notification deadline runs from its discovery."""
    _require(user, "privacy.manage", "Insiden dicatat oleh Pejabat Pelindungan Data Pribadi.")
    if user.office is None:
        raise PermissionDenied("Akun tanpa kantor tidak dapat mencatat insiden.")
    incident = BreachIncident(office=user.office, recorded_by=user, **{k: values.get(k) for k in BREACH_FIELDS})
    errors: dict[str, str] = {}
    now = timezone.now()
    if incident.discovered_at and incident.discovered_at > now + dt.timedelta(minutes=5):
        errors["discovered_at"] = "Waktu diketahui tidak boleh di masa depan."
    if incident.occurred_at and incident.discovered_at and incident.occurred_at > incident.discovered_at:
        errors["occurred_at"] = "Waktu kejadian tidak boleh sesudah waktu diketahui."
    if errors:
        raise ValidationError(errors)
    if incident.discovered_at:
        incident.notification_due_at = incident.discovered_at + LEGAL_DEADLINE
    incident.full_clean()
    incident.save(force_insert=True)
    incident.categories.set(categories)
    return incident


@transaction.atomic
def breach_mark_notified(*, user: User, breach_id: int | str, notified_to: str) -> BreachIncident:
    """Record that the notification went out: only once its letter is signed."""
    _require(user, "privacy.manage", "Pemberitahuan dicatat oleh Pejabat Pelindungan Data Pribadi.")
    incident = breach_get_for_user(user, breach_id)
    BreachIncident.objects.select_for_update().filter(pk=incident.pk).first()
    if incident.notified_at is not None:
        raise ValidationError("Pemberitahuan insiden ini sudah dicatat.")
    if not notified_to.strip():
        raise ValidationError({"notified_to": "Sebutkan kepada siapa pemberitahuan dikirim."})
    signed = Document.objects.filter(
        kind=BREACH_LETTER_KIND, subject_id=incident.pk, status=Document.Status.SIGNED
    ).exists()
    if not signed:
        raise ValidationError("Surat pemberitahuan harus ditandatangani sebelum pemberitahuan dicatat terkirim.")
    incident.notified_at = timezone.now()
    incident.notified_to = notified_to.strip()
    incident.save(update_fields=["notified_at", "notified_to"])
    return incident
