import pytest

from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log

PERSON_X, PERSON_Y = 9001, 9002


@pytest.fixture
def reads(cast):
    """Who opened what: Banten's caseworker and supervisor open person X, Kaltim's caseworker opens Y,
    the coordinator searches and reveals X's NIK."""

    def read(user, action, person, **extra):
        return access_log(
            user=user, action=action, obj_type="cases.person", obj_id=person or "", person_id=person, **extra
        )

    return [
        read(cast.banten_pendamping, AccessEvent.Action.VIEW, PERSON_X),
        read(cast.banten_kabid, AccessEvent.Action.VIEW, PERSON_X),
        read(cast.kaltim_pendamping, AccessEvent.Action.VIEW, PERSON_Y),
        read(cast.koordinator, AccessEvent.Action.SEARCH, None),
        read(
            cast.koordinator,
            AccessEvent.Action.REVEAL,
            PERSON_X,
            fields=["nik"],
            reason="Pencocokan data DTSEN untuk bantuan",
        ),
    ]
