import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(base_data):
    return {
        "joko": PersonFactory(full_name="Joko Susilo", nik="3673011203850007", birth_date=dt.date(1985, 3, 12)),
        "siti": PersonFactory(full_name="Siti Aminah", category="keluarga", sex="P", nik="3673015506880002"),
        "rahmat": PersonFactory(full_name="Rahmat Hidayat", domicile_region_id="36.03.12.1005"),
        "kaltim": PersonFactory(full_name="Joko Kaltim", domicile_region_id="64.72.01.1001", nik="6472010101800001"),
    }


def names(response) -> list[str]:
    return [p.full_name for p in response.context["people"]]


def test_typo_tolerant_name_search(cast, client_for, people):
    client = client_for(cast.banten_pendamping)
    assert names(client.get(reverse("cases:person-list"), {"q": "joko susilp"})) == ["Joko Susilo"]
    assert names(client.get(reverse("cases:person-list"), {"q": "Hidayat"})) == ["Rahmat Hidayat"]


def test_names_containing_the_words_come_first_then_the_most_similar(cast, client_for, base_data):
    """Exact matches alphabetically (even a weaker trigram match of the whole name), then typo matches by
    similarity: a common name is not drowned by its look-alikes, and typing more narrows it."""
    for name in (
        "Sitti Nurlela",
        "Nur Siti Halimah",
        "Siti Nurhaliza",
        "Zainab Siti Nur",
        "Siti Nur Aini",
        "Sita Nuri",
    ):
        PersonFactory(full_name=name)
    client = client_for(cast.banten_pendamping)
    # "Nur Siti Halimah" has every trigram of "siti nur" (similarity 1), but not the words in that order;
    # "Sitti Nurlela" is less similar; "Sita Nuri" is below the threshold.
    assert names(client.get(reverse("cases:person-list"), {"q": "siti nur"})) == [
        "Siti Nur Aini", "Siti Nurhaliza", "Zainab Siti Nur", "Nur Siti Halimah", "Sitti Nurlela",
    ]  # fmt: skip


def test_search_by_nik_with_separators(cast, client_for, people):
    response = client_for(cast.banten_pendamping).get(reverse("cases:person-list"), {"q": "3673.0112 0385 0007"})
    assert names(response) == ["Joko Susilo"]


def test_search_never_reaches_out_of_scope(cast, client_for, people):
    client = client_for(cast.banten_pendamping)
    assert "Joko Kaltim" not in names(client.get(reverse("cases:person-list"), {"q": "Joko"}))
    assert names(client.get(reverse("cases:person-list"), {"q": "6472010101800001"})) == []


def test_filters_category_region_stage(cast, client_for, people):
    CaseFactory(person=people["rahmat"], stage="reedukasi")
    client = client_for(cast.banten_pendamping)
    assert names(client.get(reverse("cases:person-list"), {"category": "keluarga"})) == ["Siti Aminah"]
    assert names(client.get(reverse("cases:person-list"), {"region": "36.03"})) == ["Rahmat Hidayat"]
    assert names(client.get(reverse("cases:person-list"), {"stage": "reedukasi"})) == ["Rahmat Hidayat"]
    assert names(client.get(reverse("cases:person-list"), {"region": "36.7x"})) == []


def test_api_uses_the_same_filters(cast, client_for, people):
    body = client_for(cast.banten_pendamping).get("/api/v1/people/", {"q": "joko"}).json()
    assert [p["full_name"] for p in body["results"]] == ["Joko Susilo"]


def test_pagination_keeps_filters_and_needs_no_count(cast, client_for, django_assert_max_num_queries):
    PersonFactory.create_batch(30, category="keluarga")
    client = client_for(cast.banten_pendamping)
    first = client.get(reverse("cases:person-list"), {"category": "keluarga"})
    assert len(first.context["people"]) == 25
    assert first.context["has_next"]
    assert "category=keluarga&amp;hal=2" in first.content.decode()
    second = client.get(reverse("cases:person-list"), {"category": "keluarga", "hal": 2})
    assert len(second.context["people"]) == 5
    assert not second.context["has_next"]
    with django_assert_max_num_queries(12) as captured:
        client.get(reverse("cases:person-list"), {"category": "keluarga"})
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
