"""Instrument import and export as JSON, schema errors, immutability by versioning."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.instruments import DEMO_INSTRUMENT_PATH, instrument_export, instrument_parse, instrument_validate
from assessments.models import InstrumentVersion
from assessments.services import instrument_import
from tests.assessments.conftest import demo_document, trap_like

pytestmark = pytest.mark.django_db


def _normalised(doc: dict) -> dict:
    doc = {"description": "", "version_notes": "", "max_missing": 0, **doc}
    for domain in doc["domains"]:
        for item in domain["items"]:
            item.setdefault("help_text", "")
            item.setdefault("weight", 1)
    return doc


def test_demo_instrument_is_valid_and_round_trips(demo_version):
    assert instrument_validate(demo_document()) == []
    assert instrument_export(demo_version) == _normalised(demo_document())


def test_export_of_weighted_instrument_keeps_weights(import_instrument):
    version = import_instrument(trap_like())
    exported = instrument_export(version)
    assert exported["domains"][0]["items"][0]["weight"] == 2
    assert exported == _normalised(trap_like())


def test_schema_errors_name_the_place_of_the_problem():
    doc = demo_document()
    del doc["domains"][1]["items"][0]["text"]
    doc["bands"][0]["review_months"] = 0
    errors = instrument_validate(doc)
    assert any(e.startswith("bands/0/review_months") for e in errors)
    assert any(e.startswith("domains/1/items/0") and "'text'" in e for e in errors)


def test_cross_reference_errors_are_reported():
    doc = demo_document()
    doc["domains"][0]["items"][0]["scale"] = "tidak-ada"
    doc["bands"][1]["min_score"] = 0
    errors = instrument_validate(doc)
    assert "domains/sikap/s1: skala 'tidak-ada' tidak dikenal." in errors
    assert any(e.startswith("bands: tingkat harus urut") for e in errors)


def test_parse_refuses_broken_json_with_a_message():
    with pytest.raises(ValidationError, match="bukan JSON"):
        instrument_parse(b"{bukan json")
    assert instrument_parse(DEMO_INSTRUMENT_PATH.read_bytes())["code"] == "demo-reintegrasi"


def test_import_of_invalid_document_creates_nothing(cast):
    doc = demo_document()
    doc["method"] = "rata-rata"
    with pytest.raises(ValidationError):
        instrument_import(user=cast.koordinator, data=doc)
    assert not InstrumentVersion.objects.filter(instrument__code="demo-reintegrasi").exists()


def test_reimport_makes_a_new_version_and_retires_the_old(demo_version, cast):
    doc = demo_document()
    doc["domains"][0]["items"][0]["text"] = "Teks butir yang diperbaiki"
    second = instrument_import(user=cast.koordinator, data=doc)
    demo_version.refresh_from_db()
    assert second.number == demo_version.number + 1
    assert demo_version.status == InstrumentVersion.Status.RETIRED
    assert second.status == InstrumentVersion.Status.ACTIVE
    # the first version keeps its text: versions are never edited
    assert instrument_export(demo_version)["domains"][0]["items"][0]["text"] != "Teks butir yang diperbaiki"
    assert json.loads(json.dumps(instrument_export(second)))["domains"][0]["items"][0]["text"] == (
        "Teks butir yang diperbaiki"
    )


@pytest.mark.parametrize("who", ["asesor", "banten_kabid", "banten_pendamping", "kemenag_perencana"])
def test_only_admins_and_koordinator_manage_instruments(cast, who):
    with pytest.raises(PermissionDenied):
        instrument_import(user=getattr(cast, who), data=demo_document())
