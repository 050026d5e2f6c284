"""Turning item ratings into a score and a level, for the three scoring methods.

- sum: the ratings added up; weighted_sum: each rating times its item's weight, added up;
- judgement: the score is computed the same way as a sum, as guidance only; the level that counts is the
  assessor's overall judgement (services.assessment_submit requires it).

Missing items are recorded, not fatal: the score of the rated items is prorated to the full maximum so
that a missing item neither lowers nor raises the level, as long as no more than `max_missing` are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import Band, InstrumentVersion, Item

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ItemRating:
    value: Decimal | None
    missing: bool = False


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal  # prorated to the full maximum when items are missing
    raw_score: Decimal
    max_score: Decimal
    missing_count: int
    unrated_count: int
    band: Band | None
    domain_scores: dict[str, Decimal] = field(default_factory=dict)  # domain code -> percent of its maximum

    @property
    def complete(self) -> bool:
        return self.unrated_count == 0


def _weight(item: Item, method: str) -> Decimal:
    return item.weight if method == InstrumentVersion.Method.WEIGHTED_SUM else Decimal("1")


def band_for(bands: Iterable[Band], score: Decimal) -> Band | None:
    reached = [b for b in bands if score >= b.min_score]
    return max(reached, key=lambda b: b.min_score) if reached else None


def compute_score(version: InstrumentVersion, ratings: Mapping[int, ItemRating]) -> ScoreResult:
    """`ratings` maps item id to its rating; items not in it are unrated (a draft in progress)."""
    items = list(Item.objects.filter(domain__version=version).select_related("domain", "scale"))
    method = version.method
    total = raw = max_total = max_rated = Decimal("0")
    missing = unrated = 0
    per_domain: dict[str, list[Decimal]] = {}
    for item in items:
        weight = _weight(item, method)
        top = item.scale.maximum * weight
        max_total += top
        sums = per_domain.setdefault(item.domain.code, [Decimal("0"), Decimal("0")])
        rating = ratings.get(item.pk)
        if rating is None or (rating.value is None and not rating.missing):
            unrated += 1
            continue
        if rating.missing:
            missing += 1
            continue
        assert rating.value is not None
        raw += rating.value * weight
        max_rated += top
        sums[0] += rating.value * weight
        sums[1] += top
    total = (raw * max_total / max_rated) if max_rated else Decimal("0")
    total = total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    band = None
    if unrated == 0 and missing <= version.max_missing and max_rated:
        band = band_for(version.bands.all(), total)
    domain_scores = {
        code: (s * 100 / top).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        for code, (s, top) in per_domain.items()
        if top
    }
    return ScoreResult(
        score=total,
        raw_score=raw.quantize(TWO_PLACES),
        max_score=max_total.quantize(TWO_PLACES),
        missing_count=missing,
        unrated_count=unrated,
        band=band,
        domain_scores=domain_scores,
    )
