"""Real Celery workers and brokers for the pipeline's failure tests: separate processes that can be
killed, and a broker that can be stopped and started again. Every process started here is stopped
(its whole process group) when the test ends, whatever the outcome."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from napiter.celery import app as celery_app

WORKER_START_TIMEOUT = 40


def worker_database_url() -> str:
    """DATABASE_URL pointing at the test database Django created for this session (test_<name>)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{connection.settings_dict['NAME']}"))


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log is not None and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    # The pool's children share the group; none may outlive the test, even after the parent is gone.
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def worker_process(log: Path, *, redis_url: str | None = None, name: str = "uji") -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A napiter worker` (prefork, one child) on the test database; yields once it is ready."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url or str(settings.REDIS_URL),
        "DJANGO_SETTINGS_MODULE": "napiter.settings",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "napiter", "worker",
        "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
        "--hostname", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: proc.poll() is None and " ready." in log.read_text(),
            timeout=WORKER_START_TIMEOUT,
            what="the Celery worker to start",
            log=log,
        )
        yield proc
    finally:
        _stop_group(proc)


@contextmanager
def celery_publishing_to(url: str) -> Iterator[None]:
    """Point this process's task publishing at another broker, and back afterwards."""
    previous = celery_app.conf.broker_url

    def switch(to: str) -> None:
        celery_app.pool.force_close_all()
        celery_app.conf.broker_url = to
        celery_app._after_fork()  # drops the cached connection and producer pools
        # kombu keeps producer pools in a process-wide registry keyed by broker; the one for `previous` would
        # still hold the connection pool closed above, and the next test to publish would fail on it.
        kombu_pools.reset()

    switch(url)
    try:
        yield
    finally:
        switch(previous)


@contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Hold an exclusive lock on `table` from a separate connection: whoever reads it waits."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    lock = psycopg2.connect(**params)
    try:
        with lock.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # test-owned identifier
        yield
    finally:
        lock.rollback()
        lock.close()


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state == "Z"
