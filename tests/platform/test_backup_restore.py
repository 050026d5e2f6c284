"""The backup and restore drill: a backup of a live database with signed documents and photos, restored into
a fresh embedded PostgreSQL and an empty media directory, verifies: the audit chain is intact and every
signed PDF still validates. A damaged backup is refused before anything is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from assistance.models import Grant
from cases.models import Person
from cases.services import person_read
from napiter.devservices import BASE_DIR, DevServices, free_port
from napiter.documents.models import Document
from napiter.documents.services import document_render, document_sign
from tests.assistance.factories import grant_for_matrix, kabid
from tests.documents.factories import ensure_test_pki, request_case_report
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _source_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _backup(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "napiter.backup", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.fixture
def fresh_target(tmp_path: Path):
    """A new embedded PostgreSQL and an empty var/ (media, keys) to restore into."""
    services = DevServices(
        tmp_path / "restored", pg_port=free_port(), redis_port=free_port(), durable=False, use_environment=False
    )
    services.postgres.start()
    url = services.postgres.ensure_database("napiter")
    yield url, tmp_path / "restored"
    services.postgres.stop()


def _signed_documents() -> int:
    ensure_test_pki()
    report = request_case_report()
    document_render(document_id=report.pk)
    document_sign(user=kabid(), document_id=report.pk)
    grant = grant_for_matrix(PersonFactory.create(full_name="Penerima Cadangan"))  # with a photo and a signature image
    from napiter.documents.services import document_request

    bast = document_request(user=grant.proposed_by, kind="bast", subject_id=grant.pk)
    document_render(document_id=bast.pk)
    document_sign(user=kabid(), document_id=bast.pk)
    return Document.objects.filter(status=Document.Status.SIGNED).count()


def test_backup_restores_into_a_fresh_database_with_audit_and_signatures_intact(tmp_path, fresh_target, base_data):
    signed = _signed_documents()
    assert signed == 2
    person_read(user=kabid(), pk=PersonFactory.create().pk)  # one logged read, so both audit chains are exercised
    people = Person.objects.count()
    out = tmp_path / "cadangan"
    env = {**os.environ, "DATABASE_URL": _source_url()}

    created = _backup("create", "--out", str(out), env=env)
    assert created.returncode == 0, created.stderr
    assert {p.name for p in out.iterdir()} == {"database.dump", "media.tar.gz", "trust-roots", "manifest.json"}
    manifest = (out / "manifest.json").read_text()
    assert "PRIVATE KEY" not in manifest  # key files are named and hashed, never copied
    assert not list(out.rglob("*.p12"))

    url, var_dir = fresh_target
    restore_env = {**os.environ, "DATABASE_URL": url, "NAPITER_VAR_DIR": str(var_dir)}
    restored = _backup("restore", str(out), env=restore_env)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "Jejak audit utuh." in restored.stdout
    assert "audit_accessevent: 1 entri terperiksa, utuh" in restored.stdout
    assert f"{signed} dokumen bertanda tangan diperiksa, 2 tanda tangan." in restored.stdout
    assert "Semua dokumen bertanda tangan utuh dan sah." in restored.stdout
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_person")
        assert cur.fetchone() == (people,)
    conn.close()
    grant = Grant.objects.get(person__full_name="Penerima Cadangan")
    for stored in (grant.delivery_photo, grant.recipient_signature):  # the photo and the signature came back
        assert (var_dir / "media" / stored.name).read_bytes() == Path(stored.path).read_bytes()

    again = _backup("restore", str(out), env=restore_env)
    assert again.returncode == 1
    assert "is not empty; restore into a fresh media directory or pass --replace" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, fresh_target, base_data):
    out = tmp_path / "cadangan"
    env = {**os.environ, "DATABASE_URL": _source_url()}
    assert _backup("create", "--out", str(out), env=env).returncode == 0
    with (out / "media.tar.gz").open("ab") as handle:
        handle.write(b"\0")
    url, var_dir = fresh_target
    result = _backup("restore", str(out), env={**os.environ, "DATABASE_URL": url, "NAPITER_VAR_DIR": str(var_dir)})
    assert result.returncode == 1
    assert "media.tar.gz does not match its SHA-256" in result.stderr
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cur.fetchone() == (0,)
    conn.close()
    target_media = var_dir / "media"
    assert not target_media.exists() or not any(target_media.iterdir())
