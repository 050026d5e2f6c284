"""Build the synthetic national dataset used by `make bench` (see napiter/scale/seed.py)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from napiter.scale.seed import ScaleSeedError, seed_scale


class Command(BaseCommand):
    help = (
        "Memuat data uji skala (orang, keluarga, kasus, kunjungan, bantuan, asesmen, rencana aksi) dengan COPY. "
        "Idempoten; terpisah dari data demo (kantor SKL-*, pengguna skala.*)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="Jumlah orang, mis. 1000000.")
        parser.add_argument("--seed", type=int, default=2026, help="Benih acak (data yang sama untuk benih yang sama).")
        parser.add_argument(
            "--audit-rows",
            action="store_true",
            help="Catat setiap baris massal di jejak audit (untuk mengukur biayanya; jauh lebih lambat).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f} s] {message}")

        try:
            result = seed_scale(
                people=options["people"], random_seed=options["seed"], audit_rows=options["audit_rows"],
                progress=progress,
            )  # fmt: skip
        except ScaleSeedError as exc:
            raise CommandError(str(exc)) from exc
        if not result.created:
            self.stdout.write(f"Data uji skala {result.people} orang sudah ada; tidak ada yang diubah.")
            return
        rows = ", ".join(f"{table} {count}" for table, count in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Data uji skala dimuat dalam {time.monotonic() - started:.1f} detik: {rows}.")
        )
