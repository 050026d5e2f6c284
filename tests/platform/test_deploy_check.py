"""Production settings, checked in a fresh process: the settings module reads the environment once, at
import, so these values cannot be switched on inside the test process."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "napiter.example.go.id"


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_SECURE_HTTPS": "1",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_DEBUG": "0",
        **overrides,
    }
    env.pop("DJANGO_FAST_PASSWORD_HASHER", None)  # a test-suite shortcut, never set in production
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_reports_no_issues_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_notice_an_insecure_configuration():
    """The check above would pass vacuously if --deploy checked nothing."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(DJANGO_SECURE_HTTPS="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SECURE_SSL_REDIRECT
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


PROBE = f"""
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="{HOST}")
page = client.get("/masuk/", secure=True)
plain = client.get("/masuk/")
csrf = page.cookies["csrftoken"]
print(json.dumps({{
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {{"secure": bool(csrf["secure"]), "samesite": csrf["samesite"]}},
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "session_cookie": {{
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
        "age": settings.SESSION_COOKIE_AGE,
    }},
}}))
"""


@pytest.fixture(scope="module")
def production_login_page() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "napiter.settings"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_https_only_and_the_security_headers(production_login_page):
    probe = production_login_page
    assert probe["status"] == 200
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == f"https://{HOST}/masuk/"
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "geolocation=(self)" in headers["Permissions-Policy"]


def test_production_cookies_are_secure_httponly_and_samesite(production_login_page):
    probe = production_login_page
    assert probe["csrf_cookie"] == {"secure": True, "samesite": "Lax"}
    assert probe["session_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax", "age": 30 * 60}
