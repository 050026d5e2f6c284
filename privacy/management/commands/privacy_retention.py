from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from privacy.selectors import retention_candidates
from privacy.services import retention_apply


class Command(BaseCommand):
    help = (
        "Daftar orang yang masa retensi datanya berakhir (uji coba, tanpa perubahan); "
        "dengan --apply, anonimkan mereka kecuali yang ditahan (legal hold)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Benar-benar menganonimkan data.")

    def handle(self, *args: Any, **options: Any) -> None:
        candidates = retention_candidates()
        for c in candidates:
            codes = ", ".join(d.category.code for d in c.due)
            state = "DITAHAN" if c.blocked else "akan dianonimkan"
            self.stdout.write(f"orang #{c.person.pk}\tkasus terakhir ditutup {c.last_closed_on}\t{state}\t{codes}")
        if not options["apply"]:
            self.stdout.write(f"Uji coba: {sum(not c.blocked for c in candidates)} orang akan dianonimkan.")
            return
        result = retention_apply()
        self.stdout.write(f"{len(result.anonymised)} orang dianonimkan, {len(result.blocked)} ditahan.")
