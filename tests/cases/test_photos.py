"""Person and visit photos: uploaded through the forms, checked by content, stored privately, served in scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Person, Visit, VisitPhoto
from cases.services import person_can_write
from napiter.audit.models import AccessEvent
from tests.factories import CaseFactory, PersonFactory
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def _upload(name: str = "IMG_0001.jpg", data: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, jpeg_bytes(gps=True) if data is None else data, content_type=content_type)


def _media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file() and "dokumen" not in p.parts} if root.exists() else set()


@pytest.fixture
def case(base_data):
    return CaseFactory()


def test_caseworker_uploads_a_photo_and_the_page_shows_it(cast, client_for, case):
    client = client_for(cast.banten_pendamping)
    response = client.post(reverse("cases:person-photo-upload", args=[case.person.pk]), {"photo": _upload()})
    assert response.status_code == 302
    person = Person.objects.get(pk=case.person.pk)
    assert person.photo.name.startswith("orang/foto/")
    assert person.photo.name.endswith(".jpg")
    assert "IMG_0001" not in person.photo.name  # stored under a random name
    page = client.get(reverse("cases:person-detail", args=[person.pk])).content.decode()
    assert reverse("cases:person-photo", args=[person.pk]) in page


def test_photo_is_served_privately_and_each_read_is_logged(cast, client_for, case):
    client = client_for(cast.banten_pendamping)
    client.post(reverse("cases:person-photo-upload", args=[case.person.pk]), {"photo": _upload()})
    before = AccessEvent.objects.filter(person_id=case.person.pk, object_type="cases.person.photo").count()
    response = client.get(reverse("cases:person-photo", args=[case.person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    events = AccessEvent.objects.filter(person_id=case.person.pk, object_type="cases.person.photo")
    assert events.count() == before + 1
    assert events.latest("id").user_id == cast.banten_pendamping.pk


def test_out_of_scope_caseworker_gets_404_for_the_photo_and_the_upload(cast, client_for, case):
    client_for(cast.banten_pendamping).post(
        reverse("cases:person-photo-upload", args=[case.person.pk]), {"photo": _upload()}
    )
    outsider = client_for(cast.kaltim_pendamping)
    assert outsider.get(reverse("cases:person-photo", args=[case.person.pk])).status_code == 404
    response = outsider.post(reverse("cases:person-photo-upload", args=[case.person.pk]), {"photo": _upload()})
    assert response.status_code == 404


def test_a_renamed_pdf_is_refused_with_a_reason_and_nothing_is_stored(cast, client_for, case):
    before = _media_files()
    fake = _upload("foto.jpg", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF")
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:person-photo-upload", args=[case.person.pk]), {"photo": fake}
    )
    assert response.status_code == 400
    assert "bukan foto JPEG, PNG, atau WebP" in response.content.decode()
    assert not Person.objects.get(pk=case.person.pk).photo
    assert _media_files() == before


def test_replacing_a_photo_removes_the_old_file_once_committed(
    cast, client_for, case, django_capture_on_commit_callbacks
):
    client = client_for(cast.banten_pendamping)
    url = reverse("cases:person-photo-upload", args=[case.person.pk])
    client.post(url, {"photo": _upload()})
    first = Path(Person.objects.get(pk=case.person.pk).photo.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"photo": _upload("b.jpg", jpeg_bytes(color="orange"))})
    second = Path(Person.objects.get(pk=case.person.pk).photo.path)
    assert second != first
    assert second.exists()
    assert not first.exists()


def test_only_the_office_handling_the_person_may_change_the_photo(cast, case):
    assert person_can_write(cast.banten_pendamping, case.person)
    assert person_can_write(cast.banten_kabid, case.person)
    assert not person_can_write(cast.koordinator, case.person)
    assert not person_can_write(cast.kaltim_pendamping, case.person)
    unregistered_elsewhere = PersonFactory(registered_by_office=cast.kaltim_pendamping.office)
    assert not person_can_write(cast.banten_pendamping, unregistered_elsewhere)


def test_visit_with_photos_is_saved_with_every_photo(cast, client_for, case):
    client = client_for(cast.banten_pendamping)
    response = client.post(
        reverse("cases:visit-create", args=[case.pk]),
        {
            "visited_on": "2026-10-01", "place": "Rumah keluarga", "findings": "Usaha berjalan",
            "photos": [_upload("a.jpg"), _upload("b.png", jpeg_bytes(color="green"))],
        },
    )  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get(case=case)
    photos = list(visit.photos.all())
    assert len(photos) == 2
    assert all(p.image.name.startswith("kunjungan/foto/") and p.uploaded_by == cast.banten_pendamping for p in photos)
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    for photo in photos:
        assert reverse("cases:visit-photo", args=[photo.pk]) in page
    served = client.get(reverse("cases:visit-photo", args=[photos[0].pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert AccessEvent.objects.filter(
        object_type="cases.visitphoto", object_id=str(photos[0].pk), person_id=case.person_id
    )
    assert client_for(cast.kaltim_pendamping).get(reverse("cases:visit-photo", args=[photos[0].pk])).status_code == 404


def test_one_bad_photo_keeps_the_whole_visit_unsaved(cast, client_for, case):
    before = _media_files()
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:visit-create", args=[case.pk]),
        {
            "visited_on": "2026-10-01", "place": "Rumah", "findings": "Baik",
            "photos": [_upload("a.jpg"), _upload("catatan.jpg", b"bukan gambar", "image/jpeg")],
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "catatan.jpg: Berkas bukan foto" in response.content.decode()
    assert not Visit.objects.filter(case=case).exists()
    assert not VisitPhoto.objects.exists()
    assert _media_files() == before


def test_files_written_before_a_failed_write_are_removed_and_a_full_disk_is_explained(cast, case):
    import errno

    from django.core.exceptions import ValidationError

    from napiter.uploads import clean_image, save_file, stored_files

    before = _media_files()
    photo = VisitPhoto(uploaded_by=cast.banten_pendamping)
    written: list[Path] = []

    def write_then_run_out_of_space() -> None:
        with stored_files() as saved:
            save_file(saved, photo.image, clean_image(jpeg_bytes()))
            written.append(Path(photo.image.path))
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ValidationError, match="Penyimpanan berkas di server penuh"):
        write_then_run_out_of_space()
    assert len(written) == 1
    assert _media_files() == before


def test_at_most_six_photos_per_visit(cast, client_for, case):
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:visit-create", args=[case.pk]),
        {"visited_on": "2026-10-01", "place": "Rumah", "findings": "Baik", "photos": [_upload() for _ in range(7)]},
    )
    assert response.status_code == 400
    assert "Paling banyak 6 foto" in response.content.decode()
