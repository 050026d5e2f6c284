from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from assessments.instruments import DEMO_INSTRUMENT_PATH, instrument_parse
from assessments.models import Assessment, InstrumentVersion
from assessments.services import instrument_import
from assistance.models import Grant
from cases.identity import check_nik
from cases.models import Case, Person, Visit
from cases.selectors import people_visible_to
from napiter.accounts.models import User
from napiter.audit.models import ChangeEvent
from napiter.audit.tables import audited_tables
from napiter.scale.seed import (
    BULK_TABLES,
    LONG_TIMELINE_VISITS,
    MARKER_AGENCY,
    NATIONAL_OFFICE,
    NATIONAL_SUPERVISOR,
    NATIONAL_USER,
    ScaleSeedError,
    long_timeline_person_id,
    scale_people_q,
    seed_scale,
)
from sinergi.models import ActionPlan

PEOPLE = 300


@pytest.fixture
def instrument(cast) -> InstrumentVersion:
    active = InstrumentVersion.objects.filter(status=InstrumentVersion.Status.ACTIVE, bands__isnull=False).first()
    return active or instrument_import(user=cast.koordinator, data=instrument_parse(DEMO_INSTRUMENT_PATH.read_bytes()))


@pytest.fixture
def scale(instrument) -> int:
    """Seeds the set; returns the last change-log id before seeding."""
    events_before = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = seed_scale(people=PEOPLE)
    assert result.created
    return events_before


def _check_volumes() -> None:
    people = Person.objects.filter(scale_people_q())
    assert people.count() == PEOPLE
    assert Case.objects.filter(person__in=people).count() == PEOPLE
    visits = Visit.objects.filter(case__person__in=people).count()
    assert 2.5 * PEOPLE < visits - LONG_TIMELINE_VISITS < 3.5 * PEOPLE
    assert Assessment.objects.filter(person__in=people).count() == 2 * (PEOPLE - 1) + 12
    grants = Grant.objects.filter(person__in=people).count()
    assert 0.6 * PEOPLE < grants < 1.5 * PEOPLE
    assert ActionPlan.objects.filter(ministry__code__startswith="skala-kl-").count() == 10
    # Every stage and every grant state occurs, closed cases carry their reason.
    assert set(Case.objects.filter(person__in=people).values_list("stage", flat=True)) == set(Case.Stage.values)
    assert Case.objects.filter(person__in=people, stage="ditutup").exclude(closure_reason="").count() == (
        Case.objects.filter(person__in=people, stage="ditutup").count()
    )
    assert set(Grant.objects.filter(person__in=people).values_list("status", flat=True)) >= {
        "usulan", "ditetapkan", "disalurkan", "selesai"
    }  # fmt: skip
    assert not people.filter(is_demo=True).exists()


def _check_identities() -> None:
    for person in Person.objects.filter(scale_people_q()).select_related("domicile_region", "household"):
        nik = person.nik or ""
        check = check_nik(nik, sex=person.sex, birth_date=person.birth_date)
        assert not check.errors, (nik, check.errors)
        assert person.domicile_region.level == 4
        assert nik[:6] == person.domicile_region.code.replace(".", "")[:6]
        assert person.household is not None
        assert person.household.region_id == person.domicile_region_id
    heads = (
        Person.objects.filter(scale_people_q(), relation_to_head="kepala").values("household").annotate(n=Count("id"))
    )
    assert all(row["n"] == 1 for row in heads)


def _check_scope() -> None:
    people = Person.objects.filter(scale_people_q())
    provinces = {code[:2] for code in people.values_list("domicile_region_id", flat=True)}
    assert len(provinces) >= 25  # spread over the country, not one province
    banten = User.objects.get(username="skala.pendamping.36")
    visible = people_visible_to(banten).filter(scale_people_q())
    assert set(visible.values_list("pk", flat=True)) == set(
        people.filter(domicile_region__code__startswith="36.").values_list("pk", flat=True)
    )
    national = User.objects.get(username=NATIONAL_USER)
    assert people_visible_to(national).filter(scale_people_q()).count() == PEOPLE


def _check_long_timeline() -> None:
    person_id = long_timeline_person_id()
    assert person_id is not None
    assert Visit.objects.filter(case__person_id=person_id).count() == LONG_TIMELINE_VISITS


def _check_audit(events_before: int) -> None:
    # The bulk rows are not logged one by one (an earlier test's flush may have logged a TRUNCATE: not counted).
    assert not ChangeEvent.objects.filter(table_name="cases_person", id__gt=events_before).exists()
    marker = ChangeEvent.objects.filter(table_name="accounts_agency", new__code=MARKER_AGENCY).get()
    assert marker.new is not None
    assert f"{PEOPLE} orang" in marker.new["name"]
    # The triggers are back on for everything that follows.
    assert set(BULK_TABLES) <= audited_tables()


def test_seed_builds_a_consistent_national_set(scale: int) -> None:
    _check_volumes()
    _check_identities()
    _check_scope()
    _check_long_timeline()
    _check_audit(scale)


def test_second_run_changes_nothing_and_another_size_is_refused(scale) -> None:
    before = (Person.objects.count(), Visit.objects.count(), Grant.objects.count(), Assessment.objects.count())
    assert not seed_scale(people=PEOPLE).created
    assert (Person.objects.count(), Visit.objects.count(), Grant.objects.count(), Assessment.objects.count()) == before
    with pytest.raises(ScaleSeedError, match=f"{PEOPLE} orang"):
        seed_scale(people=PEOPLE + 1)


def test_second_run_adds_the_national_supervisor_to_a_set_built_without_one(scale) -> None:
    """The national office's supervisor asks for and signs its periodic report; a set seeded before that
    account existed gets it on the next run, and a run after that leaves it as it is."""
    User.objects.filter(username=NATIONAL_SUPERVISOR).update(username="skala.supervisor-lama")

    assert not seed_scale(people=PEOPLE).created

    supervisor = User.objects.get(username=NATIONAL_SUPERVISOR)
    assert supervisor.office is not None
    assert supervisor.office.code == NATIONAL_OFFICE
    assert "supervisor" in supervisor.role_names()
    assert supervisor.has_perm("documents.sign_document")
    password = supervisor.password
    assert not seed_scale(people=PEOPLE).created
    assert User.objects.get(username=NATIONAL_SUPERVISOR).password == password


def test_seed_demo_runs_beside_scale_data_but_not_beside_real_people(scale) -> None:
    from tests.factories import PersonFactory

    call_command("seed_demo", verbosity=0)
    assert Person.objects.filter(is_demo=True).exists()
    PersonFactory(is_demo=False)
    with pytest.raises(CommandError, match="bukan data demo"):
        call_command("seed_demo", verbosity=0)
