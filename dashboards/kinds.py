"""The `laporan_periodik` document kind: an office's periodic report, signed by the office supervisor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from napiter.accounts.models import Office, User
from napiter.documents.kinds import DocumentKind, register
from napiter.documents.models import Document


class PeriodicReportKind(DocumentKind):
    """The dashboard's measures for the period within the requesting supervisor's scope, the overdue
    items of the office, and the narrative the supervisor wrote before asking for it."""

    code = "laporan_periodik"
    label = "Laporan Periodik"
    prefix = "LPP"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from dashboards.selectors import reports_visible_to

        return reports_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from dashboards.selectors import report_get_for_user

        return report_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from dashboards.models import PeriodicReport

        return PeriodicReport.objects.select_related("office__agency", "office__region").get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        from dashboards.selectors import is_office_supervisor

        if not is_office_supervisor(user, subject.office):
            raise PermissionDenied(f"Laporan periodik diminta oleh supervisor {subject.office.name}.")
        if subject.document_id is not None:
            raise PermissionDenied("Laporan periodik ini sudah diajukan untuk ditandatangani.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        # The report goes upward: its overdue lists name cases and assessments by number, never a person.
        return []

    def subject_label(self, subject: Any) -> str:
        return f"{subject} · {subject.office.name}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        from dashboards.services import report_context

        return report_context(report=subject, user=document.requested_by, on=document.requested_at)


register(PeriodicReportKind())
