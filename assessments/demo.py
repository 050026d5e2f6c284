"""Demo assessments for `seed_demo`: the neutral demo instrument and 2-4 assessments per demo eks napiter
over two years, improving, stable or worsening, placed before and after the person's grant delivery.

Every assessment goes through the services (draft, save, submit), so the demo holds nothing the
application could not have produced itself.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from assessments.instruments import DEMO_INSTRUMENT_PATH, instrument_parse
from assessments.models import Assessment, InstrumentVersion, Item
from assessments.services import RatingInput, assessment_save, assessment_start, assessment_submit, instrument_import
from cases.models import Person
from napiter.accounts.models import User

# Target scores (of 18) per assessment, oldest first: the three shapes of a trajectory.
PATTERNS = {
    "membaik": [14, 10, 5, 3],
    "stabil": [8, 8, 7, 8],
    "memburuk": [4, 6, 10, 13],
}
# Days from the grant delivery: the last assessment always falls after it, the others before.
OFFSETS = {2: [-30, 90], 3: [-300, -30, 90], 4: [-540, -300, -30, 90]}
SOURCES = "Wawancara langsung; keterangan keluarga dan pendamping Dinsos."
RECOMMENDATION_BY_LEVEL = {
    "tinggi": (Assessment.Recommendation.REHABILITATION, False),
    "sedang": (Assessment.Recommendation.REEDUCATION, True),
    "rendah": (Assessment.Recommendation.REINTEGRATION, True),
}


def _demo_version() -> InstrumentVersion:
    existing = InstrumentVersion.objects.filter(
        instrument__code="demo-reintegrasi", status=InstrumentVersion.Status.ACTIVE
    ).first()
    if existing is not None:
        return existing
    koordinator = User.objects.get(username="bnpt.koordinator")
    return instrument_import(user=koordinator, data=instrument_parse(DEMO_INSTRUMENT_PATH.read_bytes()))


def _ratings(rng: random.Random, items: list[Item], target: int, *, missing: bool) -> list[RatingInput]:
    values = [0] * len(items)
    while sum(values) < target:
        i = rng.randrange(len(items))
        if values[i] < 2:
            values[i] += 1
    ratings = [
        RatingInput(item.code, v, evidence="Wawancara dan kunjungan rumah")
        for item, v in zip(items, values, strict=True)
    ]
    if missing:
        # One item without information (e.g. no access to the online activity), as happens in the field.
        ratings[5] = RatingInput(items[5].code, None, missing=True, evidence="Informasi belum dapat diperoleh")
    return ratings


def _pivot(person: Person, today: dt.date) -> dt.date:
    """The grant delivery the trajectory turns around, or a year ago for people without one."""
    from assistance.models import Grant

    delivered = Grant.objects.filter(person=person, delivered_on__isnull=False).order_by("delivered_on").first()
    if delivered is not None and delivered.delivered_on is not None:
        return min(delivered.delivered_on, today - dt.timedelta(days=120))
    return today - dt.timedelta(days=365)


@transaction.atomic
def seed_assessments() -> int:
    """Create the demo assessments once; a second run finds them and changes nothing."""
    people = list(Person.objects.filter(is_demo=True, category=Person.Category.EX_CONVICT).order_by("id"))
    if not people or Assessment.objects.filter(person__in=people).exists():
        return 0
    rng = random.Random(77)  # noqa: S311 - reproducible demo data, not a secret
    asesor = User.objects.get(username="bnpt.asesor")
    version = _demo_version()
    items = list(Item.objects.filter(domain__version=version).order_by("domain__order", "order"))
    today = timezone.localdate()
    created = 0
    for n, person in enumerate(people):
        shape = list(PATTERNS)[n % len(PATTERNS)]
        count = 2 + (n // 3) % 3  # 2, 3 or 4 assessments, crossed with the three shapes
        pattern = PATTERNS[shape]
        targets = {2: [pattern[0], pattern[3]], 3: [pattern[0], pattern[1], pattern[3]], 4: pattern}[count]
        pivot = _pivot(person, today)
        dates = [pivot + dt.timedelta(days=d) for d in OFFSETS[count]]
        for i, (day, target) in enumerate(zip(dates, targets, strict=True)):
            purpose = Assessment.Purpose.INITIAL if i == 0 else (
                Assessment.Purpose.AFTER_AID if day > pivot else Assessment.Purpose.PERIODIC
            )  # fmt: skip
            draft = assessment_start(
                user=asesor, person=person, version=version, purpose=purpose, assessed_on=day, sources=SOURCES
            )
            saved = assessment_save(
                user=asesor, pk=draft.pk, ratings=_ratings(rng, items, target, missing=(n + i) % 5 == 0)
            )
            level = saved.computed_band
            assert level is not None
            recommendation, eligible = RECOMMENDATION_BY_LEVEL[level.code]
            assessment_save(
                user=asesor,
                pk=draft.pk,
                fields={"recommendation": recommendation, "aid_eligible": eligible},
            )
            assessment_submit(user=asesor, pk=draft.pk)
            created += 1
    return created
