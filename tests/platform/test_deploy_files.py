"""The production deployment files: docker-compose.yml, Dockerfile, docker/ and .dockerignore.

There is no Docker engine where the suite runs, so these tests check what the files say against what
the code reads, run the scripts the image runs, and run the image's collectstatic step.
"""

from __future__ import annotations

import ast
import http.server
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg2
import pytest
import yaml
from django.conf import LazySettings
from django.test import Client
from psycopg2 import sql

from napiter.accounts.roles import ROLES
from napiter.devservices import PDF_LIBRARIES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


def _settings_env_names() -> set[str]:
    """Every environment variable napiter/settings.py reads: env.<cast>("X"), os.environ.get("X"), and
    secret("X"), which also reads X_FILE."""
    tree = ast.parse((ROOT / "napiter" / "settings.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        name = node.args[0].value
        if not isinstance(name, str):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "secret":
            names |= {name, f"{name}_FILE"}
        elif isinstance(func, ast.Attribute) and (
            (isinstance(func.value, ast.Name) and func.value.id == "env")
            or (func.attr == "get" and ast.unparse(func.value) == "os.environ")
        ):
            names.add(name)
    return names


def _case_branch(script: str, label: str) -> str:
    match = re.search(rf"^\s*{label}\)\n(.*?)^\s*;;", script, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no `{label})` branch in the entrypoint"
    return match.group(1)


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docker_{name}", ROOT / "docker" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# docker-compose.yml


def test_compose_runs_the_five_services_on_the_official_images(compose):
    services = compose["services"]
    assert set(services) == {"db", "valkey", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:17"
    assert services["valkey"]["image"] == "valkey/valkey:8"
    assert services["valkey"]["command"][:3] == ["valkey-server", "--appendonly", "yes"]
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == services["web"]["image"]


def test_web_publishes_port_8000_and_its_healthcheck_asks_healthz(compose):
    web = compose["services"]["web"]
    assert [port.rsplit(":", 1)[1] for port in web["ports"]] == ["8000"]
    probe = web["healthcheck"]["test"]
    assert probe[0] == "CMD"
    assert probe[-1] == "http://127.0.0.1:8000/healthz"
    script = Path(probe[2])
    assert script.parts[:3] == ("/", "app", "docker")
    assert (ROOT / "docker" / script.name).is_file()
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["valkey"]["condition"] == "service_healthy"


def test_worker_and_beat_run_celery_through_the_entrypoint(compose):
    services = compose["services"]
    script = ENTRYPOINT.read_text()
    assert services["worker"]["command"] == ["worker"]
    assert services["beat"]["command"] == ["beat"]
    assert services["web"]["command"] == ["web"]
    assert "exec celery -A napiter worker" in _case_branch(script, "worker")
    assert "exec celery -A napiter beat" in _case_branch(script, "beat")
    assert "--schedule /app/var/celerybeat-schedule" in _case_branch(script, "beat")
    web = _case_branch(script, "web")
    assert web.index("python docker/release.py") < web.index("exec gunicorn napiter.wsgi:application")
    assert "--bind 0.0.0.0:8000" in web


def test_database_valkey_and_media_live_on_named_volumes(compose):
    declared = set(compose["volumes"])

    def named_mounts(service: str) -> dict[str, str]:
        mounts = {}
        for entry in compose["services"][service].get("volumes", []):
            source, target = entry.split(":")[:2]
            if source in declared:
                mounts[target] = source
        return mounts

    assert "/var/lib/postgresql/data" in named_mounts("db")
    assert "/data" in named_mounts("valkey")
    for name in APP_SERVICES:
        media_root = compose["services"][name]["environment"]["DJANGO_MEDIA_ROOT"]
        assert media_root == "/app/var/media"
        assert media_root in named_mounts(name)
    # One volume shared by all: a PDF the worker renders is the file the web container serves.
    assert len({named_mounts(name)["/app/var/media"] for name in APP_SERVICES}) == 1


def test_no_secret_is_written_into_the_compose_file(compose):
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"^\s*DJANGO_SECRET_KEY\s*[:=]", text, flags=re.MULTILINE)
    for name in APP_SERVICES:
        service = compose["services"][name]
        environment = service["environment"]
        assert "DJANGO_SECRET_KEY" not in environment
        assert "DJANGO_SECRET_KEY_FILE" in environment
        # Every *_FILE variable names a Docker secret this service mounts, read from a file on the host.
        for variable, value in environment.items():
            if variable.endswith("_FILE"):
                path = Path(value)
                assert path.parent == Path("/run/secrets"), variable
                assert path.name in service["secrets"], variable
                assert "file" in compose["secrets"][path.name], variable
        # The database password comes from .env by interpolation, never as a literal.
        assert re.fullmatch(
            r"postgres://napiter:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432/napiter", environment["DATABASE_URL"]
        )
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_every_variable_the_app_containers_get_is_one_settings_reads(compose):
    read = _settings_env_names()
    assert {"DJANGO_SECRET_KEY_FILE", "DATABASE_URL", "REDIS_URL", "DJANGO_MEDIA_ROOT"} <= read  # parser sanity
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert set(environment) - read == set(), f"{name} sets variables napiter/settings.py never reads"
        assert environment["DJANGO_STATIC_MANIFEST"] == "1"
        assert environment["DJANGO_SECURE_HTTPS"] == "${DJANGO_SECURE_HTTPS:-1}"  # HTTPS unless opted out


# docker/entrypoint.sh, docker/healthcheck.py, docker/release.py


def test_entrypoint_is_valid_bash_and_executable():
    result = subprocess.run(["bash", "-n", str(ENTRYPOINT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert os.access(ENTRYPOINT, os.X_OK)
    assert ENTRYPOINT.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in ENTRYPOINT.read_text()


class _StubHandler(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers))
        self.send_response(self.status)
        if self.status == 301:
            self.send_header("Location", "https://napiter.example.go.id/healthz")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def stub_server() -> Iterator[tuple[str, type[_StubHandler]]]:
    handler = type("Handler", (_StubHandler,), {"seen": [], "status": 200})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/healthz", handler
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "exit_code"), [(200, 0), (503, 1), (301, 1)])
def test_healthcheck_passes_only_on_200_and_speaks_as_the_tls_proxy(stub_server, monkeypatch, status, exit_code):
    url, handler = stub_server
    handler.status = status
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", ".napiter.example.go.id,cadangan.example.go.id")
    assert _load_script("healthcheck").main(["healthcheck.py", url]) == exit_code
    assert len(handler.seen) == 1  # a redirect is reported, not followed
    assert handler.seen[0]["Host"] == "napiter.example.go.id"
    assert handler.seen[0]["X-Forwarded-Proto"] == "https"


def test_healthcheck_reports_a_server_that_does_not_answer():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert _load_script("healthcheck").main(["healthcheck.py", f"http://127.0.0.1:{port}/healthz"]) == 1


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("napiter.example.go.id", "napiter.example.go.id"),
        ("*,napiter.example.go.id", "napiter.example.go.id"),
        (".example.go.id", "example.go.id"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_names_an_allowed_host(allowed_hosts, host):
    assert _load_script("healthcheck").probe_host(allowed_hosts) == host


@pytest.mark.django_db
def test_healthz_under_https_settings_answers_the_probe_but_not_an_unknown_host(settings: LazySettings):
    """Why the probe names an allowed host: behind the proxy Django refuses any other Host header."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [".example.go.id"]
    host = _load_script("healthcheck").probe_host(",".join(settings.ALLOWED_HOSTS))
    client = Client()
    probe = client.get("/healthz", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
    assert probe.status_code == 200
    assert probe.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000", HTTP_X_FORWARDED_PROTO="https").status_code == 400


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A database of its own on the test session's PostgreSQL, as a fresh deployment starts with."""
    server_url = os.environ["DATABASE_URL"]
    name = f"napiter_release_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"{server_url.rsplit('/', 1)[0]}/{name}"
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


@pytest.mark.slow
def test_release_prepares_an_empty_database_even_when_two_web_containers_start_at_once(empty_database):
    env = {**os.environ, "DATABASE_URL": empty_database}
    runs = [
        subprocess.Popen(
            [sys.executable, "docker/release.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    loaded = [re.search(r"(\d+) wilayah dalam sumber: (\d+) baru", output) for output in outputs]
    assert all(loaded), outputs
    totals = {int(m.group(1)) for m in loaded if m}
    inserted = sorted(int(m.group(2)) for m in loaded if m)
    # The lock made them take turns: the first loaded every region, the second found nothing to add.
    assert len(totals) == 1
    assert inserted == [0, *totals]
    with psycopg2.connect(empty_database) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM regions_region")
        assert cur.fetchone() == (*totals,)
        cur.execute("SELECT name FROM auth_group")
        assert {name for (name,) in cur.fetchall()} >= set(ROLES)
    conn.close()
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True, check=False
    )
    assert migrate.returncode == 0, "release left unapplied migrations"


# Dockerfile and .dockerignore


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")),
    )
    pairs = []
    for line in logical.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            pairs.append((instruction.upper(), " ".join(rest.split())))
    return pairs


def test_dockerfile_builds_on_slim_python_with_pdf_libraries_and_runs_unprivileged():
    steps = _dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim-bookworm")
    apt = " ".join(args for op, args in steps if op == "RUN" and "apt-get install" in args)
    for package in {package for _soname, package in PDF_LIBRARIES}:  # what `make run` asks for
        assert f" {package}" in apt
    assert " fonts-" not in apt, "the documents' fonts ship with the code"
    users = [args for op, args in steps if op == "USER"]
    assert users == ["napiter"]
    last_user = max(i for i, (op, _) in enumerate(steps) if op == "USER")
    assert all(op != "RUN" for op, _ in steps[last_user:]), "commands after USER would run as root again"
    assert ("ENTRYPOINT", '["/app/docker/entrypoint.sh"]') in steps
    assert ("CMD", '["web"]') in steps


def test_dockerfile_collects_hashed_static_files_with_a_throwaway_key():
    steps = _dockerfile()
    env = " ".join(args for op, args in steps if op == "ENV")
    assert "DJANGO_STATIC_MANIFEST=1" in env
    collect = [args for op, args in steps if op == "RUN" and "collectstatic" in args]
    assert len(collect) == 1
    assert re.search(r"DJANGO_SECRET_KEY=\S+ python manage.py collectstatic --noinput", collect[0])
    # Every DJANGO_ variable the image sets is one the settings read.
    image_vars = set(re.findall(r"\b(DJANGO_[A-Z_]+)=", env))
    assert image_vars
    assert image_vars <= _settings_env_names()


def test_dockerignore_keeps_secrets_local_data_and_the_virtualenv_out_of_the_image(compose):
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    secret_files = {Path(secret["file"]).name for secret in compose["secrets"].values()}
    bind_sources = {
        f"{Path(entry.split(':')[0]).name}/" for entry in compose["x-app"]["volumes"] if entry.startswith("./")
    }
    assert secret_files
    assert bind_sources == {"pki/"}
    assert secret_files | bind_sources | {".env", "var/", ".venv/", ".git/", "**/*.p12", "**/*.pem"} <= ignored
    assert not {"docker/", "docker", "static/", "static", "templates/", "napiter/"} & ignored


@pytest.mark.slow
def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    """The image's build step: fails when a vendored stylesheet points at a file we did not vendor."""
    env = {
        **os.environ,
        "DJANGO_STATIC_MANIFEST": "1",
        "DJANGO_STATIC_ROOT": str(tmp_path),
        "DJANGO_SECRET_KEY": "collectstatic-test-only",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "css/napiter.css",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
    ):
        hashed = paths[name]
        assert hashed != name
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()  # whitenoise serves the compressed copy
    icons = (tmp_path / paths["vendor/bootstrap-icons/bootstrap-icons.min.css"]).read_text()
    fonts = re.findall(r"url\(\"?(fonts/[^\")?#]+)", icons)
    assert fonts
    for font in fonts:
        assert re.search(r"\.[0-9a-f]{12}\.woff2?$", font), f"{font} was not rewritten to its hashed name"
        assert (tmp_path / "vendor" / "bootstrap-icons" / font).is_file()
