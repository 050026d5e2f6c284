"""Demo programmes and grants (issue 6): the Kalimantan Timur APBD 2019 UEP with 8 registered and 4 delivered
at Rp 7.900.000, a BNPT Popwarung and a Kemensos UEP worked by the Banten office, with monitoring visits,
one misuse alert and one rejected duplicate.

The 2019 grants are history, written as the archive records them (DT-SEN did not exist yet, and the demo has
no Kalimantan Timur supervisor to approve them through the service); this year's grants go through the
services as a user would move them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from assistance.models import (
    Grant,
    GrantEvent,
    GrantItem,
    MonitoringVisit,
    Programme,
    add_months,
)
from assistance.services import (
    ItemInput,
    VisitInput,
    grant_approve,
    grant_deliver,
    grant_propose,
    grant_reject,
    grant_verify,
    monitoring_visit_record,
)
from cases.models import Person
from napiter.accounts.models import Office, User

KALTIM_AMOUNT = 7_900_000
# The three businesses the Kalimantan Timur 2019 report names, as goods worth Rp 7.900.000 each.
KALTIM_BUSINESSES = [
    ("Baju muslim/muslimah", [("Etalase kaca", 1, "unit", 1_500_000), ("Baju muslim/muslimah", 80, "potong", 75_000),
                              ("Rak gantung", 2, "unit", 200_000)]),
    ("Kantin sekolah", [("Etalase makanan", 1, "unit", 2_400_000), ("Kompor dan tabung gas", 1, "set", 1_100_000),
                        ("Peralatan masak", 1, "set", 1_900_000), ("Meja dan kursi", 5, "set", 500_000)]),
    ("Ternak ayam", [("Bibit ayam kampung", 150, "ekor", 30_000), ("Kandang", 1, "unit", 2_000_000),
                     ("Pakan", 20, "karung", 170_000)]),
    ("Baju muslim/muslimah", [("Mesin jahit", 1, "unit", 3_400_000), ("Kain", 60, "meter", 50_000),
                              ("Etalase kaca", 1, "unit", 1_500_000)]),
]  # fmt: skip


def _event(grant: Grant, frm: str, to: str, at: dt.date, by: User | None, note: str = "") -> None:
    moment = timezone.make_aware(dt.datetime.combine(at, dt.time(10, 0)))
    GrantEvent.objects.create(grant=grant, from_status=frm, to_status=to, at=moment, by=by, note=note)


def _kaltim_2019() -> None:
    office = Office.objects.get(code="DINSOS-KTM")
    pendamping = User.objects.get(username="dinsos.kaltim.pendamping")
    programme = Programme.objects.create(
        office=office, name="UEP Mitra Deradikalisasi Dinsos Kaltim", form=Programme.Form.UEP,
        funding_source=Programme.FundingSource.APBD_PROVINCE, fiscal_year=2019, budget_ceiling=63_200_000,
        unit_value_min=KALTIM_AMOUNT, unit_value_max=KALTIM_AMOUNT, requires_dtsen=False, is_demo=True,
    )  # fmt: skip
    adults = [p for p in Person.objects.filter(is_demo=True, domicile_region__code__startswith="64.") if not p.is_child]
    heads = [p for p in adults if p.relation_to_head == Person.Relation.HEAD and p.category != "korban_langsung"]
    # Spouses first: the first of them is the duplicate (her husband, the head of the KK, was funded).
    others = sorted((p for p in adults if p not in heads), key=lambda p: p.relation_to_head != Person.Relation.SPOUSE)
    proposed_on, decree_on, delivered_on = dt.date(2019, 3, 11), dt.date(2019, 7, 1), dt.date(2019, 10, 31)
    for number, (person, (business, items)) in enumerate(zip(heads[:4], KALTIM_BUSINESSES, strict=False), start=1):
        grant = Grant.objects.create(
            programme=programme, person=person, office=office, amount=KALTIM_AMOUNT, business_type=business,
            status=Grant.Status.COMPLETED, checks_passed=True, decree_number=f"460/{number:03d}/DINSOS-KTM/2019",
            decree_date=decree_on, delivered_on=delivered_on, supplier="CV Borneo Mandiri",
            location=person.address, proposed_by=pendamping, is_demo=True,
            created_at=timezone.make_aware(dt.datetime.combine(proposed_on, dt.time(9, 0))),
        )  # fmt: skip
        for name, quantity, unit, value in items:
            GrantItem.objects.create(grant=grant, name=name, quantity=quantity, unit=unit, unit_value=value)
        _event(grant, "", "usulan", proposed_on, pendamping)
        _event(grant, "usulan", "verifikasi", proposed_on + dt.timedelta(days=30), pendamping, "Verifikasi lapangan.")
        _event(grant, "verifikasi", "ditetapkan", decree_on, None, f"SK {grant.decree_number}")
        _event(grant, "ditetapkan", "disalurkan", delivered_on, pendamping, "Barang senilai Rp 7.900.000")
        closed = number == 4  # the fourth business had closed by the 12-month visit
        for month in (3, 6, 12):
            running = not (closed and month == 12)
            visited = add_months(delivered_on, month)
            MonitoringVisit.objects.create(
                grant=grant, month=month, visited_on=visited, business_running=running, assets_present=running,
                monthly_revenue=(1_500_000 + 250_000 * number) if running else 0,
                problems="" if running else "Usaha tutup; mesin jahit dijual untuk biaya berobat.",
                recorded_by=pendamping, alert=not running,
                alert_acknowledged_at=timezone.make_aware(dt.datetime.combine(visited, dt.time(15, 0)))
                if not running else None,
            )  # fmt: skip
            if month == 3:
                _event(grant, "disalurkan", "dipantau", visited, pendamping, "Pemantauan bulan ke-3")
        _event(grant, "dipantau", "selesai", add_months(delivered_on, 12), pendamping)
    # Registered, never delivered: "of 8 registered, 4 have received aid".
    for index, person in enumerate(others[:4]):
        grant = Grant.objects.create(
            programme=programme, person=person, office=office, amount=KALTIM_AMOUNT, business_type="Warung",
            proposed_by=pendamping, is_demo=True,
            created_at=timezone.make_aware(dt.datetime.combine(proposed_on, dt.time(9, 0))),
        )  # fmt: skip
        _event(grant, "", "usulan", proposed_on, pendamping)
        if index == 0:
            grant.status = Grant.Status.REJECTED
            grant.reason = "Bantuan ganda: kepala keluarga pada KK yang sama sudah menerima UEP 2019."
            grant.save(update_fields=["status", "reason"])
            _event(grant, "usulan", "ditolak", decree_on, None, grant.reason)


def _banten_this_year() -> None:
    pendamping = User.objects.get(username="dinsos.banten.pendamping")
    kabid = User.objects.get(username="dinsos.banten.kabid")
    today = timezone.localdate()
    kemensos = Programme.objects.create(
        office=Office.objects.get(code="KEMENSOS-RESOS"), name="UEP ATENSI Kemensos", form=Programme.Form.UEP,
        funding_source=Programme.FundingSource.APBN, fiscal_year=today.year, budget_ceiling=250_000_000,
        unit_value_min=5_000_000, unit_value_max=5_000_000, max_decile=5, is_demo=True,
        eligible_categories=[Person.Category.EX_CONVICT, Person.Category.RETURNEE, Person.Category.FAMILY],
    )  # fmt: skip
    popwarung = Programme.objects.create(
        office=Office.objects.get(code="BNPT-DERAD"), name="Popwarung BNPT", form=Programme.Form.POPWARUNG,
        funding_source=Programme.FundingSource.APBN, fiscal_year=today.year, budget_ceiling=300_000_000,
        unit_value_min=15_000_000, unit_value_max=15_000_000, max_decile=6, is_demo=True,
        eligible_categories=[Person.Category.EX_CONVICT, Person.Category.RETURNEE],
    )  # fmt: skip
    heads = [
        p
        for p in Person.objects.filter(is_demo=True, domicile_region__code__startswith="36.", status="aktif")
        .exclude(cases__transfers__status="diajukan")
        .order_by("id")
        if p.relation_to_head == Person.Relation.HEAD and p.category in (Person.Category.EX_CONVICT, "returnis")
    ]
    decree_on, delivered_on = today - dt.timedelta(days=220), today - dt.timedelta(days=200)
    delivered: list[Grant] = []
    for number, person in enumerate(heads):
        programme = popwarung if number == 0 else kemensos
        grant = grant_propose(
            user=pendamping, programme_id=programme.pk, person_id=person.pk, amount=programme.unit_value_min,
            business_type="Warung kelontong" if programme == popwarung else ["Cuci mobil", "Bengkel"][number % 2],
            justification="Rekomendasi asesmen: bantuan usaha untuk kemandirian ekonomi.",
        )  # fmt: skip
        grant = grant_verify(user=pendamping, grant_id=grant.pk)
        if not grant.checks_passed or len(delivered) >= 3:
            continue  # left at verification: its failed check (or the queue) shows on its page
        grant_approve(
            user=kabid, grant_id=grant.pk, decree_number=f"460/{number + 1:03d}/DINSOS-BTN/{decree_on.year}",
            decree_date=decree_on,
        )  # fmt: skip
        if programme == popwarung:
            items = [
                ItemInput("Kios Popwarung 2 x 2 m, tinggi 3 m", 1, 9_000_000),
                ItemInput("Stok awal", 1, 6_000_000),
            ]
            location = "Depan pasar desa, " + person.domicile_region.name
        else:
            items = [ItemInput("Peralatan usaha", 1, 3_500_000, "set"), ItemInput("Bahan awal", 1, 1_500_000, "paket")]
            location = ""
        delivered.append(
            grant_deliver(
                user=pendamping,
                grant_id=grant.pk,
                delivered_on=delivered_on,
                items=items,
                supplier="CV Serang Jaya",
                location=location,
                kiosk_stock="Beras, minyak goreng, gula, mi instan" if location else "",
            )
        )
    for index, grant in enumerate(delivered):
        misuse = index == len(delivered) - 1
        monitoring_visit_record(
            user=pendamping,
            grant_id=grant.pk,
            data=VisitInput(
                month=3, visited_on=add_months(delivered_on, 3), business_running=not misuse,
                assets_present=not misuse, monthly_revenue=0 if misuse else 2_000_000 + 500_000 * index,
                problems="Peralatan usaha disewakan kepada pihak lain." if misuse else "", misuse=misuse,
            ),
        )  # fmt: skip
    # A duplicate within a household, refused by the supervisor with the reason the check gave.
    if delivered:
        household = delivered[0].person.household
        spouse = (
            next((m for m in household.members.all() if m.pk != delivered[0].person_id), None) if household else None
        )
        if spouse is not None and spouse.category in kemensos.eligible_categories:
            duplicate = grant_propose(
                user=pendamping, programme_id=kemensos.pk, person_id=spouse.pk, amount=5_000_000,
                business_type="Katering rumahan",
            )  # fmt: skip
            duplicate = grant_verify(user=pendamping, grant_id=duplicate.pk)
            grant_reject(
                user=kabid, grant_id=duplicate.pk,
                reason="Bantuan ganda: anggota KK yang sama sudah menerima bantuan tahun ini.",
            )  # fmt: skip


@transaction.atomic
def seed_assistance() -> int:
    """Create the demo programmes and grants once; returns how many grants were made (0 on a second run).
    Needs the demo people and the DT-SEN sample (seed_people, seed_dtsen_sample) first."""
    if Programme.objects.filter(is_demo=True).exists():
        return 0
    _kaltim_2019()
    _banten_this_year()
    Grant.objects.filter(programme__is_demo=True).update(is_demo=True)
    return Grant.objects.filter(is_demo=True).count()
