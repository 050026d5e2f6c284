"""PostgreSQL restarted under a running gunicorn: the next requests succeed with no one touching the web
process (persistent connections are health-checked, a dead one is replaced)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from napiter.devservices import BASE_DIR, DevServices, free_port

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback http:// URL built here
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_web_process_survives_a_database_restart(tmp_path: Path) -> None:
    services = DevServices(tmp_path, pg_port=free_port(), redis_port=free_port(), durable=False, use_environment=False)
    services.start()
    env = {**os.environ, **services.environ(), "NAPITER_VAR_DIR": str(tmp_path), "DATABASE_CONN_MAX_AGE": "600"}
    port = free_port()
    web = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=BASE_DIR, env=env, check=True,
                       capture_output=True)  # fmt: skip
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "napiter.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "1"],
            cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(url)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert status == 200, body
        assert _get(url)[0] == 200  # the worker now holds a persistent connection (CONN_MAX_AGE)

        services.postgres.stop()
        status, body = _get(url)
        assert status == 503
        assert "database" in json.dumps(body)
        services.postgres.start()

        # No restart of gunicorn, no manual step: every request after the database is back succeeds.
        results = [_get(url) for _ in range(5)]
        assert [s for s, _ in results] == [200] * 5, results
    finally:
        if web is not None:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=30)
        services.stop()
