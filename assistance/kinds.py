"""The BAST (berita acara serah terima) of a delivered grant, through the documents pipeline.

PIHAK KESATU is the recipient, PIHAK KEDUA the officer who approved the grant for the office; the officer
signs digitally. The proposing office issues it; its pendamping or supervisor asks for it once the goods
are handed over.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from napiter import policy
from napiter.accounts.models import Office, User
from napiter.documents.kinds import DocumentKind, register
from napiter.documents.models import Document

# The largest boxes static/css/print.css gives the images (.recipient-signature, .handover-photo img), in mm.
SIGNATURE_BOX_MM = (70, 28)
PHOTO_BOX_MM = (120, 90)


class GrantHandover(DocumentKind):
    code = "bast"
    label = "Berita Acara Serah Terima Bantuan"
    prefix = "BAST"

    def visible_subjects(self, user: User) -> QuerySet[Any]:
        from assistance.selectors import grants_visible_to

        return grants_visible_to(user)

    def subject_for_user(self, user: User, subject_id: int | str) -> Model:
        from assistance.selectors import grant_get_for_user

        return grant_get_for_user(user, subject_id)

    def subject_for_render(self, subject_id: int) -> Model:
        from assistance.models import Grant

        return Grant.objects.select_related(
            "programme__office__agency", "person__domicile_region__parent__parent__parent", "office", "approved_by"
        ).get(pk=subject_id)

    def issuing_office(self, subject: Any) -> Office:
        office: Office = subject.office
        return office

    def check_request(self, *, user: User, subject: Any) -> None:
        from assistance.models import Grant

        if not policy.holds(user, "bast.request") or user.office_id != subject.office_id:
            raise PermissionDenied(f"BAST diminta oleh petugas kantor pengusul bantuan ({subject.office.name}).")
        if subject.status not in Grant.DELIVERED_STATUSES:
            raise PermissionDenied("BAST dibuat setelah penyaluran bantuan dicatat.")

    def signers(self, *, subject: Any, requester: User) -> list[User]:
        # PIHAK KEDUA: the officer who approved the grant signs for the office.
        officer: User = subject.approved_by
        return [officer]

    def person_ids(self, subject: Any) -> list[int]:
        return [subject.person_id, *subject.members.values_list("person_id", flat=True)]

    def subject_label(self, subject: Any) -> str:
        return f"Bantuan #{subject.pk} · {subject.recipient_label}"

    def context(self, *, subject: Any, document: Document) -> dict[str, Any]:
        from cases.masking import mask_number
        from napiter.documents.formatting import rupiah_in_words
        from napiter.uploads import data_uri

        grant = subject
        person = grant.person
        regions = []
        region = person.domicile_region
        while region is not None:
            regions.append(region)
            region = region.parent
        items = list(grant.items.all())
        total = sum(i.total for i in items)
        return {
            "grant": grant,
            "person": person,
            "nik_masked": mask_number(person.nik or ""),
            "domicile": regions,
            "officer": grant.approved_by,
            "members": [m.person for m in grant.members.select_related("person")],
            "items": items,
            "total": total,
            "total_words": rupiah_in_words(total),
            "recipient_signature": data_uri(grant.recipient_signature, print_box_mm=SIGNATURE_BOX_MM),
            "delivery_photo": data_uri(grant.delivery_photo, print_box_mm=PHOTO_BOX_MM),
        }


register(GrantHandover())
