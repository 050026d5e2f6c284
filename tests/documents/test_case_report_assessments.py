"""The case report summarises the person's assessments (levels and recommendations, never item ratings)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from assessments.services import instrument_import
from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from tests.assessments.conftest import demo_document, submitted_assessment
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_case_report_lists_assessment_levels(cast):
    version = instrument_import(user=cast.koordinator, data=demo_document())
    case = CaseFactory()
    assessment = submitted_assessment(cast.asesor, case.person, version, 1, assessed_on=dt.date(2026, 2, 3))
    kind = kind_for("laporan_kasus")
    context = kind.context(subject=case, document=Document(kind="laporan_kasus", inputs={}))
    assert context["assessments"] == [assessment]
    html = render_to_string(kind.template, {**context, "document": Document(kind="laporan_kasus", inputs={})})
    summary = html.split("Ringkasan Asesmen")[1].split("Rekomendasi</h2>")[0]
    assert assessment.level.label in summary
    assert version.instrument.name in summary
    assert "Wawancara" not in summary  # the evidence behind item ratings stays out of the report
