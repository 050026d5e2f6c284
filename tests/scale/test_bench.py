from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from napiter.scale import benchmarks  # noqa: F401 - registers the benchmarks
from napiter.scale.bench import (
    REGISTRY,
    PeakMemory,
    Row,
    percentile,
    process_tree,
    selected,
    table,
    timed_in_turn,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_peak_memory_sums_a_process_tree_and_lists_it_once_a_second() -> None:
    # A parent holding ~10 MB with a child holding ~100 MB: the peak is their sum, the largest is the child.
    script = (
        "import subprocess, sys, time; a = b'x' * (10 << 20); "
        "c = subprocess.Popen([sys.executable, '-c', 'import time; b = b\\'x\\' * (100 << 20); time.sleep(30)']); "
        "time.sleep(30)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    listings = []

    def tree() -> list[int]:
        listings.append(time.monotonic())
        return process_tree(parent.pid)

    try:
        time.sleep(1.5)  # both have allocated
        with PeakMemory(tree) as peak:
            time.sleep(2.2)
    finally:
        for pid in reversed(process_tree(parent.pid)):
            os.kill(pid, 9)
        parent.wait()
    assert 100 < peak.peak_single_mb < 130
    assert 110 < peak.peak_mb < 170
    assert len(listings) == 3  # at 0, 1 and 2 s: not at each of the ~44 samples


def test_a_measure_and_its_baseline_are_timed_in_turn() -> None:
    calls: list[str] = []

    def baseline() -> None:
        calls.append("b")
        time.sleep(0.002)

    ours, theirs = timed_in_turn([lambda: calls.append("a"), baseline], 3)
    assert calls == ["a", "b"] * 4  # one warm-up round, then three measured
    assert len(ours) == len(theirs) == 3
    assert min(theirs) >= 0.002 > max(ours)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 50) == 50.0
    assert percentile([3.0], 95) == 3.0


def test_table_shows_misses_errors_and_notes() -> None:
    rows = [
        Row("fast", "p95 < 100 ms", 12.0, 40.0, 7, 150.0, "admin p95 400 ms (10.0x)", True, cpu_ref_ms=(21.4, 29.6)),
        Row("slow", "p95 < 100 ms", 90.0, 140.0, 7, 150.0, "", False, note="page 40 costs more"),
        Row("broken", "p95 < 1 s", None, None, None, None, "", False, error="RuntimeError: no server"),
    ]
    text = table(rows)
    lines = text.splitlines()
    assert lines[0].split("|")[1].strip() == "benchmark"
    assert "| fast " in lines[2]
    assert "| yes " in lines[2]
    assert "40 ms" in lines[2]
    assert lines[2].rstrip().endswith("| 21/30 ms |")  # the machine's speed before and after, beside the row
    assert "| no " in lines[3]
    assert "| ERROR " in lines[4]
    assert "- slow: page 40 costs more" in text
    assert "- broken: RuntimeError: no server" in text


def test_bench_smoke_writes_a_row_for_every_benchmark(tmp_path: Path) -> None:
    """The whole `make bench-smoke` path at a tiny scale: own servers, seed, every benchmark, JSON."""
    out = tmp_path / "latest.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "NAPITER_VAR_DIR"}}
    done = subprocess.run(
        [sys.executable, "-m", "napiter.scale", "--people", "200", "--runs", "2", "--load-seconds", "15",
         "--load-users", "2", "--var-dir", str(tmp_path / "data"), "--json", str(out)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads(out.read_text())
    rows = {row["name"]: row for row in report["rows"]}
    assert list(rows) == ["seed_scale 200", *REGISTRY]
    for name in REGISTRY:
        row = rows[name]
        if row["error"].startswith("missing:"):
            continue  # a benchmark whose app is not installed is reported as missing, not run
        assert not row["error"], (name, row["error"])
        assert row["p95_ms"] is not None, name
        assert row["p95_ms"] > 0, name
        before, after = row["cpu_ref_ms"]
        assert 0 < before < 1000, name
        assert 0 < after < 1000, name
        assert isinstance(row["ok"], bool)
    assert report["people"] == 200
    assert report["machine"]
    assert "| person_list_scoped " in done.stdout


def test_only_runs_the_named_benchmarks_in_order_and_refuses_an_unknown_name() -> None:
    assert [b.name for b in selected(None)] == list(REGISTRY)
    assert [b.name for b in selected(["person_page_long_timeline", "person_list_scoped"])] == [
        "person_page_long_timeline",
        "person_list_scoped",
    ]
    with pytest.raises(ValueError, match="unknown benchmark person_search; known: person_list_scoped, "):
        selected(["person_list_scoped", "person_search"])


@pytest.mark.django_db(transaction=True)
def test_dtsen_benchmark_leaves_the_table_as_it_found_it(base_data, tmp_path: Path) -> None:
    """Each run imported another 10k-1M rows and left them; autovacuum then cleaned up during the next
    benchmark. Now the benchmark removes its import (and an interrupted run's) and vacuums first."""
    from cases.models import DtsenRecord, DtsenSnapshot
    from napiter.scale.bench import Context
    from napiter.scale.benchmarks import DTSEN_BENCH_SOURCE, dtsen_import_rows
    from tests.factories import PersonFactory

    PersonFactory.create_batch(3)
    left = DtsenSnapshot.objects.create(snapshot_date=dt.date(2026, 1, 1), source_name=DTSEN_BENCH_SOURCE, row_count=1)
    DtsenRecord.objects.create(snapshot=left, nik="3201010101900001", decile=3)
    before = DtsenRecord.objects.count() - 1

    measure = dtsen_import_rows(Context(200, 1, 1, 1, tmp_path, {}))

    assert measure.ok
    assert measure.note.startswith("10000 rows")
    assert not DtsenSnapshot.objects.filter(source_name=DTSEN_BENCH_SOURCE).exists()
    assert DtsenRecord.objects.count() == before
