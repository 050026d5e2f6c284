"""The grant list's query parameters are validated: a value that is not one of them answers 400 with the
field named, an empty value means no filter."""

from __future__ import annotations

import pytest

from tests.assistance.factories import proposed_grant

pytestmark = pytest.mark.django_db


def test_grant_list_filters_by_valid_values(cast, client_for):
    grant = proposed_grant()
    api = client_for(cast.banten_pendamping)
    assert [g["id"] for g in api.get("/api/v1/grants/", {"status": "usulan"}).json()["results"]] == [grant.pk]
    assert api.get("/api/v1/grants/", {"status": "ditetapkan"}).json()["results"] == []
    assert api.get("/api/v1/grants/", {"status": "", "region": ""}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bukan-status"}, "status"),
        ({"programme": "false"}, "programme"),
        ({"programme": "12.0"}, "programme"),
        ({"programme": str(10**30)}, "programme"),
        ({"year": "20x6"}, "year"),
        ({"region": "Banten"}, "region"),
        ({"region": "36\x00"}, "region"),
    ],
)
def test_grant_list_refuses_invalid_filters(cast, client_for, params, field):
    response = client_for(cast.banten_pendamping).get("/api/v1/grants/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]
