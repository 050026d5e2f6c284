"""Assessments feed aid and case stages: a programme may require a recent assessment recommending aid,
and a case moves to reintegration only after an assessment of the last six months."""

import datetime as dt

import pytest

from assessments.services import instrument_import
from cases.services import case_transition
from tests.assessments.conftest import demo_document, submitted_assessment
from tests.assistance.factories import ProgrammeFactory, proposed_grant, verified_grant
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(cast):
    return instrument_import(user=cast.koordinator, data=demo_document())


def _check(grant):
    return next(c for c in grant.checks if c["code"] == "asesmen")


def test_programme_requiring_assessment_refuses_without_one(cast):
    grant = verified_grant(programme=ProgrammeFactory.create(requires_assessment=True))
    check = _check(grant)
    assert (check["ok"], check["detail"]) == (False, "Belum ada asesmen yang diajukan.")


def test_recent_assessment_recommending_aid_passes(cast, version):
    person = PersonFactory.create()
    submitted_assessment(cast.asesor, person, version, 0, assessed_on=dt.date.today() - dt.timedelta(days=30))
    grant = verified_grant(programme=ProgrammeFactory.create(requires_assessment=True), person=person)
    assert _check(grant)["ok"] is True


def test_assessment_not_recommending_aid_or_too_old_fails(cast, version):
    young = PersonFactory.create()
    submitted_assessment(cast.asesor, young, version, 0, assessed_on=dt.date.today() - dt.timedelta(days=10),
                         aid_eligible=False)  # fmt: skip
    assert (
        _check(verified_grant(programme=ProgrammeFactory.create(requires_assessment=True), person=young))["ok"] is False
    )
    old = PersonFactory.create()
    submitted_assessment(cast.asesor, old, version, 0, assessed_on=dt.date.today() - dt.timedelta(days=400))
    check = _check(verified_grant(programme=ProgrammeFactory.create(requires_assessment=True), person=old))
    assert check["ok"] is False
    assert "lebih dari 12 bulan" in check["detail"]


def test_programme_without_the_rule_does_not_check(cast):
    grant = proposed_grant()
    assert all(c["code"] != "asesmen" for c in (grant.checks or []))


def test_reintegration_allowed_after_a_recent_assessment(cast, version):
    case = CaseFactory(stage="reedukasi")
    submitted_assessment(cast.asesor, case.person, version, 0, assessed_on=dt.date.today() - dt.timedelta(days=20))
    moved = case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="reintegrasi")
    assert moved.stage == "reintegrasi"
