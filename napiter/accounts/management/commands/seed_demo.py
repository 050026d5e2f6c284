from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.demo import seed_assessments
from assistance.demo import seed_assistance
from cases.demo import seed_people
from cases.demo_workflow import seed_workflows
from cases.dtsen import seed_dtsen_sample
from cases.models import Person
from dashboards.services import periodic_reports_generate
from napiter.accounts.demo import DEMO_CAST, non_demo_users, seed_accounts
from napiter.regions.models import Region
from napiter.scale.seed import scale_people_q, scale_usernames
from sinergi.demo import seed_sinergi


class Command(BaseCommand):
    help = "Memuat data demo (kantor, pengguna, orang, kasus). Idempoten; menolak basis data yang berisi data nyata."

    def handle(self, *args: object, **options: object) -> None:
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
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap: {len(DEMO_CAST)} pengguna (kata sandi {password!r}), "
                f"{Person.objects.filter(is_demo=True).count()} orang ({people} baru)."
            )
        )
