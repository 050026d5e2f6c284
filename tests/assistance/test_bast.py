"""The BAST of a delivered grant: requested, rendered, signed by the officer and valid; terbilang."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from napiter.documents.formatting import rupiah_in_words
from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from napiter.documents.rendering import render_html
from napiter.documents.services import document_render, document_request, document_sign
from napiter.documents.signing import check_signatures
from tests.assistance.factories import approved_grant, delivered_grant
from tests.documents.factories import ensure_test_pki
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (7_900_000, "Tujuh juta sembilan ratus ribu rupiah"),
        (5_000_000, "Lima juta rupiah"),
        (1_001_000, "Satu juta seribu rupiah"),
        (115_250, "Seratus lima belas ribu dua ratus lima puluh rupiah"),
        (2_500_000_000, "Dua miliar lima ratus juta rupiah"),
        (3_000_000_000_011, "Tiga triliun sebelas rupiah"),
        (999_999_999_999_999, "Sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan "
         "miliar sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu sembilan "
         "ratus sembilan puluh sembilan rupiah"),
    ],
)  # fmt: skip
def test_terbilang_up_to_trillions(amount, words):
    assert rupiah_in_words(amount) == words


def test_bast_names_both_parties_the_decree_items_and_the_total_in_words(cast):
    person = PersonFactory(full_name="Siti Aminah", nik="3673014507900002")
    grant = delivered_grant(person=person)
    document = document_request(user=cast.banten_pendamping, kind="bast", subject_id=grant.pk)
    kind = kind_for("bast")

    html = render_html(document=document, kind=kind, subject=kind.subject_for_render(grant.pk))

    assert document.number.startswith("BAST-001/DINSOS-BTN/")
    assert document.person_ids == [person.pk]
    assert "Siti Aminah" in html
    assert "3673********0002" in html
    assert "3673014507900002" not in html
    assert "Ahmad Fauzi" in html  # PIHAK KEDUA: the supervisor who approved
    assert "NIP" in html
    assert "197904212006041003" in html
    assert "SK-460/012/DINSOS" in html
    assert "Baju muslim/muslimah" in html
    assert "Rp 6.000.000" in html
    assert "Rp 7.900.000" in html
    assert "Tujuh juta sembilan ratus ribu rupiah" in html


def test_bast_is_signed_by_the_officer_and_validates(cast):
    ensure_test_pki()
    grant = delivered_grant()
    document = document_request(user=cast.banten_pendamping, kind="bast", subject_id=grant.pk)
    rendered = document_render(document_id=document.pk)
    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE, rendered.error

    signed = document_sign(user=cast.banten_kabid, document_id=document.pk)

    assert signed.status == Document.Status.SIGNED
    with signed.file.open("rb") as handle:
        (check,) = check_signatures(handle.read())
    assert (check.bottom_line, check.intact, check.valid, check.trusted) == (True, True, True, True)
    assert "Ahmad Fauzi" in check.signer_subject


def test_bast_only_after_delivery_and_by_the_proposing_office(cast):
    grant = approved_grant()
    with pytest.raises(PermissionDenied, match="setelah penyaluran"):
        document_request(user=cast.banten_pendamping, kind="bast", subject_id=grant.pk)
    delivered = delivered_grant()
    with pytest.raises(PermissionDenied, match="kantor pengusul"):
        document_request(user=cast.kemensos_supervisor, kind="bast", subject_id=delivered.pk)
