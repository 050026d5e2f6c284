"""Periodic reports for tests."""

from __future__ import annotations

import datetime as dt

from cases.models import Person
from dashboards.models import PeriodicReport
from dashboards.periods import MONTHLY, period_of
from napiter.accounts.models import Office


def periodic_report_for_matrix(person: Person) -> PeriodicReport:
    """A draft monthly report of the Banten office (the office whose territory the matrix person lives in)."""
    period = period_of(MONTHLY, dt.date(2026, 10, 15))
    return PeriodicReport.objects.create(
        office=Office.objects.get(code="DINSOS-BTN"), kind=MONTHLY, period_start=period.start, period_end=period.end
    )
