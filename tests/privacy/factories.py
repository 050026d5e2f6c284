"""Privacy records for tests, made through the real services."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from cases.models import Person
from napiter.accounts.models import User
from privacy.export import person_export
from privacy.models import BreachIncident, DataCategory, LegalHold, SubjectRequest
from privacy.services import breach_record, legal_hold_place, subject_request_create


def ensure_categories() -> None:
    """The record of processing that the data migration seeds; a transactional test's flush removes it."""
    if not DataCategory.objects.filter(code="identitas").exists():
        import_module("privacy.migrations.0002_audit_and_categories").seed(django_apps, None)


def dpo() -> User:
    return User.objects.get(username="bnpt.dpo")


def kabid() -> User:
    return User.objects.get(username="dinsos.banten.kabid")


def access_request(
    person: Person, *, user: User | None = None, received_at: dt.datetime | None = None
) -> SubjectRequest:
    return subject_request_create(
        user=user or kabid(), person_id=person.pk, kind=SubjectRequest.Kind.ACCESS, requester_name=person.full_name,
        received_at=received_at,
    )  # fmt: skip


def subject_request_for_matrix(person: Person) -> SubjectRequest:
    """An access request about `person` whose export is ready, as the route matrix needs."""
    request = access_request(person)
    request.export_data = person_export(user=kabid(), person=person)
    request.export_status = SubjectRequest.ExportStatus.READY
    request.exported_at = timezone.now()
    request.save()
    return request


def legal_hold_for_matrix(person: Person) -> LegalHold:
    return legal_hold_place(user=dpo(), person_id=person.pk, reason="Proses pemeriksaan Inspektorat berjalan")


def breach_for_matrix(person: Person | None = None, *, discovered_at: dt.datetime | None = None) -> BreachIncident:
    ensure_categories()
    return breach_record(
        user=dpo(),
        values={
            "title": "Laptop pendamping hilang",
            "data_description": "Salinan daftar penerima bantuan (nama, NIK, alamat)",
            "occurred_at": None,
            "discovered_at": discovered_at or timezone.now(),
            "how_discovered": "Laporan pendamping",
            "affected_description": "Penerima bantuan Provinsi Banten",
            "affected_count": 12,
            "actions_taken": "Akun dinonaktifkan, kata sandi diganti, laporan ke kepolisian",
        },
        categories=list(DataCategory.objects.filter(code__in=["identitas", "bantuan"])),
    )


def data_category_for_matrix(person: Person) -> DataCategory:
    ensure_categories()
    return DataCategory.objects.get(code="identitas")
