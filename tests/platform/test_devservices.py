"""napiter.devservices with real servers and real processes: start, reuse, stop, orphans, `make run`.

Every test works in its own temporary var/ directory on free ports, never on the defaults that a
developer's `make run` uses. A process "belongs" to a var/ directory when its working directory is
inside it (PostgreSQL and Valkey chdir into their data directories), its command line names it, or its
environment points NAPITER_VAR_DIR at it (gunicorn, Celery); that is what the leftover checks look for.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg2
import pytest
import redis
from celery import Celery
from kombu.exceptions import OperationalError

from napiter.accounts.demo import DEMO_CAST
from napiter.devservices import (
    BASE_DIR,
    POSTGRES_BIN_PATH,
    DevServices,
    free_port,
    valkey_binary_path,
)

SERVE_READY = "Layanan berjalan"


@dataclass
class Workdir:
    root: Path
    var_dir: Path
    pg_port: int
    redis_port: int

    def services(self, **kwargs: object) -> DevServices:
        return DevServices(
            self.var_dir,
            pg_port=self.pg_port,
            redis_port=self.redis_port,
            use_environment=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a developer's shell: no DATABASE_URL/REDIS_URL (the test session's)."""
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            NAPITER_VAR_DIR=str(self.var_dir),
            NAPITER_PG_PORT=str(self.pg_port),
            NAPITER_REDIS_PORT=str(self.redis_port),
            PYTHONUNBUFFERED="1",
            **extra,
        )
        return env


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {timeout:.0f} s")


def processes_of(directory: Path) -> list[psutil.Process]:
    """Running processes that work in, name, or were started for (NAPITER_VAR_DIR) `directory`."""
    root = str(directory)
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd", "status"]):
        if proc.pid == os.getpid() or proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(proc.info["cmdline"] or [])
        cwd = proc.info["cwd"] or ""
        try:
            env_dir = proc.environ().get("NAPITER_VAR_DIR", "")
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            env_dir = ""
        if any(value == root or value.startswith(root + "/") for value in (cwd, env_dir)) or root in cmdline:
            found.append(proc)
    return found


def leftovers(var_dir: Path, ports: Iterable[int] = ()) -> list[str]:
    """Running processes that belong to var_dir, and any of `ports` still accepting connections."""
    found = [f"pid {proc.pid}: {' '.join(proc.info['cmdline'] or [])}" for proc in processes_of(var_dir)]
    found += [f"port {port} still open" for port in ports if port_open(port)]
    return found


def pid_from(pid_file: Path) -> int:
    return int(pid_file.read_text().split()[0])


@pytest.fixture
def workdir() -> Iterator[Workdir]:
    root = Path(tempfile.mkdtemp(prefix="napiter-devservices-"))
    root.chmod(0o755)  # the PostgreSQL system user must be able to reach its data directory
    work = Workdir(root=root, var_dir=root / "var", pg_port=free_port(), redis_port=free_port())
    yield work
    # Safety net for a failed test: nothing started for this directory may outlive it. The tests
    # assert that themselves; here we only clean up.
    survivors = processes_of(root)
    for proc in survivors:
        proc.kill()
    psutil.wait_procs(survivors, timeout=10)
    shutil.rmtree(root, ignore_errors=True)


def start_serve(work: Workdir) -> tuple[subprocess.Popen[bytes], Path]:
    log = work.root / f"serve-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "napiter.devservices", "serve"],
            cwd=BASE_DIR,
            env=work.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"serve exited with {proc.returncode}:\n{log.read_text()}")
        return SERVE_READY in log.read_text()

    wait_until(ready, 60, "serve ready")
    return proc, log


def answers(work: Workdir) -> bool:
    try:
        psycopg2.connect(f"postgres://postgres@127.0.0.1:{work.pg_port}/napiter", connect_timeout=2).close()
        return bool(redis.Redis(port=work.redis_port, socket_timeout=2).ping())
    except (psycopg2.OperationalError, redis.ConnectionError):
        return False


# --- DevServices in process -------------------------------------------------------------------------


def test_fresh_directory_gets_a_cluster_and_both_servers_answer(workdir: Workdir) -> None:
    services = workdir.services()
    services.start()
    try:
        assert (workdir.var_dir / "pgdata" / "PG_VERSION").read_text().strip() == "18"
        assert services.database_url == f"postgres://postgres@127.0.0.1:{workdir.pg_port}/napiter"
        assert services.redis_url == f"redis://127.0.0.1:{workdir.redis_port}/0"
        conn = psycopg2.connect(services.database_url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), current_setting('server_version_num')::int")
            assert cur.fetchone()[:1] == ("napiter",)
            cur.execute("CREATE EXTENSION pg_trgm")
            cur.execute("SELECT similarity('rehabilitasi', 'rehabilitas')")
            assert cur.fetchone()[0] > 0.5
        conn.close()
        assert redis.Redis.from_url(services.redis_url).ping() is True
    finally:
        services.stop()


def test_data_survives_stop_and_start_of_the_same_directory(workdir: Workdir) -> None:
    services = workdir.services()
    services.start()
    try:
        conn = psycopg2.connect(services.database_url)
        with conn, conn.cursor() as cur:
            cur.execute("CREATE TABLE kept (id int PRIMARY KEY, label text)")
            cur.execute("INSERT INTO kept VALUES (1, 'Serang')")
        conn.close()
        redis.Redis.from_url(services.redis_url).set("napiter:kept", "Samarinda")
    finally:
        services.stop()
    assert not port_open(workdir.pg_port)

    again = workdir.services()
    again.start()
    try:
        conn = psycopg2.connect(again.database_url)
        with conn.cursor() as cur:
            cur.execute("SELECT label FROM kept WHERE id = 1")
            assert cur.fetchone() == ("Serang",)
        conn.close()
        # Valkey runs without RDB snapshots: the key can only have come back from the append-only file.
        assert redis.Redis.from_url(again.redis_url).get("napiter:kept") == b"Samarinda"
        assert list((workdir.var_dir / "valkey" / "appendonlydir").iterdir())
    finally:
        again.stop()


def test_stop_ends_both_servers_and_closes_both_ports(workdir: Workdir) -> None:
    services = workdir.services()
    services.start()
    assert services.postgres.proc is not None
    assert services.valkey.proc is not None
    pids = [services.postgres.proc.pid, services.valkey.proc.pid]
    assert leftovers(workdir.var_dir), "the leftover check must see running servers"

    services.stop()

    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids)
    assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []


def test_environment_urls_win_and_no_server_is_started(workdir: Workdir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://napiter@db.internal:5432/napiter")
    monkeypatch.setenv("REDIS_URL", "redis://broker.internal:6379/2")
    services = DevServices(workdir.var_dir, pg_port=workdir.pg_port, redis_port=workdir.redis_port)
    services.start()
    try:
        assert services.environ() == {
            "DATABASE_URL": "postgres://napiter@db.internal:5432/napiter",
            "REDIS_URL": "redis://broker.internal:6379/2",
        }
        assert services.postgres.proc is None
        assert services.valkey.proc is None
        assert not (workdir.var_dir / "pgdata").exists()
        assert not (workdir.var_dir / "valkey").exists()
        assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []
    finally:
        services.stop()


def test_only_the_server_without_an_environment_url_is_started(
    workdir: Workdir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://napiter@db.internal:5432/napiter")
    monkeypatch.delenv("REDIS_URL")
    services = DevServices(workdir.var_dir, pg_port=workdir.pg_port, redis_port=workdir.redis_port)
    services.start()
    try:
        assert services.database_url == "postgres://napiter@db.internal:5432/napiter"
        assert services.postgres.proc is None
        assert services.redis_url == f"redis://127.0.0.1:{workdir.redis_port}/0"
        assert redis.Redis.from_url(services.redis_url).ping() is True
    finally:
        services.stop()
    assert not port_open(workdir.redis_port)


# --- leftovers of a crashed owner ----------------------------------------------------------------------


def test_leftover_servers_of_a_crashed_owner_are_shut_down_by_the_next_start(workdir: Workdir) -> None:
    first = workdir.services()
    first.start()
    first.stop()
    # Servers started without a parent-death signal (as by pg_ctl, or an owner that died before
    # prctl), still holding the data directories, on ports of their own.
    stale_pg_port, stale_redis_port = free_port(), free_port()
    pg = first.postgres
    stale_pg = subprocess.Popen(
        [
            str(POSTGRES_BIN_PATH / "postgres"), "-D", str(pg.data_dir),
            "-c", "listen_addresses=127.0.0.1", "-c", f"port={stale_pg_port}", "-c", "unix_socket_directories=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        user=pg.user,
        group=pg.user,
    )  # fmt: skip
    stale_valkey = subprocess.Popen(
        [
            str(valkey_binary_path()), "--bind", "127.0.0.1", "--port", str(stale_redis_port),
            "--dir", str(workdir.var_dir / "valkey"), "--pidfile", str(workdir.var_dir / "valkey" / "valkey.pid"),
            "--appendonly", "yes", "--save", "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(lambda: port_open(stale_pg_port) and port_open(stale_redis_port), 30, "stale servers up")
        wait_until(lambda: (workdir.var_dir / "valkey" / "valkey.pid").exists(), 10, "stale valkey pid file")

        second = workdir.services()
        second.start()
        try:
            # The stale servers were shut down (they exit on their own: reap them), ours answer.
            assert stale_pg.wait(5) == 0
            assert stale_valkey.wait(5) == 0
            assert not port_open(stale_pg_port)
            assert not port_open(stale_redis_port)
            assert answers(workdir)
        finally:
            second.stop()
    finally:
        for proc in (stale_pg, stale_valkey):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []


def test_stale_pid_files_naming_an_unrelated_process_neither_block_nor_kill_it(workdir: Workdir) -> None:
    first = workdir.services()
    first.start()
    first.stop()
    # After a hard crash the pid files remain, and the pid may belong to some other program since.
    stranger = subprocess.Popen(["sleep", "120"])
    try:
        pg_lock = workdir.var_dir / "pgdata" / "postmaster.pid"
        pg_lock.write_text(f"{stranger.pid}\n{workdir.var_dir / 'pgdata'}\n")
        (workdir.var_dir / "valkey" / "valkey.pid").write_text(f"{stranger.pid}\n")

        services = workdir.services()
        services.start()
        try:
            assert answers(workdir)
            assert stranger.poll() is None, "an unrelated process was signalled"
        finally:
            services.stop()
    finally:
        stranger.kill()
        stranger.wait()


# --- `python -m napiter.devservices serve` as a process -------------------------------------------------


def test_serve_stops_both_servers_on_sigterm_and_exits_zero(workdir: Workdir) -> None:
    proc, log = start_serve(workdir)
    assert answers(workdir)
    assert leftovers(workdir.var_dir), "the leftover check must see running servers"

    proc.send_signal(signal.SIGTERM)

    assert proc.wait(30) == 0
    assert "napiter berhenti" in log.read_text()
    assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []
    assert not (workdir.var_dir / "devservices.pid").exists()


def test_servers_die_with_a_killed_owner_even_with_clients_connected(workdir: Workdir) -> None:
    proc, _ = start_serve(workdir)
    pg_pid = pid_from(workdir.var_dir / "pgdata" / "postmaster.pid")
    valkey_pid = pid_from(workdir.var_dir / "valkey" / "valkey.pid")
    assert psutil.pid_exists(pg_pid)
    assert psutil.pid_exists(valkey_pid)
    # An open session (a developer's psql, a forgotten shell) must not keep an orphaned server alive.
    conn = psycopg2.connect(f"postgres://postgres@127.0.0.1:{workdir.pg_port}/napiter")
    client = redis.Redis(port=workdir.redis_port)
    client.ping()
    try:
        proc.kill()
        proc.wait(5)
        wait_until(
            lambda: leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == [],
            20,
            "servers of a SIGKILLed owner gone",
        )
    finally:
        conn.close()
        client.close()


def test_a_second_owner_of_the_same_directory_refuses_and_stop_ends_the_first(workdir: Workdir) -> None:
    proc, _log = start_serve(workdir)
    other = Workdir(workdir.root, workdir.var_dir, free_port(), free_port())
    second = subprocess.run(
        [sys.executable, "-m", "napiter.devservices", "serve"],
        cwd=BASE_DIR,
        env=other.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert f"PID {proc.pid}" in second.stderr
    assert answers(workdir), "the running owner's servers must be untouched"

    stopped = subprocess.run(
        [sys.executable, "-m", "napiter.devservices", "stop"],
        cwd=BASE_DIR,
        env=workdir.env(),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert stopped.returncode == 0, stopped.stderr
    assert proc.wait(10) == 0
    assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []


def test_serve_after_a_killed_owner_reuses_the_directory(workdir: Workdir) -> None:
    proc, _ = start_serve(workdir)
    redis.Redis(port=workdir.redis_port).set("napiter:survivor", "ya")
    proc.kill()
    proc.wait(5)
    # No waiting for the old servers: the next start must cope with them still shutting down.
    again, _log = start_serve(workdir)
    try:
        assert redis.Redis(port=workdir.redis_port).get("napiter:survivor") == b"ya"
        assert answers(workdir)
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(30) == 0
    assert leftovers(workdir.var_dir, [workdir.pg_port, workdir.redis_port]) == []


# --- `make run`: the whole stack as a developer starts it -------------------------------------------------


def http_get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def celery_workers_answering(redis_url: str) -> list[str]:
    app = Celery(broker=redis_url, set_as_current=False)  # leave napiter's app the current one
    try:
        return [name for reply in app.control.ping(timeout=2) or [] for name in reply]
    except (redis.ConnectionError, OperationalError):
        # kombu pools connections process-wide by URL: after a restart on the same port the first
        # use may meet a socket the old server closed; it is dropped, and the next attempt reconnects.
        return []
    finally:
        app.close()


@dataclass(frozen=True)
class RunSnapshot:
    users: list[tuple[str, int, str]]
    regions: int
    offices: int
    demo_people: int
    people: list[str]


def make_run_once(
    work: Workdir, web_port: int, log: Path, while_serving: Callable[[str], None] | None = None
) -> RunSnapshot:
    """One `make run` on work.var_dir: wait until it serves, check it end to end (and call `while_serving`
    with its base URL), SIGTERM it."""
    offset = log.stat().st_size if log.exists() else 0
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "napiter.devservices", "run", "--port", str(web_port)],
            cwd=BASE_DIR,
            env=work.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{web_port}"
    try:
        health: dict[str, str] = {}

        def healthy() -> bool:
            nonlocal health
            if proc.poll() is not None:
                pytest.fail(f"run exited with {proc.returncode}:\n{log.read_text()[offset:]}")
            try:
                status, body = http_get(f"{base}/healthz")
            except OSError:  # gunicorn not listening yet
                return False
            health = json.loads(body)
            return status == 200

        wait_until(healthy, 180, "make run answering /healthz")
        assert health == {"status": "ok", "database": "ok", "broker": "ok"}
        output = log.read_text()[offset:]
        assert "Login demo (kata sandi: napiter-demo)" in output
        for member in DEMO_CAST:
            assert re.search(rf"^\s+{re.escape(member.username)}\s+{member.role}\s", output, re.M), member.username

        # A demo login works through the real web server, the real database and the seeded cast.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        status, login_page = http_get(f"{base}/masuk/", browser)
        assert status == 200
        assert 'name="username"' in login_page
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": "dinsos.banten.pendamping", "password": "napiter-demo"}
        ).encode()
        with browser.open(f"{base}/masuk/", data=form, timeout=10) as response:
            assert response.url == f"{base}/"
            assert "Dinas Sosial Provinsi Banten" in response.read().decode()

        # The worker is consuming from the embedded broker, and beat keeps its schedule under var/.
        redis_url = f"redis://127.0.0.1:{work.redis_port}/0"
        workers: list[str] = []

        def worker_answers() -> bool:
            nonlocal workers
            workers = celery_workers_answering(redis_url)
            return bool(workers)

        wait_until(worker_answers, 60, "celery worker answering ping")
        assert workers == [f"napiter@{socket.gethostname()}"]
        # The file's suffix depends on which dbm module shelve finds.
        wait_until(lambda: any(work.var_dir.glob("celerybeat-schedule*")), 30, "beat schedule file")
        assert "beat: Starting..." in log.read_text()[offset:]
        if while_serving is not None:
            while_serving(base)

        conn = psycopg2.connect(f"postgres://postgres@127.0.0.1:{work.pg_port}/napiter")
        with conn.cursor() as cur:
            cur.execute(
                "SELECT u.username, u.id, o.code FROM accounts_user u JOIN accounts_office o ON o.id = u.office_id "
                "ORDER BY u.username"
            )
            users = [(name, pk, office) for name, pk, office in cur.fetchall()]
            cur.execute("SELECT count(*) FROM regions_region")
            regions = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM accounts_office")
            offices = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM cases_person WHERE is_demo")
            demo_people = cur.fetchone()[0]
            cur.execute("SELECT full_name FROM cases_person WHERE NOT is_demo ORDER BY full_name")
            people = [name for (name,) in cur.fetchall()]
        conn.close()
    except BaseException:
        proc.kill()
        proc.wait()
        raise

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    assert "napiter berhenti" in log.read_text()[offset:]
    assert leftovers(work.var_dir, [web_port, work.pg_port, work.redis_port]) == []
    return RunSnapshot(users=users, regions=regions, offices=offices, demo_people=demo_people, people=people)


def register_person_through_the_api(base: str) -> None:
    """What a newcomer trying the demo does: a caseworker registers a real (non-demo) person."""
    token_request = urllib.request.Request(  # noqa: S310 (the app's own http:// address)
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"username": "dinsos.banten.pendamping", "password": "napiter-demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener()
    with opener.open(token_request, timeout=10) as response:
        token = json.loads(response.read())["token"]
    person = {
        "category": "eks_napiter",
        "full_name": "Joko Susilo",
        "nik": "3673011203850007",
        "sex": "L",
        "birth_place": "Serang",
        "birth_date": "1985-03-12",
        "kk": "3673011502100003",
        "relation_to_head": "kepala",
        "domicile_region": "3673011002",
        "address": "Kp. Cipare RT 01/RW 02",
        "legal_basis": "kewajiban_hukum",
    }
    create = urllib.request.Request(  # noqa: S310 (the app's own http:// address)
        f"{base}/api/v1/people/",
        data=json.dumps(person).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    with opener.open(create, timeout=10) as response:
        assert response.status == 201


@pytest.mark.slow
def test_make_run_serves_the_demo_and_starts_again_on_its_own_data(workdir: Workdir) -> None:
    web_port = free_port()
    log = workdir.root / "run.log"

    first = make_run_once(workdir, web_port, log, while_serving=register_person_through_the_api)

    # The cast of DESIGN.md, plus the K/L officials the sinergi demo adds.
    assert {m.username for m in DEMO_CAST} <= {name for name, _, _ in first.users}
    assert first.regions == 91599
    assert first.demo_people > 0
    assert first.people == ["Joko Susilo"]

    # A person added through the app does not stop the next start: the demo database is seeded once.
    second_start = log.stat().st_size
    second = make_run_once(workdir, web_port, log)

    assert second == first
    second_output = log.read_text()[second_start:]
    assert "91599 wilayah dalam sumber: 0 baru, 0 diperbarui" in second_output
    assert "Data demo sudah dimuat" in second_output
    assert "bukan data demo" not in second_output
