"""Every API operation that answers with a file honours `Accept` (napiter/api_files.py): the file's own media
type, `*/*` and no Accept header at all get the file; an error is JSON for a client that accepts JSON and
its message as plain text for one that accepted only the file's type; an Accept that allows neither is 406.
Access stays as it was: out of scope is 404, and a download is logged as a read."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.http import HttpResponseBase
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from cases.models import Person
from napiter.audit.models import AccessEvent
from napiter.documents.models import Document
from napiter.documents.services import FILE_REMOVED_MESSAGE
from tests.assessments.factories import demo_instrument_for_matrix
from tests.documents.factories import request_case_report, signed_case_report_for_matrix
from tests.factories import CaseFactory, PersonFactory
from tests.privacy.factories import access_request, ensure_categories, subject_request_for_matrix

pytestmark = pytest.mark.django_db

NOT_FOUND = "Data tidak ditemukan."
NOT_READY = "Dokumen dapat diunduh setelah semua penanda tangan menandatanganinya."


def _is_pdf(body: bytes) -> bool:
    return body.startswith(b"%PDF-")


def _is_json_object(body: bytes) -> bool:
    return isinstance(json.loads(body), dict)


@dataclass(frozen=True)
class FileEndpoint:
    view_name: str
    media_type: str
    make: Callable[[Person], Model]  # the record the file is about, in the Banten person's scope
    user: str  # the cast member who may download it
    is_the_file: Callable[[bytes], bool]

    def __str__(self) -> str:
        return self.view_name


FILE_ENDPOINTS = [
    FileEndpoint("document-download", "application/pdf", signed_case_report_for_matrix, "banten_pendamping", _is_pdf),
    FileEndpoint("instrument-export", "application/json", demo_instrument_for_matrix, "koordinator", _is_json_object),
    FileEndpoint("subject-request-export", "application/json", subject_request_for_matrix, "dpo", _is_json_object),
]


def _get(client: Client, url: str, accept: str | None) -> HttpResponseBase:
    return client.get(url, headers={"Accept": accept} if accept is not None else {})


def _body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def _media_type(response: HttpResponseBase) -> str:
    return response["Content-Type"].split(";")[0].strip()


@pytest.fixture
def person(base_data: None) -> Person:
    ensure_categories()  # the subject-request export lists the record of processing
    return PersonFactory.create(full_name="Subjek Unduhan")


@pytest.mark.parametrize("endpoint", FILE_ENDPOINTS, ids=str)
@pytest.mark.parametrize("accept", ["own", "*/*", None], ids=["own-type", "any", "no-accept"])
def test_the_file_is_served_for_its_own_type_any_type_and_no_accept(endpoint, accept, person, cast, client_for):
    record = endpoint.make(person)
    client = client_for(getattr(cast, endpoint.user))

    response = _get(
        client, reverse(endpoint.view_name, args=[record.pk]), endpoint.media_type if accept == "own" else accept
    )

    assert response.status_code == 200, _body(response)[:300]
    assert _media_type(response) == endpoint.media_type
    assert endpoint.is_the_file(_body(response))


@pytest.mark.parametrize("endpoint", FILE_ENDPOINTS, ids=str)
def test_an_accept_that_allows_neither_the_file_nor_json_is_406(endpoint, person, cast, client_for):
    record = endpoint.make(person)
    client = client_for(getattr(cast, endpoint.user))

    response = _get(client, reverse(endpoint.view_name, args=[record.pk]), "image/png")

    assert response.status_code == 406
    assert not AccessEvent.objects.filter(action="download").exists()


def test_a_pdf_download_asked_for_as_pdf_is_logged_as_a_read_of_the_person(person, cast, client_for):
    document = signed_case_report_for_matrix(person)

    response = _get(
        client_for(cast.banten_pendamping), reverse("document-download", args=[document.pk]), "application/pdf"
    )

    assert response.status_code == 200
    (event,) = AccessEvent.objects.filter(action="download")
    assert (event.username, event.object_id, event.person_id) == (
        "dinsos.banten.pendamping",
        str(document.pk),
        person.pk,
    )


@pytest.fixture
def unsigned(base_data: None) -> Document:
    return request_case_report(case=CaseFactory.create())


@pytest.mark.parametrize(
    "accept", ["application/json", "*/*", None, "application/pdf, application/json", "application/*"]
)
def test_a_document_not_ready_answers_json_to_a_client_that_accepts_json(accept, unsigned, cast, client_for):
    response = _get(client_for(cast.banten_kabid), reverse("document-download", args=[unsigned.pk]), accept)

    assert response.status_code == 409
    assert _media_type(response) == "application/json"
    assert NOT_READY in response.json()["detail"]


def test_a_document_not_ready_answers_plain_text_to_a_client_that_accepts_only_pdf(unsigned, cast, client_for):
    response = _get(client_for(cast.banten_kabid), reverse("document-download", args=[unsigned.pk]), "application/pdf")

    assert response.status_code == 409
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert NOT_READY in text
    assert not text.lstrip().startswith("{")
    assert not AccessEvent.objects.filter(action="download").exists()


def test_a_removed_pdf_is_410_in_plain_text_for_a_pdf_client(person, cast, client_for):
    document = signed_case_report_for_matrix(person)
    document.file.delete(save=False)
    Document.objects.filter(pk=document.pk).update(file="")
    url = reverse("document-download", args=[document.pk])
    client = client_for(cast.banten_kabid)

    as_pdf = _get(client, url, "application/pdf")
    as_json = _get(client, url, "application/json")

    assert (as_pdf.status_code, as_pdf["Content-Type"]) == (410, "text/plain; charset=utf-8")
    assert as_pdf.content.decode() == FILE_REMOVED_MESSAGE
    assert (as_json.status_code, as_json.json()) == (410, {"detail": FILE_REMOVED_MESSAGE})


@pytest.mark.parametrize(
    ("accept", "expected_type"), [("application/pdf", "text/plain"), ("application/json", "application/json")]
)
def test_an_out_of_scope_document_is_404_in_the_negotiated_form(accept, expected_type, person, cast, client_for):
    document = signed_case_report_for_matrix(person)

    response = _get(client_for(cast.kaltim_pendamping), reverse("document-download", args=[document.pk]), accept)

    assert response.status_code == 404
    assert _media_type(response) == expected_type
    body = response.content.decode()
    assert NOT_FOUND in body
    assert document.number not in body
    assert not AccessEvent.objects.filter(action="download").exists()


def test_a_missing_document_is_404_in_plain_text_for_a_pdf_client(base_data, cast, client_for):
    response = _get(client_for(cast.banten_kabid), reverse("document-download", args=[987654]), "application/pdf")

    assert (response.status_code, response["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert response.content.decode() == NOT_FOUND


def test_an_anonymous_pdf_client_is_told_in_plain_text_to_sign_in(person, client):
    document = signed_case_report_for_matrix(person)

    response = _get(client, reverse("document-download", args=[document.pk]), "application/pdf")

    assert (response.status_code, response["Content-Type"]) == (401, "text/plain; charset=utf-8")
    assert response.content.decode() == "Anda belum masuk atau token tidak valid."
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("accept", ["application/json", None])
def test_a_subject_export_not_ready_is_409_with_the_json_error_body(accept, person, cast, client_for):
    pending = access_request(person)

    response = _get(client_for(cast.dpo), reverse("subject-request-export", args=[pending.pk]), accept)

    assert response.status_code == 409
    assert response.json() == {"detail": "Ekspor data belum tersedia."}


# --- every file operation is covered, and the schema says what each answers -------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _get_operations(schema: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every GET operation by view name: its path and its schema."""
    found = {}
    for path, operations in schema["paths"].items():
        if "get" in operations:
            found[resolve(path.replace("{id}", "1").replace("{code}", "36")).view_name] = (path, operations["get"])
    return found


def _file_media_type(path: str) -> str | None:
    """The media type `file_action` declared on the operation's handler, if any."""
    view = resolve(path.replace("{id}", "1").replace("{code}", "36")).func
    actions = getattr(view, "actions", None) or {"get": "get"}  # a viewset's route, or a plain API view
    handler = getattr(getattr(view, "cls", None), actions["get"], None)
    return getattr(handler, "file_media_type", None)


def test_every_api_operation_that_answers_with_a_file_is_covered(schema):
    file_operations = {}
    for view_name, (path, operation) in _get_operations(schema).items():
        ok = operation["responses"].get("200", {}).get("content", {})
        media_type = _file_media_type(path)
        looks_like_a_file = path.endswith(("/download/", "/export/")) or any(t != "application/json" for t in ok)
        if media_type is not None or looks_like_a_file:
            file_operations[view_name] = media_type
    assert file_operations == {e.view_name: e.media_type for e in FILE_ENDPOINTS}


@pytest.mark.parametrize("endpoint", FILE_ENDPOINTS, ids=str)
def test_the_schema_states_the_file_type_and_the_error_forms(endpoint, schema):
    path, operation = _get_operations(schema)[endpoint.view_name]
    responses = operation["responses"]
    assert list(responses["200"]["content"]) == [endpoint.media_type]
    assert [p["name"] for p in operation["parameters"]] == ["id"]  # negotiated by Accept, no `?format=`
    errors = {code: r for code, r in responses.items() if code >= "400"}
    assert {"401", "404"} <= set(errors)
    # A JSON file's client accepts JSON, so its errors are JSON; another file's client may get plain text.
    error_types = (
        ["application/json"] if endpoint.media_type == "application/json" else ["application/json", "text/plain"]
    )
    for code, response in errors.items():
        assert sorted(response["content"]) == error_types, (path, code)
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        if "text/plain" in response["content"]:
            assert response["content"]["text/plain"]["schema"] == {"type": "string"}


def test_the_schema_documents_why_a_file_is_not_served_yet(schema):
    operations = _get_operations(schema)
    assert {"409", "410"} <= set(operations["document-download"][1]["responses"])
    assert "409" in operations["subject-request-export"][1]["responses"]
