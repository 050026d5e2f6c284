import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import PersonOfficeGrant, PersonUserGrant
from cases.selectors import people_visible_to
from cases.services import person_grant_office, person_grant_user, person_grants_purge_expired
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaltim_person(base_data):
    return PersonFactory(full_name="Rahmat Kaltim", domicile_region_id="64.72.01.1001", nik="6472010101800001")


def test_office_grant_requires_purpose_and_future_expiry(cast, kaltim_person):
    office = cast.banten_pendamping.office
    with pytest.raises(ValidationError, match="tujuan"):
        person_grant_office(
            person=kaltim_person, office=office, purpose="  ", expires_at=timezone.now() + dt.timedelta(days=1),
            granted_by=cast.kaltim_pendamping,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="masa depan"):
        person_grant_office(
            person=kaltim_person, office=office, purpose="Rujukan", expires_at=timezone.now() - dt.timedelta(days=1),
            granted_by=cast.kaltim_pendamping,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="satu tahun"):
        person_grant_office(
            person=kaltim_person, office=office, purpose="Rujukan", expires_at=timezone.now() + dt.timedelta(days=400),
            granted_by=cast.kaltim_pendamping,
        )  # fmt: skip
    assert not PersonOfficeGrant.objects.exists()
    assert kaltim_person not in people_visible_to(cast.banten_pendamping)


def test_office_grant_records_who_why_until_when(cast, kaltim_person):
    until = timezone.now() + dt.timedelta(days=30)
    grant = person_grant_office(
        person=kaltim_person, office=cast.banten_pendamping.office, purpose="Pindah domisili ke Serang",
        expires_at=until, granted_by=cast.kaltim_pendamping,
    )  # fmt: skip
    assert (grant.purpose, grant.expires_at, grant.granted_by) == (
        "Pindah domisili ke Serang", until, cast.kaltim_pendamping,
    )  # fmt: skip
    assert kaltim_person in people_visible_to(cast.banten_kabid)
    # Granting again extends the same grant instead of stacking rows.
    person_grant_office(
        person=kaltim_person, office=cast.banten_pendamping.office, purpose="Diperpanjang",
        expires_at=until + dt.timedelta(days=5), granted_by=cast.kaltim_pendamping,
    )  # fmt: skip
    assert PersonOfficeGrant.objects.get().purpose == "Diperpanjang"


def test_user_grant_and_purge_of_expired(cast, kaltim_person):
    person_grant_user(
        person=kaltim_person, user=cast.banten_pendamping, purpose="Pendampingan bersama",
        expires_at=timezone.now() + dt.timedelta(days=1), granted_by=cast.kaltim_pendamping,
    )  # fmt: skip
    assert kaltim_person in people_visible_to(cast.banten_pendamping)
    assert kaltim_person not in people_visible_to(cast.banten_kabid)  # a user grant is personal
    PersonUserGrant.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert kaltim_person not in people_visible_to(cast.banten_pendamping)
    assert person_grants_purge_expired() == 1
    assert not PersonUserGrant.objects.exists()
