"""Demo people, households, cases and visits for `seed_demo`: realistic, deterministic, clearly demo.

Every NIK is built to pass the NIK rules (district of the domicile, birth date, +40 for women), every
region is a real Kemendagri village, and every row carries `is_demo=True`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStageChange, Household, Person, Visit
from napiter.accounts.models import Office, User
from napiter.regions.models import Region

# (province code, office code that works there, how many households)
DEMO_PROVINCES = [
    ("36", "DINSOS-BTN", 6),  # Banten
    ("64", "DINSOS-KTM", 5),  # Kalimantan Timur
    ("72", None, 2),  # Sulawesi Tengah
    ("52", None, 2),  # Nusa Tenggara Barat
    ("35", None, 2),  # Jawa Timur
    ("32", None, 2),  # Jawa Barat
    ("33", None, 2),  # Jawa Tengah
]
MALE_NAMES = ["Ahmad", "Budi", "Joko", "Hasan", "Rahmat", "Yusuf", "Agus", "Slamet", "Imam", "Fajar", "Rizki", "Umar"]
FEMALE_NAMES = ["Siti", "Nur", "Aisyah", "Dewi", "Fatimah", "Rina", "Lestari", "Wulan", "Khadijah", "Maryam"]
FAMILY_NAMES = ["Santoso", "Hidayat", "Saputra", "Wibowo", "Nugroho", "Setiawan", "Rahman", "Kurniawan", "Syahputra"]
PLACES = ["Rumah keluarga", "Warung usaha", "Kantor desa", "Masjid lingkungan", "Balai RW"]
FINDINGS = [
    "Kondisi keluarga stabil; usaha berjalan dan anak bersekolah.",
    "Masih menutup diri dari lingkungan; dijadwalkan pertemuan dengan tokoh masyarakat.",
    "Aktif dalam kegiatan RT; penerimaan warga baik.",
    "Membutuhkan dukungan modal usaha; diusulkan bantuan UEP.",
]
STAGES = [s for s in Case.Stage if s != Case.Stage.CLOSED]


def _nik(district_code: str, birth: dt.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == Person.Sex.FEMALE else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth:%m%y}{serial:04d}"


def _name(rng: random.Random, sex: str, family: str) -> str:
    return f"{rng.choice(MALE_NAMES if sex == Person.Sex.MALE else FEMALE_NAMES)} {family}"


@transaction.atomic
def seed_people() -> int:
    """Create the demo people once; a second run finds them and changes nothing."""
    if Person.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    today = timezone.localdate()
    national = Office.objects.get(code="KEMENSOS-RESOS")
    created = 0
    serial = 100
    for province, office_code, households in DEMO_PROVINCES:
        office = Office.objects.get(code=office_code) if office_code else national
        caseworker = User.objects.filter(office=office, groups__name="pendamping").first() or User.objects.get(
            username="kemensos.supervisor"
        )
        regency_names = {
            r.code: r.name.removeprefix("Kota ").removeprefix("Kabupaten ")
            for r in Region.objects.filter(level=Region.Level.REGENCY, code__startswith=f"{province}.")
        }
        villages = list(
            Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=f"{province}.").order_by("code")[:400]
        )
        for h in range(households):
            village = rng.choice(villages)
            district = village.code.rsplit(".", 1)[0]
            family = rng.choice(FAMILY_NAMES)
            serial += 1
            issued = dt.date(2010 + rng.randint(0, 9), rng.randint(1, 12), rng.randint(1, 28))
            kk = f"{district.replace('.', '')}{issued:%d%m%y}{serial:04d}"
            household = Household.objects.create(kk=kk, address=f"RT 0{h + 1}/RW 0{h + 2}", region=village)
            members = [
                (
                    Person.Category.EX_CONVICT if h % 3 else Person.Category.RETURNEE,
                    Person.Sex.MALE,
                    1975 + h,
                    "kepala",
                ),
                (Person.Category.FAMILY, Person.Sex.FEMALE, 1980 + h, "pasangan"),
                (
                    Person.Category.EXPOSED_CHILD if h % 2 else Person.Category.FAMILY,
                    rng.choice([Person.Sex.MALE, Person.Sex.FEMALE]),
                    2010 + h,
                    "anak",
                ),
            ]
            if h == 0:  # one victim household per province, registered separately from any perpetrator
                members = [(Person.Category.DIRECT_VICTIM, Person.Sex.FEMALE, 1970, "kepala")]
            for category, sex, year, relation in members:
                serial += 1
                birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                person = Person.objects.create(
                    category=category, nik=_nik(district, birth, sex, serial), full_name=_name(rng, sex, family),
                    sex=sex, birth_place=regency_names[village.code[:5]],
                    birth_date=birth, domicile_region=village, address=f"{household.address}, {village.name}",
                    phone=f"08{rng.randint(11, 59)}{rng.randint(10000000, 99999999)}", household=household,
                    relation_to_head=relation, legal_basis=Person.LegalBasis.LEGAL_OBLIGATION,
                    registered_by_office=office, is_demo=True,
                )  # fmt: skip
                created += 1
                if category in (Person.Category.FAMILY,):
                    continue
                stage = STAGES[(serial + h) % len(STAGES)]
                # Relative to today, so the due list always shows a realistic mix of overdue, due and fine.
                opened = today - dt.timedelta(days=rng.randint(60, 200))
                case = Case.objects.create(
                    person=person, office=office, caseworker=caseworker, stage=stage,
                    approach=rng.choice(list(Case.Approach)), goals="Kemandirian ekonomi dan penerimaan lingkungan",
                    opened_on=opened, next_review_on=opened + dt.timedelta(days=182), is_demo=True,
                )  # fmt: skip
                CaseStageChange.objects.create(case=case, to_stage=Case.Stage.IDENTIFICATION, changed_by=caseworker)
                for previous, current in itertools.pairwise(STAGES[: STAGES.index(stage) + 1]):
                    CaseStageChange.objects.create(
                        case=case, from_stage=previous, to_stage=current, changed_by=caseworker
                    )
                for v in range(rng.randint(1, 3)):
                    if opened + dt.timedelta(days=45 * (v + 1)) > today:
                        break
                    Visit.objects.create(
                        case=case, visited_on=opened + dt.timedelta(days=45 * (v + 1)), place=rng.choice(PLACES),
                        findings=rng.choice(FINDINGS), visited_by=caseworker,
                    )  # fmt: skip
    # One closed case, so every stage appears.
    reintegrated = Case.objects.filter(is_demo=True, stage=Case.Stage.MONITORING).first()
    if reintegrated is not None:
        CaseStageChange.objects.create(
            case=reintegrated, from_stage=reintegrated.stage, to_stage=Case.Stage.CLOSED,
            changed_by=reintegrated.caseworker, note="Mandiri dan diterima lingkungan",
        )  # fmt: skip
        reintegrated.stage, reintegrated.closed_on = Case.Stage.CLOSED, today - dt.timedelta(days=10)
        reintegrated.closure_reason = Case.ClosureReason.REINTEGRATED
        reintegrated.save(update_fields=["stage", "closed_on", "closure_reason"])
    return created
