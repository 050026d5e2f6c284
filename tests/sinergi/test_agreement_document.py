"""The berita acara kesepakatan, rendered and signed for real, validated with pyHanko against the demo CA."""

from __future__ import annotations

import pytest

from napiter.documents.models import Document
from napiter.documents.services import SignatureRefused, document_render, document_sign
from napiter.documents.signing import check_signatures
from sinergi.services import agreement_create, plan_approve, plan_create, plan_submit
from tests.sinergi.factories import plan_data, signing_officials

pytestmark = pytest.mark.django_db


def test_kesepakatan_signed_by_eselon_ii_then_kepala_bnpt_both_valid(cast, demo_pki):
    eselon, kepala = signing_officials()
    for title in ("Pembinaan moderasi beragama", "Beasiswa pendidikan anak mitra"):
        plan = plan_create(user=cast.kemenag_perencana, data=plan_data(title=title))
        plan_submit(user=cast.kemenag_perencana, plan_id=plan.pk)
        plan_approve(user=cast.koordinator, plan_id=plan.pk)
    agreement = agreement_create(user=cast.koordinator, ministry_id=plan.ministry_id, year=2026)
    document = agreement.document
    assert document is not None
    assert document.number.startswith("BAK-001/BNPT-DERAD/")
    assert document.person_ids == []
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error

    with pytest.raises(SignatureRefused, match="Belum giliran Anda"):
        document_sign(user=kepala.user, document_id=document.pk)
    with pytest.raises(SignatureRefused):
        document_sign(user=cast.kemenag_perencana, document_id=document.pk)
    document_sign(user=eselon.user, document_id=document.pk)
    signed = document_sign(user=kepala.user, document_id=document.pk)

    assert signed.status == Document.Status.SIGNED
    with signed.file.open("rb") as handle:
        data = handle.read()
    checks = check_signatures(data)
    assert [c.field_name for c in checks] == ["ttd1", "ttd2"]
    assert all(c.bottom_line and c.intact and c.valid and c.trusted for c in checks)
    assert "Ahmad Zainuddin" in checks[0].signer_subject
    assert "Eddy Hartono" in checks[1].signer_subject
    assert checks[1].covers_whole_document
    assert not checks[0].covers_whole_document
    agreement.refresh_from_db()
    assert agreement.is_signed
