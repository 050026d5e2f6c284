"""The demo walked as a person would: a berita acara kesepakatan that `seed_demo` leaves waiting for both
signatures is signed by its two officials, each signing in on the login page with the demo password and the
code `demo_otp` prints, then signing on the document's page. Real PDFs, real signatures, the demo CA."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from napiter.accounts.models import User
from napiter.documents.models import Document
from napiter.documents.selectors import document_stored_file_check
from napiter.documents.signing import check_signatures
from sinergi.models import ActionPlan, Agreement

pytestmark = pytest.mark.django_db


def _demo_otp(username: str) -> str:
    out = StringIO()
    call_command("demo_otp", username, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _sign_in(username: str) -> Client:
    """The login page with the demo password, then the two-step page with the code from `demo_otp`."""
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("otp-verify"), f"{username} was not asked for a code"
    verified = client.post(response.redirect_chain[-1][0], {"token": _demo_otp(username)})
    assert verified.status_code == 302, f"{username}: the code from demo_otp was refused"
    assert client.get(reverse("home")).status_code == 200
    return client


def _sign_from_my_documents(client: Client, document: Document) -> None:
    """The list "Dokumen saya" shows the document, its page offers the sign form, and signing returns there."""
    detail = reverse("documents:detail", kwargs={"pk": document.pk})
    assert detail in client.get(reverse("documents:list")).content.decode()
    sign = reverse("documents:sign", kwargs={"pk": document.pk})
    assert sign in client.get(detail).content.decode()
    response = client.post(sign, {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert f"Dokumen {document.number} telah Anda tandatangani." in response.content.decode()


def test_a_demo_agreement_is_signed_by_its_officials_through_the_pages(base_data):
    call_command("seed_demo", stdout=StringIO())
    waiting = [
        a
        for a in Agreement.objects.select_related("document").order_by("id")
        if a.document is not None
        and a.document.status == Document.Status.AWAITING_SIGNATURE
        and not a.document.signatures.filter(signed_at__isnull=False).exists()
    ]
    assert waiting, "the demo has no agreement waiting for its first signature"
    agreement = waiting[0]
    document = agreement.document
    assert document is not None
    signers = list(document.signatures.order_by("order").values_list("signer__username", flat=True))
    assert signers == ["kl.kemenag.eselon2", "bnpt.kepala"]

    for username in signers:
        client = _sign_in(username)
        _sign_from_my_documents(client, document)
        if username != signers[-1]:
            client.post(reverse("logout"))
    # The last signer downloads the signed PDF from the same session.
    download = client.get(reverse("documents:download", kwargs={"pk": document.pk}))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)

    document.refresh_from_db()
    agreement.refresh_from_db()
    assert document.status == Document.Status.SIGNED
    assert agreement.is_signed
    assert set(agreement.plans.values_list("status", flat=True)) == {ActionPlan.Status.AGREED}
    checks = check_signatures(pdf)
    assert [c.field_name for c in checks] == ["ttd1", "ttd2"]
    assert all(c.bottom_line for c in checks), [c.summary for c in checks]
    stored = document_stored_file_check(document)
    assert stored is not None
    assert stored.matches_record
    assert [c["bottom_line"] for c in stored.signatures] == [True, True]

    # Seeding again after the walk makes nothing new: no second agreement to sign, no other user.
    counts = (User.objects.count(), Agreement.objects.count(), Document.objects.count(), ActionPlan.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        User.objects.count(),
        Agreement.objects.count(),
        Document.objects.count(),
        ActionPlan.objects.count(),
    ) == counts
    document.refresh_from_db()
    assert document.status == Document.Status.SIGNED
