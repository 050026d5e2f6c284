"""The benchmark harness behind `make bench`: a registry of small measuring functions, a runner, a table.

    python -m napiter.scale                      # BENCH_PEOPLE (default 1,000,000) people
    python -m napiter.scale --people 2000 --runs 5 --load-seconds 20 --load-users 10   # make bench-smoke

The runner starts its own embedded PostgreSQL and Valkey under `var/bench-<people>/` on free loopback
ports (the data stays, so the next run skips the seed: seed_scale is idempotent), migrates, loads regions,
the demo and the scale set, runs every registered benchmark, prints the table and writes JSON to
`var/bench/latest.json`. Benchmarks are measurements, not tests: a missed target shows as `ok = no` and
the exit status stays 0; only a benchmark that could not run at all (an error) fails the run.

A benchmark is one function decorated with `@benchmark(name, target=...)` taking the Context and
returning a Measure; percentiles, the table and the JSON are the harness's business.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass
class Context:
    people: int
    runs: int
    load_seconds: int
    load_users: int
    var_dir: Path
    env: dict[str, str]  # DATABASE_URL, REDIS_URL, NAPITER_VAR_DIR for the servers the runner started


@dataclass
class Measure:
    """What a benchmark hands back: timings in seconds, or a single duration for one-shot jobs."""

    samples: list[float]
    ok: bool
    queries: int | None = None
    peak_mb: float | None = None
    baseline: str = ""
    note: str = ""
    p50: float | None = None  # for tools that report percentiles rather than samples (locust)
    p95: float | None = None


@dataclass
class Row:
    name: str
    target: str
    p50_ms: float | None
    p95_ms: float | None
    queries: int | None
    peak_mb: float | None
    baseline: str
    ok: bool
    note: str = ""
    error: str = ""
    cpu_ref_ms: tuple[float, float] | None = None  # cpu_reference_ms() just before and just after the benchmark


@dataclass
class Benchmark:
    name: str
    target: str
    func: Callable[[Context], Measure]
    needs: tuple[str, ...] = field(default_factory=tuple)  # apps that must be installed, else reported missing


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, target: str, needs: tuple[str, ...] = ()
) -> Callable[[Callable[[Context], Measure]], Callable[[Context], Measure]]:
    def register(func: Callable[[Context], Measure]) -> Callable[[Context], Measure]:
        REGISTRY[name] = Benchmark(name, target, func, needs)
        return func

    return register


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def timed(func: Callable[[], object], runs: int, *, warmup: int = 1) -> list[float]:
    return timed_in_turn([func], runs, warmup=warmup)[0]


def timed_in_turn(funcs: list[Callable[[], object]], runs: int, *, warmup: int = 1) -> list[list[float]]:
    """Each function's samples, the functions called in turn (a, b, a, b, ...): a measure and its baseline
    share whatever else the machine was doing, rather than one getting a quiet minute and the other a busy one."""
    for _ in range(warmup):
        for func in funcs:
            func()
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for func, times in zip(funcs, samples, strict=True):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
    return samples


def _rss_mb(pids: list[int]) -> list[float]:
    """The resident memory of each process still running, in MB."""
    sizes = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sizes


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (gunicorn and Celery fork their workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


class PeakMemory:
    """Samples the resident memory of some processes every 50 ms; `peak_mb` is the largest sum seen, and
    `peak_single_mb` the largest single process. The list of processes is asked for once a second: walking
    /proc twenty times a second cost the load benchmark a tenth of a core beside the server it measures."""

    SAMPLE_SECONDS = 0.05
    LIST_SECONDS = 1.0

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self._pids = pids
        self.peak_mb = 0.0
        self.peak_single_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        listed_at = -self.LIST_SECONDS
        pids: list[int] = []
        while not self._stop.is_set():
            if time.monotonic() - listed_at >= self.LIST_SECONDS:
                pids, listed_at = self._pids(), time.monotonic()
            sizes = _rss_mb(pids)
            self.peak_mb = max(self.peak_mb, sum(sizes))
            self.peak_single_mb = max([self.peak_single_mb, *sizes])
            self._stop.wait(self.SAMPLE_SECONDS)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def own_peak_memory() -> Iterator[PeakMemory]:
    with PeakMemory(lambda: [os.getpid()]) as peak:
        yield peak


def cpu_reference_ms() -> float:
    """The time of a fixed pure-Python workload, best of three: the same on a given machine when it has its
    cores to itself. On a shared host the benchmarks slow down with it (other tenants' load), so the table
    shows it beside each benchmark, taken before and after, to tell a slower program from a slower machine."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(300_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def selected(only: list[str] | None) -> list[Benchmark]:
    """The benchmarks `--only` names, in its order (all of them without it); an unknown name is an error."""
    if only is None:
        return list(REGISTRY.values())
    unknown = [name for name in only if name not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    return [REGISTRY[name] for name in only]


def run_one(bench: Benchmark, ctx: Context) -> Row:
    before = cpu_reference_ms()
    row = _measure(bench, ctx)
    row.cpu_ref_ms = (before, cpu_reference_ms())
    return row


def _measure(bench: Benchmark, ctx: Context) -> Row:
    from django.apps import apps

    missing = [app for app in bench.needs if not apps.is_installed(app)]
    if missing:
        return Row(bench.name, bench.target, None, None, None, None, "", False, error=f"missing: {', '.join(missing)}")
    try:
        with own_peak_memory() as peak:
            measure = bench.func(ctx)
    except Exception as exc:  # a benchmark that cannot run is reported in its row, the others still run
        traceback.print_exc()
        return Row(bench.name, bench.target, None, None, None, None, "", False, error=f"{type(exc).__name__}: {exc}")
    samples = measure.samples
    p50 = statistics.median(samples) if samples else measure.p50
    p95 = percentile(samples, 95) if samples else measure.p95
    return Row(
        name=bench.name,
        target=bench.target,
        p50_ms=None if p50 is None else round(p50 * 1000, 1),
        p95_ms=None if p95 is None else round(p95 * 1000, 1),
        queries=measure.queries,
        peak_mb=round(measure.peak_mb if measure.peak_mb is not None else peak.peak_mb, 1),
        baseline=measure.baseline,
        ok=measure.ok,
        note=measure.note,
    )


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f} s" if value >= 10_000 else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def table(rows: list[Row]) -> str:
    header = ("benchmark", "p50", "p95", "queries", "peak MB", "target", "baseline", "ok", "cpu ref")
    lines = [
        (
            r.name,
            _ms(r.p50_ms),
            _ms(r.p95_ms),
            "-" if r.queries is None else str(r.queries),
            "-" if r.peak_mb is None else f"{r.peak_mb:.0f}",
            r.target,
            r.baseline or "-",
            "yes" if r.ok else ("ERROR" if r.error else "no"),
            "-" if r.cpu_ref_ms is None else "/".join(f"{ms:.0f}" for ms in r.cpu_ref_ms) + " ms",
        )
        for r in rows
    ]
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(header)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in lines]
    notes = [f"- {r.name}: {r.error or r.note}" for r in rows if r.error or r.note]
    return "\n".join(out + (["", *notes] if notes else []))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, {platform.system()} {platform.release()}"
    )


def _start_services(var_dir: Path) -> Any:
    from napiter.devservices import DevServices, free_port

    services = DevServices(var_dir, pg_port=free_port(), redis_port=free_port(), use_environment=False)
    services.start()
    return services


def _prepare(ctx: Context, out: Callable[[str], None]) -> float | None:
    """Schema, regions, demo, PKI and the scale set; returns the seed time if the set was built now."""
    from django.core.management import call_command

    from napiter.scale.seed import seed_scale

    call_command("migrate", "--noinput", run_syncdb=True, verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("ensure_demo_pki", verbosity=0)
    started = time.monotonic()
    result = seed_scale(
        people=ctx.people, progress=lambda m: out(f"  seed_scale [{time.monotonic() - started:.0f} s]: {m}")
    )
    return time.monotonic() - started if result.created else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m napiter.scale")
    parser.add_argument("--people", type=int, default=int(os.environ.get("BENCH_PEOPLE", "1000000")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "50")))
    parser.add_argument("--load-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS", "120")))
    parser.add_argument("--load-users", type=int, default=int(os.environ.get("BENCH_LOAD_USERS", "100")))
    parser.add_argument("--only", nargs="*", default=None, help="names of the benchmarks to run")
    parser.add_argument("--var-dir", type=Path, default=None, help="data directory (default var/bench-<people>)")
    parser.add_argument("--json", type=Path, default=BASE_DIR / "var" / "bench" / "latest.json")
    args = parser.parse_args(argv)

    var_dir = (args.var_dir or BASE_DIR / "var" / f"bench-{args.people}").resolve()
    services = _start_services(var_dir)
    try:
        env = {**services.environ(), "NAPITER_VAR_DIR": str(var_dir)}
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "napiter.settings")
        import django

        django.setup()
        for noisy in ("axes", "fontTools", "weasyprint", "pyhanko", "celery"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        from napiter.scale import benchmarks  # noqa: F401 - registers the benchmarks

        try:
            chosen = selected(args.only)
        except ValueError as error:
            parser.error(str(error))
        ctx = Context(args.people, args.runs, args.load_seconds, args.load_users, var_dir, env)

        def out(message: str) -> None:
            print(message, flush=True)

        out(f"bench: {args.people} people, {args.runs} runs, data in {var_dir}")
        seeded = _prepare(ctx, out)
        rows: list[Row] = []
        if seeded is not None:
            rows.append(
                Row(
                    f"seed_scale {args.people}",
                    "1M in minutes",
                    round(seeded * 1000),
                    round(seeded * 1000),
                    None,
                    None,
                    "",
                    True,
                )
            )
        for bench in chosen:
            out(f"  running {bench.name} ...")
            rows.append(run_one(bench, ctx))
        text = table(rows)
        out("\n" + machine() + "\n" + text)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "people": args.people,
                    "runs": args.runs,
                    "machine": machine(),
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "rows": [asdict(r) for r in rows],
                },
                indent=2,
            )
        )
        out(f"JSON: {args.json}")
        return 1 if any(r.error and not r.error.startswith("missing:") for r in rows) else 0
    finally:
        from django.db import connections

        connections.close_all()
        services.stop()
