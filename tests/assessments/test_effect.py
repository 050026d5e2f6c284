"""Programme effect numbers against a hand-computed cohort."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessments.effect import CohortMember, programme_effect
from tests.assessments.conftest import submitted_assessment
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

AID = dt.date(2025, 6, 1)


def test_effect_counts_improved_stayed_worsened(cast, demo_version):
    # demo instrument: every item 0 -> rendah, 1 -> sedang, 2 -> tinggi
    plan = {
        "membaik": [(2, dt.date(2025, 1, 5)), (1, dt.date(2025, 9, 1)), (0, dt.date(2026, 1, 5))],  # tinggi -> rendah
        "membaik2": [(1, dt.date(2025, 5, 1)), (0, dt.date(2025, 12, 1))],  # sedang -> rendah
        "tetap": [(1, dt.date(2025, 2, 1)), (1, dt.date(2025, 8, 1))],  # sedang -> sedang
        "memburuk": [(0, dt.date(2025, 3, 1)), (2, dt.date(2025, 10, 1))],  # rendah -> tinggi
        "tanpa_sesudah": [(1, dt.date(2025, 4, 1))],
        "tanpa_sebelum": [(1, dt.date(2025, 7, 1))],
    }
    cohort = []
    for name, history in plan.items():
        person = PersonFactory.create(full_name=name)
        for value, day in history:
            submitted_assessment(cast.asesor, person, demo_version, value, assessed_on=day)
        cohort.append(CohortMember(person.pk, AID))
    outsider = PersonFactory.create()  # assessed, but not in the cohort
    submitted_assessment(cast.asesor, outsider, demo_version, 2, assessed_on=dt.date(2025, 1, 1))

    result = programme_effect(cohort)

    assert result.cohort_size == 6
    assert result.compared == 4
    assert (result.improved, result.stayed, result.worsened, result.without_pair) == (2, 1, 1, 2)
    assert result.before == {"Tinggi": 1, "Sedang": 2, "Rendah": 1}
    assert result.after == {"Rendah": 2, "Sedang": 1, "Tinggi": 1}
    assert result.levels == ["Rendah", "Sedang", "Tinggi"]
    assert result.share(result.improved) == Decimal("50.0")
    assert result.share(result.worsened) == Decimal("25.0")


def test_assessment_on_the_day_of_aid_counts_as_before(cast, demo_version):
    person = PersonFactory.create()
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=AID)
    submitted_assessment(cast.asesor, person, demo_version, 1, assessed_on=AID + dt.timedelta(days=1))
    result = programme_effect([CohortMember(person.pk, AID)])
    assert result.improved == 1
    assert result.before == {"Tinggi": 1}


def test_empty_cohort_has_no_shares():
    result = programme_effect([])
    assert result.compared == 0
    assert result.share(0) == Decimal("0.0")
