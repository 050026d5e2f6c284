"""Excel (.xlsx) import of people and export of the people list.

Import: one row per person, with the columns of `IMPORT_COLUMNS` (the template from `people_import_template`
carries them, with drop-down lists and a sheet of instructions). Every row goes through exactly what a
registration through the form goes through: `PersonRegistrationForm` and then `person_register`, each row in
its own savepoint inside one transaction. If any row is refused, everything is rolled back and the caller
gets every refused row with its reasons; a file is imported whole or not at all.

Export: the people list as the user sees it (same scope, same filters as the list page), NIK masked always,
each exported person logged as an `export` read in the same transaction as the read.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cases.filters import PersonFilterSet
from cases.forms import PersonRegistrationForm
from cases.identity import normalize_number
from cases.masking import mask_number
from cases.models import Case, Person
from cases.selectors import people_visible_to
from cases.services import PERSON_TYPE, DuplicatePerson, person_register
from napiter import policy
from napiter.accounts.access import works_with_people
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log
from napiter.spreadsheets import (
    BOLD,
    HEADER_FILL,
    ImportReport,
    RowRejection,
    header_cells,
    workbook_bytes,
)
from napiter.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # the people views and tests use it

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5_000
# A 5 MB zip can unpack to gigabytes; a real sheet of 5,000 people unpacks to a few megabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_EXPORT_ROWS = 10_000
ZIP_MAGIC = b"PK\x03\x04"
DATA_SHEET = "Data orang"
CHOICES_SHEET = "Pilihan"
HELP_SHEET = "Petunjuk"
_STRING_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class ImportColumn:
    field: str  # the PersonRegistrationForm field the cell feeds
    header: str
    help: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    is_date: bool = False
    # Excel turns long numbers into floating point (a 16-digit NIK loses its last digit): text cells only.
    text_only: bool = False


IMPORT_COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("category", "Kategori", "Pilih dari daftar.", True, tuple(Person.Category.choices)),
    ImportColumn("full_name", "Nama lengkap", "Sesuai KTP.", True),
    ImportColumn("aliases", "Nama alias", "Pisahkan dengan koma bila lebih dari satu."),
    ImportColumn("nik", "NIK", "16 digit, sel berformat Teks.", text_only=True),
    ImportColumn("sex", "Jenis kelamin", "L atau P (atau pilih dari daftar).", True, tuple(Person.Sex.choices)),
    ImportColumn("birth_place", "Tempat lahir", ""),
    ImportColumn("birth_date", "Tanggal lahir", "Sel tanggal, atau teks HH-BB-TTTT.", True, is_date=True),
    ImportColumn("kk", "Nomor KK", "16 digit, sel berformat Teks.", text_only=True),
    ImportColumn(
        "relation_to_head",
        "Hubungan dengan kepala keluarga",
        "Wajib bila Nomor KK diisi.",
        choices=tuple(Person.Relation.choices),
    ),
    ImportColumn(
        "domicile_region",
        "Kode desa/kelurahan domisili",
        "Kode Kemendagri 10 digit, mis. 36.73.01.1002.",
        True,
        text_only=True,
    ),
    ImportColumn("address", "Alamat", "Jalan, RT/RW."),
    ImportColumn("phone", "Telepon", "Sel berformat Teks (angka 0 di depan tidak hilang).", text_only=True),
    ImportColumn(
        "legal_basis",
        "Dasar hukum pemrosesan",
        "Pilih dari daftar (UU 27/2022).",
        True,
        tuple(Person.LegalBasis.choices),
    ),
    ImportColumn(
        "consent_date", "Tanggal persetujuan", "Wajib bila dasar pemrosesan adalah persetujuan.", is_date=True
    ),
)
_HEADER_BY_FIELD = {c.field: c.header for c in IMPORT_COLUMNS}


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Indonesian digit grouping: 10.000


def _header_key(value: object) -> str:
    return " ".join(str(value or "").replace("*", " ").split()).lower()


# --- the template ------------------------------------------------------------------------------------


def people_import_template() -> bytes:
    """The .xlsx a caseworker fills in: the data sheet with its headers, drop-downs and text-formatted
    number columns, the allowed values, and a sheet explaining each column."""
    workbook = Workbook()
    data = workbook.active
    assert isinstance(data, Worksheet)
    data.title = DATA_SHEET
    choices = workbook.create_sheet(CHOICES_SHEET)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    choice_column = 0
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        data.column_dimensions[letter].width = max(14, len(column.header) + 4)
        if column.text_only or column.is_date:
            # A column style: cells typed into later take it, so a NIK stays text and a date stays a date.
            data.column_dimensions[letter].number_format = "@" if column.text_only else "DD-MM-YYYY"
        if column.choices:
            choice_column += 1
            choice_letter = get_column_letter(choice_column)
            choices.cell(row=1, column=choice_column, value=column.header).font = BOLD
            for row, (_value, label) in enumerate(column.choices, start=2):
                choices.cell(row=row, column=choice_column, value=label)
            last = len(column.choices) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'{CHOICES_SHEET}'!${choice_letter}$2:${choice_letter}${last}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=column.header,
                error="Pilih salah satu nilai dari daftar.",
            )
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_IMPORT_ROWS + 1}")
    data.freeze_panes = "A2"
    help_sheet.append(["Kolom", "Wajib", "Keterangan", "Nilai yang diterima"])
    for cell in help_sheet[1]:
        cell.font = BOLD
    for column in IMPORT_COLUMNS:
        accepted = "; ".join(f"{label} ({value})" for value, label in column.choices)
        help_sheet.append([column.header, "ya" if column.required else "", column.help, accepted])
    help_sheet.append([])
    help_sheet.append(
        [
            f"Paling banyak {thousands(MAX_IMPORT_ROWS)} baris dan 5 MB per berkas. Semua baris diperiksa dengan "
            "aturan yang sama dengan formulir pendaftaran; bila satu baris saja ditolak, tidak ada yang disimpan "
            "dan laporan penolakan dapat diunduh."
        ]
    )
    for letter, width in (("A", 34), ("B", 8), ("C", 60), ("D", 80)):
        help_sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)


# --- reading an uploaded file ------------------------------------------------------------------------


@dataclass
class SheetRow:
    line: int  # the row number Excel shows
    data: dict[str, str]
    problems: list[str]

    @property
    def name(self) -> str:
        return self.data.get("full_name", "")


# What openpyxl and zipfile raise on a damaged or foreign file, when opening it or later reading its rows.
_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError, ValueError, TypeError, OSError)
UNREADABLE = "Berkas tidak dapat dibaca sebagai berkas Excel .xlsx; mungkin rusak atau format lain."


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _open_workbook(file: IO[bytes], size: int) -> Any:
    """Check that the upload really is a modest .xlsx (by its content, never its name) and open it."""
    if size > MAX_IMPORT_BYTES:
        raise _refuse(f"Berkas terlalu besar ({size / 1024 / 1024:.1f} MB); paling besar 5 MB.")
    file.seek(0)
    if file.read(4) != ZIP_MAGIC:
        raise _refuse("Berkas bukan berkas Excel .xlsx. Unduh templat, isi, lalu simpan sebagai .xlsx.")
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse("Isi berkas Excel terlalu besar setelah dibuka; periksa berkasnya.")
        file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except _UNREADABLE as exc:
        raise _refuse(UNREADABLE) from exc


def _cell_text(column: ImportColumn, value: object) -> tuple[str, str | None]:
    """A cell as the form would receive it typed in, or a problem the form could not see."""
    if value is None:
        return "", None
    if column.is_date:
        if isinstance(value, dt.datetime):
            return value.date().isoformat(), None
        if isinstance(value, dt.date):
            return value.isoformat(), None
        text = str(value).strip()
        for fmt in _STRING_DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat(), None
            except ValueError:
                continue
        return text, None  # the form explains what a date must look like
    if column.text_only and isinstance(value, int | float) and not isinstance(value, bool):
        return "", (
            f"{column.header}: sel berisi angka, bukan teks; Excel dapat mengubah digit terakhir atau membuang "
            "angka 0 di depan. Format sel sebagai Teks lalu ketik ulang."
        )
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else " ".join(str(value).split())
    if column.choices:
        wanted = text.lower()
        for code, label in column.choices:
            if wanted in (code.lower(), label.lower()):
                return code, None
    if column.field == "domicile_region":
        digits = normalize_number(text)
        if len(digits) == 10 and digits.isdigit():
            text = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return text, None


def _read_rows(file: IO[bytes], size: int) -> list[SheetRow]:
    workbook = _open_workbook(file, size)
    try:
        result = _sheet_rows(workbook)
    except _UNREADABLE as exc:
        raise _refuse(UNREADABLE) from exc
    finally:
        workbook.close()
    if not result:
        raise _refuse("Berkas tidak berisi baris data di bawah baris judul.")
    return result


def _sheet_rows(workbook: Any) -> list[SheetRow]:
    """The filled rows of the data sheet (by name, else the first sheet), after checking its header row."""
    sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_header = {c.header.lower(): c for c in IMPORT_COLUMNS}
    positions: dict[int, ImportColumn] = {}
    unknown = []
    for index, title in enumerate(header):
        key = _header_key(title)
        if not key:
            continue
        if key not in by_header:
            unknown.append(str(title))
        elif by_header[key] in positions.values():
            raise _refuse(f"Kolom {by_header[key].header!r} muncul dua kali pada baris judul.")
        else:
            positions[index] = by_header[key]
    missing = [c.header for c in IMPORT_COLUMNS if c.required and c not in positions.values()]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("kolom wajib tidak ada: " + ", ".join(missing))
        if unknown:
            parts.append("kolom tidak dikenal: " + ", ".join(unknown))
        raise _refuse("Baris judul (baris 1) tidak sesuai templat; " + "; ".join(parts) + ".")
    result: list[SheetRow] = []
    for line, values in enumerate(rows, start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue  # rows Excel keeps because they were formatted, not filled
        if len(result) == MAX_IMPORT_ROWS:
            raise _refuse(
                f"Berkas berisi lebih dari {thousands(MAX_IMPORT_ROWS)} baris data; bagi menjadi beberapa berkas."
            )
        data, problems = {}, []
        for index, column in positions.items():
            text, problem = _cell_text(column, values[index] if index < len(values) else None)
            data[column.field] = text
            if problem:
                problems.append(problem)
        result.append(SheetRow(line=line, data=data, problems=problems))
    return result


# --- importing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleImportResult:
    created: int
    warnings: list[str]


class PeopleImportRejected(ValidationError):
    """At least one row was refused, so nothing was saved; `rejections` lists every refused row."""

    def __init__(self, rejections: list[RowRejection], rows: int, named: Sequence[Person] = ()) -> None:
        super().__init__(
            f"{len(rejections)} dari {rows} baris ditolak; tidak ada data yang disimpan. Perbaiki baris yang "
            "ditolak lalu unggah ulang seluruh berkas."
        )
        self.rejections = rejections
        self.rows = rows
        # People already registered whom a refusal names ("NIK ini sudah terdaftar atas nama ..."): whoever
        # shows the rejections logs them (cases.services.person_duplicates_shown).
        self.named = list(named)


def _labelled(errors: Mapping[str, Iterable[Any]]) -> list[str]:
    """Each message with the column it is about, unless it names the column itself ("NIK harus ...")."""
    labelled = []
    for field, messages in errors.items():
        header = _HEADER_BY_FIELD.get(field)
        for message in map(str, messages):
            named = header is None or message.lower().startswith(header.lower())
            labelled.append(message if named else f"{header}: {message}")
    return labelled


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return _labelled(exc.message_dict)
    return list(exc.messages)


def people_import(*, user: User, file: IO[bytes], size: int) -> PeopleImportResult:
    """Register every person in an .xlsx file, or none (PeopleImportRejected names each refused row).

    A file that cannot be an import at all (not .xlsx, over 5 MB or 5,000 rows, wrong headers) raises a
    ValidationError on `file` before anything is registered.
    """
    if user.office is None or not policy.holds(user, "person.register"):
        raise PermissionDenied("Peran Anda tidak dapat mendaftarkan orang.")
    return _register_all(user, _read_rows(file, size))


@transaction.atomic
def _register_all(user: User, rows: list[SheetRow]) -> PeopleImportResult:
    rejections: list[RowRejection] = []
    warnings: list[str] = []
    named: list[Person] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        reasons = list(row.problems)
        form = PersonRegistrationForm(row.data)
        if not form.is_valid():
            reasons += _labelled(form.errors)
        nik = normalize_number(row.data.get("nik", ""))
        if nik and nik in first_line_of:
            reasons.append(f"NIK: sama dengan baris {first_line_of[nik]} pada berkas ini.")
        elif nik:
            first_line_of[nik] = row.line
        if not reasons:
            try:
                # person_register is atomic itself: inside this transaction that is the row's savepoint, so a
                # refused row is undone alone and the rows after it are still checked. (A second savepoint of
                # our own would cost two more round trips per row for nothing.)
                _person, row_warnings = person_register(user=user, data=form.to_input())
            except ValidationError as exc:  # DuplicatePerson included
                reasons += _validation_messages(exc)
                if isinstance(exc, DuplicatePerson) and exc.existing is not None:
                    named.append(exc.existing)
            else:
                warnings += [f"Baris {row.line}: {w}" for w in row_warnings]
        if reasons:
            rejections.append(RowRejection(line=row.line, name=row.name, reasons=tuple(reasons)))
    if rejections:
        raise PeopleImportRejected(rejections, len(rows), named)  # leaving the atomic block rolls every row back
    return PeopleImportResult(created=len(rows), warnings=warnings)


# --- the rejection report ----------------------------------------------------------------------------

PEOPLE_IMPORT_REPORT = ImportReport(scope="cases.people-import-report", name_header="Nama lengkap")
import_report_token = PEOPLE_IMPORT_REPORT.token
import_report_rows = PEOPLE_IMPORT_REPORT.rows
import_report_xlsx = PEOPLE_IMPORT_REPORT.xlsx


# --- export ------------------------------------------------------------------------------------------

EXPORT_HEADERS = (
    "No.", "Nama lengkap", "Kategori", "NIK (disamarkan)", "Jenis kelamin", "Tanggal lahir",
    "Desa/kelurahan domisili", "Kode wilayah", "Tahap kasus berjalan",
)  # fmt: skip
_EVENT_BATCH = 1_000


@dataclass
class PeopleExport:
    file: IO[bytes]  # positioned at the start; the caller closes it (FileResponse does)
    filename: str
    rows: int


def _filter_summary(filters: PersonFilterSet) -> str:
    parts = []
    for name, value in filters.form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = filters.form.fields[name]
        text = str(dict(getattr(field, "choices", ())).get(value, value))
        digits = normalize_number(text)
        if name == "q" and digits.isdigit() and len(digits) == 16:
            text = mask_number(digits)  # a NIK searched for is not written out in clear either
        parts.append(f"{field.label}: {text}")
    return "; ".join(parts) or "tanpa filter"


@transaction.atomic
def people_export(*, user: User, params: Mapping[str, Any], request: HttpRequest | None = None) -> PeopleExport:
    """The people list as `user` sees it with `params` (the list page's filters), as an .xlsx working list.

    The NIK is always masked: the export is a list to work from, not an identity dump. Each exported person
    is an `export` read in the audit trail, written in this transaction, so a file nobody logged is never
    handed out.
    """
    if not works_with_people(user):
        raise PermissionDenied("Peran Anda tidak dapat mengekspor data orang.")
    filters = PersonFilterSet(params, queryset=people_visible_to(user).order_by("full_name", "id"))
    if not filters.is_valid():
        raise ValidationError("Isian filter tidak valid; periksa kembali filter pada daftar orang.")
    people = filters.qs
    total = people.count()
    if total > MAX_EXPORT_ROWS:
        raise ValidationError(
            f"Hasil berisi {thousands(total)} orang, lebih dari batas ekspor {thousands(MAX_EXPORT_ROWS)} baris. "
            "Persempit dengan filter (kategori, wilayah, tahap kasus) lalu ekspor lagi."
        )
    open_stage = Case.objects.filter(person=OuterRef("pk")).exclude(stage=Case.Stage.CLOSED).values("stage")[:1]
    rows = people.select_related("domicile_region").annotate(open_stage=Subquery(open_stage))[:MAX_EXPORT_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Daftar orang")
    for letter, width in zip("ABCDEFGHI", (6, 32, 30, 20, 14, 14, 30, 16, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(header_cells(sheet, EXPORT_HEADERS))
    exported: list[int] = []
    for number, person in enumerate(rows.iterator(chunk_size=2_000), start=1):
        birth = WriteOnlyCell(sheet, value=person.birth_date)
        birth.number_format = "DD-MM-YYYY"
        stage = Case.Stage(person.open_stage).label if person.open_stage else ""
        sheet.append(
            [
                number, person.full_name, person.get_category_display(), mask_number(person.nik or ""),
                person.get_sex_display(), birth, person.domicile_region.name, person.domicile_region_id, stage,
            ]
        )  # fmt: skip
        exported.append(person.pk)
    _log_export(user, exported, request)
    now = timezone.localtime()
    about = workbook.create_sheet("Keterangan")
    for label, value in (
        ("Diekspor oleh", f"{user.get_full_name() or user.get_username()} ({user.get_username()})"),
        ("Kantor", user.office.name if user.office else ""),
        ("Waktu", now.strftime("%d-%m-%Y %H:%M")),
        ("Filter", _filter_summary(filters)),
        ("Jumlah orang", len(exported)),
        (
            "Perhatian",
            "Data pribadi spesifik (UU 27/2022). NIK disamarkan. Setiap orang dalam berkas ini tercatat sebagai "
            "ekspor dalam jejak audit. Jangan diteruskan di luar keperluan dinas.",
        ),
    ):
        about.append([label, value])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return PeopleExport(file=out, filename=f"daftar-orang-{now:%Y%m%d-%H%M}.xlsx", rows=len(exported))


def _log_export(user: User, person_ids: list[int], request: HttpRequest | None) -> None:
    """One `export` read per person. The first goes through access_log, which checks the user and takes the
    snapshot of user, office and address; the rest copy that snapshot and are inserted in batches, so an
    export of 10,000 people costs a handful of statements rather than 10,000 savepoints."""
    if not person_ids:
        return
    first = access_log(
        user=user, action=AccessEvent.Action.EXPORT, obj_type=PERSON_TYPE, obj_id=str(person_ids[0]),
        person_id=person_ids[0], request=request,
    )  # fmt: skip
    snapshot = {
        "user_id": first.user_id, "username": first.username, "office_id": first.office_id,
        "office_name": first.office_name, "ip_address": first.ip_address, "path": first.path,
    }  # fmt: skip
    for start in range(1, len(person_ids), _EVENT_BATCH):
        AccessEvent.objects.bulk_create(
            AccessEvent(
                action=AccessEvent.Action.EXPORT, object_type=PERSON_TYPE, object_id=str(pk), person_id=pk, **snapshot
            )
            for pk in person_ids[start : start + _EVENT_BATCH]
        )
