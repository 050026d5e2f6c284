from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from napiter.documents.pki import CA_CERT_FILE, DEMO_LABEL, demo_signers, ensure_demo_pki


class Command(BaseCommand):
    help = (
        f"Create the demo CA and a PKCS#12 signing key per demo signer under SIGNING_KEYS_DIR ({DEMO_LABEL}); "
        "idempotent. Never run against production keys."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(settings.SIGNING_KEYS_DIR)
        issued = ensure_demo_pki(
            directory=directory, signers=demo_signers(), passphrase=settings.SIGNING_KEY_PASSPHRASE
        )
        if issued:
            self.stdout.write(f"Kunci tanda tangan demo dibuat untuk: {', '.join(issued)}")
        self.stdout.write(f"Sertifikat CA demo: {directory / CA_CERT_FILE} ({DEMO_LABEL})")
