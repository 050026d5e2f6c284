"""Draft, submit (locked), amend; review dates; second assessor; the eligibility feed; overdue reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from assessments.models import Assessment, Rating
from assessments.selectors import latest_assessment_for, reviews_overdue
from assessments.services import (
    RatingInput,
    add_months,
    assessment_amend,
    assessment_read,
    assessment_save,
    assessment_start,
    assessment_submit,
)
from napiter.audit.models import AccessEvent
from tests.assessments.conftest import rate_all, submitted_assessment, vera_like
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 10)


def _draft(user, person, version, **kw) -> Assessment:
    return assessment_start(
        user=user, person=person, version=version, purpose=Assessment.Purpose.INITIAL, assessed_on=DAY, **kw
    )


def test_draft_autosave_keeps_partial_ratings_and_score(cast, demo_version):
    a = _draft(cast.asesor, PersonFactory.create(), demo_version)
    a = assessment_save(user=cast.asesor, pk=a.pk, ratings=[RatingInput("s1", 2, evidence="Wawancara 10/1")])
    assert a.status == Assessment.Status.DRAFT
    assert a.score == 18  # 2 of max 2 on the only rated item, prorated to the maximum 18
    assert a.computed_band is None  # incomplete: no level yet
    assert Rating.objects.get(assessment=a, item__code="s1").evidence == "Wawancara 10/1"


def test_submit_refuses_an_incomplete_assessment_with_every_reason(cast, demo_version):
    a = _draft(cast.asesor, PersonFactory.create(), demo_version)
    assessment_save(user=cast.asesor, pk=a.pk, ratings=[RatingInput("s1", 1)])
    with pytest.raises(ValidationError) as exc:
        assessment_submit(user=cast.asesor, pk=a.pk)
    messages = exc.value.messages
    assert "8 butir belum dinilai (beri nilai atau tandai informasi tidak tersedia)." in messages
    assert any("rekomendasi" in m for m in messages)
    assert any("layak menerima bantuan" in m for m in messages)


def test_value_outside_the_scale_is_refused(cast, demo_version):
    a = _draft(cast.asesor, PersonFactory.create(), demo_version)
    with pytest.raises(ValidationError, match="tidak ada pada skala"):
        assessment_save(user=cast.asesor, pk=a.pk, ratings=[RatingInput("s1", 5)])


def test_submitted_assessment_is_locked(cast, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, 1)
    assert a.status == Assessment.Status.SUBMITTED
    with pytest.raises(ValidationError, match="terkunci"):
        assessment_save(user=cast.asesor, pk=a.pk, ratings=[RatingInput("s1", 0)])
    with pytest.raises(ValidationError, match="terkunci"):
        assessment_submit(user=cast.asesor, pk=a.pk)
    assert Rating.objects.get(assessment=a, item__code="s1").value == 1


@pytest.mark.parametrize(("value", "level", "review"), [(0, "rendah", 6), (1, "sedang", 3), (2, "tinggi", 1)])
def test_review_date_follows_the_level(cast, demo_version, value, level, review):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, value, assessed_on=DAY)
    assert a.level.code == level
    assert a.next_review_on == add_months(DAY, review)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 10), 1) == dt.date(2026, 2, 10)


def test_amendment_is_a_new_version_linked_to_the_first(cast, demo_version):
    person = PersonFactory.create()
    first = submitted_assessment(cast.asesor, person, demo_version, 1)
    amendment = assessment_amend(user=cast.asesor, pk=first.pk)
    assert amendment.amends == first
    assert amendment.version_number == 2
    assert amendment.status == Assessment.Status.DRAFT
    assert amendment.ratings.count() == 9
    with pytest.raises(ValidationError, match="sudah dibuka"):
        assessment_amend(user=cast.asesor, pk=first.pk)
    # until the amendment is submitted, the first still counts
    assert latest_assessment_for(person) == first
    assessment_save(user=cast.asesor, pk=amendment.pk, ratings=rate_all(demo_version, 0))
    assessment_submit(user=cast.asesor, pk=amendment.pk)
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUPERSEDED
    assert latest_assessment_for(person).pk == amendment.pk
    with pytest.raises(ValidationError, match="masih berlaku"):
        assessment_amend(user=cast.asesor, pk=first.pk)


def test_judgement_instrument_needs_the_overall_judgement(cast, import_instrument):
    version = import_instrument(vera_like())
    a = _draft(cast.asesor, PersonFactory.create(), version)
    ratings = rate_all(version, 1, d1_1=None)  # one missing item is allowed
    assessment_save(
        user=cast.asesor, pk=a.pk, ratings=ratings, fields={"recommendation": "reedukasi", "aid_eligible": False}
    )
    with pytest.raises(ValidationError, match="penilaian akhir asesor"):
        assessment_submit(user=cast.asesor, pk=a.pk)
    assessment_save(user=cast.asesor, pk=a.pk, fields={"judged_band": "tinggi", "judgement_reason": "Kontak baru."})
    a = assessment_submit(user=cast.asesor, pk=a.pk)
    assert a.computed_band.code == "sedang"
    assert a.level.code == "tinggi"
    assert a.missing_count == 1
    assert a.next_review_on == add_months(DAY, 1)


def test_overriding_a_computed_level_needs_a_reason(cast, demo_version):
    a = _draft(cast.asesor, PersonFactory.create(), demo_version)
    assessment_save(
        user=cast.asesor,
        pk=a.pk,
        ratings=rate_all(demo_version, 0),
        fields={"recommendation": "reintegrasi", "aid_eligible": True, "judged_band": "sedang"},
    )
    with pytest.raises(ValidationError, match="tuliskan alasannya"):
        assessment_submit(user=cast.asesor, pk=a.pk)


def test_second_assessor_is_independent(cast, demo_version, django_user_model):
    person = PersonFactory.create()
    first = submitted_assessment(cast.asesor, person, demo_version, 1)
    with pytest.raises(ValidationError, match="orang lain"):
        _draft(cast.asesor, person, demo_version, second_opinion_of=first)
    from napiter.accounts.models import User

    other = User.objects.create_user(username="asesor.dinsos", office=cast.banten_kabid.office)
    other.groups.set(cast.asesor.groups.all())
    second = _draft(other, person, demo_version, second_opinion_of=first)
    assessment_save(user=other, pk=second.pk, ratings=rate_all(demo_version, 2),
                    fields={"recommendation": "rehabilitasi", "aid_eligible": False})  # fmt: skip
    assessment_submit(user=other, pk=second.pk)
    assert list(first.second_opinions.all()) == [second]
    # the primary assessment stays the one that counts
    assert latest_assessment_for(person) == first


@pytest.mark.parametrize("who", ["banten_pendamping", "banten_kabid", "koordinator"])
def test_only_assessors_assess(cast, demo_version, who):
    with pytest.raises(PermissionDenied):
        _draft(getattr(cast, who), PersonFactory.create(), demo_version)


def test_draft_is_filled_only_by_its_assessor(cast, demo_version):
    from napiter.accounts.models import User

    a = _draft(cast.asesor, PersonFactory.create(), demo_version)
    other = User.objects.create_user(username="asesor.lain", office=cast.asesor.office)
    other.groups.set(cast.asesor.groups.all())
    # A draft is read only by its author (and the supervisors of the author's office): to another assessor
    # it does not exist.
    with pytest.raises(Http404):
        assessment_save(user=other, pk=a.pk, ratings=[RatingInput("s1", 0)])


def test_out_of_scope_assessment_is_404(cast, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, 1)
    with pytest.raises(Http404):
        assessment_read(user=cast.kaltim_pendamping, pk=a.pk)
    with pytest.raises(Http404):
        assessment_read(user=cast.kemenag_perencana, pk=a.pk)


def test_reading_an_assessment_is_logged_with_item_scores_when_shown(cast, demo_version):
    a = submitted_assessment(cast.asesor, PersonFactory.create(), demo_version, 1)
    assessment_read(user=cast.banten_pendamping, pk=a.pk)
    assessment_read(user=cast.banten_kabid, pk=a.pk)
    events = AccessEvent.objects.filter(object_type="assessments.assessment", object_id=str(a.pk)).order_by("id")
    assert [(e.username, e.fields_revealed) for e in events] == [
        ("dinsos.banten.pendamping", []),
        ("dinsos.banten.kabid", ["item_scores"]),
    ]


def test_latest_assessment_feeds_eligibility(cast, demo_version):
    person = PersonFactory.create()
    assert latest_assessment_for(person) is None
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, 5),
                         recommendation="rehabilitasi", aid_eligible=False)  # fmt: skip
    latest = submitted_assessment(cast.asesor, person, demo_version, 0, assessed_on=dt.date(2025, 7, 5))
    _draft(cast.asesor, person, demo_version)  # a draft never counts
    found = latest_assessment_for(person)
    assert found == latest
    assert found.level.code == "rendah"
    assert found.recommendation == "reintegrasi"
    assert found.aid_eligible is True


def test_overdue_reviews_list_each_persons_current_assessment(cast, demo_version):
    late, fresh = PersonFactory.create(), PersonFactory.create()
    submitted_assessment(cast.asesor, late, demo_version, 2, assessed_on=dt.date(2025, 1, 5))  # review 2025-02-05
    current = submitted_assessment(cast.asesor, late, demo_version, 1, assessed_on=dt.date(2025, 3, 1))  # 2025-06-01
    submitted_assessment(cast.asesor, fresh, demo_version, 0, assessed_on=dt.date(2025, 5, 1))  # 2025-11-01
    due = list(reviews_overdue(cast.banten_pendamping, today=dt.date(2025, 7, 1)))
    assert due == [current.pk]
    assert list(reviews_overdue(cast.kaltim_pendamping, today=dt.date(2025, 7, 1))) == []


def test_an_earlier_overdue_review_does_not_count_once_a_newer_assessment_is_current(cast, demo_version):
    """The current assessment is picked first, then its review date is checked: not the newest of the
    overdue ones."""
    person = PersonFactory.create()
    submitted_assessment(cast.asesor, person, demo_version, 2, assessed_on=dt.date(2025, 1, 5))  # 2025-02-05
    submitted_assessment(cast.asesor, person, demo_version, 0, assessed_on=dt.date(2025, 5, 1))  # 2025-11-01
    assert list(reviews_overdue(cast.banten_pendamping, today=dt.date(2025, 7, 1))) == []
    assert len(reviews_overdue(cast.banten_pendamping, today=dt.date(2025, 11, 2))) == 1
