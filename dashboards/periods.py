"""Reporting periods: a calendar month, quarter or year, each day of it included."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

MONTHLY, QUARTERLY, YEARLY = "bulanan", "triwulanan", "tahunan"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == _month_end(self.start.year, self.start.month):
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return f"Tahun {self.start.year}"
        if self.start.day == 1 and self.start.month % 3 == 1 and self.end == _quarter_end(self.start):
            return f"Triwulan {self.start.month // 3 + 1} {self.start.year}"
        return f"{self.start:%d-%m-%Y} s.d. {self.end:%d-%m-%Y}"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(start: dt.date) -> dt.date:
    return _month_end(start.year, start.month + 2)


def period_of(kind: str, day: dt.date) -> Period:
    """The month, quarter or year of `kind` that contains `day`."""
    if kind == MONTHLY:
        return Period(day.replace(day=1), _month_end(day.year, day.month))
    if kind == QUARTERLY:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(start, _quarter_end(start))
    if kind == YEARLY:
        return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    raise ValueError(f"unknown period kind {kind!r}")


def previous_period(kind: str, today: dt.date) -> Period:
    """The last complete period of `kind` before `today`'s."""
    return period_of(kind, period_of(kind, today).start - dt.timedelta(days=1))
