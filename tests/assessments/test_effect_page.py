"""The programme effect page: a cohort of grant recipients, filtered, against hand-computed numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.effect import cohort_from_deliveries
from assistance.models import Grant
from tests.assessments.conftest import submitted_assessment
from tests.assistance.factories import ProgrammeFactory, delivered_grant
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

AID = dt.date(2025, 6, 1)


def _recipient(cast, version, programme, before: int, after: int | None):
    person = PersonFactory.create()
    grant = delivered_grant(person=person, programme=programme)
    Grant.objects.filter(pk=grant.pk).update(delivered_on=AID)
    submitted_assessment(cast.asesor, person, version, before, assessed_on=AID - dt.timedelta(days=30))
    if after is not None:
        submitted_assessment(cast.asesor, person, version, after, assessed_on=AID + dt.timedelta(days=90))
    return person


def test_first_delivery_per_person_makes_the_cohort():
    rows = [(1, dt.date(2025, 6, 1)), (1, dt.date(2025, 2, 1)), (2, None), (3, dt.date(2025, 1, 1))]
    assert [(m.person_id, m.assisted_on) for m in cohort_from_deliveries(rows)] == [
        (1, dt.date(2025, 2, 1)),
        (3, dt.date(2025, 1, 1)),
    ]


def test_effect_page_counts_a_programme_cohort(cast, client_for, demo_version):
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    _recipient(cast, demo_version, programme, 2, 0)  # tinggi -> rendah: improved
    _recipient(cast, demo_version, programme, 1, 1)  # sedang -> sedang: stayed
    _recipient(cast, demo_version, programme, 1, None)  # no assessment after: not compared
    _recipient(cast, demo_version, other, 0, 2)  # other programme
    page = client_for(cast.banten_kabid).get(f"/asesmen/efek-program/?programme={programme.pk}&year=2025")
    html = page.content.decode()
    assert page.status_code == 200
    assert "3 penerima bantuan; 2 memiliki asesmen sebelum dan sesudah bantuan; 1 belum dapat dibandingkan." in html
    assert 'id="assessment-effect-data"' in html
    result = page.context["result"]
    assert (result.improved, result.stayed, result.worsened) == (1, 1, 0)
    assert result.before == {"Tinggi": 1, "Sedang": 1}
    assert result.after == {"Rendah": 1, "Sedang": 1}
    assert [o["share"] for o in page.context["outcomes"]] == [50, 50, 0]
    everyone = client_for(cast.banten_kabid).get("/asesmen/efek-program/").context["result"]
    assert (everyone.cohort_size, everyone.worsened) == (4, 1)
    assert client_for(cast.kaltim_pendamping).get("/asesmen/efek-program/").context["result"].cohort_size == 0
