"""Backup and restore: the database, the media files, and a manifest that ties them together.

    python -m napiter.backup create [--out DIR]            # make backup
    python -m napiter.backup restore DIR [--replace]       # make restore BACKUP=DIR

A backup is a directory holding `database.dump` (pg_dump, custom format), `media.tar.gz` (uploaded photos
and every rendered or signed PDF), `trust-roots/` (the public certificates signatures are validated
against) and `manifest.json`: the SHA-256 of each of those files, the database's migration state, and a
manifest of the signing keys (file name, size, SHA-256 and certificate fingerprint). Private keys are
never copied into a backup: they are secrets kept apart (a PKCS#11 token or their own encrypted store), and
the manifest tells whether the keys found at restore time are the ones the backup was made with.

Restore checks every hash before it touches anything, refuses a target database that already holds
tables (unless `--replace`), loads the dump, unpacks the media, and then proves the result: the audit
chain verifies (`verify_audit`) and every signed document's file matches its stored hash and its
signatures validate (`verify_documents`). Without DATABASE_URL, both commands use the embedded servers
under var/ (as `make run` does) and start them for the duration if they are not running.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2

from napiter.devservices import BASE_DIR, POSTGRES_BIN_PATH, DevServices, _port_open

FORMAT_VERSION = 1
DUMP, MEDIA, ROOTS, MANIFEST = "database.dump", "media.tar.gz", "trust-roots", "manifest.json"


class BackupError(RuntimeError):
    """Something a person must act on; the message says what."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _var_dir() -> Path:
    return Path(os.environ.get("NAPITER_VAR_DIR", BASE_DIR / "var")).resolve()


@contextmanager
def _database_url() -> Iterator[str]:
    """DATABASE_URL, or the embedded server under var/ (started for the duration when it is not running)."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    port = int(os.environ.get("NAPITER_PG_PORT", "54329"))
    services = DevServices(_var_dir(), pg_port=port, redis_port=0, use_environment=False)
    if _port_open(port):
        yield services.postgres.url(services.database)
        return
    services.postgres.start()
    try:
        yield services.postgres.ensure_database(services.database)
    finally:
        services.postgres.stop()


def _django_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url}


def _manage(args: Sequence[str], database_url: str, **extra_env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env={**_django_env(database_url), **extra_env},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def _settings(database_url: str) -> dict[str, Any]:
    """The values this module needs from Django settings, read in a child process with the same environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'media': str(s.MEDIA_ROOT), 'keys': str(s.SIGNING_KEYS_DIR), "
        "'roots': [str(p) for p in s.SIGNING_TRUST_ROOTS]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**_django_env(database_url), "DJANGO_SETTINGS_MODULE": "napiter.settings"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def _certificate_summary(pem: bytes) -> dict[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_pem_x509_certificate(pem)
    return {
        "subject": cert.subject.rfc4514_string(),
        "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


def _keys_manifest(keys_dir: Path) -> list[dict[str, Any]]:
    """What signing keys exist, without their secret part: enough to tell whether a restore has the same."""
    entries = []
    for path in sorted(keys_dir.glob("*.p12")) if keys_dir.is_dir() else []:
        entries.append({"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)})
    return entries


def _migration_state(database_url: str) -> dict[str, str]:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cur.fetchall())


def create(out: Path | None = None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = (out or _var_dir() / "backups" / f"napiter-{stamp}").resolve()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; choose a new directory for the backup.")
    target.mkdir(parents=True, exist_ok=True)
    with _database_url() as database_url:
        settings = _settings(database_url)
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_dump"), "--format=custom", "--no-owner", "--file", str(target / DUMP),
             "--dbname", database_url],
            check=True, capture_output=True,
        )  # fmt: skip
        migrations = _migration_state(database_url)
    media = Path(settings["media"])
    with tarfile.open(target / MEDIA, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    roots_dir = target / ROOTS
    roots_dir.mkdir()
    roots = []
    for root in settings["roots"]:
        path = Path(root)
        if path.is_file():
            shutil.copyfile(path, roots_dir / path.name)
            roots.append({"file": path.name, **_certificate_summary(path.read_bytes())})
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "files": {name: _sha256(target / name) for name in (DUMP, MEDIA)}
        | {f"{ROOTS}/{r['file']}": _sha256(roots_dir / r["file"]) for r in roots},
        "migrations": migrations,
        "trust_roots": roots,
        "signing_keys": _keys_manifest(Path(settings["keys"])),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return target


def _check_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT_VERSION}.")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(path) != expected:
            raise BackupError(f"{name} does not match its SHA-256 in the manifest: the backup is damaged.")
    return manifest


def _prepare_database(database_url: str, *, replace: bool) -> None:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        (tables,) = cur.fetchone() or (0,)
        if tables and not replace:
            raise BackupError("the target database already holds tables; restore into a fresh one or pass --replace.")
        if tables:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    conn.close()


def restore(source: Path, *, replace: bool = False) -> dict[str, str]:
    """Restore `source` and prove it: returns the output of the two verification commands."""
    source = source.resolve()
    manifest = _check_manifest(source)
    with _database_url() as database_url:
        settings = _settings(database_url)
        media = Path(settings["media"])
        if media.is_dir() and any(media.iterdir()) and not replace:
            raise BackupError(f"{media} is not empty; restore into a fresh media directory or pass --replace.")
        _prepare_database(database_url, replace=replace)
        result = subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", database_url,
             str(source / DUMP)],
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed:\n{result.stderr}")
        if media.is_dir():
            shutil.rmtree(media)
        media.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA, "r:gz") as archive:
            archive.extractall(media.parent / ".restore-media", filter="data")
        unpacked = media.parent / ".restore-media" / "media"
        if unpacked.is_dir():
            unpacked.rename(media)
        shutil.rmtree(media.parent / ".restore-media", ignore_errors=True)
        keys_now = {k["file"]: k["sha256"] for k in _keys_manifest(Path(settings["keys"]))}
        keys_then = {k["file"]: k["sha256"] for k in manifest["signing_keys"]}
        # Validate against the certificates the documents were signed under, as kept in the backup.
        roots = ",".join(str(source / ROOTS / r["file"]) for r in manifest["trust_roots"])
        return {
            "audit": _manage(["verify_audit"], database_url),
            "documents": _manage(["verify_documents"], database_url, NAPITER_SIGNING_TRUST_ROOTS=roots),
            "keys": "the signing keys match the backup"
            if keys_now == keys_then
            else "the signing keys differ from the backup's manifest: new documents will be signed by other keys",
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m napiter.backup")
    sub = parser.add_subparsers(dest="command", required=True)
    create_parser = sub.add_parser("create")
    create_parser.add_argument("--out", type=Path)
    restore_parser = sub.add_parser("restore")
    restore_parser.add_argument("source", type=Path)
    restore_parser.add_argument("--replace", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            print(f"Backup written to {create(args.out)}")
        else:
            for name, output in restore(args.source, replace=args.replace).items():
                print(f"[{name}] {output.strip()}")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
