"""The benchmarks of `make bench`, one function each (see bench.py for the harness and the registry).

Every page is requested through Django's test client with the whole middleware stack (sessions, two-step
verification, audit logging), as the scale users made by seed_scale: `skala.pendamping.36` (Dinsos
Banten, a province of the scale set) for the scoped list and `skala.nasional` (a national Kemensos
office) for the national one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from napiter.accounts.models import User
from napiter.scale.bench import BASE_DIR, Context, Measure, PeakMemory, benchmark, percentile, process_tree, timed
from napiter.scale.seed import NATIONAL_USER, USERNAME_PREFIX, long_timeline_person_id

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
    samples = timed(lambda: _get(client, url), ctx.runs)
    first, later = _queries(client, url), _queries(client, f"{url}?hal=40")
    admin = _admin_client()
    admin_url = reverse("admin:cases_person_changelist")
    admin_samples = timed(lambda: _get(admin, admin_url), max(5, ctx.runs // 5))
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

    samples = timed(once, max(5, ctx.runs // 3))
    return Measure(samples, ok=percentile(samples, 95) < 0.400)


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


@benchmark("dtsen_import", target="1M rows < 60 s")
def dtsen_import_rows(ctx: Context) -> Measure:
    from cases.dtsen import dtsen_import
    from cases.models import Person

    rows = 1_000_000 if ctx.people >= 1_000_000 else max(10_000, ctx.people * 5)
    niks = [nik for nik in Person.objects.exclude(nik=None).values_list("nik", flat=True)[:rows] if nik]
    data = _dtsen_csv(rows, niks)
    started = time.perf_counter()
    snapshot = dtsen_import(user=None, file=io.BytesIO(data), source_name="bench.csv", snapshot_date=dt.date.today())
    elapsed = time.perf_counter() - started
    assert snapshot.row_count == rows
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
    """Every gunicorn thread serves a few pages first: the workers import the application lazily."""
    import urllib.request

    work = next(iter(json.loads(targets.read_text()).values()))
    cookie = f"{settings.SESSION_COOKIE_NAME}={work['session']}"
    for path in ["/orang/", f"/orang/{work['people'][0]}/", f"/orang/kasus/{work['cases'][0]}/", "/orang/?q=ahmad"] * 4:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own local server
            if response.status != 200:
                raise RuntimeError(f"warm-up GET {path}: {response.status}")


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
    """ctx.load_users simulated caseworkers (locust) against gunicorn (2 workers x 4 threads, as `make run`)."""
    from napiter.devservices import free_port

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
            [str(bin_dir / "gunicorn"), "napiter.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "4", "--timeout", "120", "--log-level", "warning"],
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
                total = next(r for r in csv.DictReader(stats_file) if r["Name"] == "Aggregated")
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
        f"{float(total['Requests/s']):.1f} req/s; peak MB is gunicorn's (log: {ctx.var_dir / 'load-gunicorn.log'})"
        + "".join(f"; {kind}" for kind in kinds[:3]),
    )


@benchmark("dashboard_tiles", target="each tile p95 < 300 ms", needs=("dashboards",))
def dashboard_tiles(ctx: Context) -> Measure:
    """Every tile the national caseworker sees, and the province table, each timed on its own; the row shows
    the slowest tile, the note every tile's p95."""
    from dashboards import selectors as tiles
    from dashboards.periods import QUARTERLY, period_of

    user = User.objects.get(username=NATIONAL_USER)
    today = dt.date.today()
    period = period_of(QUARTERLY, today)
    work = {
        "people_by_category_stage": lambda: tiles.people_by_category_stage(user),
        "case_flow": lambda: tiles.case_flow(user, period),
        "overdue_counts": lambda: tiles.overdue_counts(user, today),
        "grant_totals": lambda: tiles.grant_totals(user, period),
        "assessment_levels": lambda: tiles.assessment_levels(user),
        "province_table": lambda: tiles.province_table(user, period=period, today=today),
    }
    runs = max(3, ctx.runs // 5)
    timings = {name: timed(func, runs) for name, func in work.items()}
    slowest = max(timings, key=lambda name: percentile(timings[name], 95))
    return Measure(
        timings[slowest],
        ok=all(percentile(samples, 95) < 0.300 for samples in timings.values()),
        note=f"slowest {slowest}; "
        + ", ".join(f"{name} {percentile(samples, 95) * 1000:.0f} ms" for name, samples in timings.items()),
    )
