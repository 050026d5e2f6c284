"""Pytest plugin: a throwaway embedded PostgreSQL and Valkey for the whole test session.

Loaded with `-p tests.services_plugin` so it runs before pytest-django configures Django: the servers'
URLs must be in the environment when the settings module is read. With pytest-xdist the controller
starts the servers and the workers inherit the URLs; each worker gets its own Valkey database number
so that one worker's Celery never consumes another worker's tasks (each worker has its own test DB).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from napiter.devservices import DevServices, free_port

_services: DevServices | None = None
_tmp: Path | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    global _services, _tmp
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        index = int(worker.removeprefix("gw")) + 1
        base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
        os.environ["REDIS_URL"] = f"{base}/{index}"
        return
    _tmp = Path(tempfile.mkdtemp(prefix="napiter-test-"))
    _tmp.chmod(0o755)
    _services = DevServices(_tmp, pg_port=free_port(), redis_port=free_port(), durable=False)
    _services.start()
    os.environ.update(_services.environ())
    os.environ["NAPITER_VAR_DIR"] = str(_tmp)
    # Tests hash many demo passwords; the production hasher is deliberately slow.
    os.environ.setdefault("DJANGO_FAST_PASSWORD_HASHER", "1")
    # Every test builds its own small world: cached national tiles from an earlier test would be stale. The
    # cache has its own tests (tests/dashboards/test_cache.py), which switch it on.
    os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "0")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _services
    if _services is not None:
        _services.stop()
        _services = None
    if _tmp is not None:
        shutil.rmtree(_tmp, ignore_errors=True)
