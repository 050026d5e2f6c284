"""DT-SEN (Data Tunggal Sosial Ekonomi Nasional, Inpres 4/2025): importing extracts and reading them.

An extract is a CSV file, UTF-8 (a byte-order mark is allowed), comma-separated, with exactly this header:

    nik,desil,flag_terorisme,flag_judi_daring
    3673010101800001,3,0,0
    3673014507900002,2,tidak,ya

- `nik`: the 16-digit NIK, at most once per file;
- `desil`: the welfare decile, a whole number from 1 (poorest) to 10;
- `flag_terorisme`, `flag_judi_daring`: involvement in a terror network / in online gambling, written
  `1`/`0` or `ya`/`tidak` (any case).

The date the extract describes (a quarter's end, usually) is not in the file: whoever imports it states it.
A file with any bad row is refused whole, naming the bad rows by their line number in the file (the header
is line 1; the first 200 bad rows are listed, all are counted). Each import is kept as its own snapshot:
DT-SEN is history, and a later partial extract (one province) must not hide what an earlier one said about
people outside it. The records are bulk reference data and deliberately not row-audited; the snapshot row
(audited) records who imported what and when.

The system never asks a live DT-SEN service anything: what it knows is what was imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import DtsenRecord, DtsenSnapshot, Person
from napiter import policy
from napiter.accounts.models import User

HEADER = ("nik", "desil", "flag_terorisme", "flag_judi_daring")
_FLAG_VALUES = {"1": "t", "ya": "t", "0": "f", "tidak": "f"}  # as written in the file (any case) -> COPY
_DECILES = frozenset(str(d) for d in range(1, 11))
# A file with thousands of bad rows is almost always the wrong file: the first ones say enough to fix it.
MAX_REPORTED_ERRORS = 200
# Through the upload page (a web request has a time limit); larger extracts go through `import_dtsen`.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # about a million rows


@dataclass(frozen=True)
class RowError:
    line: int
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return f"Baris {self.line}: {' '.join(self.messages)}"


class DtsenFileRejected(ValidationError):
    """The whole file was refused; `row_errors` names the first bad rows, `bad_rows` counts them all."""

    def __init__(self, message: str, row_errors: Sequence[RowError] = (), bad_rows: int = 0) -> None:
        super().__init__(message)
        self.row_errors = list(row_errors)
        self.bad_rows = bad_rows


def _copy_line(fields: list[str]) -> str | None:
    """A good row as COPY text (tab-separated, PostgreSQL booleans); None if anything is off.

    The fast path for the million good rows of a national extract; `_row_problems` explains the bad ones.
    """
    if len(fields) != len(HEADER):
        return None
    nik, decile = fields[0].strip(), fields[1].strip()
    terror = _FLAG_VALUES.get(fields[2].strip().lower())
    gambling = _FLAG_VALUES.get(fields[3].strip().lower())
    if terror is None or gambling is None or decile not in _DECILES or not _is_nik(nik):
        return None
    return f"{nik}\t{decile}\t{terror}\t{gambling}"


def _is_nik(value: str) -> bool:
    # isdigit() alone also accepts other scripts' digits, which no NIK contains.
    return len(value) == 16 and value.isascii() and value.isdigit()


def _row_problems(fields: list[str]) -> list[str]:
    if len(fields) != len(HEADER):
        return [f"harus berisi {len(HEADER)} kolom dipisah koma, terisi {len(fields)}."]
    nik, decile, terror, gambling = (f.strip() for f in fields)
    problems = []
    if not _is_nik(nik):
        problems.append(f"NIK harus 16 digit angka (terisi {len(nik)} karakter).")
    if decile not in _DECILES:
        problems.append(f"desil harus bilangan bulat 1 sampai 10 (terisi {decile!r}).")
    for column, value in (("flag_terorisme", terror), ("flag_judi_daring", gambling)):
        if value.lower() not in _FLAG_VALUES:
            problems.append(f"{column} harus 1/0 atau ya/tidak (terisi {value!r}).")
    return problems


@dataclass
class _Parsed:
    rows: int
    errors: list[RowError]
    bad_rows: int


def _parse(file: IO[bytes], out: IO[bytes]) -> _Parsed:
    """Check every row, writing the good ones to `out` as COPY text (`line, nik, decile, flags`).

    The file is decoded as it is read (an extract of a million rows is never held in memory whole).
    """
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        return _parse_text(text, out)
    except UnicodeDecodeError as exc:
        raise DtsenFileRejected("Berkas harus berupa teks UTF-8 (CSV). Simpan ulang sebagai CSV UTF-8.") from exc
    finally:
        text.detach()  # the caller owns the file: the wrapper must not close it


def _parse_text(text: IO[str], out: IO[bytes]) -> _Parsed:
    errors: list[RowError] = []
    bad_rows = rows = 0
    buffer: list[str] = []
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None or tuple(h.strip().lower() for h in header) != HEADER:
            raise DtsenFileRejected(
                "Baris pertama berkas harus berbunyi persis: " + ",".join(HEADER) + ". Periksa format berkas DT-SEN."
            )
        for fields in reader:
            line = _copy_line(fields)
            if line is not None:
                rows += 1
                buffer.append(f"{reader.line_num}\t{line}\n")
                if len(buffer) >= 10_000:
                    out.write("".join(buffer).encode())
                    buffer.clear()
            elif any(f.strip() for f in fields):  # blank lines, e.g. at the end of the file, are no rows
                rows += 1
                bad_rows += 1
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append(RowError(reader.line_num, tuple(_row_problems(fields))))
    except csv.Error as exc:
        raise DtsenFileRejected(f"Berkas tidak dapat dibaca sebagai CSV (baris {reader.line_num}): {exc}.") from exc
    out.write("".join(buffer).encode())
    out.seek(0)
    return _Parsed(rows=rows, errors=errors, bad_rows=bad_rows)


def _duplicate_errors(cursor: CursorWrapper, limit: int) -> tuple[list[RowError], int]:
    """NIKs that occur more than once in the loaded file: every occurrence after the first is an error.
    Returns the first `limit` of them and how many there are."""
    cursor.execute(
        """
        WITH d AS (SELECT line, min(line) OVER (PARTITION BY nik) AS first_line FROM dtsen_load)
        SELECT line, first_line, count(*) OVER () FROM d WHERE line <> first_line ORDER BY line LIMIT %s
        """,
        [max(limit, 1)],  # one row at least, to learn the count
    )
    rows = cursor.fetchall()
    errors = [
        RowError(line, (f"NIK sama dengan baris {first}; setiap NIK hanya boleh muncul sekali.",))
        for line, first, _count in rows[:limit]
    ]
    return errors, rows[0][2] if rows else 0


@transaction.atomic
def dtsen_import(*, user: User | None, file: IO[bytes], source_name: str, snapshot_date: dt.date) -> DtsenSnapshot:
    """Load one DT-SEN extract as a new snapshot, or refuse it whole (DtsenFileRejected, with the bad rows).

    `user` is None only for the operator's management command. The rows go through PostgreSQL COPY into a
    temporary table (which also finds repeated NIKs) and from there into cases_dtsenrecord in one statement.
    """
    if user is not None and not policy.holds(user, "dtsen.import"):
        raise PermissionDenied("Peran Anda tidak dapat mengimpor data DT-SEN.")
    if snapshot_date > timezone.localdate():
        raise ValidationError({"snapshot_date": "Tanggal data DT-SEN tidak boleh di masa depan."})
    with tempfile.TemporaryFile() as copy_file:
        parsed = _parse(file, copy_file)
        if parsed.rows == 0:
            raise DtsenFileRejected("Berkas tidak berisi baris data.")
        with connection.cursor() as cursor:
            # ON COMMIT DROP, and dropped below as well: an import nested in a longer transaction may run twice.
            cursor.execute(
                "CREATE TEMP TABLE dtsen_load (line integer NOT NULL, nik text NOT NULL, decile smallint NOT NULL, "
                "terror boolean NOT NULL, gambling boolean NOT NULL) ON COMMIT DROP"
            )
            cursor.copy_expert("COPY dtsen_load (line, nik, decile, terror, gambling) FROM STDIN", copy_file)
            room = MAX_REPORTED_ERRORS - len(parsed.errors)
            duplicates, duplicate_count = _duplicate_errors(cursor, max(room, 0))
            bad_rows = parsed.bad_rows + duplicate_count
            if bad_rows:
                errors = sorted(parsed.errors + duplicates, key=lambda e: e.line)[:MAX_REPORTED_ERRORS]
                raise DtsenFileRejected(
                    f"Berkas ditolak: {bad_rows} baris bermasalah. Tidak ada data yang disimpan; perbaiki lalu "
                    "unggah ulang seluruh berkas.",
                    errors,
                    bad_rows,
                )
            snapshot = DtsenSnapshot(
                snapshot_date=snapshot_date, source_name=source_name[:200], imported_by=user, row_count=parsed.rows
            )
            # No user means the operator's command: the column is nullable for it, though not blank=True.
            snapshot.full_clean(exclude=["imported_by"] if user is None else None)
            snapshot.save()
            # In NIK order, each index of the table grows at one end or walks once through its pages in order,
            # rather than being touched at random; a sort in memory is far cheaper than that.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute(
                "INSERT INTO cases_dtsenrecord (snapshot_id, nik, decile, flag_terror_network, flag_online_gambling) "
                "SELECT %s, nik, decile, terror, gambling FROM dtsen_load ORDER BY nik",
                [snapshot.pk],
            )
            cursor.execute("DROP TABLE dtsen_load")
    return snapshot


# --- reading -----------------------------------------------------------------------------------------


def dtsen_latest_for(person: Person) -> DtsenRecord | None:
    """The person's row in the latest snapshot that contains their NIK (with its snapshot), or None.

    The caller has already checked that the user may see the person. A person without a NIK is never
    found: DT-SEN is keyed by NIK only.
    """
    if not person.nik:
        return None
    return (
        DtsenRecord.objects.filter(nik=person.nik)
        .select_related("snapshot")
        .order_by("-snapshot__snapshot_date", "-snapshot_id")
        .first()
    )


def dtsen_snapshots_recent(limit: int = 20) -> QuerySet[DtsenSnapshot]:
    return DtsenSnapshot.objects.select_related("imported_by").order_by("-imported_at", "-id")[:limit]


# --- the demo sample ---------------------------------------------------------------------------------

SAMPLE_SOURCE_NAME = "dtsen-sampel-demo.csv"
# NIKs of people who are not in the system: districts of the demo provinces, serials far above the demo's.
_OUTSIDER_DISTRICTS = ("367301", "367302", "360101", "647101", "647201", "727101")


def last_quarter_end(today: dt.date) -> dt.date:
    """DT-SEN is updated quarterly: the end of the last quarter that has ended by `today`."""
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return quarter_start - dt.timedelta(days=1)


def dtsen_sample_csv(
    niks: Sequence[str],
    *,
    terror_nik: str | None = None,
    gambling_nik: str | None = None,
    outsiders: int = 20,
    seed: int = 2026,
) -> str:
    """A deterministic extract in the import format: the given NIKs (most in decile 1-4, as the programme's
    people usually are), the flags on the two NIKs named, and `outsiders` NIKs of people not in the system."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not a secret
    rows: list[tuple[str, int, bool, bool]] = []
    for nik in niks:
        decile = rng.randint(1, 4) if rng.random() < 0.85 else rng.randint(5, 10)
        rows.append((nik, decile, nik == terror_nik, nik == gambling_nik))
    for i in range(outsiders):
        birth = dt.date(1960 + rng.randint(0, 45), rng.randint(1, 12), rng.randint(1, 28))
        day = birth.day + (40 if rng.random() < 0.5 else 0)
        nik = f"{rng.choice(_OUTSIDER_DISTRICTS)}{day:02d}{birth:%m%y}{7000 + i:04d}"
        rows.append((nik, rng.randint(1, 10), False, False))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows((nik, decile, int(terror), int(gambling)) for nik, decile, terror, gambling in sorted(rows))
    return out.getvalue()


def _first(people: Iterable[Person], category: str) -> str | None:
    return next((p.nik for p in people if p.category == category and p.domicile_region_id.startswith("36.")), None)


def seed_dtsen_sample() -> DtsenSnapshot | None:
    """Import the demo extract once (as of the last quarter's end), for the demo people; None if present.

    Flags fall on Banten people, whom the Banten demo users can see: a terror-network flag on an
    ex-convict, an online-gambling flag on a family member. Every eighth person is left out, so the
    page also shows someone not found in DT-SEN.
    """
    if DtsenSnapshot.objects.filter(source_name=SAMPLE_SOURCE_NAME).exists():
        return None
    people = list(Person.objects.filter(is_demo=True, nik__isnull=False).order_by("nik"))
    terror, gambling = _first(people, Person.Category.EX_CONVICT), _first(people, Person.Category.FAMILY)
    niks = [p.nik for i, p in enumerate(people) if p.nik and (i % 8 != 7 or p.nik in (terror, gambling))]
    sample = dtsen_sample_csv(niks, terror_nik=terror, gambling_nik=gambling)
    return dtsen_import(
        user=None,
        file=io.BytesIO(sample.encode()),
        source_name=SAMPLE_SOURCE_NAME,
        snapshot_date=last_quarter_end(timezone.localdate()),
    )
