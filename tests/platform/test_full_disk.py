"""A full media volume (a real 512 KiB tmpfs, filled up): documents wait in the queue with a clear reason and
render once there is room again; a photo upload is refused with a clear message and saves nothing."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Person
from napiter.documents.models import Document
from napiter.documents.services import STORAGE_FULL_MESSAGE, document_render
from tests.documents.factories import ensure_test_pki, request_case_report
from tests.factories import CaseFactory
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def _files(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*") if p.is_file()]


def _fill(path: Path) -> None:
    with path.open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


@pytest.fixture
def full_media(tmp_path: Path, settings):
    mount = tmp_path / "media"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], check=True)
    filler = mount / "filler"
    with pytest.raises(OSError, match="No space left") as full:
        _fill(filler)
    assert full.value.errno == errno.ENOSPC
    settings.MEDIA_ROOT = str(mount)
    yield filler
    subprocess.run(["umount", str(mount)], check=True)


def test_a_document_waits_in_the_queue_while_the_disk_is_full_and_renders_after(full_media, base_data):
    ensure_test_pki()
    document = request_case_report()

    assert document_render(document_id=document.pk) is not None
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert document.error == STORAGE_FULL_MESSAGE
    assert not document.file
    assert _files(full_media.parent) == ["filler"]  # no partial PDF left behind

    full_media.unlink()  # the admin makes room; the sweeper resends the document
    document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.AWAITING_SIGNATURE
    assert document.error == ""
    assert Path(document.file.path).is_file()


def test_a_photo_upload_on_a_full_disk_is_refused_clearly(full_media, cast, client_for):
    case = CaseFactory()
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:person-photo-upload", args=[case.person.pk]),
        {"photo": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert "Penyimpanan berkas di server penuh" in response.content.decode()
    assert not Person.objects.get(pk=case.person.pk).photo
    assert _files(full_media.parent) == ["filler"]
