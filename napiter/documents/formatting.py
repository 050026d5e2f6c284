"""How official documents write numbers, dates and amounts (Tata Naskah Dinas conventions).

Written out rather than left to Django's localisation: a document is always Indonesian, whatever
language the person who asked for it reads the site in, and must not change if a translation does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
TIME_ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]


def date_long(day: dt.date) -> str:
    """31 Oktober 2019"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def datetime_long(moment: dt.datetime, tz_name: str) -> str:
    """31 Oktober 2019 pukul 14.05 WITA, in the office's own time zone."""
    local = moment.astimezone(ZoneInfo(tz_name))
    label = TIME_ZONE_LABELS.get(tz_name, tz_name)
    return f"{date_long(local.date())} pukul {local:%H.%M} {label}"


def _below_thousand(n: int) -> str:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    if rest < 12:
        if rest:
            words.append(_UNITS[rest])
    elif rest < 20:
        words += [_UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if ones:
            words.append(_UNITS[ones])
    return " ".join(words)


def spelled_out(n: int) -> str:
    """The number in Indonesian words, lower case: 7900000 -> "tujuh juta sembilan ratus ribu"."""
    if n < 0:
        return f"minus {spelled_out(-n)}"
    if n == 0:
        return "nol"
    words: list[str] = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            words += [spelled_out(count), name]
    thousands, n = divmod(n, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words += [_below_thousand(thousands), "ribu"]
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


def rupiah(amount: int | Decimal) -> str:
    """Rp 7.900.000 (whole rupiah; sen are not used in government documents)."""
    value = int(Decimal(amount).to_integral_value())
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


def rupiah_in_words(amount: int | Decimal) -> str:
    """Terbilang: "Tujuh juta sembilan ratus ribu rupiah"."""
    words = f"{spelled_out(int(Decimal(amount).to_integral_value()))} rupiah"
    return words[0].upper() + words[1:]
