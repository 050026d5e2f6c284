"""Hostile input on representative write operations of the API: NUL bytes, integers beyond 64 bits,
impossible dates, bodies above DATA_UPLOAD_MAX_MEMORY_SIZE are refused with 4xx and a JSON message in
Indonesian, never a 5xx, and nothing is saved; unicode text (right-to-left, emoji, combining marks) is
stored exactly as sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from assessments.models import Assessment
from assistance.models import Grant, GrantItem
from cases.models import Person
from napiter.documents.models import Document
from sinergi.models import ActionPlan
from tests.assessments.factories import demo_instrument_for_matrix
from tests.assistance.factories import ProgrammeFactory, approved_grant, dtsen
from tests.cases.test_registration import API_BODY
from tests.factories import CaseFactory, PersonFactory
from tests.sinergi.factories import kemenag_unit

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

UNICODE_TEXT = "مرحبا Joko 👨‍👩‍👧 Nguyễn e\u0301 ‮kiri‬"


@dataclass(frozen=True)
class WriteOp:
    """An operation, a body it accepts, and which of its fields take text, integers and dates."""

    user: str
    url: Callable[[dict[str, Any]], str]
    body: Callable[[dict[str, Any]], dict[str, Any]]
    text: str
    choices: tuple[str, ...]
    # Quantities, which are checked against their range; and references to other records, which name none.
    integers: tuple[str, ...]
    references: tuple[str, ...]
    dates: tuple[str, ...]
    # What the operation writes, to compare before and after a refused request.
    written: Callable[[dict[str, Any]], object]
    # Where the saved text can be read back from, for the unicode round trip.
    saved_text: Callable[[dict[str, Any]], str]


def _action_plan_body(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": world["unit"].pk, "year": 2026, "title": "Pelatihan dai moderat", "plan_type": "non_fisik",
        "category": "moderasi_beragama", "province": "36", "target_mitra": 5, "budget": "50000000",
        "funding_source": "apbn", "start_on": "2026-02-01", "end_on": "2026-06-30",
        "output_indicator": "Peserta", "output_target": "5", "output_unit": "orang", "pillar": "1",
    }  # fmt: skip


def _grant_state(world: dict[str, Any]) -> object:
    grant = Grant.objects.get(pk=world["grant"].pk)
    return (grant.status, grant.supplier, GrantItem.objects.filter(grant=grant).count())


OPERATIONS = {
    "person-create": WriteOp(
        user="banten_pendamping",
        url=lambda w: "/api/v1/people/",
        body=lambda w: dict(API_BODY),
        text="full_name",
        choices=("category", "sex"),
        integers=(),
        references=(),
        dates=("birth_date", "consent_date"),
        written=lambda w: Person.objects.count(),
        saved_text=lambda w: Person.objects.get(nik=API_BODY["nik"]).full_name,
    ),
    "grant-propose": WriteOp(
        user="banten_pendamping",
        url=lambda w: "/api/v1/grants/",
        body=lambda w: {
            "programme": w["programme"].pk,
            "person": w["person"].pk,
            "amount": 7_900_000,
            "business_type": "Ternak ayam",
            "members": [],
        },
        text="business_type",
        choices=(),
        integers=("amount",),
        references=("programme", "person"),
        dates=(),
        written=lambda w: Grant.objects.count(),
        saved_text=lambda w: Grant.objects.latest("pk").business_type,
    ),
    "grant-deliver": WriteOp(
        user="banten_pendamping",
        url=lambda w: f"/api/v1/grants/{w['grant'].pk}/deliver/",
        body=lambda w: {
            "delivered_on": timezone.localdate().isoformat(),
            "supplier": "CV Amanah",
            "items": [{"name": "Bibit ayam", "quantity": 100, "unit": "ekor", "unit_value": 79_000}],
        },
        text="supplier",
        choices=(),
        integers=(),
        references=(),
        dates=("delivered_on",),
        written=_grant_state,
        saved_text=lambda w: Grant.objects.get(pk=w["grant"].pk).supplier,
    ),
    "action-plan-create": WriteOp(
        user="kemenag_perencana",
        url=lambda w: "/api/v1/action-plans/",
        body=_action_plan_body,
        text="title",
        choices=("category", "plan_type", "funding_source"),
        integers=("year", "target_mitra", "target_families"),
        references=("unit",),
        dates=("start_on", "end_on"),
        written=lambda w: ActionPlan.objects.count(),
        saved_text=lambda w: ActionPlan.objects.latest("pk").title,
    ),
    "assessment-start": WriteOp(
        user="asesor",
        url=lambda w: "/api/v1/assessments/",
        body=lambda w: {
            "person": w["person"].pk,
            "version": w["version"].pk,
            "purpose": "awal",
            "assessed_on": "2026-01-10",
            "sources": "Wawancara",
        },
        text="sources",
        choices=("purpose",),
        integers=(),
        references=("person", "version", "second_opinion_of"),
        dates=("assessed_on",),
        written=lambda w: Assessment.objects.count(),
        saved_text=lambda w: Assessment.objects.latest("pk").sources,
    ),
    "document-request": WriteOp(
        user="banten_kabid",
        url=lambda w: "/api/v1/documents/",
        body=lambda w: {"kind": "laporan_kasus", "subject_id": w["case"].pk, "recommendation": "Lanjutkan."},
        text="recommendation",
        choices=("kind",),
        integers=(),
        references=("subject_id",),
        dates=(),
        written=lambda w: Document.objects.count(),
        saved_text=lambda w: Document.objects.latest("pk").inputs["recommendation"],
    ),
}


@pytest.fixture
def world(cast):
    person = PersonFactory(full_name="Subjek Masukan")
    dtsen(person, decile=2)
    return {
        "person": person,
        "programme": ProgrammeFactory(),
        "grant": approved_grant(),
        "unit": kemenag_unit(),
        "version": demo_instrument_for_matrix(person),
        "case": CaseFactory(person=person),
        "cast": cast,
    }


def _client(world: dict[str, Any], op: WriteOp) -> Client:
    user = getattr(world["cast"], op.user)
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def _post(world: dict[str, Any], op: WriteOp, body: dict[str, Any] | str):
    data = body if isinstance(body, str) else json.dumps(body)
    return _client(world, op).post(op.url(world), data, content_type="application/json")


def _assert_refused(response, world: dict[str, Any], op: WriteOp, before: object, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert op.written(world) == before, "a refused request saved something"
    return body


# (operation, field kind) pairs: each operation with each kind of field it has.
def _fields(kind: str) -> list[tuple[str, str]]:
    return [(name, field) for name, op in OPERATIONS.items() for field in getattr(op, kind)]


def test_the_valid_bodies_are_accepted(world):
    """The bodies the other tests spoil are themselves good: each refusal below is the spoiled field's."""
    for name, op in OPERATIONS.items():
        before = op.written(world)
        response = _post(world, op, op.body(world))
        assert response.status_code in (200, 201, 202), (name, response.content[:500])
        assert op.written(world) != before, name


@pytest.mark.parametrize("name", OPERATIONS)
def test_nul_byte_in_text_is_refused(world, name):
    op = OPERATIONS[name]
    before = op.written(world)
    body = _assert_refused(_post(world, op, {**op.body(world), op.text: "Baik\x00jahat"}), world, op, before)
    assert body["detail"] == "Data tidak valid; periksa isian yang ditandai."
    assert body["errors"][op.text] == ["Karakter null tidak diizinkan."]


@pytest.mark.parametrize(("name", "field"), _fields("choices"))
def test_nul_byte_in_a_choice_is_refused(world, name, field):
    op = OPERATIONS[name]
    before = op.written(world)
    body = _assert_refused(
        _post(world, op, {**op.body(world), field: op.body(world)[field] + "\x00"}), world, op, before
    )
    assert field in body["errors"]


@pytest.mark.parametrize("name", OPERATIONS)
def test_nul_byte_in_an_unknown_key_is_ignored(world, name):
    """Unknown keys are ignored, as always: the request succeeds on its merits."""
    op = OPERATIONS[name]
    response = _post(world, op, {**op.body(world), "catatan\x00": "x\x00"})
    assert response.status_code in (200, 201, 202), response.content[:500]


@pytest.mark.parametrize(("name", "field"), _fields("integers"))
@pytest.mark.parametrize("value", [2**63, 10**30, -(2**63) - 1], ids=["2^63", "10^30", "-2^63-1"])
def test_huge_integers_are_refused(world, name, field, value):
    op = OPERATIONS[name]
    before = op.written(world)
    body = _assert_refused(_post(world, op, {**op.body(world), field: value}), world, op, before)
    assert field in body["errors"]


@pytest.mark.parametrize(("name", "field"), _fields("references"))
@pytest.mark.parametrize("value", [2**63, 10**30, -(2**63) - 1], ids=["2^63", "10^30", "-2^63-1"])
def test_huge_ids_name_no_record(world, name, field, value):
    """An id beyond the database's range is refused like any id that names no record: 400 for the field,
    or 404 for the record it would reach."""
    op = OPERATIONS[name]
    before = op.written(world)
    response = _post(world, op, {**op.body(world), field: value})
    assert response.status_code in (400, 404), response.content[:500]
    body = _assert_refused(response, world, op, before, status=response.status_code)
    assert field in body.get("errors", {}) or body == {"detail": "Data tidak ditemukan."}


@pytest.mark.parametrize(("name", "field"), _fields("dates"))
@pytest.mark.parametrize("value", ["2026-02-30", "31/12/2026", "", "2026-13-01", "0000-00-00"])
def test_malformed_dates_are_refused(world, name, field, value):
    op = OPERATIONS[name]
    before = op.written(world)
    body = _assert_refused(_post(world, op, {**op.body(world), field: value}), world, op, before)
    message = " ".join(body["errors"][field])
    assert "tanggal" in message.lower() or "wajib" in message.lower(), message


@pytest.mark.parametrize("name", OPERATIONS)
def test_oversized_body_is_refused_with_413(world, name):
    op = OPERATIONS[name]
    before = op.written(world)
    huge = {**op.body(world), op.text: "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    body = _assert_refused(_post(world, op, huge), world, op, before, status=413)
    assert body["detail"].startswith("Isi permintaan terlalu besar; batasnya ")


@pytest.mark.parametrize("name", OPERATIONS)
def test_unreadable_json_is_refused(world, name):
    op = OPERATIONS[name]
    before = op.written(world)
    body = _assert_refused(_post(world, op, '{"full_name": "Joko",'), world, op, before)
    assert body == {"detail": "Isi permintaan tidak dapat dibaca; kirim JSON yang sah dengan pengodean UTF-8."}


@pytest.mark.parametrize("name", OPERATIONS)
def test_unsupported_media_type_is_refused(world, name):
    op = OPERATIONS[name]
    before = op.written(world)
    response = _client(world, op).post(op.url(world), "<xml/>", content_type="application/xml")
    body = _assert_refused(response, world, op, before, status=415)
    assert body == {"detail": "Jenis isi permintaan tidak didukung; kirim JSON (application/json)."}


@pytest.mark.parametrize("name", OPERATIONS)
def test_unicode_text_is_stored_exactly(world, name):
    op = OPERATIONS[name]
    response = _post(world, op, {**op.body(world), op.text: UNICODE_TEXT})
    assert response.status_code in (200, 201, 202), response.content[:500]
    assert op.saved_text(world) == UNICODE_TEXT
