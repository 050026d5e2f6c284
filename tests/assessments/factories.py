from __future__ import annotations

import datetime as dt

from assessments.instruments import DEMO_INSTRUMENT_PATH, instrument_parse
from assessments.models import Assessment, InstrumentVersion
from assessments.services import RatingInput, assessment_save, assessment_start, instrument_import
from cases.models import Person
from napiter.accounts.models import User


def demo_instrument_for_matrix(person: Person) -> InstrumentVersion:
    """The demo instrument (reference data: the same for every user)."""
    existing = InstrumentVersion.objects.filter(
        instrument__code="demo-reintegrasi", status=InstrumentVersion.Status.ACTIVE
    ).first()
    if existing is not None:
        return existing
    koordinator = User.objects.get(username="bnpt.koordinator")
    return instrument_import(user=koordinator, data=instrument_parse(DEMO_INSTRUMENT_PATH.read_bytes()))


def draft_assessment_for_matrix(person: Person) -> Assessment:
    """A draft by the demo asesor, partly rated: submit answers 400 (incomplete), amend 400 (not submitted)."""
    asesor = User.objects.get(username="bnpt.asesor")
    draft = assessment_start(
        user=asesor,
        person=person,
        version=demo_instrument_for_matrix(person),
        purpose=Assessment.Purpose.INITIAL,
        assessed_on=dt.date(2026, 1, 10),
    )
    return assessment_save(user=asesor, pk=draft.pk, ratings=[RatingInput("s1", 1, evidence="Wawancara")])
