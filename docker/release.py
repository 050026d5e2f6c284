"""Prepare the database before the web server starts: wait for PostgreSQL, then migrate, load the
Kemendagri regions and synchronise the role groups.

    python docker/release.py              # web containers, before gunicorn
    python docker/release.py --wait-only  # worker and beat: only wait until the database answers

Every step is idempotent, so each web container runs it on start. Scaled-out web containers start
together; a PostgreSQL advisory lock makes them take turns, because two concurrent `migrate` runs can
both try to apply the same migration.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import django

APP_DIR = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 120
# Any fixed 64-bit number, the same in every container of this deployment: it names the lock.
RELEASE_LOCK_KEY = 0x6E61706974657221


def wait_for_database(timeout: float) -> None:
    from django.db import OperationalError, connection

    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"database still unreachable after {timeout:.0f} s: {exc}") from exc
            print("waiting for the database ...", file=sys.stderr, flush=True)
            connection.close()
            time.sleep(2)
        else:
            return


def release() -> None:
    from django.core.management import call_command
    from django.db import connection

    # A session-level lock: it outlives the transactions migrate commits on this same connection, and
    # PostgreSQL drops it by itself should this process die half-way. Waited for by polling, never by a
    # blocking pg_advisory_lock(): a statement blocked on the lock is an open transaction, and the other
    # container's CREATE INDEX CONCURRENTLY (the indexes on large tables) waits for every open transaction
    # to end, a deadlock PostgreSQL can only break by failing one of the two.
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [RELEASE_LOCK_KEY])
            if cursor.fetchone()[0]:
                break
        time.sleep(1)
    try:
        call_command("migrate", interactive=False, verbosity=1)
        call_command("load_regions")
        call_command("sync_roles")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RELEASE_LOCK_KEY])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait-only", action="store_true", help="only wait until the database answers")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(APP_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "napiter.settings")
    django.setup()
    wait_for_database(WAIT_SECONDS)
    if not args.wait_only:
        release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
