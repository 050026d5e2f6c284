"""The sinergi document kinds: the berita acara kesepakatan rencana aksi of one K/L and year (`kesepakatan`),
and the berita acara adendum that changes plans frozen in it (`addendum`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet, Sum

from napiter import policy
from napiter.accounts.models import Office, User
from napiter.documents.kinds import DocumentKind, register
from napiter.documents.models import Document


class AgreementRecord(DocumentKind):
    """Signed first by the K/L's Eselon II official, then by the Kepala BNPT; it names no person."""

    code = "kesepakatan"
    label = "Berita Acara Kesepakatan Rencana Aksi"
    prefix = "BAK"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from sinergi.selectors import agreements_visible_to

        return agreements_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from sinergi.selectors import agreement_get_for_user

        return agreement_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from sinergi.models import Agreement

        return Agreement.objects.select_related("ministry", "office", "ministry_signatory__unit", "bnpt_signatory").get(
            pk=subject_id
        )

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        if not policy.holds(user, "agreement.create"):
            raise PermissionDenied("Berita acara kesepakatan disusun oleh koordinator BNPT.")
        if subject.document_id:
            raise PermissionDenied(
                "Berita acara kesepakatan ini sudah diterbitkan; perubahan rencana aksi memerlukan dokumen adendum."
            )

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [subject.ministry_signatory.user, subject.bnpt_signatory.user]

    def person_ids(self, subject: Any) -> list[int]:
        return []

    def subject_label(self, subject: Any) -> str:
        return f"Kesepakatan {subject.ministry.short_name} {subject.year}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        plans = list(
            subject.plans.select_related("unit", "province", "regency").order_by("province__name", "plan_type", "id")
        )
        totals = subject.plans.aggregate(budget=Sum("budget"))
        return {
            "agreement": subject,
            "ministry": subject.ministry,
            "plans": plans,
            "fisik_count": sum(1 for p in plans if p.plan_type == "fisik"),
            "non_fisik_count": sum(1 for p in plans if p.plan_type == "non_fisik"),
            "total_budget": totals["budget"] or 0,
        }


register(AgreementRecord())


class AddendumRecord(DocumentKind):
    """Berita acara adendum kesepakatan: each change to a frozen plan, old and new, with its reason. Signed by
    the same officials, in the same order, as the kesepakatan; its last signature puts the changes in force."""

    code = "addendum"
    label = "Berita Acara Adendum Kesepakatan Rencana Aksi"
    prefix = "BAAD"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from sinergi.selectors import addenda_visible_to

        return addenda_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from sinergi.selectors import addendum_get_for_user

        return addendum_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from sinergi.models import Addendum

        return Addendum.objects.select_related(
            "agreement__ministry", "agreement__office", "agreement__document", "ministry_signatory__unit",
            "bnpt_signatory",
        ).get(pk=subject_id)  # fmt: skip

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.agreement.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        from sinergi.models import Addendum

        if not policy.holds(user, "plan.review"):
            raise PermissionDenied("Berita acara adendum diterbitkan saat koordinator BNPT menyetujui adendum.")
        if subject.document_id or subject.status != Addendum.Status.APPROVED:
            raise PermissionDenied(
                "Berita acara adendum diterbitkan sekali, saat koordinator BNPT menyetujui adendum yang diajukan."
            )

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        return [subject.ministry_signatory.user, subject.bnpt_signatory.user]

    def person_ids(self, subject: Any) -> list[int]:
        return []

    def subject_label(self, subject: Any) -> str:
        agreement = subject.agreement
        return f"Adendum ke-{subject.sequence} kesepakatan {agreement.ministry.short_name} {agreement.year}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        agreement = subject.agreement
        items = list(subject.items.select_related("plan__province", "plan__regency").order_by("plan_id"))
        return {
            "addendum": subject,
            "agreement": agreement,
            "agreement_document": agreement.document,
            "ministry": agreement.ministry,
            "items": items,
            "change_count": sum(len(item.changes) for item in items),
        }

    def signed(self, *, document: Document, user: User) -> None:
        from sinergi.services import addendum_apply

        addendum_apply(document_id=document.pk, actor=user)


register(AddendumRecord())
