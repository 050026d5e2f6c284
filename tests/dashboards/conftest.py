"""A small world for the dashboard: people, cases, grants, assessments and plans in Banten (the Banten
office's scope) and in Kalimantan Timur (out of it), with every number the tests expect worked out by hand
in the docstring of `world`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Assessment, Band
from assistance.models import Grant, MonitoringVisit
from cases.models import Case, Person, Visit
from dashboards.periods import MONTHLY, Period, period_of
from napiter.accounts.models import Office, User
from napiter.regions.models import Region
from sinergi.models import ActionPlan, Ministry, MinistryUnit, RealisationReport
from tests.assessments.factories import demo_instrument_for_matrix
from tests.assistance.factories import ProgrammeFactory, approved_grant, delivered_grant, proposed_grant
from tests.factories import CaseFactory, PersonFactory
from tests.sinergi.factories import plan_data, submitted_plan_for_matrix

OUTSIDER = "Orang Luar Wilayah"


@dataclass
class World:
    today: dt.date
    period: Period
    a: Person
    b: Person
    c: Person
    d: Person
    e: Person
    f: Person


def _kaltim_village() -> str:
    return Region.objects.filter(code__startswith="64.", level=Region.Level.VILLAGE).order_by("code").first().code  # type: ignore[union-attr]


def _assess(person: Person, band: Band, *, on: dt.date, review: dt.date | None = None, **extra: object) -> Assessment:
    asesor = User.objects.get(username="bnpt.asesor")
    fields = {
        "person": person,
        "version": band.version,
        "assessor": asesor,
        "office": asesor.office,
        "assessed_on": on,
        "purpose": Assessment.Purpose.PERIODIC,
        "status": Assessment.Status.SUBMITTED,
        "computed_band": band,
        "next_review_on": review or on + dt.timedelta(days=180),
        **extra,
    }
    return Assessment.objects.create(**fields)


@pytest.fixture
def world(cast) -> World:
    """Banten (in scope of dinsos.banten.kabid), this month as the period:

    - A eks_napiter: case rehabilitasi opened on the period's first day (new), review in 30 days, never
      visited but opened this month (visit not overdue). Assessments: Sedang, then Rendah (improved).
      Grant proposed (registered only).
    - B eks_napiter: case reintegrasi opened 200 days ago, review 5 days ago (overdue), last visit 100 days
      ago (visit overdue). Assessment Tinggi, review yesterday (reassessment overdue; first assessment).
      Grant delivered today, Rp 7.900.000, active at 6 months, not at 12 (business closed).
    - C keluarga: an old case closed on the period's first day, and a new case identifikasi opened then.
      Assessments: Rendah, then judged Tinggi over computed Sedang (worsened). Grant approved, Rp 5.000.000.
    - D korban_langsung: no case, a draft assessment only (not counted).

    Kalimantan Timur (out of scope for Banten, in scope for national users):
    - E eks_napiter ("Orang Luar Wilayah"): case rehabilitasi opened 200 days ago (review and visit
      overdue), an older case closed on the period's first day; assessment Sedang, reassessment overdue;
      grant delivered today Rp 6.000.000, active at 6 months.
    - F keluarga: case identifikasi opened on the period's first day.

    Plans: Kemenag submitted in Banten (Rp 150 jt), Kemenag draft in Kalimantan Timur (Rp 150 jt),
    Kemendikdasmen agreed in Banten (Rp 80 jt) with one realisation report (Rp 20 jt spent, 15 reached).
    """
    today = timezone.localdate()
    period = period_of(MONTHLY, today)
    days = dt.timedelta
    banten_pendamping = cast.banten_pendamping
    a = PersonFactory.create(category=Person.Category.EX_CONVICT, full_name="Ahmad Dashboard")
    b = PersonFactory.create(category=Person.Category.EX_CONVICT, full_name="Bambang Dashboard")
    c = PersonFactory.create(category=Person.Category.FAMILY, full_name="Citra Dashboard")
    d = PersonFactory.create(category=Person.Category.DIRECT_VICTIM, full_name="Dedi Dashboard")
    CaseFactory.create(
        person=a, stage=Case.Stage.REHABILITATION, opened_on=period.start, next_review_on=today + days(30)
    )
    case_b = CaseFactory.create(
        person=b, stage=Case.Stage.REINTEGRATION, opened_on=today - days(200), next_review_on=today - days(5)
    )
    Visit.objects.create(
        case=case_b, visited_on=today - days(100), place="Rumah", findings="Baik", visited_by=banten_pendamping
    )
    CaseFactory.create(
        person=c, stage=Case.Stage.CLOSED, opened_on=today - days(400), next_review_on=today - days(300),
        closed_on=period.start, closure_reason=Case.ClosureReason.REINTEGRATED,
    )  # fmt: skip
    CaseFactory.create(
        person=c, stage=Case.Stage.IDENTIFICATION, opened_on=period.start, next_review_on=today + days(30)
    )

    kaltim = Office.objects.get(code="DINSOS-KTM")
    village = _kaltim_village()
    e = PersonFactory.create(category=Person.Category.EX_CONVICT, full_name=OUTSIDER, domicile_region_id=village,
                      registered_by_office=kaltim)  # fmt: skip
    f = PersonFactory.create(category=Person.Category.FAMILY, full_name="Fajar Luar", domicile_region_id=village,
                      registered_by_office=kaltim)  # fmt: skip
    out_case = {"office": kaltim, "caseworker": cast.kaltim_pendamping}
    CaseFactory.create(person=e, stage=Case.Stage.REHABILITATION, opened_on=today - days(200),
                next_review_on=today - days(5), **out_case)  # fmt: skip
    CaseFactory.create(person=e, stage=Case.Stage.CLOSED, opened_on=today - days(400), next_review_on=today - days(300),
                closed_on=period.start, closure_reason=Case.ClosureReason.REINTEGRATED, **out_case)  # fmt: skip
    CaseFactory.create(person=f, stage=Case.Stage.IDENTIFICATION, opened_on=period.start,
                next_review_on=today + days(30), **out_case)  # fmt: skip

    version = demo_instrument_for_matrix(a)
    rendah, sedang, tinggi = version.bands.order_by("rank")
    _assess(a, sedang, on=today - days(200))
    first_of_a = _assess(a, rendah, on=today - days(20))
    _assess(a, tinggi, on=today - days(19), second_opinion_of=first_of_a)
    _assess(b, tinggi, on=today - days(100), review=today - days(1))
    _assess(c, rendah, on=today - days(300))
    _assess(c, sedang, on=today - days(10), judged_band=tinggi, judgement_reason="Temuan lapangan")
    _assess(d, tinggi, on=today - days(5), status=Assessment.Status.DRAFT)
    _assess(e, sedang, on=today - days(50), review=today - days(3))

    proposed_grant(person=a)
    grant_b = delivered_grant(person=b)
    approved_grant(person=c, amount=5_000_000)
    kabid = cast.banten_kabid
    MonitoringVisit.objects.create(grant=grant_b, month=6, visited_on=today, business_running=True,
                                   assets_present=True, recorded_by=banten_pendamping)  # fmt: skip
    MonitoringVisit.objects.create(grant=grant_b, month=12, visited_on=today, business_running=False,
                                   assets_present=False, recorded_by=banten_pendamping)  # fmt: skip
    grant_e = Grant.objects.create(
        programme=ProgrammeFactory.create(office=kaltim), person=e, office=kaltim, status=Grant.Status.DELIVERED,
        amount=6_000_000, business_type="Warung", decree_number="SK-1/KTM", decree_date=today, delivered_on=today,
        proposed_by=cast.kaltim_pendamping, approved_by=kabid,
    )  # fmt: skip
    MonitoringVisit.objects.create(grant=grant_e, month=6, visited_on=today, business_running=True,
                                   assets_present=True, recorded_by=cast.kaltim_pendamping)  # fmt: skip

    banten = Region.objects.get(code="36")
    submitted_plan_for_matrix(region=banten)
    from sinergi.services import plan_create

    plan_create(user=cast.kemenag_perencana, data=plan_data(province=Region.objects.get(code="64"), regency=None))
    other = Ministry.objects.get(code="kemendikdasmen")
    unit = MinistryUnit.objects.create(ministry=other, name="Direktorat Uji", echelon=MinistryUnit.Echelon.ESELON_I)
    data = plan_data(unit=unit, regency=None, budget=Decimal("80000000"), title="Beasiswa anak mitra")
    agreed = ActionPlan.objects.create(
        ministry=other, status=ActionPlan.Status.AGREED, created_by=cast.koordinator, **data
    )
    RealisationReport.objects.create(
        plan=agreed, quarter=1, progress_percent=50, budget_spent=Decimal("20000000"), beneficiaries_reached=15,
        reported_by=cast.koordinator, reported_at=timezone.now(),
    )  # fmt: skip
    return World(today=today, period=period, a=a, b=b, c=c, d=d, e=e, f=f)


@dataclass
class LinkedWorld:
    base: World
    g: Person


@pytest.fixture
def linked_world(cast, world) -> LinkedWorld:
    """`world` plus records that make the measures linked to filtered lists differ from one another and from
    their unfiltered lists:

    - G eks_napiter in Banten: case rehabilitasi opened 200 days ago, review in 30 days, never visited (visit
      overdue, review not). Assessments Sedang, then Sedang again (unchanged). Grant proposed 90 days ago and
      delivered 60 days ago (before the period), Rp 7.900.000.
    - Plans: a Kemenag draft in Banten (Rp 25 jt); a Kemendikdasmen plan agreed in Banten (Rp 40 jt) with two
      realisation reports (Rp 5 jt and Rp 7 jt spent, 3 and 4 reached); a Kemendikdasmen plan agreed in
      Kalimantan Timur (Rp 10 jt) that has not reported.

    Then, for the Banten supervisor: overdue visits 2 (B, G), reviews 1 (B); levels Rendah 1 (A improved),
    Sedang 1 (G unchanged), Tinggi 2 (B first, C worsened); grants registered 4, in the period 3, delivered 2,
    in the period 1, committed Rp 20.800.000, delivered Rp 15.800.000. National: overdue visits 3 people
    (B, E, G), reviews 2 (B, E); Sedang 2 (G unchanged, E first). Plans: draft 2 (Rp 175 jt), submitted 1
    (Rp 150 jt), agreed 3 (Rp 130 jt); spent Rp 32 jt, reached 22, plans reporting 2.
    """
    today, days = world.today, dt.timedelta
    g = PersonFactory.create(category=Person.Category.EX_CONVICT, full_name="Gita Dashboard")
    CaseFactory.create(
        person=g, stage=Case.Stage.REHABILITATION, opened_on=today - days(200), next_review_on=today + days(30)
    )
    version = demo_instrument_for_matrix(g)
    sedang = version.bands.get(rank=2)
    _assess(g, sedang, on=today - days(300))
    _assess(g, sedang, on=today - days(30))
    grant_g = delivered_grant(person=g)
    Grant.objects.filter(pk=grant_g.pk).update(created_at=timezone.now() - days(90), delivered_on=today - days(60))

    from sinergi.services import plan_create

    plan_create(user=cast.kemenag_perencana, data=plan_data(regency=None, budget=Decimal("25000000")))
    other = Ministry.objects.get(code="kemendikdasmen")
    unit = MinistryUnit.objects.get(ministry=other, name="Direktorat Uji")
    reporting = ActionPlan.objects.create(
        ministry=other, status=ActionPlan.Status.AGREED, created_by=cast.koordinator,
        **plan_data(unit=unit, regency=None, budget=Decimal("40000000"), title="Pelatihan vokasi mitra"),
    )  # fmt: skip
    for quarter, spent, reached in ((1, 5_000_000, 3), (2, 7_000_000, 4)):
        RealisationReport.objects.create(
            plan=reporting, quarter=quarter, progress_percent=25 * quarter, budget_spent=Decimal(spent),
            beneficiaries_reached=reached, reported_by=cast.koordinator, reported_at=timezone.now(),
        )  # fmt: skip
    ActionPlan.objects.create(
        ministry=other, status=ActionPlan.Status.AGREED, created_by=cast.koordinator,
        **plan_data(unit=unit, regency=None, province=Region.objects.get(code="64"), budget=Decimal("10000000"),
                    title="Rumah baca keluarga mitra"),
    )  # fmt: skip
    return LinkedWorld(base=world, g=g)
