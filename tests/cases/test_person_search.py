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


def test_the_list_reads_only_the_columns_it_shows(cast, client_for, people):
    for params in ({}, {"q": "joko"}):
        response = client_for(cast.banten_pendamping).get(reverse("cases:person-list"), params)
        first = response.context["people"][0]
        assert first.full_name == "Joko Susilo"
        assert {"nik", "address", "aliases", "birth_date", "photo"} <= first.get_deferred_fields(), params
        village = first.domicile_region
        assert village.get_deferred_fields() == {f.attname for f in village._meta.concrete_fields} - {"code", "name"}


SIMILAR_NAMES = (
    # Containing "SITI NUR" (first, alphabetically) ...
    "Siti Nur Aini", "Siti Nurhaliza", "Zainab Siti Nur", "Ani Siti Nurjanah",
    # ... then look-alikes, some at least 0.7 similar, some between the server's 0.6 and 0.7.
    "Nur Siti Halimah", "Sitti Nurlela", "Siti Nuraini Dewi", "Sitti Nurul", "Siti Nu", "Sita Nurma",
    "Sitih Nuri", "Siti Nhur",
)  # fmt: skip


def _ranked(term: str):
    from cases.models import Person
    from cases.selectors import PersonFilters, people_search, people_search_pages

    people = Person.objects.all()
    return people_search(people, PersonFilters(q=term)), people_search_pages(people, PersonFilters(q=term))


@pytest.mark.parametrize("term", ["siti nur", "siti nurr", "sitti nur", "nur", "zzz qqq"])
def test_every_page_of_a_name_search_holds_the_rows_of_the_full_order(base_data, term):
    """The paged search finds each page part by part (names containing the words, then look-alikes by
    similarity tier); whatever the page size and where the page starts, its rows are the full order's."""
    from cases.selectors import NameSearchPages

    for name in SIMILAR_NAMES:
        PersonFactory(full_name=name)
    full, pages = _ranked(term)
    assert isinstance(pages, NameSearchPages)
    expected = list(full.values_list("full_name", flat=True))
    for size in (1, 2, 3, 5, 25):
        for start in range(len(expected) + 2):
            got = [p.full_name for p in pages[start : start + size]]
            assert got == expected[start : start + size], (size, start)


def test_a_page_of_names_containing_the_words_needs_no_similarity_ranking(base_data, django_assert_max_num_queries):
    for name in SIMILAR_NAMES:
        PersonFactory(full_name=name)
    _full, pages = _ranked("siti nur")
    with django_assert_max_num_queries(1) as captured:
        assert [p.full_name for p in pages[0:3]] == ["Ani Siti Nurjanah", "Siti Nur Aini", "Siti Nuraini Dewi"]
    assert "WORD_SIMILARITY" not in captured.captured_queries[0]["sql"].upper()


def test_the_similarity_tier_leaves_the_server_threshold_as_it_was(base_data):
    from django.db import connection, transaction

    for name in SIMILAR_NAMES:
        PersonFactory(full_name=name)
    _full, pages = _ranked("sitti nur")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.65")
        assert len(pages[0:25]) > 0
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')")
        assert cursor.fetchone() == ("0.65",)
