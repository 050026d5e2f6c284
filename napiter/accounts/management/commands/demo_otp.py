from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from napiter.accounts.demo import demo_usernames
from napiter.accounts.models import User
from napiter.accounts.security import demo_otp_device, needs_two_factor, totp_code, totp_seconds_left


class Command(BaseCommand):
    help = (
        "Menampilkan kode verifikasi dua langkah saat ini untuk pengguna demo (hanya data demo; "
        "ditolak untuk pengguna lain)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="nama pengguna demo, mis. bnpt.koordinator")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        if username not in demo_usernames():
            raise CommandError(f"{username!r} bukan pengguna demo; kode hanya ditampilkan untuk data demo.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("Pengguna demo belum ada: jalankan `python manage.py seed_demo` dahulu.")
        if not needs_two_factor(user):
            raise CommandError(f"Peran {username} tidak memakai verifikasi dua langkah; cukup kata sandi.")
        # Only a device that still holds the secret derived from DEMO_PASSWORD: a real authenticator
        # registered on this account is never read out.
        device = demo_otp_device(user, password=settings.DEMO_PASSWORD)
        if device is None:
            raise CommandError(
                f"{username} tidak memakai perangkat demo (atau DEMO_PASSWORD berbeda dari saat seed_demo)."
            )
        self.stdout.write(totp_code(device))
        self.stderr.write(f"berlaku {totp_seconds_left(device)} detik lagi; setiap kode hanya dapat dipakai sekali")
