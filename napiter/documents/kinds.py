"""The kinds of document the system issues: one entry each, and the pipeline does the rest.

A kind says what its subject is and who may see it (through the access layer), which office issues it
and under which number prefix, who may ask for it, who signs it and in which order, which people it
names (each download is logged against them), and what its template `templates/documents/<code>.html`
is given. Adding a kind is a subclass of `DocumentKind`, a template, and `register(...)`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet

from napiter import policy
from napiter.accounts.models import Office, User
from napiter.documents.models import Document


class DocumentKind(ABC):
    code: ClassVar[str]
    label: ClassVar[str]
    prefix: ClassVar[str]  # the number's first part: LAP-007/DINSOS-BTN/XI/2026

    @property
    def template(self) -> str:
        return f"documents/{self.code}.html"

    @abstractmethod
    def visible_subjects(self, user: User) -> QuerySet[Any]:
        """The subjects `user` may see through the access layer; their documents are visible too."""

    @abstractmethod
    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        """The subject, or Http404 when it is missing or outside the user's scope."""

    @abstractmethod
    def subject_for_render(self, subject_id: int) -> Model:
        """The subject for the worker, which renders on behalf of a request already checked."""

    @abstractmethod
    def issuing_office(self, subject: Any) -> Office: ...

    @abstractmethod
    def check_request(self, *, user: User, subject: Any) -> None:
        """Raise PermissionDenied, with a message a person can act on, if `user` may not ask for it."""

    @abstractmethod
    def signers(self, *, subject: Any, requester: User) -> list[User]:
        """Who signs, in order. Each signs by their own action; nobody signs for another."""

    @abstractmethod
    def person_ids(self, subject: Any) -> list[int]: ...

    @abstractmethod
    def subject_label(self, subject: Any) -> str:
        """How the subject is named to signed-in users who may see it; never on the public page."""

    @abstractmethod
    def context(self, *, subject: Any, document: Document) -> dict[str, Any]: ...

    def clean_inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The kind's own request fields, validated; a kind without any accepts none."""
        return {}

    def signed(self, *, document: Document, user: User) -> None:
        """What the document brings into force once its last signer (`user`) has signed. Runs in the same
        transaction as that signature, so the signature and its effect are saved together or not at all;
        most kinds bring nothing into force."""
        return


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in KINDS:
        raise ValueError(f"document kind {kind.code!r} is already registered")
    KINDS[kind.code] = kind
    return kind


def kind_for(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        available = ", ".join(sorted(KINDS))
        raise ValidationError(
            {"kind": f"Jenis dokumen '{code}' belum tersedia. Jenis yang tersedia: {available}."}
        ) from None


def label_for(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind is not None else code


# --- laporan_kasus ---------------------------------------------------------------------------------------

RECOMMENDATION_MAX_LENGTH = 3000


class CaseReport(DocumentKind):
    """Laporan kasus (PP 77/2019): identity with the NIK masked, stage history, services, visits and a
    recommendation. A supervisor of the office that owns the case asks for it and signs it."""

    code = "laporan_kasus"
    label = "Laporan Kasus"
    prefix = "LAP"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from cases.selectors import cases_visible_to

        return cases_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from cases.selectors import case_get_for_user

        return case_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from cases.models import Case

        return Case.objects.select_related(
            "person__domicile_region__parent__parent__parent",
            "person__household",
            "office__agency",
            "office__region",
            "caseworker",
        ).get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        if not policy.holds(user, "case_report.request") or user.office_id != subject.office_id:
            raise PermissionDenied(
                f"Laporan kasus diminta oleh supervisor kantor pemilik kasus ({subject.office.name})."
            )

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        return [subject.person_id]

    def subject_label(self, subject: Any) -> str:
        return f"Kasus #{subject.pk} · {subject.person.full_name}"

    def clean_inputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        recommendation = str(inputs.get("recommendation") or "").strip()
        if len(recommendation) > RECOMMENDATION_MAX_LENGTH:
            raise ValidationError(
                {"recommendation": f"Rekomendasi paling panjang {RECOMMENDATION_MAX_LENGTH} karakter."}
            )
        return {"recommendation": recommendation} if recommendation else {}

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        from assessments.selectors import person_assessments
        from cases.masking import mask_number
        from cases.models import Case

        case = subject
        person = case.person
        regions = []
        region = person.domicile_region
        while region is not None:
            regions.append(region)
            region = region.parent
        stage_changes = list(case.stage_changes.select_related("changed_by").order_by("changed_at", "id"))
        visits = list(case.visits.select_related("visited_by").order_by("visited_on", "id"))
        components = dict(Case.AtensiComponent.choices)
        services = [
            {
                "label": label,
                "planned": code in case.atensi_planned,
                "given": code in case.atensi_given,
            }
            for code, label in components.items()
            if code in case.atensi_planned or code in case.atensi_given
        ]
        recommendation = document.inputs.get("recommendation", "")
        return {
            "case": case,
            "person": person,
            "nik_masked": mask_number(person.nik or ""),
            "domicile": regions,  # village, district, regency, province
            "stage_changes": stage_changes,
            "visits": visits,
            "services": services,
            # Levels, dates and recommendations only: item ratings are sensitive and stay out of reports.
            "assessments": list(person_assessments(person)),
            "recommendation": recommendation,
            "default_recommendation": _default_recommendation(case),
        }


def _default_recommendation(case: Any) -> str:
    from napiter.documents.formatting import date_long

    if case.stage == "ditutup":
        return f"Kasus ditutup: {case.get_closure_reason_display()}."
    return (
        f"Pendampingan dilanjutkan pada tahap {case.get_stage_display().lower()}, "
        f"dengan peninjauan berikutnya pada {date_long(case.next_review_on)}."
    )


register(CaseReport())
