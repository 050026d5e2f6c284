"""The berita acara adendum, rendered and signed for real: both signatures validated with pyHanko against the demo
CA, and the changes reaching the plans only with the last signature."""

from __future__ import annotations

from decimal import Decimal

import pytest

from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from napiter.documents.rendering import render_html
from napiter.documents.services import SignatureRefused, document_render, document_sign
from napiter.documents.signing import check_signatures
from napiter.regions.models import Region
from sinergi.models import ActionPlan, ActionPlanEvent, Addendum
from sinergi.services import PlanChange, addendum_approve, addendum_propose
from tests.sinergi.factories import agreed_plans, sign_document, signing_officials

pytestmark = pytest.mark.django_db


def test_addendum_signed_in_order_and_applied_only_after_the_last_signature(cast, demo_pki):
    first, second = agreed_plans(titles=("Pembinaan moderasi beragama", "Beasiswa pendidikan anak mitra"))
    agreement = first.agreement
    sign_document(agreement.document_id)
    agreement.refresh_from_db()
    addendum = addendum_propose(
        user=cast.kemenag_perencana,
        changes=[
            PlanChange(
                plan_id=first.pk,
                changes={"budget": Decimal("175000000"), "regency": Region.objects.get(code="36.01")},
                reason="Lokus dipindah ke Pandeglang atas permintaan pemerintah daerah.",
            ),
            PlanChange(plan_id=second.pk, changes={"target_victims": 5}, reason="Korban masa lalu ikut program."),
        ],
    )
    addendum = addendum_approve(user=cast.koordinator, addendum_id=addendum.pk)
    document = addendum.document
    assert document is not None
    assert document.number.startswith("BAAD-001/BNPT-DERAD/")
    assert document.person_ids == []

    kind = kind_for("addendum")
    html = render_html(document=document, kind=kind, subject=kind.subject_for_render(addendum.pk))
    assert agreement.document.number in html
    assert "ADENDUM KE-1" in html
    pandeglang, lebak = Region.objects.get(code="36.01").name, Region.objects.get(code="36.04").name
    for text in ("Rp 150.000.000", "Rp 175.000.000", pandeglang, lebak, "Lokus dipindah ke Pandeglang",
                 "Sasaran korban", "Korban masa lalu ikut program."):  # fmt: skip
        assert text in html, text

    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    eselon, kepala = signing_officials()
    with pytest.raises(SignatureRefused, match="Belum giliran Anda"):
        document_sign(user=kepala.user, document_id=document.pk)
    with pytest.raises(SignatureRefused):
        document_sign(user=cast.kemenag_perencana, document_id=document.pk)
    document_sign(user=eselon.user, document_id=document.pk)

    first.refresh_from_db()
    assert (first.budget, first.regency_id) == (Decimal("150000000"), "36.04")  # one signature is not enough
    assert Addendum.objects.get(pk=addendum.pk).status == Addendum.Status.APPROVED

    signed = document_sign(user=kepala.user, document_id=document.pk)
    assert signed.status == Document.Status.SIGNED
    with signed.file.open("rb") as handle:
        checks = check_signatures(handle.read())
    assert [c.field_name for c in checks] == ["ttd1", "ttd2"]
    assert all(c.bottom_line and c.intact and c.valid and c.trusted for c in checks)
    assert "Ahmad Zainuddin" in checks[0].signer_subject
    assert "Eddy Hartono" in checks[1].signer_subject
    assert checks[1].covers_whole_document

    addendum.refresh_from_db()
    assert addendum.status == Addendum.Status.APPLIED
    assert addendum.applied_at is not None
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.budget, first.regency_id, second.target_victims) == (Decimal("175000000"), "36.01", 5)
    assert first.status == second.status == ActionPlan.Status.AGREED
    assert first.is_frozen
    assert first.agreement == agreement
    event = first.events.get(action=ActionPlanEvent.Action.AMENDED)
    assert event.actor == kepala.user
    assert event.snapshot["addendum"] == document.number
    assert (event.snapshot["before"]["budget"], event.snapshot["after"]["budget"]) == ("150000000", "175000000")
    assert (event.snapshot["before"]["regency"], event.snapshot["after"]["regency"]) == ("36.04", "36.01")
    assert second.events.filter(action=ActionPlanEvent.Action.AMENDED).count() == 1
