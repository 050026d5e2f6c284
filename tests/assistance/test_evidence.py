"""Hand-over evidence: the delivery photo, the recipient's signature (scan or drawn), the monitoring photo;
stored checked and private, served in scope, and the signature printed on the signed BAST."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.models import Grant
from assistance.services import grant_deliver
from napiter.audit.models import AccessEvent
from napiter.documents.models import Document
from napiter.documents.services import document_render, document_request, document_sign
from napiter.documents.signing import check_signatures
from napiter.uploads import clean_image
from tests.assistance.factories import BAJU_MUSLIM, approved_grant, grant_for_matrix
from tests.documents.factories import ensure_test_pki
from tests.factories import PersonFactory
from tests.images import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _delivery(**extra):
    return {
        "delivered_on": dt.date.today().isoformat(), "supplier": "CV Amanah",
        "item_0_name": "Etalase kaca", "item_0_quantity": "1", "item_0_unit": "unit", "item_0_unit_value": "1500000",
        **extra,
    }  # fmt: skip


def _drawn() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes()).decode()


def _pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    """Width and height of every image drawn in the PDF (poppler's pdfimages)."""
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout
    rows = [line.split() for line in listing.decode().splitlines()[2:]]
    return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image"]


def test_delivery_with_photo_and_drawn_signature(cast, client_for):
    grant = approved_grant()
    client = client_for(cast.banten_pendamping)
    photo = SimpleUploadedFile("serah.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    response = client.post(
        reverse("assistance:grant-deliver", args=[grant.pk]), _delivery(photo=photo, signature_drawn=_drawn())
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant.refresh_from_db()
    assert grant.status == Grant.Status.DELIVERED
    assert grant.delivery_photo.name.startswith("bantuan/foto/")
    assert grant.delivery_photo.name.endswith(".jpg")
    assert grant.recipient_signature.name.startswith("bantuan/ttd/")
    assert grant.recipient_signature.name.endswith(".png")
    page = client.get(reverse("assistance:grant-detail", args=[grant.pk])).content.decode()
    assert reverse("assistance:grant-photo", args=[grant.pk]) in page
    assert reverse("assistance:grant-signature", args=[grant.pk]) in page


def test_signature_scan_and_drawing_together_are_refused_and_nothing_is_delivered(cast, client_for):
    grant = approved_grant()
    scan = SimpleUploadedFile("ttd.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client_for(cast.banten_pendamping).post(
        reverse("assistance:grant-deliver", args=[grant.pk]), _delivery(signature_scan=scan, signature_drawn=_drawn())
    )
    assert response.status_code == 400
    assert "Pilih salah satu" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED
    assert not grant.recipient_signature
    assert not grant.items.exists()


def test_a_text_file_as_photo_is_refused_and_nothing_is_delivered(cast, client_for):
    grant = approved_grant()
    fake = SimpleUploadedFile("foto.jpg", b"Ini bukan foto", content_type="image/jpeg")
    response = client_for(cast.banten_pendamping).post(
        reverse("assistance:grant-deliver", args=[grant.pk]), _delivery(photo=fake)
    )
    assert response.status_code == 400
    assert "bukan foto JPEG, PNG, atau WebP" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED
    assert not grant.delivery_photo


def test_monitoring_photo_is_stored_and_served_in_scope_only(cast, client_for):
    grant = grant_for_matrix(PersonFactory())
    client = client_for(cast.banten_pendamping)
    photo = SimpleUploadedFile("warung.png", png_bytes(transparent=False), content_type="image/png")
    response = client.post(
        reverse("assistance:grant-monitor", args=[grant.pk]),
        {"month": "3", "visited_on": dt.date.today().isoformat(), "business_running": "on", "assets_present": "on",
         "monthly_revenue": "1500000", "photo": photo},
    )  # fmt: skip
    assert response.status_code == 302
    visit = grant.monitoring_visits.get()
    assert visit.photo.name.startswith("bantuan/pantau/")
    assert visit.photo.name.endswith(".jpg")
    served = client.get(reverse("assistance:monitoring-photo", args=[visit.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert AccessEvent.objects.filter(
        object_type="assistance.monitoringvisit.photo", object_id=str(visit.pk), person_id=grant.person_id
    ).exists()
    assert (
        client_for(cast.kaltim_pendamping).get(reverse("assistance:monitoring-photo", args=[visit.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["assistance:grant-photo", "assistance:grant-signature"])
def test_grant_files_are_logged_reads_and_404_out_of_scope(cast, client_for, name):
    grant = grant_for_matrix(PersonFactory())
    response = client_for(cast.banten_kabid).get(reverse(name, args=[grant.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert AccessEvent.objects.filter(object_id=str(grant.pk), person_id=grant.person_id, user_id=cast.banten_kabid.pk)
    assert client_for(cast.kaltim_pendamping).get(reverse(name, args=[grant.pk])).status_code == 404


def test_signed_bast_embeds_a_full_size_photo_and_signature_at_print_resolution(cast):
    """A 1600-pixel photo and a wide signature scan, as stored, go into the PDF at 150 dpi of the boxes the
    print stylesheet gives them (120 x 90 mm and 70 x 28 mm), not at the pixels stored."""
    ensure_test_pki()
    grant = grant_deliver(
        user=cast.banten_pendamping, grant_id=approved_grant(person=PersonFactory()).pk,
        delivered_on=dt.date.today(), items=BAJU_MUSLIM, photo=clean_image(jpeg_bytes((1600, 1200))),
        recipient_signature=clean_image(png_bytes((1600, 700)), keep_transparency=True),
    )  # fmt: skip
    document = document_request(user=cast.banten_pendamping, kind="bast", subject_id=grant.pk)
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    signed = document_sign(user=cast.banten_kabid, document_id=document.pk)
    with signed.file.open("rb") as handle:
        pdf = handle.read()
    sizes = _pdf_images(pdf)
    assert (708, 531) in sizes, sizes  # the hand-over photo
    assert (377, 165) in sizes, sizes  # the recipient's signature
    assert all(width <= 708 and height <= 531 for width, height in sizes), sizes
    (check,) = check_signatures(pdf)
    assert (check.intact, check.valid) == (True, True)


def test_signed_bast_carries_the_recipient_signature_and_the_photo_and_validates(cast):
    ensure_test_pki()
    grant = grant_for_matrix(PersonFactory())  # delivered with a 300x120 signature and a 640x480 photo
    document = document_request(user=cast.banten_pendamping, kind="bast", subject_id=grant.pk)
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error
    signed = document_sign(user=cast.banten_kabid, document_id=document.pk)
    with signed.file.open("rb") as handle:
        pdf = handle.read()
    sizes = _pdf_images(pdf)
    assert (300, 120) in sizes, sizes  # the recipient's signature
    assert (640, 480) in sizes, sizes  # the hand-over photo
    (check,) = check_signatures(pdf)
    assert (check.intact, check.valid) == (True, True)
