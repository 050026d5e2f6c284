from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BANTEN_REGENCIES = {"36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"}


@pytest.fixture
def api(cast, client_for) -> Client:
    return client_for(cast.banten_pendamping)


def test_parent_filter_lists_the_kab_kota_of_banten(api):
    body = api.get("/api/v1/regions/", {"parent": "36"}).json()

    assert body["count"] == 8
    assert {r["code"] for r in body["results"]} == BANTEN_REGENCIES
    kota_tangerang = next(r for r in body["results"] if r["code"] == "36.71")
    assert kota_tangerang == {
        "code": "36.71",
        "name": "Kota Tangerang",
        "level": 2,
        "kind": "kota",
        "parent": "36",
        "postal_code": "",
    }


def test_name_filter_tolerates_a_typo(api):
    body = api.get("/api/v1/regions/", {"name": "Kota Tanggerang"}).json()

    assert body["results"][0]["code"] == "36.71"
    assert body["results"][0]["name"] == "Kota Tangerang"


def test_name_filter_combines_with_parent_and_level(api):
    body = api.get("/api/v1/regions/", {"name": "Samarnda", "level": 2}).json()
    assert [r["name"] for r in body["results"]] == ["Kota Samarinda"]

    # Restricted to Banten's kab/kota the typo finds the three Tangerangs (equally similar: by name),
    # not the villages called Tanggerang elsewhere.
    body = api.get("/api/v1/regions/", {"name": "tanggerang", "parent": "36"}).json()
    assert [r["code"] for r in body["results"]] == ["36.03", "36.71", "36.74"]


def test_level_filter(api):
    provinces = api.get("/api/v1/regions/", {"level": 1, "page_size": 50}).json()

    assert provinces["count"] == 38
    assert {r["level"] for r in provinces["results"]} == {1}
    assert {r["parent"] for r in provinces["results"]} == {None}
    assert api.get("/api/v1/regions/", {"level": 4}).json()["count"] == 83_762


def test_empty_parent_is_no_filter_like_every_other_empty_filter(api):
    body = api.get("/api/v1/regions/?parent=&level=2").json()

    assert body["count"] == 514


def test_unknown_level_is_a_validation_error_in_indonesian(api):
    response = api.get("/api/v1/regions/", {"level": 9})

    assert response.status_code == 400
    assert response.json()["detail"] == "Data tidak valid; periksa isian yang ditandai."
    assert "level" in response.json()["errors"]


def test_retrieve_by_dotted_code(api):
    regency = api.get("/api/v1/regions/36.03/").json()
    village = api.get("/api/v1/regions/36.03.12.2001/").json()

    assert regency["name"] == "Kabupaten Tangerang"
    assert regency["parent"] == "36"
    assert village == {
        "code": "36.03.12.2001",
        "name": "Pasar Kemis",
        "level": 4,
        "kind": "desa",
        "parent": "36.03.12",
        "postal_code": "15560",
    }


@pytest.mark.parametrize("code", ["36.99", "not-a-code"])
def test_unknown_code_is_a_json_404(api, code):
    response = api.get(f"/api/v1/regions/{code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Data tidak ditemukan."}


@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/regions/36/"])
def test_anonymous_gets_401(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json() == {"detail": "Anda belum masuk atau token tidak valid."}
    assert "results" not in response.json()


def test_token_client_can_walk_the_tree(cast, settings):
    token = (
        Client()
        .post(
            "/api/v1/auth/token/",
            {"username": "dinsos.kaltim.pendamping", "password": settings.DEMO_PASSWORD},
            content_type="application/json",
        )
        .json()["token"]
    )
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")

    codes = ["64"]
    for _level in range(3):
        children = api.get("/api/v1/regions/", {"parent": codes[-1], "page_size": 200}).json()
        assert children["count"] == len(children["results"]) > 0
        codes.append(children["results"][0]["code"])

    assert [api.get(f"/api/v1/regions/{code}/").json()["level"] for code in codes] == [1, 2, 3, 4]


def test_page_size_is_capped(api):
    body = api.get("/api/v1/regions/", {"level": 3, "page_size": 5000}).json()

    assert len(body["results"]) == 200
    assert body["count"] == 7_285


def test_list_query_count_does_not_grow_with_page_size(api, django_assert_max_num_queries):
    # The first request of a session does one-off work (session bookkeeping); keep it out of the count.
    api.get("/api/v1/regions/", {"page_size": 1})
    counts = []
    for page_size in (1, 10, 200):
        with django_assert_max_num_queries(6) as captured:
            body = api.get("/api/v1/regions/", {"level": 4, "page_size": page_size}).json()
        assert len(body["results"]) == page_size
        counts.append(len(captured))

    assert len(set(counts)) == 1


def test_name_search_query_count_does_not_grow_with_page_size(api, django_assert_max_num_queries):
    api.get("/api/v1/regions/", {"page_size": 1})
    counts = []
    for page_size in (1, 50):
        with django_assert_max_num_queries(6) as captured:
            body = api.get("/api/v1/regions/", {"name": "Sukamaju", "page_size": page_size}).json()
        assert len(body["results"]) == page_size
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_filters_and_lookup_are_documented_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    listing = schema["paths"]["/api/v1/regions/"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"parent", "level", "name", "page", "page_size"} <= set(params)
    assert "36.03" in params["parent"]["description"]
    assert "salah ketik" in params["name"]["description"]
    assert params["level"]["schema"]["enum"] == [1, 2, 3, 4]
    assert listing["tags"] == ["regions"]

    detail = schema["paths"]["/api/v1/regions/{code}/"]["get"]
    (code,) = (p for p in detail["parameters"] if p["in"] == "path")
    assert code["name"] == "code"
    assert "36.03.12.2001" in code["description"]
