from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from assessments.demo import seed_assessments
from assistance.demo import seed_assistance
from cases.demo import seed_people
from cases.demo_workflow import seed_workflows
from cases.dtsen import seed_dtsen_sample
from cases.models import Person
from dashboards.services import periodic_reports_generate
from napiter.accounts.demo import demo_usernames, non_demo_users, seed_accounts
from napiter.accounts.models import User
from napiter.devservices import DEMO_DATABASE, DEMO_DATABASE_SEEDED
from napiter.regions.models import Region
from napiter.scale.seed import scale_people_q, scale_usernames
from sinergi.demo import seed_sinergi


class Command(BaseCommand):
    help = "Memuat data demo (kantor, pengguna, orang, kasus). Idempoten; menolak basis data yang berisi data nyata."

    def handle(self, *args: object, **options: object) -> None:
        mark = _database_mark()
        if mark == DEMO_DATABASE_SEEDED:
            # `make run` created this database for the demo and seeded it before; what people added since
            # through the app is theirs to keep, and the demo is already there.
            self.stdout.write("Data demo sudah dimuat sebelumnya di basis data demo ini; tidak ada yang diubah.")
            return
        if mark != DEMO_DATABASE:
            self._refuse_real_data()
        if not Region.objects.filter(code="36").exists():
            raise CommandError("Data wilayah belum dimuat: jalankan `python manage.py load_regions` dahulu.")
        password = settings.DEMO_PASSWORD
        seed_accounts(password)
        people = seed_people()
        seed_dtsen_sample()
        seed_workflows()
        seed_assistance()
        seed_assessments()
        seed_sinergi()
        periodic_reports_generate(today=timezone.localdate())
        if mark == DEMO_DATABASE:
            _mark_database(DEMO_DATABASE_SEEDED)
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap: {User.objects.filter(username__in=demo_usernames()).count()} pengguna "
                f"(kata sandi {password!r}), "
                f"{Person.objects.filter(is_demo=True).count()} orang ({people} baru)."
            )
        )

    def _refuse_real_data(self) -> None:
        """A database that `make run` did not create may hold real data: the demo cast must not join it."""
        # Synthetic scale data (seed_scale: offices SKL-*, users skala.*) is not real data either.
        others = non_demo_users(also_demo=scale_usernames())
        if others:
            raise CommandError(
                "Basis data ini berisi pengguna yang bukan bagian dari data demo "
                f"({', '.join(others[:5])}); seed_demo tidak dijalankan agar data nyata tidak tercampur."
            )
        if Person.objects.filter(is_demo=False).exclude(scale_people_q()).exists():
            raise CommandError(
                "Basis data ini berisi data orang yang bukan data demo; seed_demo tidak dijalankan agar data nyata "
                "tidak tercampur."
            )


def _database_mark() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def _mark_database(mark: str) -> None:
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [mark])
