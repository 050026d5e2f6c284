from django.core.management.base import BaseCommand

from napiter.accounts.services import role_sync


class Command(BaseCommand):
    help = "Menyelaraskan grup peran dengan tabel peran dan izinnya."

    def handle(self, *args: object, **options: object) -> None:
        groups = role_sync()
        self.stdout.write(f"{len(groups)} peran diselaraskan.")
