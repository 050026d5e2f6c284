"""The dashboard's tables as Excel workbooks: counts only, so no person is named or logged."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from dashboards.selectors import GRANT_STAGE_LABELS, STAGES, Dashboard, ProvinceRow

Cell = str | int


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))


def dashboard_workbook(board: Dashboard) -> bytes:
    """One sheet per dashboard table the user's role sees, for the dashboard's period."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, "Periode", ["Periode", "Mulai", "Sampai", "Per tanggal"], [
        [board.period.label, board.period.start.isoformat(), board.period.end.isoformat(), board.today.isoformat()]
    ])  # fmt: skip
    if board.people is not None:
        _sheet(
            workbook,
            "Orang per kategori",
            ["Kategori", "Jumlah orang", *[label for _, label in STAGES]],
            [[r.label, r.total, *[n for _, n in r.stages]] for r in board.people],
        )
    if board.cases is not None and board.overdue is not None:
        _sheet(
            workbook,
            "Kasus",
            ["Ukuran", "Jumlah"],
            [
                ["Orang dengan kasus baru dalam periode", board.cases["opened"]],
                ["Orang dengan kasus ditutup dalam periode", board.cases["closed"]],
                ["Orang dengan kasus terbuka", board.cases["open_now"]],
                # A due list counts its cases; other roles count the people (dashboards.selectors.overdue_counts).
                [
                    "Kunjungan pemantauan terlambat" if board.due_list_scope else "Orang dengan kunjungan terlambat",
                    board.overdue["visits"],
                ],
                [
                    "Peninjauan kasus terlambat" if board.due_list_scope else "Orang dengan peninjauan terlambat",
                    board.overdue["reviews"],
                ],
                ["Asesmen ulang terlambat", board.overdue["assessments"]],
            ],
        )
    if board.grants is not None:
        _sheet(
            workbook,
            "Bantuan",
            ["Ukuran", "Jumlah"],
            [
                *[(label, board.grants[key]) for key, label in GRANT_STAGE_LABELS.items()],
                ["Terdaftar dalam periode", board.grants["registered_in_period"]],
                ["Disalurkan dalam periode", board.grants["delivered_in_period"]],
                ["Anggaran ditetapkan (Rp)", board.grants["committed"]],
                ["Anggaran disalurkan (Rp)", board.grants["delivered_value"]],
            ],
        )
    if board.levels is not None:
        _sheet(
            workbook,
            "Tingkat asesmen",
            ["Tingkat", "Jumlah orang", "Membaik", "Memburuk", "Tetap", "Asesmen pertama"],
            [[r.label, r.total, r.improved, r.worsened, r.unchanged, r.first] for r in board.levels],
        )
    if board.plans is not None and board.realisation is not None:
        _sheet(
            workbook,
            "Rencana aksi",
            ["Status", "Jumlah rencana", "Anggaran (Rp)"],
            [[r.label, r.plans, r.budget] for r in board.plans],
        )
        _sheet(
            workbook,
            "Realisasi",
            ["Ukuran", "Jumlah"],
            [
                ["Anggaran terserap (Rp)", board.realisation["spent"]],
                ["Penerima manfaat terjangkau", board.realisation["reached"]],
                ["Rencana yang melapor", board.realisation["reporting_plans"]],
            ],
        )
    return _save(workbook)


PROVINCE_HEADERS = (
    "Kode", "Provinsi", "Orang", "Kasus terbuka", "Kasus baru", "Kasus ditutup", "Orang dengan kunjungan terlambat",
    "Orang dengan peninjauan terlambat", *GRANT_STAGE_LABELS.values(), "Anggaran ditetapkan (Rp)",
    "Anggaran disalurkan (Rp)", "Rencana aksi", "Rencana disepakati", "Anggaran rencana (Rp)",
)  # fmt: skip


def province_workbook(rows: list[ProvinceRow], *, period_label: str) -> bytes:
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        "Provinsi",
        PROVINCE_HEADERS,
        [
            [
                r.code,
                r.name,
                r.people,
                r.open_cases,
                r.opened,
                r.closed,
                r.visits_overdue,
                r.reviews_overdue,
                *[r.grants[k] for k in GRANT_STAGE_LABELS],
                r.grants["committed"],
                r.grants["delivered_value"],
                r.plans,
                r.plans_agreed,
                r.plan_budget,
            ]
            for r in rows
        ],
    )
    _sheet(workbook, "Periode", ["Periode kasus baru/ditutup"], [[period_label]])
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
