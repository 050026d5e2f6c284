"""What anonymising one data category of one person does, category by category.

Kept everywhere: the person's category, sex, year of birth (so the age band), province and regency, legal
basis, case stages with their dates, grant programme, amount and status, assessment levels and dates,
and every document's number and SHA-256 hashes. Removed or blanked: whatever names or locates the person.
Each function runs inside the caller's transaction, on a person row the caller has locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from cases.models import (
    Case,
    CaseNote,
    CaseStageChange,
    DtsenRecord,
    IncidentInvolvement,
    Person,
    Referral,
    Transfer,
    Visit,
    VisitPhoto,
)
from napiter.regions.models import Region

REMOVED = "(dianonimkan)"


@dataclass(frozen=True)
class Subject:
    """The person as they were before this run touched them: later steps may need the NIK that the
    identity step blanks, and the ids of everyone named with them."""

    person: Person
    nik: str
    anonymised_ids: frozenset[int]


def _regency_of(region: Region) -> Region:
    while region.level > Region.Level.REGENCY and region.parent is not None:
        region = region.parent
    return region


def _blank_file(instance: object, field: str) -> None:
    stored = getattr(instance, field)
    if stored:
        stored.delete(save=False)


def identity(subject: Subject) -> None:
    from privacy.models import SubjectRequest

    person = subject.person
    household = person.household
    _blank_file(person, "photo")
    person.full_name = f"Anonim {person.pk}"
    person.aliases = []
    person.nik = None
    person.birth_place = ""
    person.birth_date = dt.date(person.birth_date.year, 1, 1)
    person.domicile_region = _regency_of(person.domicile_region)
    person.address = ""
    person.phone = ""
    person.household = None
    person.relation_to_head = ""
    person.save(
        update_fields=[
            "photo", "full_name", "aliases", "nik", "birth_place", "birth_date", "domicile_region", "address",
            "phone", "household", "relation_to_head", "updated_at",
        ]
    )  # fmt: skip
    if household is not None and not household.members.exists():
        household.kk = f"ANON{household.pk:012d}"
        household.address = ""
        household.save(update_fields=["kk", "address"])
    SubjectRequest.objects.filter(person=person).update(requester_name=REMOVED, details="", export_data=None)


def criminal_history(subject: Subject) -> None:
    # The event itself stays (it names no one); only this person's link to it goes.
    IncidentInvolvement.objects.filter(person=subject.person).delete()


def casework(subject: Subject) -> None:
    cases = Case.objects.filter(person=subject.person)
    Visit.objects.filter(case__in=cases).update(place=REMOVED, findings=REMOVED)
    CaseNote.objects.filter(case__in=cases, is_intelligence=False).update(body=REMOVED)
    CaseStageChange.objects.filter(case__in=cases).exclude(note="").update(note="")
    Referral.objects.filter(case__in=cases).update(reason=REMOVED, outcome="", consent_by="")
    Transfer.objects.filter(case__in=cases).update(reason=REMOVED, decision_note="")
    cases.update(goals="")


def intelligence_notes(subject: Subject) -> None:
    CaseNote.objects.filter(case__person=subject.person, is_intelligence=True).update(body=REMOVED)


def assessments(subject: Subject) -> None:
    from assessments.models import Assessment, Rating

    mine = Assessment.objects.filter(person=subject.person)
    mine.update(sources="", judgement_reason="", recommendation_notes="")
    Rating.objects.filter(assessment__in=mine).exclude(evidence="").update(evidence="")


def grants(subject: Subject) -> None:
    from assistance.models import Grant, MonitoringVisit

    mine = Grant.objects.filter(person=subject.person)
    mine.update(justification="", location="", kiosk_stock="", supplier="", reason=REMOVED)
    MonitoringVisit.objects.filter(grant__in=mine).exclude(problems="").update(problems=REMOVED)


def photos(subject: Subject) -> None:
    from assistance.models import Grant, MonitoringVisit

    person = subject.person
    if person.photo:
        _blank_file(person, "photo")
        person.save(update_fields=["photo", "updated_at"])
    for visit_photo in VisitPhoto.objects.filter(visit__case__person=person):
        _blank_file(visit_photo, "image")
        visit_photo.delete()
    for grant in Grant.objects.filter(person=person).exclude(Q(delivery_photo="") & Q(recipient_signature="")):
        _blank_file(grant, "delivery_photo")
        _blank_file(grant, "recipient_signature")
        grant.save(update_fields=["delivery_photo", "recipient_signature", "updated_at"])
    for visit in MonitoringVisit.objects.filter(grant__person=person).exclude(photo=""):
        _blank_file(visit, "photo")
        visit.save(update_fields=["photo"])


def dtsen(subject: Subject) -> None:
    if subject.nik:
        DtsenRecord.objects.filter(nik=subject.nik).delete()


def documents(subject: Subject) -> None:
    """Remove the files of documents that name only anonymised people; their numbers and hashes stay, so a
    paper copy can still be checked against the register."""
    from napiter.documents.models import Document

    for document in Document.objects.filter(person_ids__contains=[subject.person.pk]).exclude(file=""):
        if set(document.person_ids) <= subject.anonymised_ids | {subject.person.pk}:
            _blank_file(document, "file")
            document.save(update_fields=["file", "updated_at"])


# The order matters: the identity step blanks the NIK that the DT-SEN step matches on (the Subject keeps
# a copy), and documents go last so that a document is emptied once all its people are anonymised.
ANONYMISERS: dict[str, Callable[[Subject], None]] = {
    "riwayat_pidana": criminal_history,
    "catatan_kasus": casework,
    "catatan_intelijen": intelligence_notes,
    "asesmen": assessments,
    "bantuan": grants,
    "foto": photos,
    "dtsen": dtsen,
    "identitas": identity,
    "dokumen": documents,
}
ORDER = {code: index for index, code in enumerate(ANONYMISERS)}
