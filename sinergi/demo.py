"""Demo data for sinergi: 2022-style action plans of several K/L in the five focus provinces, in every state;
one berita acara fully signed (with one signed addendum in force), one awaiting the Kepala BNPT's signature, and
Kemenag's for 2023 awaiting both signatures, for a demo to sign on its pages. Called by `seed_sinergi()`."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from napiter.accounts import roles
from napiter.accounts.models import Agency, Office, User
from napiter.regions.models import Region
from sinergi.models import ActionPlan, Agreement, Ministry, MinistryUnit, Official, RealisationReport

DEMO_YEAR = 2022
AGREEMENT_TO_SIGN_YEAR = DEMO_YEAR + 1  # Kemenag's berita acara that the demo leaves unsigned
FOCUS_PROVINCES = ("72", "52", "35", "32", "33")  # Sulteng, NTB, Jatim, Jabar, Jateng


@dataclass(frozen=True)
class DemoMinistry:
    code: str
    office_code: str
    unit: str
    final_status: str  # where this K/L's plans end up in the demo
    plans: tuple[tuple[str, str, str, int], ...]  # (category, title, output unit, budget in millions)


AGREED, APPROVED, SUBMITTED = ActionPlan.Status.AGREED, ActionPlan.Status.APPROVED, ActionPlan.Status.SUBMITTED
RETURNED, DRAFT = ActionPlan.Status.RETURNED, ActionPlan.Status.DRAFT

DEMO_MINISTRIES = [
    DemoMinistry("kemenag", "KEMENAG-RENC", "Direktorat Jenderal Bimbingan Masyarakat Islam", AGREED, (
        ("moderasi_beragama", "Penguatan moderasi beragama bagi mitra deradikalisasi", "orang", 150),
        ("pendidikan", "Beasiswa madrasah bagi anak mitra deradikalisasi", "anak", 120),
    )),
    DemoMinistry("kemenpu", "KEMENPU-RENC", "Direktorat Jenderal Cipta Karya", AGREED, (
        ("sumur_bor", "Pembangunan sumur bor di kawasan permukiman mitra", "unit", 350),
        ("perbaikan_jalan", "Perbaikan jalan lingkungan desa", "km", 900),
    )),
    DemoMinistry("kemensos", "KEMENSOS-RENC", "Direktorat Jenderal Rehabilitasi Sosial", APPROVED, (
        ("modal_usaha", "Bantuan modal usaha ekonomi produktif", "paket", 200),
        ("renovasi_rumah", "Rehabilitasi sosial rumah tidak layak huni", "rumah", 400),
    )),
    DemoMinistry("kemenesdm", "KEMENESDM-RENC", "Direktorat Jenderal Ketenagalistrikan", SUBMITTED, (
        ("elektrifikasi", "Bantuan pasang baru listrik rumah tangga", "rumah", 180),
        ("penerangan_jalan", "Penerangan jalan umum tenaga surya", "titik", 500),
    )),
    DemoMinistry("kemnaker", "KEMNAKER-RENC", "Direktorat Jenderal Pembinaan Pelatihan Vokasi", RETURNED, (
        ("pelatihan_kewirausahaan", "Pelatihan kewirausahaan dan vokasi", "orang", 250),
    )),
    DemoMinistry("kemenkes", "KEMENKES-RENC", "Direktorat Jenderal Kesehatan Masyarakat", DRAFT, (
        ("kesehatan", "Layanan kesehatan jiwa dan psikososial keluarga mitra", "orang", 130),
    )),
]  # fmt: skip

FISIK = ActionPlan.FISIK_CATEGORIES
PLANS_PER_CATEGORY_AND_PROVINCE = {
    "kemenag": 1,
    "kemenpu": 1,
    "kemensos": 1,
    "kemenesdm": 1,
    "kemnaker": 2,
    "kemenkes": 2,
}

# Signing officials: (username, first, last, office, role, position, nip)
OFFICIALS = [
    ("kl.kemenag.eselon2", "Ahmad", "Zainuddin", "KEMENAG-RENC", roles.PEJABAT_KL, "Kepala Biro Perencanaan",
     "197203151998031002"),
    ("kl.kemenpu.eselon2", "Budi", "Santoso", "KEMENPU-RENC", roles.PEJABAT_KL, "Kepala Biro Perencanaan Anggaran",
     "197409222000031001"),
    ("bnpt.kepala", "Eddy", "Hartono", "BNPT-DERAD", roles.KOORDINATOR, "Kepala BNPT", "196612021989031001"),
]  # fmt: skip

# Planners of the K/L other than Kemenag (whose planner is in the main demo cast).
PLANNERS = [(m.code, f"kl.{m.code}.perencana") for m in DEMO_MINISTRIES if m.code != "kemenag"]

SINERGI_DEMO_USERNAMES = frozenset([o[0] for o in OFFICIALS] + [username for _code, username in PLANNERS])


def _offices() -> dict[str, Office]:
    from napiter.accounts.services import agency_upsert, office_upsert

    offices = {}
    for demo in DEMO_MINISTRIES:
        ministry = Ministry.objects.get(code=demo.code)
        agency = Agency.objects.filter(code=demo.code).first() or agency_upsert(
            code=demo.code, name=ministry.name, kind=Agency.Kind.MINISTRY
        )
        offices[demo.office_code] = Office.objects.filter(code=demo.office_code).first() or office_upsert(
            code=demo.office_code,
            agency=agency,
            name=f"{ministry.short_name}, Biro Perencanaan",
            jurisdiction=Office.Jurisdiction.NATIONAL,
            region_code=None,
            timezone=Office.TimeZone.WIB,
            address="Jakarta",
        )
    offices["BNPT-DERAD"] = Office.objects.get(code="BNPT-DERAD")
    return offices


def _users(password: str, offices: dict[str, Office]) -> dict[str, User]:
    """The officials (with their demo authenticators and signing keys) and the planners, made the way the
    cast is (`demo_user_upsert`)."""
    from napiter.accounts.demo import demo_user_upsert
    from napiter.documents.pki import DemoSigner, ensure_demo_pki

    users: dict[str, User] = {}
    signers = []
    for username, first, last, office, role, position, nip in OFFICIALS:
        user = demo_user_upsert(
            username=username, office=offices[office], role=role, password=password, first_name=first,
            last_name=last, position=position, nip=nip,
        )  # fmt: skip
        signers.append(DemoSigner(username, f"{first} {last}", position, offices[office].name))
        users[username] = user
    ensure_demo_pki(
        directory=Path(settings.SIGNING_KEYS_DIR), signers=signers, passphrase=settings.SIGNING_KEY_PASSPHRASE
    )
    for code, username in PLANNERS:
        demo = next(m for m in DEMO_MINISTRIES if m.code == code)
        users[username] = demo_user_upsert(
            username=username, office=offices[demo.office_code], role=roles.PERENCANA, password=password,
            first_name="Perencana", last_name=Ministry.objects.get(code=code).short_name,
            position="Perencana Ahli Muda",
        )  # fmt: skip
    users["kl.kemenag.perencana"] = User.objects.get(username="kl.kemenag.perencana")
    users["bnpt.koordinator"] = User.objects.get(username="bnpt.koordinator")
    return users


def _officials(users: dict[str, User]) -> None:
    for ministry_code, username in (("kemenag", "kl.kemenag.eselon2"), ("kemenpu", "kl.kemenpu.eselon2")):
        ministry = Ministry.objects.get(code=ministry_code)
        Official.objects.update_or_create(
            kind=Official.Kind.ESELON_II, ministry=ministry, user=users[username],
            defaults={"position": users[username].position, "active": True},
        )  # fmt: skip
    Official.objects.update_or_create(
        kind=Official.Kind.KEPALA_BNPT, user=users["bnpt.kepala"], defaults={"position": "Kepala BNPT", "active": True}
    )


def _plan_data(
    *, unit: MinistryUnit, year: int, plan: tuple[str, str, str, int], regency: Region, i: int
) -> dict[str, Any]:
    """The form data of one demo plan: `plan` is one of a DemoMinistry's plans; `i` varies figures and dates."""
    category, title, output_unit, millions = plan
    fisik = category in FISIK
    return {
        "unit": unit, "year": year, "title": f"{title} di {regency.name}",
        "description": f"{title}, sasaran mitra deradikalisasi, keluarga dan korban.",
        "plan_type": ActionPlan.PlanType.FISIK if fisik else ActionPlan.PlanType.NON_FISIK,
        "category": category, "province": regency.parent, "regency": regency,
        "target_mitra": 5 + i % 7, "target_families": 10 + i % 11, "target_victims": i % 4,
        "budget": Decimal(millions * 1_000_000 + (i % 5) * 25_000_000),
        "funding_source": ActionPlan.FundingSource.APBN, "start_on": dt.date(year, 2 + i % 3, 1),
        "end_on": dt.date(year, 11, 30), "output_indicator": title,
        "output_target": Decimal(10 + i % 20), "output_unit": output_unit,
        "pillar": ActionPlan.Pillar.PILAR_1,
    }  # fmt: skip


def _unit(demo: DemoMinistry) -> MinistryUnit:
    unit, _ = MinistryUnit.objects.get_or_create(
        ministry=Ministry.objects.get(code=demo.code),
        name=demo.unit,
        defaults={"echelon": MinistryUnit.Echelon.ESELON_I},
    )
    return unit


def _regencies(province_code: str) -> list[Region]:
    return list(Region.objects.filter(parent_id=province_code, level=Region.Level.REGENCY).order_by("code")[:3])


def _plans(users: dict[str, User]) -> dict[str, list[ActionPlan]]:
    from sinergi.services import plan_approve, plan_create, plan_return, plan_submit

    koordinator = users["bnpt.koordinator"]
    regencies = {code: _regencies(code) for code in FOCUS_PROVINCES}
    made: dict[str, list[ActionPlan]] = {}
    counter = itertools.count()
    for demo in DEMO_MINISTRIES:
        unit = _unit(demo)
        planner = users[f"kl.{demo.code}.perencana"]
        made[demo.code] = []
        for spec in demo.plans:
            for province_code in FOCUS_PROVINCES:
                for n in range(PLANS_PER_CATEGORY_AND_PROVINCE[demo.code]):
                    i = next(counter)
                    regency = regencies[province_code][n % len(regencies[province_code])]
                    plan = plan_create(
                        user=planner,
                        data=_plan_data(unit=unit, year=DEMO_YEAR, plan=spec, regency=regency, i=i),
                    )
                    if demo.final_status != ActionPlan.Status.DRAFT:
                        plan_submit(user=planner, plan_id=plan.pk)
                    if demo.final_status == ActionPlan.Status.RETURNED:
                        plan_return(
                            user=koordinator, plan_id=plan.pk,
                            comment="Lengkapi lokus desa dan jadwal pelatihan per angkatan.",
                        )  # fmt: skip
                    if demo.final_status in (ActionPlan.Status.APPROVED, ActionPlan.Status.AGREED):
                        plan_approve(user=koordinator, plan_id=plan.pk)
                    made[demo.code].append(plan)
    return made


def _agreements(users: dict[str, User]) -> None:
    from napiter.documents.services import document_render, document_sign
    from sinergi.services import agreement_create

    koordinator = users["bnpt.koordinator"]
    for code, signers in (("kemenag", ["kl.kemenag.eselon2", "bnpt.kepala"]), ("kemenpu", ["kl.kemenpu.eselon2"])):
        ministry = Ministry.objects.get(code=code)
        agreement = agreement_create(user=koordinator, ministry_id=ministry.pk, year=DEMO_YEAR)
        assert agreement.document is not None
        document_render(document_id=agreement.document.pk)
        for username in signers:
            document_sign(user=users[username], document_id=agreement.document.pk)


def _agreement_to_sign(users: dict[str, User]) -> int:
    """Kemenag's berita acara for the year after, rendered and waiting for both signatures: the one a demo
    signs on its pages (the Eselon II official first, then the Kepala BNPT, each with a code from `demo_otp`).
    Made once: not again once Kemenag has plans for that year, signed or not. Returns the plans it made."""
    from napiter.documents.services import document_render
    from sinergi.services import agreement_create, plan_approve, plan_create, plan_submit

    demo = next(m for m in DEMO_MINISTRIES if m.code == "kemenag")
    if ActionPlan.objects.filter(ministry__code=demo.code, year=AGREEMENT_TO_SIGN_YEAR).exists():
        return 0
    planner, koordinator = users["kl.kemenag.perencana"], users["bnpt.koordinator"]
    unit = _unit(demo)
    regency = _regencies(FOCUS_PROVINCES[0])[0]
    with transaction.atomic():
        for i, spec in enumerate(demo.plans):
            data = _plan_data(unit=unit, year=AGREEMENT_TO_SIGN_YEAR, plan=spec, regency=regency, i=i)
            plan = plan_create(user=planner, data=data)
            plan_submit(user=planner, plan_id=plan.pk)
            plan_approve(user=koordinator, plan_id=plan.pk)
        agreement = agreement_create(user=koordinator, ministry_id=unit.ministry_id, year=AGREEMENT_TO_SIGN_YEAR)
        assert agreement.document is not None
        document_render(document_id=agreement.document.pk)
    return len(demo.plans)


def _realisations(users: dict[str, User]) -> None:
    """Kemenag reports Q1 and Q2 for most plans (some late); Q3 and Q4 are left overdue."""
    planner = users["kl.kemenag.perencana"]
    plans = ActionPlan.objects.filter(ministry__code="kemenag", year=DEMO_YEAR, status=ActionPlan.Status.AGREED)
    for i, plan in enumerate(plans.order_by("id")):
        for quarter in (1, 2):
            if i % 4 == 3 and quarter == 2:
                continue
            due = dt.datetime(DEMO_YEAR, quarter * 3 + 1, 10 + (i % 3) * 5, 10, tzinfo=dt.UTC)
            report = RealisationReport(
                plan=plan, quarter=quarter, progress_percent=25 * quarter,
                output_achieved=plan.output_target * quarter / 4, budget_spent=plan.budget * quarter / 4,
                beneficiaries_reached=plan.target_total * quarter // 4,
                narrative="Kegiatan berjalan sesuai jadwal.", reported_by=planner, reported_at=due,
            )  # fmt: skip
            report.full_clean()
            report.save()


def _addendum(users: dict[str, User]) -> None:
    """One addendum to the signed Kemenag agreement, signed by both officials and so in force: a larger budget
    for one plan, a later end for another. Made once, and only beside the demo's own signed agreement."""
    from napiter.documents.services import document_render, document_sign
    from sinergi.services import PlanChange, addendum_approve, addendum_propose

    agreement = Agreement.objects.filter(ministry__code="kemenag", year=DEMO_YEAR).first()
    if agreement is None or not agreement.is_signed or agreement.addenda.exists():
        return
    first, second = agreement.plans.order_by("id")[:2]
    proposed = addendum_propose(
        user=users["kl.kemenag.perencana"],
        changes=[
            PlanChange(
                plan_id=first.pk,
                changes={"budget": first.budget + 30_000_000, "target_mitra": first.target_mitra + 3},
                reason="Tambahan tiga peserta mitra deradikalisasi hasil asesmen triwulan I.",
            ),
            PlanChange(
                plan_id=second.pk,
                changes={"end_on": dt.date(DEMO_YEAR, 12, 15)},
                reason="Penyaluran beasiswa semester ganjil mundur mengikuti kalender akademik.",
            ),
        ],
    )
    approved = addendum_approve(user=users["bnpt.koordinator"], addendum_id=proposed.pk, comment="Sesuai RAB.")
    assert approved.document is not None
    document_render(document_id=approved.document.pk)
    for username in ("kl.kemenag.eselon2", "bnpt.kepala"):
        document_sign(user=users[username], document_id=approved.document.pk)


def seed_sinergi(password: str | None = None) -> int:
    """Demo sinergi data; idempotent: accounts and officials are upserted; plans, agreements and the addendum
    are made only once.
    Returns the number of plans created (0 when they already exist)."""
    password = password or settings.DEMO_PASSWORD
    offices = _offices()
    users = _users(password, offices)
    _officials(users)
    created = 0
    if not (ActionPlan.objects.filter(year=DEMO_YEAR).exists() or Agreement.objects.exists()):
        made = _plans(users)
        _agreements(users)
        _realisations(users)
        created = sum(len(p) for p in made.values())
    created += _agreement_to_sign(users)
    _addendum(users)
    return created
