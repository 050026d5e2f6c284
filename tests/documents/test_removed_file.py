"""A signed document whose PDF was removed at the end of its retention period: the page and the API say so
(410 Gone) instead of failing, and the number and hash stay for verification."""

from __future__ import annotations

import pytest
from django.urls import reverse

from napiter.documents.models import Document
from napiter.documents.services import FILE_REMOVED_MESSAGE
from tests.documents.factories import signed_case_report_for_matrix
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def removed(base_data) -> Document:
    document = signed_case_report_for_matrix(PersonFactory.create())
    document.file.delete(save=False)
    Document.objects.filter(pk=document.pk).update(file="")
    return document


def test_download_page_says_the_file_was_removed(removed, cast, client_for):
    client = client_for(cast.banten_kabid)
    for name in ("documents:download", "documents:preview"):
        response = client.get(reverse(name, args=[removed.pk]))
        assert response.status_code == 410
        assert "masa retensi" in response.content.decode()


def test_api_download_is_410_with_the_reason(removed, cast, client_for):
    response = client_for(cast.banten_kabid).get(reverse("document-download", args=[removed.pk]))
    assert response.status_code == 410
    assert response.json()["detail"] == FILE_REMOVED_MESSAGE
    removed.refresh_from_db()
    assert removed.sha256  # what verification needs is kept
    assert removed.number
