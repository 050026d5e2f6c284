"""Programme effect: levels before and after assistance for a cohort of people.

The cohort is given as (person, date of assistance) pairs, so that any programme, region or year
selection made by the assistance app feeds the same computation. Before = the current assessment on
the day of assistance; after = the latest assessment made after it. Levels are compared by their rank
within one instrument; a pair whose two assessments use different instruments is not compared.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import Assessment


@dataclass(frozen=True)
class CohortMember:
    person_id: int
    assisted_on: dt.date


@dataclass(frozen=True)
class EffectResult:
    cohort_size: int
    compared: int
    improved: int
    stayed: int
    worsened: int
    without_pair: int
    before: dict[str, int] = field(default_factory=dict)  # level label -> people
    after: dict[str, int] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)  # labels from lowest to highest concern

    def share(self, count: int) -> Decimal:
        """Percentage of the compared people, one decimal."""
        if not self.compared:
            return Decimal("0.0")
        return (Decimal(count) * 100 / self.compared).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def programme_effect(cohort: Iterable[CohortMember]) -> EffectResult:
    members = list(cohort)
    assessments = (
        Assessment.objects.submitted()
        .primary()
        .filter(person_id__in={m.person_id for m in members})
        .select_related("computed_band", "judged_band", "version")
        .order_by("assessed_on", "id")
    )
    by_person: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_person.setdefault(a.person_id, []).append(a)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    ranks: dict[str, int] = {}
    improved = stayed = worsened = without_pair = 0
    for m in members:
        history = by_person.get(m.person_id, [])
        earlier = [a for a in history if a.assessed_on <= m.assisted_on]
        later = [a for a in history if a.assessed_on > m.assisted_on]
        if not earlier or not later:
            without_pair += 1
            continue
        first, last = earlier[-1].level, later[-1].level
        if first is None or last is None or earlier[-1].version.instrument_id != later[-1].version.instrument_id:
            without_pair += 1
            continue
        before[first.label] += 1
        after[last.label] += 1
        ranks.setdefault(first.label, first.rank)
        ranks.setdefault(last.label, last.rank)
        if last.rank < first.rank:
            improved += 1
        elif last.rank == first.rank:
            stayed += 1
        else:
            worsened += 1
    return EffectResult(
        cohort_size=len(members),
        compared=improved + stayed + worsened,
        improved=improved,
        stayed=stayed,
        worsened=worsened,
        without_pair=without_pair,
        before=dict(before),
        after=dict(after),
        levels=sorted(ranks, key=lambda label: ranks[label]),
    )


def cohort_from_deliveries(rows: Iterable[tuple[int, dt.date | None]]) -> list[CohortMember]:
    """One member per person from (person id, delivery date) rows: the person's first delivery counts."""
    first: dict[int, dt.date] = {}
    for person_id, delivered_on in rows:
        if delivered_on is not None and (person_id not in first or delivered_on < first[person_id]):
            first[person_id] = delivered_on
    return [CohortMember(person_id, day) for person_id, day in sorted(first.items())]
