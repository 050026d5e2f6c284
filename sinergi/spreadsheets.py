"""Excel (.xlsx) import of action plans: all or nothing, with every refused row and its reasons.

Each row goes through what the form goes through (`ActionPlanForm`, then `plan_create`), in one transaction;
one refused row rolls back the whole file. Choice columns take the code or the label as shown on the form.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from napiter import policy
from napiter.accounts.models import User
from napiter.spreadsheets import ImportReport, RowRejection
from sinergi.forms import ActionPlanForm
from sinergi.models import ActionPlan, MinistryUnit
from sinergi.selectors import user_ministry
from sinergi.services import EDITABLE_FIELDS, plan_create

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
CHOICE_COLUMNS = {
    "plan_type": ActionPlan.PlanType,
    "category": ActionPlan.Category,
    "funding_source": ActionPlan.FundingSource,
    "pillar": ActionPlan.Pillar,
}


# The columns of the first row, as the upload page explains them.
HEADER_HELP = [
    ("unit", "Nama unit (Eselon I/II) persis seperti terdaftar"),
    ("year", "Tahun"),
    ("title", "Judul"),
    ("description", "Uraian (boleh kosong)"),
    ("plan_type", "Fisik / Non-fisik"),
    ("category", "Kategori"),
    ("province", "Kode provinsi, mis. 72"),
    ("regency", "Kode kabupaten/kota, mis. 72.71"),
    ("village", "Kode desa/kelurahan (boleh kosong)"),
    ("target_mitra", "Sasaran mitra deradikalisasi"),
    ("target_families", "Sasaran keluarga"),
    ("target_victims", "Sasaran korban"),
    ("budget", "Anggaran (Rp)"),
    ("funding_source", "APBN / APBD / Lainnya"),
    ("start_on", "Mulai (tanggal)"),
    ("end_on", "Selesai (tanggal)"),
    ("output_indicator", "Indikator keluaran"),
    ("output_target", "Target keluaran"),
    ("output_unit", "Satuan keluaran"),
    ("pillar", "Pilar RAN PE: 1, 2 atau 3"),
]


PLANS_IMPORT_REPORT = ImportReport(scope="sinergi.plans-import-report", name_header="Judul rencana aksi")


class PlansImportRejected(ValidationError):
    """The file was refused; `rows` names every refused row (spreadsheet row numbers) with its reasons."""

    def __init__(self, rows: list[RowRejection]) -> None:
        super().__init__(f"{len(rows)} baris ditolak; tidak ada rencana aksi yang disimpan.")
        self.rows = rows


def _choice(column: str, value: str) -> str:
    choices = CHOICE_COLUMNS[column]
    by_label = {str(label).lower(): code for code, label in choices.choices}
    return by_label.get(value.lower(), value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationError("Berkas bukan berkas Excel (.xlsx) yang dapat dibaca.") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(h).lower() for h in next(rows, ())]
    missing = [c for c in ("unit", "title", "year") if c not in header]
    if missing:
        raise ValidationError(f"Kolom wajib tidak ada pada baris judul: {', '.join(missing)}.")
    data = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or _text(v) == "" for v in values):
            continue
        data.append((number, {h: _text(v) for h, v in zip(header, values, strict=False) if h}))
        if len(data) > MAX_ROWS:
            raise ValidationError(f"Paling banyak {MAX_ROWS} baris per berkas.")
    workbook.close()
    if not data:
        raise ValidationError("Berkas tidak berisi baris rencana aksi.")
    return header, data


@transaction.atomic
def plans_import(*, user: User, file: IO[bytes], size: int) -> list[ActionPlan]:
    ministry = user_ministry(user)
    if ministry is None or not policy.holds(user, "plan.write"):
        raise PermissionDenied("Hanya perencana K/L yang dapat mengimpor rencana aksi.")
    if size > MAX_BYTES:
        raise ValidationError("Berkas lebih dari 5 MB; bagi menjadi beberapa berkas.")
    _header, rows = _rows(file)
    units = {u.name.lower(): u.pk for u in MinistryUnit.objects.filter(ministry=ministry)}
    created: list[ActionPlan] = []
    errors: list[RowRejection] = []
    for number, row in rows:
        data: dict[str, Any] = {f: row.get(f, "") for f in EDITABLE_FIELDS}
        data["unit"] = units.get(row.get("unit", "").lower(), "")
        for column in CHOICE_COLUMNS:
            data[column] = _choice(column, data[column])
        form = ActionPlanForm(data, ministry=ministry)
        if not form.is_valid():
            reasons = [
                f"{form.fields[f].label if f in form.fields else f}: {' '.join(str(m) for m in problems)}"
                for f, problems in form.errors.items()
            ]
            errors.append(RowRejection(line=number, name=row.get("title", ""), reasons=tuple(reasons)))
            continue
        try:
            with transaction.atomic():
                created.append(plan_create(user=user, data=form.cleaned_data))
        except ValidationError as exc:
            errors.append(RowRejection(line=number, name=row.get("title", ""), reasons=tuple(exc.messages)))
    if errors:
        transaction.set_rollback(True)
        raise PlansImportRejected(errors)
    return created
