"""Sinergi records for tests: K/L officials with signing keys, and plans in every state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from napiter.accounts.models import Office, User
from napiter.accounts.security import demo_otp_device_upsert
from napiter.documents.pki import DemoSigner, ensure_demo_pki
from napiter.regions.models import Region
from sinergi.models import ActionPlan, Addendum, Agreement, Ministry, MinistryUnit, Official


def kemenag() -> Ministry:
    return Ministry.objects.get(code="kemenag")


def kemenag_unit() -> MinistryUnit:
    unit, _ = MinistryUnit.objects.get_or_create(
        ministry=kemenag(),
        name="Direktorat Jenderal Bimbingan Masyarakat Islam",
        defaults={"echelon": MinistryUnit.Echelon.ESELON_I},
    )
    return unit


def plan_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": kemenag_unit(),
        "year": 2026,
        "title": "Pembinaan moderasi beragama bagi mitra deradikalisasi",
        "description": "Kajian dan pendampingan keagamaan.",
        "plan_type": ActionPlan.PlanType.NON_FISIK,
        "category": ActionPlan.Category.MODERASI_BERAGAMA,
        "province": Region.objects.get(code="36"),
        "regency": Region.objects.get(code="36.04"),
        "target_mitra": 10,
        "target_families": 20,
        "budget": Decimal("150000000"),
        "funding_source": ActionPlan.FundingSource.APBN,
        "start_on": dt.date(2026, 3, 1),
        "end_on": dt.date(2026, 11, 30),
        "output_indicator": "Peserta pembinaan",
        "output_target": Decimal("30"),
        "output_unit": "orang",
        "pillar": ActionPlan.Pillar.PILAR_1,
    }
    data.update(overrides)
    return data


def official_user(*, username: str, first: str, last: str, office_code: str, position: str, nip: str) -> User:
    from napiter.accounts import roles
    from napiter.accounts.services import user_upsert

    user: User = user_upsert(
        username=username,
        office=Office.objects.get(code=office_code),
        role=roles.KOORDINATOR if office_code == "BNPT-DERAD" else roles.PEJABAT_KL,
        password=settings.DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        position=position,
        nip=nip,
    )
    return user


def signing_officials() -> tuple[Official, Official]:
    """The Kemenag Eselon II official and the Kepala BNPT, with accounts and demo signing keys."""
    eselon = official_user(
        username="kl.kemenag.eselon2", first="Ahmad", last="Zainuddin", office_code="KEMENAG-RENC",
        position="Kepala Biro Perencanaan", nip="197203151998031002",
    )  # fmt: skip
    kepala = official_user(
        username="bnpt.kepala", first="Eddy", last="Hartono", office_code="BNPT-DERAD",
        position="Kepala BNPT", nip="196612021989031001",
    )  # fmt: skip
    for user in (eselon, kepala):
        demo_otp_device_upsert(user=user, password=settings.DEMO_PASSWORD)
    ensure_demo_pki(
        directory=Path(settings.SIGNING_KEYS_DIR),
        signers=[
            DemoSigner(eselon.username, eselon.get_full_name(), eselon.position, eselon.office.name),  # type: ignore[union-attr]
            DemoSigner(kepala.username, kepala.get_full_name(), kepala.position, kepala.office.name),  # type: ignore[union-attr]
        ],
        passphrase=settings.SIGNING_KEY_PASSPHRASE,
    )
    first, _ = Official.objects.get_or_create(
        kind=Official.Kind.ESELON_II, ministry=kemenag(), user=eselon, defaults={"position": eselon.position}
    )
    second, _ = Official.objects.get_or_create(
        kind=Official.Kind.KEPALA_BNPT, user=kepala, defaults={"position": kepala.position}
    )
    return first, second


def submitted_plan_for_matrix(*, region: Region) -> ActionPlan:
    """A submitted Kemenag plan located in the matrix person's province (by region, never by person)."""
    from sinergi.services import plan_create, plan_submit

    planner = User.objects.get(username="kl.kemenag.perencana")
    province = Region.objects.get(code=region.code[:2])
    plan = plan_create(user=planner, data=plan_data(province=province, regency=None))
    return plan_submit(user=planner, plan_id=plan.pk)


def agreement_for_matrix() -> Agreement:
    """A Kemenag agreement for 2025, its document requested (not rendered)."""
    from sinergi.services import agreement_create, plan_approve, plan_create, plan_submit

    signing_officials()
    planner = User.objects.get(username="kl.kemenag.perencana")
    koordinator = User.objects.get(username="bnpt.koordinator")
    plan = plan_create(
        user=planner,
        data=plan_data(year=2025, start_on=dt.date(2025, 2, 1), end_on=dt.date(2025, 10, 31)),
    )
    plan_submit(user=planner, plan_id=plan.pk)
    plan_approve(user=koordinator, plan_id=plan.pk)
    return agreement_create(user=koordinator, ministry_id=plan.ministry_id, year=2025)


def addendum_for_matrix() -> Addendum:
    """A proposed addendum to the plan of the matrix agreement (`agreement_for_matrix`, made before it)."""
    from sinergi.services import PlanChange, addendum_propose

    planner = User.objects.get(username="kl.kemenag.perencana")
    plan = ActionPlan.objects.get(agreement__ministry__code="kemenag", agreement__year=2025)
    return addendum_propose(
        user=planner,
        changes=[PlanChange(plan_id=plan.pk, changes={"budget": plan.budget + 10_000_000}, reason="Harga naik.")],
    )


def agreed_plans(*, titles: tuple[str, ...] = ("Pembinaan moderasi beragama",), **overrides: Any) -> list[ActionPlan]:
    """Kemenag plans submitted, approved and put into their agreement (its document requested, not rendered)."""
    from sinergi.services import agreement_create, plan_approve, plan_create, plan_submit

    signing_officials()
    planner = User.objects.get(username="kl.kemenag.perencana")
    koordinator = User.objects.get(username="bnpt.koordinator")
    plans = []
    for title in titles:
        plan = plan_create(user=planner, data=plan_data(title=title, **overrides))
        plan_submit(user=planner, plan_id=plan.pk)
        plans.append(plan_approve(user=koordinator, plan_id=plan.pk))
    agreement_create(user=koordinator, ministry_id=plans[0].ministry_id, year=plans[0].year)
    return [ActionPlan.objects.get(pk=p.pk) for p in plans]


def sign_document(document_id: int) -> None:
    """Render a sinergi document and have both officials sign it, in order, for real."""
    from napiter.documents.services import document_render, document_sign

    eselon, kepala = signing_officials()
    document_render(document_id=document_id)
    for official in (eselon, kepala):
        document_sign(user=official.user, document_id=document_id)
