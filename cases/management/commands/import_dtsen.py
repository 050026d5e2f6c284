"""Load a DT-SEN extract from a file on the server: for extracts too large for the upload page."""

from __future__ import annotations

import datetime as dt
import time
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.dtsen import DtsenFileRejected, dtsen_import
from napiter.accounts.models import User
from napiter.audit.actor import audit_actor


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"tanggal harus berbentuk TTTT-BB-HH, bukan {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Mengimpor ekstrak DT-SEN (CSV: nik,desil,flag_terorisme,flag_judi_daring) sebagai snapshot baru. "
        "Berkas dengan satu baris bermasalah pun ditolak seluruhnya."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="Berkas CSV ekstrak DT-SEN.")
        parser.add_argument(
            "--snapshot-date", type=_date, required=True, help="Data per tanggal (TTTT-BB-HH), mis. 2026-09-30."
        )
        parser.add_argument(
            "--user", default="", help="Nama pengguna yang dicatat sebagai pengimpor (harus berhak mengimpor)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Pengguna {options['user']!r} tidak ditemukan.")
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        started = time.monotonic()
        try:
            with audit_actor(user.pk if user else None), path.open("rb") as file:
                snapshot = dtsen_import(
                    user=user, file=file, source_name=path.name, snapshot_date=options["snapshot_date"]
                )
        except DtsenFileRejected as exc:
            lines = [str(exc.message), *(str(e) for e in exc.row_errors)]
            if exc.bad_rows > len(exc.row_errors):
                lines.append(f"... dan {exc.bad_rows - len(exc.row_errors)} baris bermasalah lainnya.")
            raise CommandError("\n".join(lines)) from exc
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Snapshot DT-SEN #{snapshot.pk} per {snapshot.snapshot_date:%d-%m-%Y}: {snapshot.row_count} NIK "
                f"dimuat dalam {time.monotonic() - started:.1f} detik."
            )
        )
