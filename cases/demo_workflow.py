"""Demo referral and transfer for `seed_demo`, on the people made by `cases.demo.seed_people()`.

Made through the services, as a caseworker would: a Banten child referred to Sekolah Rakyat (accepted,
as recorded by the Banten office), and a Banten case whose person moved to Samarinda, waiting for the
Kalimantan Timur office to accept it (so the demo shows it on that office's due list).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Person, Referral, Transfer
from cases.workflows import referral_create, referral_respond, transfer_request
from napiter.accounts.models import Office, User
from napiter.regions.models import Region

SAMARINDA_VILLAGE = "64.72.01.1001"


def _open_banten_cases() -> list[Case]:
    return list(
        Case.objects.filter(is_demo=True, office__code="DINSOS-BTN")
        .exclude(stage=Case.Stage.CLOSED)
        .select_related("person")
        .order_by("pk")
    )


@transaction.atomic
def seed_workflows() -> int:
    """Create the demo referral and transfer once; returns how many rows were made (0 on a second run)."""
    if Referral.objects.filter(case__is_demo=True).exists() or Transfer.objects.filter(case__is_demo=True).exists():
        return 0
    caseworker = User.objects.get(username="dinsos.banten.pendamping")
    cases = _open_banten_cases()
    created = 0
    child_case = next((c for c in cases if c.person.is_child), None)
    if child_case is not None:
        referral = referral_create(
            user=caseworker, case_pk=child_case.pk, kind=Referral.Kind.SEKOLAH_RAKYAT,
            to_organisation="Sekolah Rakyat Menengah Pertama 12 Serang",
            reason="Anak putus sekolah sejak ayah ditahan; perlu sekolah berasrama dengan pendampingan.",
            consent_given=True, consent_by="Ibu kandung (wali)",
            consent_date=timezone.localdate() - dt.timedelta(days=7),
        )  # fmt: skip
        referral_respond(user=caseworker, referral_pk=referral.pk, accept=True)
        created += 1
    adult_case = next(
        (c for c in cases if not c.person.is_child and c.person.category == Person.Category.EX_CONVICT), None
    )
    if adult_case is not None:
        transfer_request(
            user=caseworker, case_pk=adult_case.pk, to_office=Office.objects.get(code="DINSOS-KTM"),
            new_domicile=Region.objects.get(code=SAMARINDA_VILLAGE),
            reason="Pindah ke Samarinda mengikuti keluarga istri; sudah bekerja di bengkel kerabat.",
        )  # fmt: skip
        created += 1
    return created
