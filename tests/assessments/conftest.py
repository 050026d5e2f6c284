"""Instrument documents of the three shapes the app supports, written for the tests (no licensed text)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from assessments.instruments import DEMO_INSTRUMENT_PATH
from assessments.models import Assessment, InstrumentVersion
from assessments.services import RatingInput, assessment_save, assessment_start, assessment_submit, instrument_import
from cases.models import Person
from napiter.accounts.models import User


def vera_like() -> dict[str, Any]:
    """5 domains, 34 indicators rated 0-2, overall professional judgement, up to 3 items missing."""
    sizes = [8, 8, 6, 6, 6]
    return {
        "code": "uji-penilaian-terstruktur",
        "name": "Uji penilaian terstruktur",
        "method": "judgement",
        "max_missing": 3,
        "scales": [
            {
                "code": "r",
                "name": "rendah/sedang/tinggi",
                "options": [
                    {"value": 0, "label": "Rendah"},
                    {"value": 1, "label": "Sedang"},
                    {"value": 2, "label": "Tinggi"},
                ],
            },
        ],
        "domains": [
            {
                "code": f"d{d}",
                "name": f"Domain {d}",
                "items": [{"code": f"d{d}-{i}", "text": f"Indikator {d}.{i}", "scale": "r"} for i in range(1, n + 1)],
            }
            for d, n in enumerate(sizes, start=1)
        ],
        "bands": [
            {"code": "rendah", "label": "Rendah", "min_score": 0, "review_months": 6},
            {"code": "sedang", "label": "Sedang", "min_score": 23, "review_months": 3},
            {"code": "tinggi", "label": "Tinggi", "min_score": 46, "review_months": 1},
        ],
    }


def trap_like() -> dict[str, Any]:
    """8 proximal and 10 distal indicators, present (1) or absent (0); proximal weigh double."""
    presence = {
        "code": "ada",
        "name": "ada/tidak ada",
        "options": [
            {"value": 0, "label": "Tidak ada"},
            {"value": 1, "label": "Ada"},
        ],
    }
    return {
        "code": "uji-kehadiran",
        "name": "Uji kehadiran indikator",
        "method": "weighted_sum",
        "scales": [presence],
        "domains": [
            {
                "code": "proksimal",
                "name": "Proksimal",
                "items": [
                    {"code": f"p{i}", "text": f"Indikator proksimal {i}", "scale": "ada", "weight": 2}
                    for i in range(1, 9)
                ],
            },
            {
                "code": "distal",
                "name": "Distal",
                "items": [{"code": f"t{i}", "text": f"Indikator distal {i}", "scale": "ada"} for i in range(1, 11)],
            },
        ],
        "bands": [
            {"code": "rendah", "label": "Rendah", "min_score": 0, "review_months": 6},
            {"code": "perhatian", "label": "Perlu perhatian", "min_score": 3, "review_months": 2},
            {"code": "tinggi", "label": "Tinggi", "min_score": 6, "review_months": 1},
        ],
    }


def six_category() -> dict[str, Any]:
    """Screening: 10 indicators 0-3 summed into six categories."""
    return {
        "code": "uji-skrining",
        "name": "Uji skrining enam kategori",
        "method": "sum",
        "scales": [{"code": "s", "name": "0-3", "options": [{"value": v, "label": str(v)} for v in range(4)]}],
        "domains": [
            {
                "code": "umum",
                "name": "Umum",
                "items": [{"code": f"i{i}", "text": f"Butir {i}", "scale": "s"} for i in range(1, 11)],
            }
        ],
        "bands": [
            {"code": f"k{k}", "label": f"Kategori {k}", "min_score": m, "review_months": r}
            for k, m, r in [(1, 0, 6), (2, 5, 6), (3, 10, 4), (4, 15, 3), (5, 20, 2), (6, 25, 1)]
        ],
    }


def demo_document() -> dict[str, Any]:
    return dict(json.loads(DEMO_INSTRUMENT_PATH.read_text()))


@pytest.fixture
def import_instrument(cast):
    def load(data: dict[str, Any]) -> InstrumentVersion:
        return instrument_import(user=cast.koordinator, data=data)

    return load


@pytest.fixture
def demo_version(import_instrument) -> InstrumentVersion:
    return import_instrument(demo_document())


def rate_all(version: InstrumentVersion, value: int, **overrides: int | None) -> list[RatingInput]:
    """A rating for every item of `version`: `value`, except the items named in `overrides` (None = missing)."""
    from assessments.models import Item

    ratings = []
    for item in Item.objects.filter(domain__version=version).order_by("domain__order", "order"):
        v = overrides.get(item.code.replace("-", "_"), value)
        ratings.append(RatingInput(item.code, None if v is None else v, missing=v is None, evidence="Wawancara"))
    return ratings


def submitted_assessment(
    user: User,
    person: Person,
    version: InstrumentVersion,
    value: int,
    *,
    assessed_on: dt.date = dt.date(2026, 1, 10),
    recommendation: str = Assessment.Recommendation.REINTEGRATION,
    aid_eligible: bool = True,
) -> Assessment:
    a = assessment_start(
        user=user, person=person, version=version, purpose=Assessment.Purpose.INITIAL, assessed_on=assessed_on
    )
    assessment_save(
        user=user,
        pk=a.pk,
        ratings=rate_all(version, value),
        fields={"recommendation": recommendation, "aid_eligible": aid_eligible},
    )
    return assessment_submit(user=user, pk=a.pk)
