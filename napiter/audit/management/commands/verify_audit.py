from django.core.management.base import BaseCommand, CommandError

from napiter.audit.chain import verify_access_chain, verify_change_chain


class Command(BaseCommand):
    help = (
        "Memeriksa rantai hash jejak audit (akses dan perubahan data): setiap entri dihitung ulang. "
        "Gagal dengan menyebut entri pertama yang rusak."
    )

    def handle(self, *args: object, **options: object) -> None:
        reports = [verify_access_chain(), verify_change_chain()]
        for report in reports:
            status = "utuh" if report.intact else f"RUSAK pada id={report.broken_id}: {report.problem}"
            self.stdout.write(
                f"{report.table}: {report.entries} entri terperiksa, {status}; hash terakhir {report.head}"
            )
        broken = [r for r in reports if not r.intact]
        if broken:
            raise CommandError(
                "Jejak audit rusak: " + "; ".join(f"{r.table} id={r.broken_id} ({r.problem})" for r in broken)
            )
        self.stdout.write(self.style.SUCCESS("Jejak audit utuh."))
