"""The API's error answers are JSON in Indonesian and the OpenAPI schema documents every status an
operation may answer with (napiter/api.py, napiter/api_schema.py, napiter/parsers.py)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions

from napiter.api import exception_handler

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_an_unmatched_api_address_answers_json_404(cast, client_for):
    response = client_for(cast.banten_pendamping).get("/api/v1/people/bukan-angka/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Data tidak ditemukan."}


def test_an_unmatched_page_address_keeps_the_html_404(cast, client_for):
    response = client_for(cast.banten_pendamping).get("/orang/bukan-angka/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_actions_document_their_refusals(schema):
    approve = schema["paths"]["/api/v1/grants/{id}/approve/"]["post"]["responses"]
    assert sorted(approve) == ["200", "400", "401", "403", "404", "409", "413", "415"]
    error = approve["409"]["content"]["application/json"]["schema"]["$ref"]
    assert error == "#/components/schemas/Error"
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_reads_document_no_write_refusals(schema):
    detail = schema["paths"]["/api/v1/people/{id}/"]["get"]["responses"]
    assert sorted(detail) == ["200", "401", "403", "404"]
    listing = schema["paths"]["/api/v1/people/"]["get"]["responses"]
    assert sorted(listing) == ["200", "400", "401", "403", "404"]


def test_the_public_token_endpoint_documents_throttling_not_sign_in(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert sorted(token) == ["200", "400", "413", "415", "429"]


def test_optional_query_parameters_admit_an_empty_value(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/people/"]["get"]["parameters"]}
    assert parameters["stage"]["allowEmptyValue"] is True
    assert parameters["page"]["allowEmptyValue"] is True


def test_a_blank_read_only_choice_is_documented(schema):
    closure = schema["components"]["schemas"]["Case"]["properties"]["closure_reason"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in closure["oneOf"]


def test_nested_lists_are_documented_unpaginated(schema):
    visits = schema["paths"]["/api/v1/cases/{id}/visits/"]["get"]
    assert visits["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [p["name"] for p in visits["parameters"]] == ["id"]


def test_a_validation_error_without_fields_is_keyed_as_non_field_errors():
    response = exception_handler(exceptions.ValidationError(["Periode sudah ditutup."]), {})
    assert response is not None
    assert response.data == {
        "detail": "Data tidak valid; periksa isian yang ditandai.",
        "errors": {"non_field_errors": ["Periode sudah ditutup."]},
    }


def test_an_oversized_multipart_body_is_413(cast, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client_for(cast.banten_pendamping).post("/api/v1/people/", {"full_name": "a" * 2048})
    assert response.status_code == 413
    assert response.json() == {"detail": "Isi permintaan terlalu besar; batasnya 1 KB."}


@pytest.mark.parametrize("page_size", ["0", "-3", "12.0", "banyak", "9" * 5000])
def test_region_page_size_that_is_not_a_positive_integer_is_400(cast, client_for, page_size):
    response = client_for(cast.banten_pendamping).get("/api/v1/regions/", {"level": 1, "page_size": page_size})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "page_size": ["Ukuran halaman harus bilangan bulat positif (paling banyak 200)."]
    }


def test_region_page_size_within_range_is_used(cast, client_for):
    body = client_for(cast.banten_pendamping).get("/api/v1/regions/", {"level": 1, "page_size": "2"}).json()
    assert len(body["results"]) == 2


def test_an_error_declared_by_its_description_alone_documents_the_error_body(schema):
    responses = schema["paths"]["/api/v1/documents/{id}/download/"]["get"]["responses"]
    for code in ("409", "410"):
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert responses["410"]["description"] == "Berkas dihapus pada akhir masa retensi"
