"""The JSON form of an instrument version: the schema, import (validated) and export.

The same document round-trips: `instrument_export(version)` gives what `instrument_import` accepts, so an
administrator can load a licensed instrument the project does not ship, and move instruments between
installations.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError

from assessments.models import InstrumentVersion

DEMO_INSTRUMENT_PATH = Path(__file__).resolve().parent / "instruments" / "demo_reintegrasi.json"

_CODE = {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"}
_NUMBER = {"type": "number"}

INSTRUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name", "method", "scales", "domains", "bands"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9_-]{1,60}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string"},
        "version_notes": {"type": "string"},
        "method": {"enum": [m.value for m in InstrumentVersion.Method]},
        "max_missing": {"type": "integer", "minimum": 0},
        "scales": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "name", "options"],
                "properties": {
                    "code": _CODE,
                    "name": {"type": "string", "minLength": 1},
                    "options": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["value", "label"],
                            "properties": {"value": _NUMBER, "label": {"type": "string", "minLength": 1}},
                        },
                    },
                },
            },
        },
        "domains": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "name", "items"],
                "properties": {
                    "code": _CODE,
                    "name": {"type": "string", "minLength": 1},
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["code", "text", "scale"],
                            "properties": {
                                "code": _CODE,
                                "text": {"type": "string", "minLength": 1, "maxLength": 500},
                                "help_text": {"type": "string"},
                                "scale": _CODE,
                                "weight": {"type": "number", "exclusiveMinimum": 0},
                            },
                        },
                    },
                },
            },
        },
        "bands": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "label", "min_score", "review_months"],
                "properties": {
                    "code": _CODE,
                    "label": {"type": "string", "minLength": 1},
                    "min_score": _NUMBER,
                    "review_months": {"type": "integer", "minimum": 1, "maximum": 24},
                },
            },
        },
    },
}


def _path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(akar)"


def instrument_validate(data: Any) -> list[str]:
    """Every problem in the document, each a message naming where it is; an empty list when valid."""
    validator = jsonschema.Draft202012Validator(INSTRUMENT_SCHEMA)
    errors = [
        f"{_path(e)}: {e.message}" for e in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if errors:
        return errors
    scale_codes = [s["code"] for s in data["scales"]]
    if len(set(scale_codes)) != len(scale_codes):
        errors.append("scales: kode skala tidak boleh berulang.")
    for s in data["scales"]:
        values = [o["value"] for o in s["options"]]
        if len(set(values)) != len(values):
            errors.append(f"scales/{s['code']}: nilai pilihan tidak boleh berulang.")
    domain_codes = [d["code"] for d in data["domains"]]
    if len(set(domain_codes)) != len(domain_codes):
        errors.append("domains: kode domain tidak boleh berulang.")
    for d in data["domains"]:
        item_codes = [i["code"] for i in d["items"]]
        if len(set(item_codes)) != len(item_codes):
            errors.append(f"domains/{d['code']}: kode butir tidak boleh berulang.")
        for i in d["items"]:
            if i["scale"] not in scale_codes:
                errors.append(f"domains/{d['code']}/{i['code']}: skala '{i['scale']}' tidak dikenal.")
    band_codes = [b["code"] for b in data["bands"]]
    if len(set(band_codes)) != len(band_codes):
        errors.append("bands: kode tingkat tidak boleh berulang.")
    minimums = [b["min_score"] for b in data["bands"]]
    if minimums != sorted(minimums) or len(set(minimums)) != len(minimums):
        errors.append("bands: tingkat harus urut dari skor minimum terendah ke tertinggi, tanpa skor yang sama.")
    elif minimums[0] != 0:
        errors.append("bands: tingkat pertama harus dimulai dari skor 0.")
    return errors


def instrument_parse(raw: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"Berkas bukan JSON yang sah: {exc}") from exc
    errors = instrument_validate(data)
    if errors:
        raise ValidationError(errors)
    return dict(data)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def instrument_export(version: InstrumentVersion) -> dict[str, Any]:
    instrument = version.instrument
    return {
        "code": instrument.code,
        "name": instrument.name,
        "description": instrument.description,
        "version_notes": version.notes,
        "method": version.method,
        "max_missing": version.max_missing,
        "scales": [{"code": s.code, "name": s.name, "options": s.options} for s in version.scales.order_by("id")],
        "domains": [
            {
                "code": d.code,
                "name": d.name,
                "items": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "help_text": i.help_text,
                        "scale": i.scale.code,
                        "weight": _number(i.weight),
                    }
                    for i in d.items.select_related("scale").order_by("order")
                ],
            }
            for d in version.domains.order_by("order")
        ],
        "bands": [
            {"code": b.code, "label": b.label, "min_score": _number(b.min_score), "review_months": b.review_months}
            for b in version.bands.order_by("rank")
        ],
    }
