"""The assessment list's `person` parameter is validated: 400 for a value that is not an id."""

from __future__ import annotations

import pytest

from tests.assessments.factories import draft_assessment_for_matrix
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_person_filter(cast, client_for):
    mine = draft_assessment_for_matrix(PersonFactory())
    api = client_for(cast.asesor)
    assert [a["id"] for a in api.get("/api/v1/assessments/", {"person": mine.person_id}).json()["results"]] == [mine.pk]
    assert api.get("/api/v1/assessments/", {"person": PersonFactory().pk}).json()["results"] == []
    assert api.get("/api/v1/assessments/", {"person": ""}).json()["count"] == 1


@pytest.mark.parametrize("value", ["false", "-1", "3600.0", str(2**63), "1\x00"])
def test_person_filter_refuses_what_is_not_an_id(cast, client_for, value):
    response = client_for(cast.asesor).get("/api/v1/assessments/", {"person": value})
    assert response.status_code == 400
    assert "person" in response.json()["errors"]
