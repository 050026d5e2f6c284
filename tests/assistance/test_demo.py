"""The demo data tells the issue's story: 8 registered and 4 delivered in Kalimantan Timur 2019, a misuse
alert and a rejected duplicate in Banten."""

from __future__ import annotations

import pytest

from assistance.demo import seed_assistance
from assistance.models import Grant, MonitoringVisit, Programme
from assistance.selectors import monitoring_alerts_for, programme_summary
from cases.demo import seed_people
from cases.demo_workflow import seed_workflows
from cases.dtsen import seed_dtsen_sample

pytestmark = pytest.mark.django_db


def test_demo_assistance(cast):
    seed_people()
    seed_dtsen_sample()
    seed_workflows()

    created = seed_assistance()

    assert created == Grant.objects.filter(is_demo=True).count()
    kaltim = Programme.objects.get(fiscal_year=2019, office__code="DINSOS-KTM")
    (row,) = programme_summary(cast.koordinator, kaltim)
    assert (row.registered, row.delivered, row.delivered_value) == (8, 4, 4 * 7_900_000)
    assert set(kaltim.grants.filter(status="selesai").values_list("business_type", flat=True)) == {
        "Baju muslim/muslimah", "Kantin sekolah", "Ternak ayam",
    }  # fmt: skip
    assert Programme.objects.filter(form="popwarung", office__code="BNPT-DERAD").exists()
    alerts = list(monitoring_alerts_for(cast.banten_kabid))
    assert len(alerts) == 1
    assert alerts[0].misuse
    assert Grant.objects.filter(status="ditolak", reason__startswith="Bantuan ganda").count() >= 1
    assert MonitoringVisit.objects.filter(grant__programme=kaltim).count() == 12
    assert seed_assistance() == 0
