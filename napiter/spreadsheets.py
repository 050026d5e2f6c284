"""What every Excel (.xlsx) import shares: the refused-row report a user downloads after an import was rejected.

An import that refuses a file lists each refused row on the page; the full list also comes as a spreadsheet.
Nothing is stored on the server for that: the page carries the refused rows signed for the user who uploaded
(`ImportReport.token`), and the download posts them back (`ImportReport.rows`, then `ImportReport.xlsx`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from napiter.accounts.models import User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
REPORT_MAX_AGE = dt.timedelta(days=1)


def workbook_bytes(workbook: Workbook) -> bytes:
    with tempfile.TemporaryFile() as out:
        workbook.save(out)
        out.seek(0)
        return out.read()


def header_cells(sheet: Any, titles: Iterable[str]) -> list[WriteOnlyCell]:
    """The header row of a write-only sheet: bold on a light fill."""
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cells.append(cell)
    return cells


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class RowRejection:
    line: int  # the row number Excel shows
    name: str  # what names the row to its author (a person's name, a plan's title)
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    """The refused-row report of one kind of import.

    `scope` names the import in the signature, so a token of one import is no token of another; the user's id
    is added, so a token only ever yields its own user's report. `name_header` titles the column of `name`.
    """

    scope: str
    name_header: str

    def _salt(self, user: User) -> str:
        return f"{self.scope}:{user.pk}"

    def token(self, *, user: User, rejections: list[RowRejection]) -> str:
        """The refused rows, signed for this user, for the page's "download report" button to post back.

        The report holds only what the user's own file said and why it was refused, and the signature keeps
        the download from producing anything else.
        """
        payload = [[r.line, r.name, list(r.reasons)] for r in rejections]
        return signing.dumps(payload, salt=self._salt(user), compress=True)

    def rows(self, *, user: User, token: str) -> list[RowRejection]:
        try:
            payload = signing.loads(token, salt=self._salt(user), max_age=REPORT_MAX_AGE)
        except signing.BadSignature as exc:  # SignatureExpired included
            raise ValidationError("Laporan tidak valid atau sudah kedaluwarsa; unggah ulang berkas.") from exc
        return [
            RowRejection(line=int(line), name=str(name), reasons=tuple(map(str, reasons)))
            for line, name, reasons in payload
        ]

    def xlsx(self, rejections: list[RowRejection]) -> bytes:
        """One sheet row per reason: the Excel row number, what names the row, why it was refused."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Baris ditolak")
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 100
        sheet.append(header_cells(sheet, ["Baris", self.name_header, "Alasan penolakan"]))
        for rejection in rejections:
            for reason in rejection.reasons:
                sheet.append([rejection.line, rejection.name, reason])
        return workbook_bytes(workbook)
