"""DT-SEN: importing extracts (all or nothing, snapshots kept), the person page panel, the demo sample."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases import dtsen
from cases.demo import seed_people
from cases.dtsen import (
    DtsenFileRejected,
    dtsen_import,
    dtsen_latest_for,
    dtsen_sample_csv,
    last_quarter_end,
    seed_dtsen_sample,
)
from cases.models import DtsenRecord, DtsenSnapshot, Person
from napiter.audit.models import ChangeEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "cases" / "fixtures" / "dtsen_sample.csv"
# The shipped fixture is `dtsen_sample_csv(FIXTURE_NIKS, terror_nik=FIXTURE_NIKS[0],
# gambling_nik=FIXTURE_NIKS[1], outsiders=20)`; regenerate it with that call when the format changes.
FIXTURE_NIKS = ["3673011503780002", "3673014101850001", "3673022006900003"]
SEPT_30 = dt.date(2026, 9, 30)
JUNE_30 = dt.date(2026, 6, 30)


def _csv(*lines: str, bom: bool = False, newline: str = "\n") -> io.BytesIO:
    text = newline.join(["nik,desil,flag_terorisme,flag_judi_daring", *lines]) + newline
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + text.encode())


def _import(user, *lines: str, day: dt.date = SEPT_30, name: str = "ekstrak.csv") -> DtsenSnapshot:
    return dtsen_import(user=user, file=_csv(*lines), source_name=name, snapshot_date=day)


# --- import ------------------------------------------------------------------------------------------


def test_good_extract_becomes_a_snapshot_with_every_row(cast):
    snapshot = dtsen_import(
        user=cast.banten_kabid,
        file=_csv("3673011503780002,3,0,0", "3673014101850001,2,TIDAK,Ya", "3673022006900003,10,1,0", bom=True,
                  newline="\r\n"),
        source_name="dtsen-banten-q3.csv",
        snapshot_date=SEPT_30,
    )  # fmt: skip
    assert (snapshot.row_count, snapshot.source_name) == (3, "dtsen-banten-q3.csv")
    assert snapshot.imported_by == cast.banten_kabid
    rows = {
        r.nik: (r.decile, r.flag_terror_network, r.flag_online_gambling)
        for r in DtsenRecord.objects.filter(snapshot=snapshot)
    }
    assert rows == {
        "3673011503780002": (3, False, False),
        "3673014101850001": (2, False, True),
        "3673022006900003": (10, True, False),
    }


def test_the_snapshot_row_is_audited_but_the_bulk_records_are_not(cast):
    snapshot = _import(cast.banten_kabid, "3673011503780002,3,0,0", "3673014101850001,2,0,0")
    assert ChangeEvent.objects.filter(table_name="cases_dtsensnapshot", row_pk=str(snapshot.pk)).exists()
    assert not ChangeEvent.objects.filter(table_name="cases_dtsenrecord").exists()


def test_bad_rows_refuse_the_whole_file_naming_each_line(cast):
    with pytest.raises(DtsenFileRejected) as refused:
        _import(
            cast.banten_kabid,
            "3673011503780002,3,0,0",  # line 2: good
            "367301150378000,3,0,0",  # line 3: 15 digits
            "3673014101850001,11,0,0",  # line 4: decile out of range
            "3673022006900003,2,mungkin,0",  # line 5: not a flag
            "3673022006900004,2,0",  # line 6: a column missing
            "3673011503780002,4,0,0",  # line 7: same NIK as line 2
            "3673022006900005,1,ya,tidak",  # line 8: good
        )
    errors = {e.line: " ".join(e.messages) for e in refused.value.row_errors}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "16 digit" in errors[3]
    assert "desil harus bilangan bulat 1 sampai 10" in errors[4]
    assert "flag_terorisme harus 1/0 atau ya/tidak" in errors[5]
    assert "4 kolom" in errors[6]
    assert "sama dengan baris 2" in errors[7]
    assert refused.value.bad_rows == 5
    assert "5 baris bermasalah" in refused.value.message
    assert not DtsenSnapshot.objects.exists()
    assert not DtsenRecord.objects.exists()


def test_file_level_problems_are_refused_with_a_clear_message(cast):
    with pytest.raises(DtsenFileRejected, match="Baris pertama berkas harus berbunyi persis"):
        dtsen_import(
            user=cast.banten_kabid, file=io.BytesIO(b"nik;desil\n3673011503780002;3\n"), source_name="x.csv",
            snapshot_date=SEPT_30,
        )  # fmt: skip
    with pytest.raises(DtsenFileRejected, match="tidak berisi baris data"):
        _import(cast.banten_kabid)
    with pytest.raises(DtsenFileRejected, match="UTF-8"):
        dtsen_import(
            user=cast.banten_kabid, file=io.BytesIO(b"nik,desil,flag_terorisme,flag_judi_daring\n\xff\xfe,1,0,0\n"),
            source_name="x.csv", snapshot_date=SEPT_30,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="masa depan"):
        _import(cast.banten_kabid, "3673011503780002,3,0,0", day=dt.date.today() + dt.timedelta(days=2))
    assert not DtsenSnapshot.objects.exists()


def test_only_importing_roles_may_import(cast):
    for user in (cast.banten_pendamping, cast.asesor, cast.kemenag_perencana):
        with pytest.raises(PermissionDenied):
            _import(user, "3673011503780002,3,0,0")
    assert _import(cast.koordinator, "3673011503780002,3,0,0").row_count == 1
    assert _import(cast.kemensos_supervisor, "3673011503780002,3,0,0").row_count == 1


def test_a_long_file_lists_the_first_bad_rows_and_counts_them_all(cast):
    lines = [f"36730115037{n:05d},0,0,0" for n in range(1, 251)]
    with pytest.raises(DtsenFileRejected) as refused:
        _import(cast.banten_kabid, *lines)
    assert refused.value.bad_rows == 250
    assert len(refused.value.row_errors) == 200
    assert refused.value.row_errors[0].line == 2


def test_repeated_niks_are_counted_even_when_the_list_is_full(cast, monkeypatch):
    monkeypatch.setattr(dtsen, "MAX_REPORTED_ERRORS", 1)
    with pytest.raises(DtsenFileRejected) as refused:
        _import(
            cast.banten_kabid,
            "3673011503780002,0,0,0",  # line 2: bad decile
            "3673014101850001,2,0,0",
            "3673014101850001,2,0,0",  # line 4: repeated
            "3673014101850001,3,0,0",  # line 5: repeated
        )
    assert refused.value.bad_rows == 3
    assert [e.line for e in refused.value.row_errors] == [2]


# --- reading: latest snapshot containing the NIK --------------------------------------------------------


def test_latest_snapshot_wins_and_older_ones_are_kept(cast):
    person = PersonFactory(nik="3673011503780002")
    _import(cast.banten_kabid, "3673011503780002,5,0,0", day=JUNE_30, name="q2.csv")
    _import(cast.banten_kabid, "3673011503780002,2,1,0", day=SEPT_30, name="q3.csv")
    latest = dtsen_latest_for(person)
    assert latest is not None
    assert (latest.decile, latest.flag_terror_network, latest.snapshot.snapshot_date) == (2, True, SEPT_30)
    assert DtsenSnapshot.objects.count() == 2
    assert DtsenRecord.objects.filter(nik=person.nik).count() == 2


def test_a_later_partial_extract_does_not_hide_an_earlier_one(cast):
    person = PersonFactory(nik="3673014101850001", sex=Person.Sex.FEMALE)
    _import(cast.koordinator, "3673014101850001,4,0,0", day=JUNE_30)
    _import(cast.banten_kabid, "3673011503780002,2,0,0", day=SEPT_30)  # does not contain the person
    latest = dtsen_latest_for(person)
    assert latest is not None
    assert (latest.decile, latest.snapshot.snapshot_date) == (4, JUNE_30)


def test_person_without_nik_is_never_matched(cast):
    _import(cast.banten_kabid, "3673011503780002,2,0,0")
    assert dtsen_latest_for(PersonFactory(nik=None)) is None


def test_person_page_shows_decile_flags_and_snapshot_date(cast, client_for):
    person = PersonFactory(nik="3673011503780002")
    _import(cast.banten_kabid, "3673011503780002,6,0,0", day=JUNE_30)
    _import(cast.banten_kabid, "3673011503780002,3,1,1", day=SEPT_30)
    page = client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    panel = page[page.index('id="dtsen-panel"') :]
    assert "Desil <strong>3</strong>" in panel
    assert "Terindikasi jaringan terorisme" in panel
    assert "Terindikasi judi daring" in panel
    assert "text-bg-danger" in panel
    assert "data DT-SEN per 30 September 2026" in panel


def test_person_page_without_flags_shows_no_red_badge(cast, client_for):
    person = PersonFactory(nik="3673011503780002")
    _import(cast.banten_kabid, "3673011503780002,2,0,0")
    page = client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    assert "Desil <strong>2</strong>" in page
    assert "Terindikasi" not in page


def test_person_page_says_when_the_nik_is_not_in_dtsen(cast, client_for):
    person = PersonFactory(nik="3673022006900003")
    _import(cast.banten_kabid, "3673011503780002,2,0,0")
    page = client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    assert "Tidak ditemukan di DT-SEN" in page
    assert "Desil <strong>" not in page


# --- the upload page -----------------------------------------------------------------------------------


def _upload(client, content: bytes, day: str = "2026-09-30"):
    return client.post(
        reverse("cases:dtsen-import"),
        {"file": SimpleUploadedFile("dtsen-q3.csv", content, "text/csv"), "snapshot_date": day},
    )


def test_supervisor_uploads_an_extract(cast, client_for):
    client = client_for(cast.banten_kabid)
    response = _upload(client, _csv("3673011503780002,2,0,1", "3673014101850001,1,0,0").getvalue())
    assert response.status_code == 302
    snapshot = DtsenSnapshot.objects.get()
    assert (snapshot.row_count, snapshot.source_name, snapshot.snapshot_date) == (2, "dtsen-q3.csv", SEPT_30)
    page = client.get(reverse("cases:dtsen-import")).content.decode()
    assert "dtsen-q3.csv" in page
    assert "Ahmad Fauzi" in page  # who imported it


def test_upload_with_bad_rows_lists_them_and_saves_nothing(cast, client_for):
    response = _upload(client_for(cast.koordinator), _csv("3673011503780002,2,0,0", "123,0,0,0").getvalue())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Baris 3:" in page
    assert "NIK harus 16 digit" in page
    assert not DtsenSnapshot.objects.exists()


def test_upload_of_a_wrong_file_lists_the_first_rows_and_counts_all(cast, client_for):
    lines = [f"36730115037{n:05d},0,0,0" for n in range(1, 251)]
    response = _upload(client_for(cast.banten_kabid), _csv(*lines).getvalue())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ditampilkan 200 baris pertama dari 250 baris bermasalah." in page
    assert "Baris 201:" in page
    assert "Baris 202:" not in page


def test_upload_refuses_a_future_date_next_to_the_field(cast, client_for):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = _upload(client_for(cast.banten_kabid), _csv("3673011503780002,2,0,0").getvalue(), day=future)
    assert response.status_code == 400
    assert "tidak boleh di masa depan" in response.content.decode()
    assert not DtsenSnapshot.objects.exists()


@pytest.mark.parametrize("who", ["banten_pendamping", "asesor", "kemenag_perencana", "auditor", "kaltim_pendamping"])
def test_upload_page_is_404_for_roles_that_do_not_import(who, cast, client_for):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("cases:dtsen-import")).status_code == 404
    assert _upload(client, _csv("3673011503780002,2,0,0").getvalue()).status_code == 404
    assert not DtsenSnapshot.objects.exists()


def test_navigation_offers_the_upload_page_to_importers_only(cast, client_for):
    url = reverse("cases:dtsen-import")
    assert url in client_for(cast.banten_kabid).get(reverse("home")).content.decode()
    assert url not in client_for(cast.banten_pendamping).get(reverse("home")).content.decode()


# --- command, sample, fixture ----------------------------------------------------------------------------


def test_command_imports_the_shipped_sample(cast):
    person = PersonFactory(nik=FIXTURE_NIKS[0])
    out = io.StringIO()
    call_command("import_dtsen", str(FIXTURE), "--snapshot-date", "2026-09-30", "--user", cast.koordinator.username,
                 stdout=out)  # fmt: skip
    snapshot = DtsenSnapshot.objects.get()
    assert (snapshot.row_count, snapshot.imported_by) == (23, cast.koordinator)
    assert "23 NIK" in out.getvalue()
    latest = dtsen_latest_for(person)
    assert latest is not None
    assert latest.flag_terror_network


def test_command_refuses_a_bad_file_with_its_lines(tmp_path, cast):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("3673011503780002,2,0,0", "3673011503780002,12,0,0").getvalue())
    with pytest.raises(CommandError) as refused:
        call_command("import_dtsen", str(bad), "--snapshot-date", "2026-09-30")
    assert "Baris 3:" in str(refused.value)
    with pytest.raises(CommandError, match="tidak dapat mengimpor"):
        call_command("import_dtsen", str(FIXTURE), "--snapshot-date", "2026-09-30", "--user",
                     cast.banten_pendamping.username)  # fmt: skip
    assert not DtsenSnapshot.objects.exists()


def test_shipped_fixture_is_the_generators_output():
    expected = dtsen_sample_csv(FIXTURE_NIKS, terror_nik=FIXTURE_NIKS[0], gambling_nik=FIXTURE_NIKS[1], outsiders=20)
    assert FIXTURE.read_text() == expected
    lines = expected.splitlines()
    assert lines[0] == "nik,desil,flag_terorisme,flag_judi_daring"
    by_nik = {line.split(",")[0]: line.split(",")[2:] for line in lines[1:]}
    assert by_nik[FIXTURE_NIKS[0]] == ["1", "0"]
    assert by_nik[FIXTURE_NIKS[1]] == ["0", "1"]
    flags = list(by_nik.values())
    assert sum(f == ["1", "0"] for f in flags) == 1
    assert sum(f == ["0", "1"] for f in flags) == 1


def test_seed_sample_flags_banten_people_and_leaves_some_out(base_data):
    seed_people()
    snapshot = seed_dtsen_sample()
    assert snapshot is not None
    assert snapshot.snapshot_date == last_quarter_end(dt.date.today())
    terror = Person.objects.get(nik=DtsenRecord.objects.get(flag_terror_network=True).nik)
    gambling = Person.objects.get(nik=DtsenRecord.objects.get(flag_online_gambling=True).nik)
    assert terror.category == Person.Category.EX_CONVICT
    assert gambling.category == Person.Category.FAMILY
    assert terror.domicile_region_id.startswith("36.")
    assert gambling.domicile_region_id.startswith("36.")
    demo_niks = set(Person.objects.filter(is_demo=True).values_list("nik", flat=True))
    sampled = set(DtsenRecord.objects.values_list("nik", flat=True))
    assert demo_niks - sampled, "some demo people are absent from DT-SEN"
    assert sampled - demo_niks, "the sample also holds NIKs of people not in the system"
    deciles = list(DtsenRecord.objects.filter(nik__in=demo_niks).values_list("decile", flat=True))
    assert sum(d <= 4 for d in deciles) > len(deciles) / 2
    assert seed_dtsen_sample() is None  # once only
    assert DtsenSnapshot.objects.count() == 1


def test_sample_generator_is_deterministic():
    first = dtsen_sample_csv(["3673011503780002"], terror_nik="3673011503780002", outsiders=5)
    assert first == dtsen_sample_csv(["3673011503780002"], terror_nik="3673011503780002", outsiders=5)
    assert len(first.splitlines()) == 7


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 3, 31), dt.date(2025, 12, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 3, 31)),
    ],
)
def test_last_quarter_end(today, expected):
    assert last_quarter_end(today) == expected
