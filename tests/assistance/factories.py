"""Programmes and grants for tests, moved through their states by the real services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from assistance.models import Grant, MonitoringVisit, Programme
from assistance.services import (
    ItemInput,
    VisitInput,
    grant_approve,
    grant_deliver,
    grant_propose,
    grant_verify,
    monitoring_visit_record,
)
from cases.models import DtsenRecord, DtsenSnapshot, Person
from napiter.accounts.models import Office, User
from napiter.uploads import clean_image
from tests.factories import PersonFactory
from tests.images import jpeg_bytes, png_bytes


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    """A Banten Dinsos UEP programme of this year: Rp 5.000.000 to Rp 7.900.000 per person, decile 1-4."""

    class Meta:
        model = Programme

    office = factory.LazyFunction(lambda: Office.objects.get(code="DINSOS-BTN"))
    name = factory.Sequence(lambda n: f"UEP Dinsos Banten {n}")
    form = Programme.Form.UEP
    funding_source = Programme.FundingSource.APBD_PROVINCE
    fiscal_year = factory.LazyFunction(lambda: timezone.localdate().year)
    budget_ceiling = 50_000_000
    unit_value_min = 5_000_000
    unit_value_max = 7_900_000
    eligible_categories = factory.LazyFunction(lambda: [Person.Category.EX_CONVICT, Person.Category.FAMILY])
    max_decile = 4


def dtsen(person: Person, *, decile: int = 2, terror: bool = False, gambling: bool = False) -> DtsenRecord:
    snapshot = DtsenSnapshot.objects.order_by("-id").first() or DtsenSnapshot.objects.create(
        snapshot_date=dt.date(2026, 9, 30), source_name="uji.csv", row_count=1
    )
    assert person.nik
    return DtsenRecord.objects.create(
        snapshot=snapshot, nik=person.nik, decile=decile, flag_terror_network=terror, flag_online_gambling=gambling
    )


def pendamping() -> User:
    return User.objects.get(username="dinsos.banten.pendamping")


def kabid() -> User:
    return User.objects.get(username="dinsos.banten.kabid")


def proposed_grant(
    *, programme: Programme | None = None, person: Person | None = None, amount: int = 7_900_000, decile: int = 2
) -> Grant:
    recipient: Person = person or PersonFactory.create()
    if decile:
        dtsen(recipient, decile=decile)
    return grant_propose(
        user=pendamping(),
        programme_id=(programme or ProgrammeFactory.create()).pk,
        person_id=recipient.pk,
        amount=amount,
        business_type="Kantin sekolah",
    )


def verified_grant(**kwargs: object) -> Grant:
    grant = proposed_grant(**kwargs)  # type: ignore[arg-type]
    return grant_verify(user=pendamping(), grant_id=grant.pk)


def approved_grant(**kwargs: object) -> Grant:
    grant = verified_grant(**kwargs)
    return grant_approve(
        user=kabid(), grant_id=grant.pk, decree_number="SK-460/012/DINSOS", decree_date=timezone.localdate()
    )


BAJU_MUSLIM = [
    ItemInput("Etalase kaca", 1, 1_500_000),
    ItemInput("Baju muslim/muslimah", 80, 75_000, "potong"),
    ItemInput("Rak gantung", 2, 200_000),
]  # Rp 7.900.000 in all


def delivered_grant(**kwargs: object) -> Grant:
    grant = approved_grant(**kwargs)
    return grant_deliver(
        user=pendamping(), grant_id=grant.pk, delivered_on=timezone.localdate(), items=BAJU_MUSLIM, supplier="CV Amanah"
    )


def grant_for_matrix(person: Person) -> Grant:
    """A delivered grant of `person` with its hand-over photo and the recipient's signature, as the route
    matrix needs one record of each kind."""
    grant = approved_grant(person=person)
    return grant_deliver(
        user=pendamping(), grant_id=grant.pk, delivered_on=timezone.localdate(), items=BAJU_MUSLIM,
        supplier="CV Amanah", photo=clean_image(jpeg_bytes()),
        recipient_signature=clean_image(png_bytes(), keep_transparency=True),
    )  # fmt: skip


def monitoring_photo_for_matrix(person: Person) -> MonitoringVisit:
    """A monitoring visit with a photo, on the matrix grant (made first under the "grant" subject)."""
    return monitoring_visit_record(
        user=pendamping(), grant_id=person.grants.get().pk,
        data=VisitInput(month=3, visited_on=timezone.localdate(), business_running=True, assets_present=True,
                        photo=clean_image(jpeg_bytes())),
    )  # fmt: skip
