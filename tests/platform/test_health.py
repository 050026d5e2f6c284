"""/healthz against the session's real PostgreSQL and Valkey, and against servers that are down."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from napiter.devservices import EmbeddedValkey, free_port


@pytest.fixture
def valkey() -> Iterator[EmbeddedValkey]:
    """A Valkey of the test's own, so that stopping it leaves the session's broker alone."""
    with tempfile.TemporaryDirectory(prefix="napiter-health-") as tmp:
        server = EmbeddedValkey(Path(tmp) / "valkey", free_port(), durable=False)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_broker_when_the_broker_is_down(
    client: Client, settings: pytest.FixtureRequest, valkey: EmbeddedValkey
) -> None:
    settings.CELERY_BROKER_URL = valkey.url  # type: ignore[attr-defined]
    assert client.get("/healthz").json()["broker"] == "ok", "the check must use CELERY_BROKER_URL"

    valkey.stop()
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")
    assert "ConnectionError" in body["broker"]


def test_healthz_is_503_and_names_the_database_when_it_is_unreachable(
    client: Client, django_db_blocker: pytest.FixtureRequest
) -> None:
    """No test transaction here: the default connection is closed and re-pointed at a port where
    nothing listens, as if PostgreSQL had gone away, then restored."""
    closed_port = free_port()  # bound and released at once: nothing listens there
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        original_port = connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["PORT"] = str(closed_port)
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict["PORT"] = original_port
        with connection.cursor() as cur:  # restored: the next test finds a working connection
            cur.execute("SELECT 1")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "error: OperationalError"
    assert body["broker"] == "ok"
