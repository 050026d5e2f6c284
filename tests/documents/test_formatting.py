"""How documents write numbers, dates and amounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from napiter.documents.formatting import (
    date_long,
    datetime_long,
    roman_month,
    rupiah,
    rupiah_in_words,
    spelled_out,
)
from napiter.documents.services import format_number
from napiter.documents.templatetags.documents import tanggal


def test_number_follows_the_office_register_format():
    assert format_number(prefix="LAP", sequence=7, office_code="DINSOS-BTN", month=11, year=2026) == (
        "LAP-007/DINSOS-BTN/XI/2026"
    )
    assert format_number(prefix="BA", sequence=1234, office_code="BNPT-DERAD", month=4, year=2027) == (
        "BA-1234/BNPT-DERAD/IV/2027"
    )


def test_a_moment_is_dated_by_the_day_where_it_is_read_not_in_utc():
    moment = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC)  # 01.30 WIB on the 24th
    assert tanggal(moment) == "24 November 2026"
    with timezone.override("Asia/Jayapura"):
        assert tanggal(dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.UTC)) == "23 November 2026"  # 23.30 WIT
        assert tanggal(dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC)) == "24 November 2026"  # 00.30 WIT
    assert tanggal(dt.date(2026, 11, 23)) == "23 November 2026"
    assert tanggal(None) == ""


def test_roman_months():
    assert [roman_month(m) for m in range(1, 13)] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ]  # fmt: skip


def test_indonesian_dates_in_the_office_time_zone():
    assert date_long(dt.date(2019, 10, 31)) == "31 Oktober 2019"
    moment = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    assert datetime_long(moment, "Asia/Jakarta") == "1 Januari 2027 pukul 00.30 WIB"
    assert datetime_long(moment, "Asia/Makassar") == "1 Januari 2027 pukul 01.30 WITA"
    assert datetime_long(moment, "Asia/Jayapura") == "1 Januari 2027 pukul 02.30 WIT"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (100, "seratus"),
        (111, "seratus sebelas"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (2500, "dua ribu lima ratus"),
        (100_000, "seratus ribu"),
        (1_000_000, "satu juta"),
        (7_900_000, "tujuh juta sembilan ratus ribu"),
        (5_000_000, "lima juta"),
        (1_250_000_000, "satu miliar dua ratus lima puluh juta"),
        (2_000_000_000_000, "dua triliun"),
    ],
)
def test_numbers_in_words(number, words):
    assert spelled_out(number) == words


def test_amounts_in_figures_and_words():
    assert rupiah(7_900_000) == "Rp 7.900.000"
    assert rupiah(500) == "Rp 500"
    assert rupiah_in_words(7_900_000) == "Tujuh juta sembilan ratus ribu rupiah"
