"""factory-boy factories for domain records; the demo cast (tests/conftest.py) supplies the users."""

from __future__ import annotations

import datetime as dt

import factory

from cases.models import Case, Household, Person, Visit, VisitPhoto
from napiter.accounts.models import Office, User
from napiter.uploads import clean_image
from tests.images import jpeg_bytes


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    kk = factory.Sequence(lambda n: f"3673{10000000000 + n:012d}")
    address = "Jl. Cipare Raya No. 10"
    region_id = "36.73.01.1002"


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    """A Banten person by default (in scope for the Banten office, out of scope for Kalimantan Timur)."""

    class Meta:
        model = Person

    category = Person.Category.EX_CONVICT
    nik = factory.Sequence(lambda n: f"367301010180{n % 9000 + 1:04d}")
    full_name = factory.Sequence(lambda n: f"Budi Santoso {n}")
    sex = Person.Sex.MALE
    birth_place = "Serang"
    birth_date = dt.date(1980, 1, 1)
    domicile_region_id = "36.73.01.1002"
    address = "Kp. Cibodas RT 02/RW 05"
    phone = "081234567890"
    legal_basis = Person.LegalBasis.LEGAL_OBLIGATION
    registered_by_office = factory.LazyFunction(lambda: Office.objects.get(code="DINSOS-BTN"))


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    """An open case of a Banten person, owned by the Banten office, with the Banten caseworker."""

    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    office = factory.LazyFunction(lambda: Office.objects.get(code="DINSOS-BTN"))
    caseworker = factory.LazyFunction(lambda: User.objects.get(username="dinsos.banten.pendamping"))
    stage = Case.Stage.REHABILITATION
    approach = Case.Approach.FAMILY
    goals = "Kemandirian ekonomi dan penerimaan lingkungan"
    opened_on = dt.date(2026, 3, 2)
    next_review_on = dt.date(2026, 9, 2)


def person_photo_for_matrix(person: Person) -> Person:
    """The matrix person with a stored photo: the photo route names the person."""
    person.photo.save("matriks.jpg", clean_image(jpeg_bytes()), save=True)
    return person


def visit_photo_for_matrix(person: Person) -> VisitPhoto:
    case = person.cases.first() or CaseFactory.create(person=person)
    assert case.caseworker is not None
    visit = Visit.objects.create(
        case=case, visited_on=dt.date(2026, 4, 1), place="Rumah", findings="Sehat", visited_by=case.caseworker
    )
    photo = VisitPhoto(visit=visit, uploaded_by=case.caseworker)
    photo.image.save("matriks.jpg", clean_image(jpeg_bytes()), save=True)
    return photo
