import datetime as dt

import pytest

from cases.identity import check_kk, check_nik

TODAY = dt.date(2026, 11, 23)


def test_valid_male_nik():
    check = check_nik("3273010101800001", sex="L", birth_date=dt.date(1980, 1, 1), today=TODAY)
    assert check.valid, check.errors
    assert (check.sex, check.birth_date, check.warnings) == ("L", dt.date(1980, 1, 1), [])


def test_female_nik_has_forty_added_to_the_day():
    check = check_nik("3273015508950002", sex="P", birth_date=dt.date(1995, 8, 15), today=TODAY)
    assert check.valid, check.errors
    assert (check.sex, check.birth_date) == ("P", dt.date(1995, 8, 15))


def test_29_february_in_a_leap_year_is_a_real_date():
    assert check_nik("3673016902000003", sex="P", birth_date=dt.date(2000, 2, 29), today=TODAY).valid
    assert check_nik("3673012902840004", sex="L", birth_date=dt.date(1984, 2, 29), today=TODAY).valid


def test_29_february_in_a_common_year_is_refused():
    check = check_nik("3673012902830005", today=TODAY)
    assert not check.valid
    assert check.errors == [
        "Tanggal lahir dalam NIK (29-02-83) bukan tanggal yang ada (untuk perempuan, tanggal ditambah 40)."
    ]


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("327301010180001", "NIK harus 16 digit angka (terisi 15 karakter)."),
        ("32730101018000012", "NIK harus 16 digit angka (terisi 17 karakter)."),
        ("3273O10101800001", "NIK harus 16 digit angka (terisi 16 karakter)."),
        ("9973010101800001", "Kode provinsi NIK (99) tidak dikenal."),
        ("3200010101800001", "Kode kabupaten/kota pada NIK tidak boleh 00."),
        ("3273000101800001", "Kode kecamatan pada NIK tidak boleh 00."),
        (
            "3273013213800001",
            "Tanggal lahir dalam NIK (32-13-80) bukan tanggal yang ada (untuk perempuan, tanggal ditambah 40).",
        ),
        ("3273010101800000", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."),
    ],
)
def test_each_broken_rule_has_its_own_message(nik, message):
    check = check_nik(nik, today=TODAY)
    assert check.errors == [message]


def test_sex_inconsistent_with_the_forty_rule():
    male_nik = check_nik("3273010101800001", sex="P", today=TODAY)
    assert male_nik.errors == [
        "Jenis kelamin tidak sesuai NIK: menurut NIK, pemiliknya laki-laki (tanggal lahir tanpa + 40)."
    ]
    female_nik = check_nik("3273014101800001", sex="L", today=TODAY)
    assert female_nik.errors == [
        "Jenis kelamin tidak sesuai NIK: menurut NIK, pemiliknya perempuan (tanggal lahir + 40)."
    ]


def test_birth_date_must_match_the_nik():
    check = check_nik("3273010101800001", sex="L", birth_date=dt.date(1980, 1, 2), today=TODAY)
    assert check.errors == ["Tanggal lahir (02-01-1980) tidak sesuai dengan NIK (01-01-1980)."]


def test_century_follows_the_full_birth_year_entered():
    assert check_nik("3273010101250001", sex="L", birth_date=dt.date(1925, 1, 1), today=TODAY).valid
    assert check_nik("3273010101250001", today=TODAY).birth_date == dt.date(2025, 1, 1)


def test_unknown_district_after_a_regional_split_is_only_a_warning():
    # 64.99 is not a Kalimantan Timur regency in the current decree; the NIK may predate a split.
    check = check_nik("6499010101800001", sex="L", today=TODAY)
    assert check.valid
    assert len(check.warnings) == 1
    assert "pemekaran" in check.warnings[0]


def test_separators_are_ignored():
    assert check_nik("32.73.01 010180-0001", today=TODAY).number == "3273010101800001"


def test_kk_rules():
    assert check_kk("3273011502100003", today=TODAY).valid
    assert check_kk("327301150210000", today=TODAY).errors == ["Nomor KK harus 16 digit angka (terisi 15 karakter)."]
    assert check_kk("3273011502100000", today=TODAY).errors == [
        "Nomor KK (4 digit terakhir) tidak boleh 0000.".replace("Nomor KK", "Nomor urut KK")
    ]
    assert check_kk("0073011502100003", today=TODAY).errors == ["Kode provinsi nomor KK (00) tidak dikenal."]
    odd_date = check_kk("3273013502100003", today=TODAY)
    assert odd_date.valid
    assert odd_date.warnings == [
        "Digit 7-12 nomor KK biasanya tanggal penerbitan; tanggal ini tidak ada. Periksa kembali."
    ]
