"""Benchmark, not a test: render + sign time of the case report, p50/p95 over BENCH_N runs (default 20).

Run by `make bench` (`pytest -s tests/documents/bench_case_report.py`); the file name keeps it out of the
normal test run. Each run requests a report about a case with a realistic history (stage changes, a year
of fortnightly visits), renders it as the worker does, and signs it with the supervisor's demo key.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import statistics
import time

import pytest

from cases.models import CaseStageChange, Visit
from napiter.documents.models import Document
from napiter.documents.services import document_render, document_sign
from tests.documents.factories import ensure_test_pki, request_case_report
from tests.factories import CaseFactory

RUNS = int(os.environ.get("BENCH_N", "20"))


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _case_with_history(cast):
    case = CaseFactory(atensi_planned=["hidup_layak", "dukungan_keluarga", "vokasional"], atensi_given=["hidup_layak"])
    for from_stage, to_stage in [("", "identifikasi"), ("identifikasi", "rehabilitasi"), ("rehabilitasi", "reedukasi")]:
        CaseStageChange.objects.create(
            case=case, from_stage=from_stage, to_stage=to_stage, changed_by=cast.banten_kabid, note="Hasil telaah"
        )
    for n in range(26):
        Visit.objects.create(
            case=case,
            visited_on=dt.date(2026, 1, 5) + dt.timedelta(days=14 * n),
            place="Rumah keluarga",
            findings="Klien kooperatif; usaha berjalan; keluarga mendukung proses reintegrasi.",
            visited_by=cast.banten_pendamping,
        )
    return case


@pytest.mark.django_db
def test_benchmark_render_and_sign(cast) -> None:
    ensure_test_pki()
    case = _case_with_history(cast)
    render_times: list[float] = []
    sign_times: list[float] = []
    pages = 0
    for _ in range(RUNS + 1):  # the first run warms caches (templates, fonts, the stamp font subset)
        document = request_case_report(case=case, recommendation="Dilanjutkan ke tahap reintegrasi sosial.")
        started = time.perf_counter()
        rendered = document_render(document_id=document.pk)
        rendered_at = time.perf_counter()
        signed = document_sign(user=cast.banten_kabid, document_id=document.pk)
        done = time.perf_counter()
        assert rendered is not None
        assert signed.status == Document.Status.SIGNED
        pages = rendered.page_count or 0
        render_times.append(rendered_at - started)
        sign_times.append(done - rendered_at)
    render_times, sign_times = render_times[1:], sign_times[1:]
    totals = [r + s for r, s in zip(render_times, sign_times, strict=True)]
    print(
        f"\nlaporan_kasus ({pages} halaman), n={RUNS}: "
        f"render+sign p50 {statistics.median(totals):.2f} s, p95 {_percentile(totals, 95):.2f} s, "
        f"max {max(totals):.2f} s | render p95 {_percentile(render_times, 95):.2f} s, "
        f"sign p95 {_percentile(sign_times, 95):.2f} s"
    )
    assert len(totals) == RUNS
