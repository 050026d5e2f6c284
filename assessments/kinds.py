"""The assessment report (laporan asesmen, PP 77/2019): identity, profile, involvement, risk and needs,
recommendation; requested and signed by the assessor who made the assessment, once it is submitted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from napiter.accounts.models import Office, User
from napiter.documents.kinds import DocumentKind, register
from napiter.documents.models import Document


class AssessmentReport(DocumentKind):
    code = "laporan_asesmen"
    label = "Laporan Asesmen"
    prefix = "ASM"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from assessments.selectors import assessments_visible_to

        return assessments_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from assessments.selectors import assessment_get_for_user

        return assessment_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from assessments.models import Assessment

        return Assessment.objects.select_related(
            "person__domicile_region__parent__parent__parent",
            "version__instrument",
            "assessor",
            "office__agency",
            "office__region",
            "computed_band",
            "judged_band",
        ).get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        from assessments.models import Assessment

        if subject.status == Assessment.Status.DRAFT:
            raise PermissionDenied("Laporan asesmen dibuat setelah asesmen diajukan.")
        if user.pk != subject.assessor_id:
            raise PermissionDenied("Laporan asesmen diminta dan ditandatangani oleh asesornya sendiri.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [requester]

    def person_ids(self, subject: Any) -> list[int]:
        return [subject.person_id]

    def subject_label(self, subject: Any) -> str:
        return f"Asesmen #{subject.pk} · {subject.person.full_name}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        from assessments.scoring import ItemRating, compute_score
        from cases.masking import mask_number
        from cases.models import Case, IncidentInvolvement

        assessment = subject
        person = assessment.person
        regions = []
        region = person.domicile_region
        while region is not None:
            regions.append(region)
            region = region.parent
        ratings = {r.item_id: ItemRating(r.value, r.missing) for r in assessment.ratings.all()}
        score = compute_score(assessment.version, ratings)
        domains = [
            {"name": d.name, "percent": score.domain_scores.get(d.code)}
            for d in assessment.version.domains.order_by("order")
        ]
        return {
            "assessment": assessment,
            "person": person,
            "nik_masked": mask_number(person.nik or ""),
            "domicile": regions,
            "cases": list(Case.objects.filter(person=person).select_related("office").order_by("opened_on")),
            # Only the person's own side of an event (victim/perpetrator separation).
            "involvements": list(
                IncidentInvolvement.objects.filter(person=person)
                .select_related("incident")
                .order_by("incident__occurred_on")
            ),
            "domains": domains,
            "missing_items": list(
                assessment.ratings.filter(missing=True)
                .select_related("item")
                .order_by("item__domain__order", "item__order")
            ),
        }


register(AssessmentReport())
