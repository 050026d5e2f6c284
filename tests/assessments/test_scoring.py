"""Scoring and banding for each instrument shape, and missing information."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.models import Item
from assessments.scoring import ItemRating, compute_score
from tests.assessments.conftest import six_category, trap_like, vera_like

pytestmark = pytest.mark.django_db


def _ratings(version, values: dict[str, int | None], default: int = 0) -> dict[int, ItemRating]:
    out = {}
    for item in Item.objects.filter(domain__version=version):
        v = values.get(item.code, default)
        out[item.pk] = ItemRating(None if v is None else Decimal(v), missing=v is None)
    return out


def test_weighted_presence_instrument_counts_proximal_double(import_instrument):
    version = import_instrument(trap_like())
    # two proximal (2 x 2) + one distal (1) = 5 -> "perlu perhatian" (3..5)
    result = compute_score(version, _ratings(version, {"p1": 1, "p2": 1, "t1": 1}))
    assert result.score == Decimal("5.00")
    assert result.max_score == Decimal("26.00")  # 8 x 2 + 10 x 1
    assert result.band is not None
    assert result.band.code == "perhatian"
    assert result.domain_scores == {"proksimal": Decimal("25.00"), "distal": Decimal("10.00")}
    assert compute_score(version, _ratings(version, {"p1": 1, "p2": 1, "p3": 1})).band.code == "tinggi"


@pytest.mark.parametrize(
    ("ones", "category"), [(0, "k1"), (4, "k1"), (5, "k2"), (14, "k3"), (15, "k4"), (24, "k5"), (25, "k6"), (30, "k6")]
)
def test_six_category_screening_bands_at_each_boundary(import_instrument, ones, category):
    version = import_instrument(six_category())
    # spread `ones` points over the 10 items rated 0-3
    values = {f"i{i}": min(3, max(0, ones - 3 * (i - 1))) for i in range(1, 11)}
    result = compute_score(version, _ratings(version, values))
    assert result.score == ones
    assert result.band is not None
    assert result.band.code == category


def test_judgement_instrument_has_34_indicators_and_computes_a_guide_level(import_instrument):
    version = import_instrument(vera_like())
    assert Item.objects.filter(domain__version=version).count() == 34
    assert version.domains.count() == 5
    result = compute_score(version, _ratings(version, {}, default=1))
    assert result.score == 34
    assert result.max_score == 68
    assert result.band is not None
    assert result.band.code == "sedang"


def test_missing_items_are_prorated_not_counted_as_zero(import_instrument):
    version = import_instrument(vera_like())
    # 32 items rated 2, two missing: prorated to the full maximum 68, not 64.
    result = compute_score(version, _ratings(version, {"d1-1": None, "d2-1": None}, default=2))
    assert result.missing_count == 2
    assert result.raw_score == 64
    assert result.score == 68
    assert result.band is not None
    assert result.band.code == "tinggi"


def test_too_many_missing_items_give_no_level(import_instrument):
    version = import_instrument(vera_like())  # max_missing = 3
    missing = {f"d1-{i}": None for i in range(1, 5)}
    result = compute_score(version, _ratings(version, missing, default=1))
    assert result.missing_count == 4
    assert result.band is None


def test_unrated_items_leave_the_score_incomplete(demo_version):
    first = Item.objects.filter(domain__version=demo_version).first()
    result = compute_score(demo_version, {first.pk: ItemRating(Decimal(2))})
    assert result.unrated_count == 8
    assert not result.complete
    assert result.band is None
