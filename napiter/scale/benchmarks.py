"""The benchmarks of `make bench`, one function each (see bench.py for the harness and the registry).

Every page is requested through Django's test client with the whole middleware stack (sessions, two-step
verification, audit logging), as the scale users made by seed_scale: `skala.pendamping.36` (Dinsos
Banten, a province of the scale set) for the scoped list and `skala.nasional` (a national Kemensos
office) for the national one.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from napiter.accounts.models import User
from napiter.scale.bench import (
    BASE_DIR,
    Context,
    Measure,
    PeakMemory,
    benchmark,
    own_peak_memory,
    percentile,
    process_tree,
    timed,
    timed_in_turn,
)
from napiter.scale.seed import NATIONAL_SUPERVISOR, NATIONAL_USER, USERNAME_PREFIX, long_timeline_person_id

SCOPED_USER = f"{USERNAME_PREFIX}pendamping.36"
ADMIN_USER = f"{USERNAME_PREFIX}admin"
SEARCH_TERMS = ("ahmad hidyat", "siti rahmn", "budi santso", "dewi lestar", "nugroho", "fatimah siregr")
PAGE_TARGET_S = 0.100
ADMIN_FACTOR = 5


def client_for(user: User) -> Client:
    """A logged-in client; for a two-step role, with a session that has passed the check."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from napiter.accounts.security import confirmed_devices, needs_two_factor

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if needs_two_factor(user):
        device = confirmed_devices(user).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: {response.status_code}")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def _admin_client() -> Client:
    admin = User.objects.filter(username=ADMIN_USER).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_USER, password=None)
    return client_for(admin)


def _person_list(ctx: Context, username: str) -> Measure:
    client = client_for(User.objects.get(username=username))
    url = reverse("cases:person-list")
    admin = _admin_client()
    admin_url = reverse("admin:cases_person_changelist")
    samples, admin_samples = timed_in_turn([lambda: _get(client, url), lambda: _get(admin, admin_url)], ctx.runs)
    first, later = _queries(client, url), _queries(client, f"{url}?hal=40")
    ours, theirs = percentile(samples, 95), percentile(admin_samples, 95)
    return Measure(
        samples,
        ok=ours < PAGE_TARGET_S and first == later and theirs >= ADMIN_FACTOR * ours,
        queries=first,
        baseline=f"admin p95 {theirs * 1000:.0f} ms ({theirs / ours:.1f}x)",
        note="" if first == later else f"query count differs by page: {first} on page 1, {later} on page 40",
    )


@benchmark("person_list_scoped", target="p95 < 100 ms, >= 5x admin")
def person_list_scoped(ctx: Context) -> Measure:
    return _person_list(ctx, SCOPED_USER)


@benchmark("person_list_national", target="p95 < 100 ms, >= 5x admin")
def person_list_national(ctx: Context) -> Measure:
    return _person_list(ctx, NATIONAL_USER)


@benchmark("person_search_trigram", target="p95 < 100 ms")
def person_search_trigram(ctx: Context) -> Measure:
    """Names with typos, as the national user (the widest scope)."""
    client = client_for(User.objects.get(username=NATIONAL_USER))
    url = reverse("cases:person-list")
    terms = iter(SEARCH_TERMS * (ctx.runs + 1))
    samples = timed(lambda: _get(client, f"{url}?q={next(terms)}"), ctx.runs)
    return Measure(samples, ok=percentile(samples, 95) < PAGE_TARGET_S, queries=_queries(client, f"{url}?q=nugroho"))


@benchmark("person_page_long_timeline", target="p95 < 150 ms")
def person_page_long_timeline(ctx: Context) -> Measure:
    from cases.models import Visit

    person_id = long_timeline_person_id()
    assert person_id is not None, "seed_scale has not run"
    client = client_for(User.objects.get(username=NATIONAL_USER))
    url = reverse("cases:person-detail", args=[person_id])
    samples = timed(lambda: _get(client, url), ctx.runs)
    visits = Visit.objects.filter(case__person_id=person_id).count()
    return Measure(
        samples, ok=percentile(samples, 95) < 0.150, queries=_queries(client, url), note=f"{visits} visits on the page"
    )


@contextmanager
def _as_worker_process() -> Iterator[None]:
    """This process set up as a Celery worker process is at its start (napiter.celery), for as long as a
    benchmark renders documents "as the worker would"; undone afterwards for the benchmarks that follow."""
    from napiter.celery import freeze_startup_objects

    freeze_startup_objects()
    try:
        yield
    finally:
        gc.unfreeze()


@benchmark("due_list_page", target="p95 < 300 ms")
def due_list_page(ctx: Context) -> Measure:
    """The due list's first page for the Banten caseworker, who in the scale set answers for every open case
    of the province (tens of thousands; a real caseworker has tens): the page is a LIMIT of the ordered
    reviews and visits, but the order still needs each case's latest visit."""
    from cases.models import Case

    user = User.objects.get(username=SCOPED_USER)
    client = client_for(user)
    url = reverse("cases:due-list")
    samples = timed(lambda: _get(client, url), ctx.runs)
    open_cases = Case.objects.filter(caseworker=user).exclude(stage=Case.Stage.CLOSED).count()
    return Measure(
        samples,
        ok=percentile(samples, 95) < 0.300,
        queries=_queries(client, url),
        note=f"{open_cases} open cases on this caseworker's list, 25 rows a page",
    )


@benchmark("bast_render_sign", target="p95 < 400 ms")
def bast_render_sign(ctx: Context) -> Measure:
    """A BAST of a demo grant in Banten, rendered and signed in this process as the worker would."""
    from assistance.models import Grant
    from napiter.documents.models import Document
    from napiter.documents.services import document_render, document_request, document_sign

    grant = (
        Grant.objects.filter(is_demo=True, office__code="DINSOS-BTN", status__in=Grant.DELIVERED_STATUSES)
        .select_related("approved_by")
        .order_by("id")
        .first()
    )
    if grant is None or grant.approved_by is None:
        raise RuntimeError("seed_demo has no delivered grant in Banten")
    requester = User.objects.get(username="dinsos.banten.pendamping")
    signer = grant.approved_by

    def once() -> None:
        document = document_request(user=requester, kind="bast", subject_id=grant.pk)
        document_render(document_id=document.pk)
        if document_sign(user=signer, document_id=document.pk).status != Document.Status.SIGNED:
            raise AssertionError("BAST not signed")

    with _as_worker_process():
        samples = timed(once, max(5, ctx.runs // 3))
    # The target is for an idle machine: the load says how idle it was.
    return Measure(samples, ok=percentile(samples, 95) < 0.400, note=f"load average {os.getloadavg()[0]:.1f}")


def _dtsen_csv(rows: int, niks: list[str]) -> bytes:
    """An extract of `rows` rows: the given NIKs, then people not in the system, each NIK once."""
    rng = random.Random(11)  # noqa: S311 - reproducible benchmark data, not a secret
    seen = set(niks[:rows])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("nik", "desil", "flag_terorisme", "flag_judi_daring"))
    for nik in niks[:rows]:
        writer.writerow((nik, rng.randint(1, 10), 0, 0))
    serial = 0
    while len(seen) < rows:
        serial += 1
        birth = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(60, 99)}"
        nik = f"3201{rng.randint(1, 40):02d}{birth}{serial % 9999 + 1:04d}"
        if nik not in seen:
            seen.add(nik)
            writer.writerow((nik, rng.randint(1, 10), int(rng.random() < 0.001), int(rng.random() < 0.002)))
    return out.getvalue().encode()


DTSEN_BENCH_SOURCE = "bench.csv"


def _remove_bench_imports() -> None:
    """The benchmark's own DT-SEN imports, then a VACUUM ANALYZE of the table and a CHECKPOINT: every run
    imports into the same table (they added a million rows each), and the next benchmark shares the cores
    and the disk neither with autovacuum cleaning up after this one nor with writing out its pages."""
    from cases.models import DtsenRecord, DtsenSnapshot

    snapshots = DtsenSnapshot.objects.filter(source_name=DTSEN_BENCH_SOURCE)
    DtsenRecord.objects.filter(snapshot__in=snapshots).delete()
    snapshots.delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {DtsenRecord._meta.db_table}")
        cursor.execute("CHECKPOINT")


@benchmark("dtsen_import", target="1M rows < 60 s")
def dtsen_import_rows(ctx: Context) -> Measure:
    from cases.dtsen import dtsen_import
    from cases.models import Person

    rows = 1_000_000 if ctx.people >= 1_000_000 else max(10_000, ctx.people * 5)
    niks = [nik for nik in Person.objects.exclude(nik=None).values_list("nik", flat=True)[:rows] if nik]
    data = _dtsen_csv(rows, niks)
    _remove_bench_imports()  # an interrupted run's
    started = time.perf_counter()
    snapshot = dtsen_import(
        user=None, file=io.BytesIO(data), source_name=DTSEN_BENCH_SOURCE, snapshot_date=dt.date.today()
    )
    elapsed = time.perf_counter() - started
    assert snapshot.row_count == rows
    _remove_bench_imports()
    per_million = elapsed * 1_000_000 / rows
    return Measure(
        [elapsed],
        ok=per_million < 60,
        note=f"{rows} rows" + ("" if rows == 1_000_000 else f", {per_million:.0f} s per 1M"),
    )


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _warm_up(port: int, targets: Path) -> None:
    """Every gunicorn process serves each page a few times first: the workers import the application and
    compile the templates lazily. Eight at a time, so that the requests reach every process, not only the
    first to accept."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    work = next(iter(json.loads(targets.read_text()).values()))
    cookie = f"{settings.SESSION_COOKIE_NAME}={work['session']}"

    def get(path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own local server
            if response.status != 200:
                raise RuntimeError(f"warm-up GET {path}: {response.status}")

    paths = ["/orang/", f"/orang/{work['people'][0]}/", f"/orang/kasus/{work['cases'][0]}/", "/orang/?q=ahmad"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(get, paths * 16))


def _load_targets(path: Path) -> None:
    """For every scale caseworker: people and cases of their province, for the simulated users to open."""
    from cases.models import Case, Person
    from napiter.scale.seed import OFFICE_PREFIX

    targets = {}
    for user in User.objects.filter(username__startswith=f"{USERNAME_PREFIX}pendamping.").select_related("office"):
        office = user.office
        if office is None or not office.code.startswith(OFFICE_PREFIX):
            continue
        people = list(
            Person.objects.filter(registered_by_office=office).order_by("id").values_list("id", flat=True)[:300]
        )
        cases = list(Case.objects.filter(office=office).order_by("id").values_list("id", flat=True)[:300])
        if people and cases:
            # Signed in beforehand: the load is the caseworkers' pages, not a burst of password hashes.
            session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
            targets[user.username] = {"people": people, "cases": cases, "session": session}
    if not targets:
        raise RuntimeError("no scale caseworker has people to work on: has seed_scale run?")
    path.write_text(json.dumps(targets))


@benchmark("load_caseworkers", target="p95 < 300 ms, 0 errors")
def load_caseworkers(ctx: Context) -> Measure:
    """ctx.load_users simulated caseworkers (locust) against gunicorn, started as `make run` starts it."""
    from napiter.devservices import GUNICORN_OPTIONS, free_port

    bin_dir = Path(sys.executable).parent
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        targets = Path(tmp) / "targets.json"
        _load_targets(targets)
        env = {
            **os.environ,
            **ctx.env,
            "BENCH_LOAD_TARGETS": str(targets),
            "BENCH_SESSION_COOKIE": settings.SESSION_COOKIE_NAME,
        }
        log = (ctx.var_dir / "load-gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "napiter.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN_OPTIONS,
             "--log-level", "warning"],
            env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_port(port, server)
            _warm_up(port, targets)
            prefix = Path(tmp) / "locust"
            with PeakMemory(lambda: process_tree(server.pid)) as peak:
                subprocess.run(
                    [str(bin_dir / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                     "-u", str(ctx.load_users), "-r", str(max(1, ctx.load_users // 10)), "-t", f"{ctx.load_seconds}s",
                     "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
                     "--loglevel", "WARNING", "--exit-code-on-error", "0", "--stop-timeout", "30"],
                    env=env, cwd=BASE_DIR, check=True, stdout=subprocess.DEVNULL,
                )  # fmt: skip
            with (prefix.parent / "locust_stats.csv").open() as stats_file:
                stats = list(csv.DictReader(stats_file))
            total = next(r for r in stats if r["Name"] == "Aggregated")
            with (prefix.parent / "locust_failures.csv").open() as failures_file:
                kinds = [f"{r['Occurrences']}x {r['Name']}: {r['Error']}" for r in csv.DictReader(failures_file)]
        finally:
            _stop(server)
            log.close()
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    if not requests:
        return Measure([], ok=False, note=f"{ctx.load_users} users, {ctx.load_seconds} s: no request completed")
    p50, p95 = float(total["50%"]) / 1000, float(total["95%"]) / 1000
    return Measure(
        [],
        ok=p95 < 0.300 and failures == 0 and requests > 0,
        peak_mb=peak.peak_mb,
        p50=p50,
        p95=p95,
        note=f"{ctx.load_users} users, {ctx.load_seconds} s: {requests} requests, {failures} failures, "
        f"{float(total['Requests/s']):.1f} req/s; p50/p95 ms by page: "
        + ", ".join(f"{r['Name']} {r['50%']}/{r['95%']}" for r in stats if r["Name"] != "Aggregated")
        + f"; peak MB is gunicorn's (log: {ctx.var_dir / 'load-gunicorn.log'})"
        + "".join(f"; {kind}" for kind in kinds[:3]),
    )


@contextmanager
def _tile_times(samples: dict[str, list[float]]) -> Iterator[None]:
    """Each dashboard tile's time as the page serves it (from the cache or computed live), recorded under
    "<tile>" while the block runs: the page's own `tile` call, timed around."""
    from dashboards import selectors

    served = selectors.tile

    def timed_tile(name: str, compute: Callable[[], Any], **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return served(name, compute, **kwargs)
        finally:
            samples.setdefault(name, []).append(time.perf_counter() - started)

    selectors.tile = timed_tile
    try:
        yield
    finally:
        selectors.tile = served


@benchmark("dashboard_tiles", target="each tile p95 < 300 ms, national and province", needs=("dashboards",))
def dashboard_tiles(ctx: Context) -> Measure:
    """Each tile of the dashboard page as served to the national caseworker, whose tiles come from the cache
    beat keeps warm (dashboards/cache.py; warmed here first, as beat does), and to the Banten caseworker,
    whose province is computed live on every request. The row shows the slowest tile; the note gives every
    tile, both whole pages, and each national tile's cold computation, which the beat task and the
    national periodic report pay."""
    from dashboards import selectors as tiles
    from dashboards.cache import warm_national
    from dashboards.periods import MONTHLY, period_of

    national = User.objects.get(username=NATIONAL_USER)
    today = dt.date.today()
    period = period_of(MONTHLY, today)
    cold = {
        "people_by_category_stage": lambda: tiles.people_by_category_stage(national),
        "case_flow": lambda: tiles.case_flow(national, period),
        "overdue_case_counts": lambda: tiles.overdue_case_counts(national, today),
        "grant_totals": lambda: tiles.grant_totals(national, period),
        "assessment_levels": lambda: tiles.assessment_levels(national, today),
        "province_rows": lambda: tiles.province_rows(national, period=period, today=today),
    }
    cold_ms = {name: max(timed(func, 2, warmup=0)) * 1000 for name, func in cold.items()}
    started = time.perf_counter()
    warm_national(today)
    warm_s = time.perf_counter() - started
    url = reverse("dashboards:home")
    pages: dict[str, list[float]] = {}
    served: dict[tuple[str, str], list[float]] = {}
    for label, username in (("national", NATIONAL_USER), ("province", SCOPED_USER)):
        client = client_for(User.objects.get(username=username))
        _get(client, url)  # warm-up, untimed
        samples: dict[str, list[float]] = {}
        with _tile_times(samples):
            pages[label] = timed(partial(_get, client, url), ctx.runs, warmup=0)
        served.update({(label, name): times for name, times in samples.items()})
    slowest = max(served, key=lambda key: percentile(served[key], 95))
    return Measure(
        served[slowest],
        ok=all(percentile(times, 95) < 0.300 for times in served.values()),
        note=f"slowest tile: {slowest[1]} ({slowest[0]}); tile p95 "
        + ", ".join(f"{name} ({label}) {percentile(t, 95) * 1000:.0f} ms" for (label, name), t in served.items())
        + "; whole page p95 "
        + ", ".join(f"{label} {percentile(samples, 95) * 1000:.0f} ms" for label, samples in pages.items())
        + "; national tiles cold (worst of 2): "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in cold_ms.items())
        + f"; warm_national {warm_s:.1f} s",
    )


def _ensure_signing_key(user: User) -> None:
    """A demo signing key for `user`: the scale set's users have none until a benchmark signs as them."""
    from napiter.documents.pki import DemoSigner, ensure_demo_pki

    office = user.office.name if user.office else ""
    ensure_demo_pki(
        directory=Path(settings.SIGNING_KEYS_DIR),
        signers=[DemoSigner(user.username, user.get_full_name(), user.position, office)],
        passphrase=settings.SIGNING_KEY_PASSPHRASE,
    )


@benchmark("national_report", target="< 30 s, < 500 MB", needs=("dashboards",))
def national_report(ctx: Context) -> Measure:
    """Last year's laporan periodik of the national office, as its supervisor asks for it (the draft, the
    summary, the request), rendered in this process as the worker renders it, then signed by them.

    Once, in a transaction rolled back at the end (a report is asked for only once), its files removed:
    every run measures the same report. Peak MB is this process's resident memory during the run."""
    from django.db import transaction
    from django.utils import timezone

    from dashboards.periods import YEARLY, previous_period
    from dashboards.services import (
        OVERDUE_LIST_LIMIT,
        periodic_report_create,
        periodic_report_request_signing,
        periodic_report_update,
    )
    from napiter.documents.models import Document
    from napiter.documents.services import document_render, document_sign

    supervisor = User.objects.select_related("office").get(username=NATIONAL_SUPERVISOR)
    _ensure_signing_key(supervisor)
    today = timezone.localdate()
    period = previous_period(YEARLY, today)
    reverse("dashboards:report-list")  # the URL conf, imported by a worker's first document, is not the report
    files: list[tuple[Storage, str]] = []
    try:
        with (
            _as_worker_process(),
            own_peak_memory() as peak,
            CaptureQueriesContext(connection) as queries,
            transaction.atomic(),
        ):
            started = time.perf_counter()
            report = periodic_report_create(user=supervisor, kind=YEARLY, day=period.start, today=today)
            periodic_report_update(
                user=supervisor, report_id=report.pk, summary="Laporan tahunan uji skala.", obstacles="", follow_up=""
            )
            document = periodic_report_request_signing(user=supervisor, report_id=report.pk)
            requested = time.perf_counter()
            rendered = document_render(document_id=document.pk)
            if rendered is None or rendered.status != Document.Status.AWAITING_SIGNATURE:
                raise AssertionError(f"report not rendered: {rendered.error if rendered else 'nothing to do'}")
            files.append((rendered.file.storage, rendered.file.name))
            render_done = time.perf_counter()
            signed = document_sign(user=supervisor, document_id=document.pk)
            files.append((signed.file.storage, signed.file.name))
            if signed.status != Document.Status.SIGNED:
                raise AssertionError("report not signed")
            finished = time.perf_counter()
            pages = signed.page_count
            transaction.set_rollback(True)
    finally:
        for storage, name in files:
            storage.delete(name)
    elapsed = finished - started
    return Measure(
        [elapsed],
        ok=elapsed < 30 and peak.peak_mb < 500,
        queries=len(queries),
        peak_mb=peak.peak_mb,
        note=f"{period.label}, {pages} pages (overdue lists capped at {OVERDUE_LIST_LIMIT} rows each); "
        f"request {requested - started:.1f} s, render {render_done - requested:.1f} s, "
        f"sign {finished - render_done:.1f} s; load average {os.getloadavg()[0]:.1f}",
    )


AGREEMENT_MINISTRIES, AGREEMENT_YEARS = 39, list(range(2020, 2037))  # 39 K/L x 17 years = 663 agreements
AGREEMENTS_TARGET_S, WORKER_RSS_TARGET_MB = 180, 500
AGREEMENTS_TIMEOUT_S = 1200
AGREEMENTS_SAMPLE = 20
# Below this many people (the harness's own smoke test) a handful of agreements shows the path works.
AGREEMENTS_FULL_FROM_PEOPLE = 1000


def _start_worker(ctx: Context, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`celery -A napiter worker`, prefork with one child: two of them use the two cores."""
    log = ctx.var_dir / f"agreements-{name}.log"
    env = {**os.environ, **ctx.env, "DJANGO_SETTINGS_MODULE": "napiter.settings"}
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "napiter", "worker", "--pool", "prefork", "--concurrency", "1",
             "--loglevel", "INFO", "--hostname", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            env=env, cwd=BASE_DIR, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    return worker, log


def _wait_ready(workers: list[tuple[subprocess.Popen[bytes], Path]], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for worker, log in workers:
        while " ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)


def _task_seconds(logs: list[Path]) -> dict[str, list[float]]:
    """How long each task ran, by task name, from the workers' own log lines ("Task documents.render[id]
    succeeded in 0.41s")."""
    pattern = re.compile(r"Task (documents\.\w+)\[[^]]+\] succeeded in ([0-9.]+)s")
    times: dict[str, list[float]] = {}
    for log in logs:
        for match in pattern.finditer(log.read_text(errors="replace")):
            times.setdefault(match[1], []).append(float(match[2]))
    return times


def _sign_whatever_is_due(signers: list[User], document_ids: set[int]) -> int:
    """Each signer signs, in one batch, every benchmark document now awaiting them: what a signer does on
    "Dokumen saya" with "Tandatangani semua yang menunggu Anda"."""
    from napiter.documents.models import Document, DocumentSignature
    from napiter.documents.selectors import documents_to_sign
    from napiter.documents.services import documents_sign_batch

    # One query for who may have something to sign: the harness shares the two cores with the workers.
    waiting = set(
        DocumentSignature.objects.filter(
            signed_at=None, sign_queued_at=None, document__status=Document.Status.AWAITING_SIGNATURE
        ).values_list("signer_id", flat=True)
    )
    queued = 0
    for signer in signers:
        if signer.pk not in waiting:
            continue
        due = [pk for pk in documents_to_sign(signer).values_list("pk", flat=True) if pk in document_ids]
        if due:
            result = documents_sign_batch(user=signer, document_ids=due)
            if result.refused:
                raise AssertionError(f"{signer.username}: {result.refused[0].reason}")
            queued += len(result.queued)
    return queued


@benchmark("agreements_workers", target="663 in < 3 min, worker RSS < 500 MB", needs=("sinergi",))
def agreements_workers(ctx: Context) -> Measure:
    """663 berita acara kesepakatan (39 synthetic K/L x 17 years) requested by a coordinator, rendered by two
    real Celery workers and signed through the batch signing task by the K/L's Eselon II official and then the
    Kepala BNPT, each signing whatever awaits them as soon as it does. Timed from the first request to the
    last signature; the peak resident memory is taken per worker (its pool child included). Below
    AGREEMENTS_FULL_FROM_PEOPLE people (the harness's own test) 4 agreements, to show the path works."""
    from django.db.models import Max, Min

    from napiter.celery import app as celery_app
    from napiter.documents.models import Document
    from napiter.documents.signing import check_signatures
    from napiter.scale.agreements import agreement_set, agreement_set_cleanup
    from sinergi.services import agreement_create

    full = ctx.people >= AGREEMENTS_FULL_FROM_PEOPLE
    ministries, years = (AGREEMENT_MINISTRIES, AGREEMENT_YEARS) if full else (2, AGREEMENT_YEARS[:2])
    expected = ministries * len(years)
    data = agreement_set(ministries=ministries, years=years)
    celery_app.control.purge()  # messages of an interrupted earlier run name rows that are gone
    workers = [_start_worker(ctx, f"bench{n}") for n in (1, 2)]
    try:
        _wait_ready(workers)
        with ExitStack() as measuring:
            peaks = [measuring.enter_context(PeakMemory(partial(process_tree, w.pid))) for w, _log in workers]
            started = time.perf_counter()
            document_ids: set[int] = set()
            for ministry_id, year in data.pairs:
                agreement = agreement_create(user=data.coordinator, ministry_id=ministry_id, year=year)
                assert agreement.document is not None
                document_ids.add(agreement.document.pk)
            requested = time.perf_counter() - started
            documents = Document.objects.filter(pk__in=document_ids)
            while documents.exclude(status=Document.Status.SIGNED).exists():
                failed = documents.filter(status=Document.Status.FAILED).first()
                if failed is not None:
                    raise RuntimeError(f"document {failed} failed: {failed.error}")
                if time.perf_counter() - started > AGREEMENTS_TIMEOUT_S:
                    raise RuntimeError(f"not all signed after {AGREEMENTS_TIMEOUT_S} s")
                _sign_whatever_is_due(data.signers, document_ids)
                time.sleep(1)
            observed = time.perf_counter() - started
    finally:
        for worker, _log in workers:
            _stop(worker)
    span = documents.aggregate(first=Min("requested_at"), last=Max("signed_at"))
    wall = (span["last"] - span["first"]).total_seconds()
    times = _task_seconds([log for _worker, log in workers])
    busy = sum(map(sum, times.values())) or 1.0  # the logs are INFO: empty only if the workers never ran
    checked = min(AGREEMENTS_SAMPLE, len(document_ids))
    sample = random.Random(663).sample(sorted(document_ids), checked)  # noqa: S311 - not a secret
    invalid = 0
    for document in Document.objects.filter(pk__in=sample):
        with document.file.open("rb") as handle:
            checks = check_signatures(handle.read())
        invalid += not (len(checks) == 2 and all(c.bottom_line for c in checks))
    count = len(document_ids)
    agreement_set_cleanup()
    worker_peaks = [round(p.peak_single_mb) for p in peaks]
    return Measure(
        [wall],
        ok=wall < AGREEMENTS_TARGET_S
        and max(worker_peaks) < WORKER_RSS_TARGET_MB
        and invalid == 0
        and count == expected,
        peak_mb=max(worker_peaks),
        note=("" if full else "smoke: ")
        + f"{count} agreements, {2 * count} signatures: {wall:.0f} s first request to last signature "
        f"({count / wall * 60:.0f}/min; {observed:.0f} s observed, requests took {requested:.0f} s); "
        + "; ".join(
            f"{name} x{len(t)} p50 {percentile(t, 50):.2f} s p95 {percentile(t, 95):.2f} s ({sum(t) / busy:.0%})"
            for name, t in times.items()
        )
        + f"; workers busy {busy / 2 / wall:.0%} of the wall time; worker peak RSS "
        f"{' / '.join(f'{mb} MB' for mb in worker_peaks)}; {checked - invalid}/{checked} "
        f"sampled PDFs validate; logs {ctx.var_dir}/agreements-bench*.log",
    )
