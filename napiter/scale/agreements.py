"""Synthetic sinergi data for the `agreements_workers` benchmark: K/L x year combinations, each with one
approved action plan, ready for a berita acara kesepakatan.

The K/L, their Eselon II officials (accounts with demo signing keys) and a BNPT coordinator in an office of
its own are made once and kept; the plans, agreements and documents of a run are removed before the next
one (and after it), together with the coordinator office's number register, so every run starts the same.
The agreements are requested in the benchmark itself, through `agreement_create`, as a coordinator would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from napiter.accounts import roles
from napiter.accounts.models import Agency, Office, User
from napiter.scale.seed import OFFICE_PREFIX, USERNAME_PREFIX

MINISTRY_PREFIX = "skala-kl-"
COORDINATOR = f"{USERNAME_PREFIX}koordinator"
COORDINATOR_OFFICE = f"{OFFICE_PREFIX}BNPT"


@dataclass(frozen=True)
class AgreementSet:
    coordinator: User
    pairs: list[tuple[int, int]]  # (ministry id, year), one agreement each
    signers: list[User]  # every Eselon II official of the set, then the Kepala BNPT


def _user(*, username: str, office: Office, role: str, first: str, last: str, position: str) -> User:
    from napiter.accounts.services import user_upsert

    # Each account costs a deliberately slow password hash: made once, kept afterwards.
    existing = User.objects.filter(username=username).select_related("office").first()
    if existing is not None:
        return existing
    return user_upsert(
        username=username, office=office, role=role, password=settings.DEMO_PASSWORD, first_name=first,
        last_name=last, position=position,
    )  # fmt: skip


def _coordinator() -> User:
    from napiter.accounts.services import office_upsert

    bnpt = Office.objects.select_related("agency").get(code="BNPT-DERAD").agency
    office = Office.objects.filter(code=COORDINATOR_OFFICE).first() or office_upsert(
        code=COORDINATOR_OFFICE, agency=bnpt, name="BNPT, Sekretariat Tim Sinergisitas (uji skala)",
        jurisdiction=Office.Jurisdiction.NATIONAL, region_code=None, timezone=Office.TimeZone.WIB, address="Jakarta",
    )  # fmt: skip
    return _user(
        username=COORDINATOR, office=office, role=roles.KOORDINATOR, first="Koordinator", last="Sinergi Uji",
        position="Koordinator Tim Sinergisitas",
    )  # fmt: skip


def _ministry(number: int) -> tuple[int, User]:
    """K/L number `number` with its agency, office, unit and Eselon II official; returns (ministry id, official)."""
    from napiter.accounts.services import agency_upsert, office_upsert
    from sinergi.models import Ministry, MinistryUnit, Official

    code = f"{MINISTRY_PREFIX}{number:02d}"
    ministry, _ = Ministry.objects.get_or_create(
        code=code, defaults={"name": f"Kementerian Uji Skala {number:02d}", "short_name": f"KL Uji {number:02d}"}
    )
    MinistryUnit.objects.get_or_create(
        ministry=ministry, name="Sekretariat Jenderal", defaults={"echelon": MinistryUnit.Echelon.ESELON_I}
    )
    office_code = f"{OFFICE_PREFIX}KL-{number:02d}"
    office = Office.objects.filter(code=office_code).first()
    if office is None:
        agency = Agency.objects.filter(code=code).first() or agency_upsert(
            code=code, name=ministry.name, kind=Agency.Kind.MINISTRY
        )
        office = office_upsert(
            code=office_code, agency=agency, name=f"{ministry.short_name}, Biro Perencanaan",
            jurisdiction=Office.Jurisdiction.NATIONAL, region_code=None, timezone=Office.TimeZone.WIB,
        )  # fmt: skip
    official = _user(
        username=f"{USERNAME_PREFIX}eselon2.{number:02d}", office=office, role=roles.PEJABAT_KL, first="Pejabat",
        last=f"Uji {number:02d}", position="Kepala Biro Perencanaan",
    )  # fmt: skip
    Official.objects.update_or_create(
        kind=Official.Kind.ESELON_II, ministry=ministry, user=official,
        defaults={"position": official.position, "active": True},
    )  # fmt: skip
    return ministry.pk, official


def agreement_set_cleanup() -> int:
    """Remove what a run made: plans, agreements, their documents and files, the coordinator's register.
    Returns the number of documents removed."""
    from napiter.documents.models import Document, DocumentRegister
    from sinergi.models import ActionPlan, Agreement

    agreements = Agreement.objects.filter(ministry__code__startswith=MINISTRY_PREFIX)
    document_ids = list(agreements.exclude(document=None).values_list("document_id", flat=True))
    files = [name for name in Document.objects.filter(pk__in=document_ids).values_list("file", flat=True) if name]
    with transaction.atomic():
        ActionPlan.objects.filter(ministry__code__startswith=MINISTRY_PREFIX).delete()
        agreements.delete()
        Document.objects.filter(pk__in=document_ids).delete()
        DocumentRegister.objects.filter(office__code=COORDINATOR_OFFICE).delete()
    storage = Document._meta.get_field("file").storage
    for name in files:
        storage.delete(name)
    return len(document_ids)


def agreement_set(*, ministries: int, years: list[int]) -> AgreementSet:
    """`ministries` K/L x `years`, each pair with one approved plan and no agreement yet."""
    from napiter.documents.pki import DemoSigner, ensure_demo_pki
    from napiter.regions.models import Region
    from sinergi.models import ActionPlan, MinistryUnit, Official

    agreement_set_cleanup()
    coordinator = _coordinator()
    made = [_ministry(n) for n in range(1, ministries + 1)]
    kepala_post = Official.objects.select_related("user").filter(kind=Official.Kind.KEPALA_BNPT, active=True).first()
    if kepala_post is None:
        raise RuntimeError("no Kepala BNPT official: has seed_demo run?")
    kepala = kepala_post.user
    signers = [official for _pk, official in made] + [kepala]
    ensure_demo_pki(
        directory=Path(settings.SIGNING_KEYS_DIR),
        signers=[
            DemoSigner(u.username, u.get_full_name(), u.position, u.office.name if u.office else "") for u in signers
        ],
        passphrase=settings.SIGNING_KEY_PASSPHRASE,
    )
    province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    if province is None:
        raise RuntimeError("regions are not loaded")
    units = dict(MinistryUnit.objects.filter(ministry_id__in=[pk for pk, _o in made]).values_list("ministry_id", "id"))
    # What plan_create, plan_submit and plan_approve leave behind, written at once: an approved plan per pair.
    plans = [
        ActionPlan(
            ministry_id=ministry_id,
            unit_id=units[ministry_id],
            year=year,
            title=f"Pemberdayaan ekonomi keluarga mitra deradikalisasi {year}",
            description="Pelatihan dan bantuan modal usaha bagi mitra deradikalisasi dan keluarganya.",
            plan_type=ActionPlan.PlanType.NON_FISIK,
            category=ActionPlan.Category.PELATIHAN_KEWIRAUSAHAAN,
            province=province,
            target_mitra=10,
            target_families=20,
            budget=Decimal("150000000"),
            funding_source=ActionPlan.FundingSource.APBN,
            start_on=dt.date(year, 3, 1),
            end_on=dt.date(year, 11, 30),
            output_indicator="Peserta pelatihan",
            output_target=Decimal("30"),
            output_unit="orang",
            pillar=ActionPlan.Pillar.PILAR_1,
            status=ActionPlan.Status.APPROVED,
            created_by=official,
        )
        for ministry_id, official in made
        for year in years
    ]
    ActionPlan.objects.bulk_create(plans)
    return AgreementSet(
        coordinator=coordinator,
        pairs=[(ministry_id, year) for ministry_id, _o in made for year in years],
        signers=signers,
    )
