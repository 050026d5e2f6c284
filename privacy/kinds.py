"""The privacy documents: the record of processing, a data subject's access export and a breach letter.
Each is asked for and signed by the officer responsible (the DPO; a supervisor for access exports)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from napiter import policy
from napiter.accounts.models import Office, User
from napiter.documents.kinds import DocumentKind, register
from napiter.documents.models import Document


def _get_or_404(queryset: QuerySet[Any], subject_id: int | str) -> Model:
    try:
        found: Model = queryset.get(pk=int(subject_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    return found


def _readable(value: object) -> object:
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


class ProcessingRecord(DocumentKind):
    """Catatan kegiatan pemrosesan data pribadi (Pasal 31 UU 27/2022) of the DPO's office."""

    code = "ropa"
    label = "Catatan Kegiatan Pemrosesan Data Pribadi"
    prefix = "ROPA"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        if user.office_id is None or not policy.holds(user, "privacy.manage"):
            return Office.objects.none()
        return Office.objects.filter(pk=user.office_id)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        return _get_or_404(self.visible_subjects(user), subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        return Office.objects.select_related("agency").get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        if not policy.holds(user, "privacy.manage"):
            raise PermissionDenied("Catatan pemrosesan diterbitkan oleh Pejabat Pelindungan Data Pribadi.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        return []

    def subject_label(self, subject: Any) -> str:
        return f"Catatan pemrosesan · {subject.name}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        from privacy.selectors import data_categories

        return {"categories": list(data_categories()), "controller": subject}


class SubjectAccessExport(DocumentKind):
    """The readable copy of a data subject access export: everything held and every access to it."""

    code = "akses_subjek"
    label = "Salinan Data Pribadi Subjek Data"
    prefix = "ASD"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from privacy.selectors import subject_requests_visible_to

        # The export of a whole record is the DPO's alone, and so is its readable copy.
        return subject_requests_visible_to(user, "subject_request.fulfil")

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from privacy.selectors import subject_request_get_for_user

        return subject_request_get_for_user(user, subject_id, action="subject_request.fulfil")

    def subject_for_render(self, subject_id: int) -> Model:
        from privacy.models import SubjectRequest

        return SubjectRequest.objects.select_related("person", "office").get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        from privacy.models import SubjectRequest

        if not policy.holds(user, "subject_request.fulfil"):
            raise PermissionDenied("Salinan data dibuat oleh Pejabat Pelindungan Data Pribadi.")
        if subject.export_status != SubjectRequest.ExportStatus.READY or subject.export_data is None:
            raise PermissionDenied("Ekspor data permintaan ini belum tersedia.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        return [subject.person_id]

    def subject_label(self, subject: Any) -> str:
        return f"Permintaan akses #{subject.pk} · {subject.person.full_name}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        export = subject.export_data
        identity = [(key.replace("_", " ").capitalize(), _readable(value)) for key, value in export["orang"].items()]
        return {"subject_request": subject, "export": export, "identity": identity}


class BreachNotification(DocumentKind):
    """Pemberitahuan kegagalan pelindungan data pribadi (Pasal 46 UU 27/2022)."""

    code = "pemberitahuan_insiden"
    label = "Surat Pemberitahuan Kegagalan Pelindungan Data Pribadi"
    prefix = "PKPDP"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from privacy.selectors import breaches_visible_to

        return breaches_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from privacy.selectors import breach_get_for_user

        return breach_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from privacy.models import BreachIncident

        return BreachIncident.objects.select_related("office").prefetch_related("categories").get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        if not policy.holds(user, "privacy.manage"):
            raise PermissionDenied("Surat pemberitahuan diterbitkan oleh Pejabat Pelindungan Data Pribadi.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        return []

    def subject_label(self, subject: Any) -> str:
        return f"Insiden #{subject.pk} · {subject.title}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        return {
            "incident": subject,
            "categories": list(subject.categories.all()),
            "discovered_local": timezone.localtime(subject.discovered_at),
            "due_local": timezone.localtime(subject.notification_due_at),
        }


register(ProcessingRecord())
register(SubjectAccessExport())
register(BreachNotification())
