"""The laporan_asesmen document kind through the documents pipeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from assessments.models import Assessment
from assessments.services import assessment_start
from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from napiter.documents.services import document_render, document_request
from tests.assessments.conftest import submitted_assessment
from tests.documents.factories import ensure_test_pki
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_assessor_requests_the_report_and_is_its_signer(cast, demo_version):
    ensure_test_pki()
    a = submitted_assessment(cast.asesor, PersonFactory.create(full_name="Orang Laporan"), demo_version, 1)
    document = document_request(user=cast.asesor, kind="laporan_asesmen", subject_id=a.pk)
    assert document.number.startswith("ASM-")
    assert [s.signer_id for s in document.signatures.all()] == [cast.asesor.pk]
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error


def test_report_holds_the_pp77_sections(cast, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(full_name="Orang Laporan"), demo_version, 1)
    kind = kind_for("laporan_asesmen")
    context = kind.context(subject=kind.subject_for_render(a.pk), document=Document(number="ASM-001/X/I/2026"))
    html = render_to_string(kind.template, {**context, "document": Document(number="ASM-001/X/I/2026")})
    for section in ["Identitas", "Profil", "Keterlibatan", "Risiko dan Kebutuhan", "Rekomendasi"]:
        assert f"<h2>{section}</h2>" in html
    assert "Orang Laporan" in html
    assert "Reintegrasi sosial" in html
    assert [d["percent"] for d in context["domains"]] == [50, 50, 50]


def test_only_the_assessor_asks_and_only_once_submitted(cast, demo_version):
    person = PersonFactory.create()
    a = submitted_assessment(cast.asesor, person, demo_version, 1)
    with pytest.raises(PermissionDenied, match="asesornya sendiri"):
        document_request(user=cast.banten_kabid, kind="laporan_asesmen", subject_id=a.pk)
    draft = assessment_start(
        user=cast.asesor, person=person, version=demo_version, purpose=Assessment.Purpose.PERIODIC,
        assessed_on=a.assessed_on,
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="setelah asesmen diajukan"):
        document_request(user=cast.asesor, kind="laporan_asesmen", subject_id=draft.pk)
