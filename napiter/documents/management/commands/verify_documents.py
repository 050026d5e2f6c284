import hashlib

from django.core.management.base import BaseCommand, CommandError

from napiter.documents.models import Document
from napiter.documents.signing import check_signatures


class Command(BaseCommand):
    help = (
        "Memeriksa setiap dokumen bertanda tangan: berkasnya ada, SHA-256 sama dengan yang tercatat, dan setiap "
        "tanda tangan utuh, sah, dan terpercaya. Dipakai setelah pemulihan cadangan."
    )

    def handle(self, *args: object, **options: object) -> None:
        problems: list[str] = []
        checked = signatures = 0
        for document in Document.objects.filter(status=Document.Status.SIGNED).order_by("id").iterator():
            checked += 1
            try:
                with document.file.open("rb") as handle:
                    data = handle.read()
            except (OSError, ValueError) as exc:
                problems.append(f"{document.number}: berkas tidak dapat dibaca ({exc})")
                continue
            if hashlib.sha256(data).hexdigest() != document.sha256:
                problems.append(f"{document.number}: SHA-256 berkas berbeda dari yang tercatat")
                continue
            checks = check_signatures(data)
            signatures += len(checks)
            expected = document.signatures.count()
            if len(checks) != expected:
                problems.append(f"{document.number}: {len(checks)} tanda tangan, seharusnya {expected}")
            problems += [f"{document.number}: {c.field_name} {c.summary}" for c in checks if not c.bottom_line]
        self.stdout.write(f"{checked} dokumen bertanda tangan diperiksa, {signatures} tanda tangan.")
        if problems:
            raise CommandError("Dokumen bermasalah: " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Semua dokumen bertanda tangan utuh dan sah."))
