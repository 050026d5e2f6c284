import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from cases.models import Incident, IncidentInvolvement
from cases.selectors import people_visible_to
from cases.workflows import incident_link, incident_people, incident_record, person_incidents
from napiter.audit.models import AccessEvent
from napiter.regions.models import Region
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(base_data):
    return Incident.objects.create(
        name="Bom Pasar Serang", occurred_on=dt.date(2016, 7, 14), region=Region.objects.get(code="36.73.01.1002")
    )


@pytest.fixture
def sides(cast, incident):
    """A perpetrator and a victim of the same event, both Banten people: the Banten office sees both."""
    perpetrator = PersonFactory(full_name="Imam Pelakuwan", category="eks_napiter")
    victim = PersonFactory(full_name="Siti Korbaniah", category="korban_langsung", sex="P")
    incident_link(user=cast.banten_pendamping, person=perpetrator, incident=incident, side="pelaku")
    incident_link(user=cast.banten_kabid, person=victim, incident=incident, side="korban")
    CaseFactory(person=victim)
    return perpetrator, victim


def test_side_must_match_the_category(cast, incident):
    victim = PersonFactory(category="korban_tidak_langsung")
    convict = PersonFactory(category="eks_napiter")
    with pytest.raises(ValidationError, match="korban hanya dapat ditautkan sebagai korban"):
        incident_link(user=cast.banten_pendamping, person=victim, incident=incident, side="pelaku")
    with pytest.raises(ValidationError, match="Hanya orang berkategori korban"):
        incident_link(user=cast.banten_pendamping, person=convict, incident=incident, side="korban")
    with pytest.raises(ValidationError, match="Pilih pihak"):
        incident_link(user=cast.banten_pendamping, person=convict, incident=incident, side="saksi")
    assert not IncidentInvolvement.objects.exists()


def test_linking_needs_the_permission_scope_and_happens_once(cast, incident):
    convict = PersonFactory(category="eks_napiter")
    with pytest.raises(PermissionDenied):
        incident_link(user=cast.kemenag_perencana, person=convict, incident=incident, side="pelaku")
    with pytest.raises(PermissionDenied):
        incident_link(user=cast.asesor, person=convict, incident=incident, side="pelaku")
    with pytest.raises(Http404):
        incident_link(user=cast.kaltim_pendamping, person=convict, incident=incident, side="pelaku")
    link = incident_link(user=cast.banten_pendamping, person=convict, incident=incident, side="pelaku")
    assert (link.person, link.incident, link.side) == (convict, incident, "pelaku")
    with pytest.raises(ValidationError, match="sudah tercatat"):
        incident_link(user=cast.banten_kabid, person=convict, incident=incident, side="pelaku")


def test_incidents_are_recorded_by_the_coordinator(cast):
    region = Region.objects.get(code="36.73.01.1002")
    with pytest.raises(PermissionDenied):
        incident_record(user=cast.banten_kabid, name="Peristiwa X", occurred_on=dt.date(2018, 5, 13), region=region)
    with pytest.raises(ValidationError, match="masa depan"):
        incident_record(user=cast.koordinator, name="Peristiwa X", occurred_on=dt.date(2099, 1, 1), region=region)
    incident = incident_record(
        user=cast.koordinator, name="  Bom   Gereja  ", occurred_on=dt.date(2018, 5, 13), region=region
    )
    assert incident.name == "Bom Gereja"


def test_person_incidents_hold_only_the_persons_own_side(sides, incident):
    perpetrator, victim = sides
    assert [(i.incident, i.side) for i in person_incidents(victim)] == [(incident, "korban")]
    assert [(i.incident, i.side) for i in person_incidents(perpetrator)] == [(incident, "pelaku")]


@pytest.mark.parametrize("viewer", ["banten_kabid", "banten_pendamping", "kemensos_supervisor", "koordinator"])
def test_victim_page_and_api_never_name_or_link_the_perpetrator(viewer, cast, client_for, sides, incident):
    perpetrator, victim = sides
    user = getattr(cast, viewer)
    # The viewer may see both people: the separation must hold by design, not by luck of scope.
    assert {perpetrator, victim} <= set(people_visible_to(user))
    client = client_for(user)
    page = client.get(reverse("cases:person-detail", args=[victim.pk])).content.decode()
    assert "Peristiwa: Bom Pasar Serang" in page  # the victim's own incident, date and side are shown
    assert "14 Juli 2016" in page
    assert "Pihak: Korban" in page
    assert "Imam Pelakuwan" not in page
    assert reverse("cases:person-detail", args=[perpetrator.pk]) not in page
    case_page = client.get(reverse("cases:case-detail", args=[victim.cases.get().pk])).content.decode()
    assert "Imam Pelakuwan" not in case_page
    api = client.get(reverse("person-detail", args=[victim.pk]))
    assert api.status_code == 200
    assert "Imam Pelakuwan" not in api.content.decode()
    assert perpetrator.pk not in _integers(api.json())
    # And the other way round.
    perp_page = client.get(reverse("cases:person-detail", args=[perpetrator.pk])).content.decode()
    assert "Pihak: Pelaku" in perp_page
    assert "Siti Korbaniah" not in perp_page
    assert reverse("cases:person-detail", args=[victim.pk]) not in perp_page
    assert "Siti Korbaniah" not in client.get(reverse("person-detail", args=[perpetrator.pk])).content.decode()


def _integers(data: object) -> set[int]:
    if isinstance(data, bool):
        return set()
    if isinstance(data, int):
        return {data}
    if isinstance(data, dict):
        return set().union(*(_integers(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_integers(v) for v in data)) if data else set()
    return set()


def test_both_sides_together_only_with_the_permission(cast, sides, incident):
    perpetrator, victim = sides
    for user in (cast.banten_pendamping, cast.banten_kabid, cast.kemensos_supervisor, cast.asesor):
        with pytest.raises(PermissionDenied):
            incident_people(user, incident)
    rows = [(i.person, i.side) for i in incident_people(cast.koordinator, incident)]
    assert rows == [(victim, "korban"), (perpetrator, "pelaku")]
    assert AccessEvent.objects.filter(
        username="bnpt.koordinator", action="list", object_type="cases.incident", object_id=str(incident.pk)
    ).exists()


def test_incident_people_stays_within_the_viewers_scope(cast, sides, incident):
    """Even with the action, only people the viewer may see are listed."""
    from django.contrib.auth.models import Group

    from napiter.accounts.models import User
    from napiter.policy import roles_holding

    kaltim_victim = PersonFactory(
        full_name="Korban Samarinda", category="korban_langsung", domicile_region_id="64.72.01.1001"
    )
    incident_link(user=cast.kaltim_pendamping, person=kaltim_victim, incident=incident, side="korban")
    # The policy reads roles, not single permissions: give the regional caseworker a role holding the action.
    cast.kaltim_pendamping.groups.add(*Group.objects.filter(name__in=roles_holding("incident.view_links")))
    kaltim = User.objects.get(pk=cast.kaltim_pendamping.pk)  # fresh role cache
    assert [(i.person, i.side) for i in incident_people(kaltim, incident)] == [(kaltim_victim, "korban")]
