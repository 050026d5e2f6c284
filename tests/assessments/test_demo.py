"""The demo assessments: 2-4 per demo eks napiter, the three trajectory shapes, idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from assessments.demo import seed_assessments
from assessments.effect import CohortMember, programme_effect
from assessments.models import Assessment
from assessments.selectors import latest_assessment_for
from cases.demo import seed_people
from cases.models import Person

pytestmark = pytest.mark.django_db


def test_seed_assessments_gives_each_ex_convict_a_trajectory(base_data):
    seed_people()
    created = seed_assessments()
    people = list(Person.objects.filter(is_demo=True, category=Person.Category.EX_CONVICT))
    counts = Counter(Assessment.objects.filter(person__in=people).values_list("person_id", flat=True))
    assert created == sum(counts.values())
    assert set(counts) == {p.pk for p in people}
    assert set(counts.values()) <= {2, 3, 4}
    assert all(a.status == Assessment.Status.SUBMITTED for a in Assessment.objects.all())
    assert all(latest_assessment_for(p) is not None for p in people)
    # before and after a pivot 30 days / 90 days around it: improving, stable and worsening all present
    cohort = []
    for p in people:
        history = list(Assessment.objects.filter(person=p).order_by("assessed_on"))
        cohort.append(CohortMember(p.pk, history[-1].assessed_on - dt.timedelta(days=60)))
    effect = programme_effect(cohort)
    assert effect.improved > 0
    assert effect.stayed > 0
    assert effect.worsened > 0
    assert seed_assessments() == 0
