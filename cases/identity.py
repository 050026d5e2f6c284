"""NIK and KK checks (DOMAIN.md "People"): one clear Indonesian message per broken rule.

NIK: PP KK CC DDMMYY SSSS. Province, regency and district of first registration, birth date with 40 added
to the day for women, and a serial that is never 0000. A region code missing from the current Kemendagri
decree is only a warning: a NIK keeps the code it was issued under, and regions split over time.
KK: the same region prefix, the card's issue date (DDMMYY, no +40) and a serial.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lokal.provinces import PROVINCES
from lokal.wilayah import wilayah_name

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS16 = re.compile(r"[0-9]{16}")


@dataclass
class NumberCheck:
    number: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def normalize_number(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def _region_checks(label: str, digits: str, check: NumberCheck) -> None:
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    if province not in PROVINCES:
        check.errors.append(f"Kode provinsi {label} ({province}) tidak dikenal.")
    if regency == "00":
        check.errors.append(f"Kode kabupaten/kota pada {label} tidak boleh 00.")
    if district == "00":
        check.errors.append(f"Kode kecamatan pada {label} tidak boleh 00.")
    if check.errors:
        return
    if wilayah_name(f"{province}.{regency}") is None or wilayah_name(f"{province}.{regency}.{district}") is None:
        check.warnings.append(
            f"Kode wilayah {province}.{regency}.{district} pada {label} tidak ada dalam data Kemendagri terbaru "
            "(mungkin kode lama sebelum pemekaran wilayah). Periksa kembali bila ragu."
        )


def _century(yy: int, today: dt.date) -> int:
    return 2000 + yy if yy <= today.year % 100 else 1900 + yy


def check_nik(
    value: str, *, sex: str | None = None, birth_date: dt.date | None = None, today: dt.date | None = None
) -> NumberCheck:
    """Validate a NIK, and its agreement with the sex and birth date entered beside it when given."""
    today = today or dt.date.today()
    digits = normalize_number(value)
    check = NumberCheck(number=digits)
    if not _DIGITS16.fullmatch(digits):
        check.errors.append(f"NIK harus 16 digit angka (terisi {len(digits)} karakter).")
        return check
    _region_checks("NIK", digits, check)

    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    nik_sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    year = _century(yy, today)
    if birth_date is not None and birth_date.year % 100 == yy:
        year = birth_date.year  # the form's full year settles the century (a person born in 1925 vs 2025)
    try:
        nik_birth = dt.date(year, month, day)
    except ValueError:
        check.errors.append(
            f"Tanggal lahir dalam NIK ({digits[6:8]}-{digits[8:10]}-{digits[10:12]}) bukan tanggal yang ada "
            "(untuk perempuan, tanggal ditambah 40)."
        )
        nik_birth = None
    if digits[12:] == "0000":
        check.errors.append("Nomor urut NIK (4 digit terakhir) tidak boleh 0000.")
    if nik_birth is None:
        return check
    check.birth_date, check.sex = nik_birth, nik_sex
    if sex is not None and sex != nik_sex:
        expected = "perempuan (tanggal lahir + 40)" if nik_sex == "P" else "laki-laki (tanggal lahir tanpa + 40)"
        check.errors.append(f"Jenis kelamin tidak sesuai NIK: menurut NIK, pemiliknya {expected}.")
    if birth_date is not None and birth_date != nik_birth:
        check.errors.append(f"Tanggal lahir ({birth_date:%d-%m-%Y}) tidak sesuai dengan NIK ({nik_birth:%d-%m-%Y}).")
    return check


def check_kk(value: str, *, today: dt.date | None = None) -> NumberCheck:
    """Validate a Kartu Keluarga number: region prefix, issue date (DDMMYY), serial."""
    today = today or dt.date.today()
    digits = normalize_number(value)
    check = NumberCheck(number=digits)
    if not _DIGITS16.fullmatch(digits):
        check.errors.append(f"Nomor KK harus 16 digit angka (terisi {len(digits)} karakter).")
        return check
    _region_checks("nomor KK", digits, check)
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    # Older cards do not always follow the issue-date convention, so a strange date only warns.
    try:
        issued = dt.date(_century(yy, today), month, day)
    except ValueError:
        check.warnings.append(
            "Digit 7-12 nomor KK biasanya tanggal penerbitan; tanggal ini tidak ada. Periksa kembali."
        )
    else:
        if issued > today:
            check.warnings.append("Tanggal penerbitan dalam nomor KK berada di masa depan. Periksa kembali.")
    if digits[12:] == "0000":
        check.errors.append("Nomor urut KK (4 digit terakhir) tidak boleh 0000.")
    return check
