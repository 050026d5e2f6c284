"""Photos and signature images: checked by their content, re-encoded, stored privately, served only in scope.

Every image a user uploads is opened with Pillow and written anew, never stored as sent: the file's bytes
decide whether it is a photo (a renamed PDF or a script with a .jpg name is refused), re-encoding drops
EXIF metadata (a caseworker's phone writes the GPS position of a person's home into every photo) and
anything hidden after the image data, and the size is capped so that pages stay light on a slow
connection. Stored names are random, so a file name never carries a person's name. Media files are never
served by a public URL: each has a view that fetches its owner through the scoped selectors first.
"""

from __future__ import annotations

import base64
import binascii
import errno
import io
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPT_ATTR = "image/jpeg,image/png,image/webp"
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}
# A 12-megapixel phone photo is about 4000 x 3000; anything far larger is a decompression bomb, not a photo.
MAX_PIXELS = 50_000_000
DATA_URL_PREFIX = "data:image/png;base64,"
# Images in generated documents: the usual resolution of photos in printed office documents; a stored
# 1600-pixel photo keeps about a fifth of its pixels in a 120 mm box.
PRINT_DPI = 150
MM_PER_INCH = 25.4


def _max_bytes() -> int:
    return int(settings.UPLOAD_IMAGE_MAX_BYTES)


def _human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def clean_image(data: bytes, *, keep_transparency: bool = False) -> ContentFile[bytes]:
    """Check that `data` is a JPEG, PNG or WebP image and return it re-encoded under a random name.

    Photos become JPEG at most `UPLOAD_IMAGE_MAX_SIDE` pixels on their longer side; signature images
    (`keep_transparency`) become PNG so that a drawn signature keeps its transparent background.
    """
    if len(data) > _max_bytes():
        raise ValidationError(
            f"Berkas terlalu besar ({_human_size(len(data))}); ukuran maksimal {_human_size(_max_bytes())}."
        )
    if not data:
        raise ValidationError("Berkas kosong; pilih foto lagi.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                if image_format not in ACCEPTED_FORMATS:
                    raise ValidationError("Berkas bukan foto JPEG, PNG, atau WebP.")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError("Resolusi gambar terlalu besar; kirim foto dengan ukuran biasa.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError("Berkas bukan foto JPEG, PNG, atau WebP.") from exc
        except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt image data
            raise ValidationError("Berkas foto rusak atau tidak lengkap; ambil atau pilih foto lagi.") from exc
    side = int(settings.UPLOAD_IMAGE_MAX_SIDE)
    image.thumbnail((side, side))
    out = io.BytesIO()
    if keep_transparency:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        extension = ".png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=82, optimize=True)
        extension = ".jpg"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}{extension}")


def clean_drawn_signature(data_url: str) -> ContentFile[bytes]:
    """A signature drawn on the page arrives as a PNG data URL from the canvas."""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError("Tanda tangan yang digambar tidak terbaca; gambar ulang.")
    try:
        data = base64.b64decode(data_url[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("Tanda tangan yang digambar tidak terbaca; gambar ulang.") from exc
    return clean_image(data, keep_transparency=True)


def _read_upload(upload: File[Any]) -> bytes:
    if upload.size is not None and upload.size > _max_bytes():
        raise ValidationError(
            f"Berkas terlalu besar ({_human_size(upload.size)}); ukuran maksimal {_human_size(_max_bytes())}."
        )
    return b"".join(upload.chunks())


class ImageUploadField(forms.FileField):
    """A photo (or a scanned signature) field: the cleaned value is the re-encoded image, ready to store."""

    def __init__(self, *args: Any, keep_transparency: bool = False, **kwargs: Any) -> None:
        self.keep_transparency = keep_transparency
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> ContentFile[bytes] | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return clean_image(_read_upload(upload), keep_transparency=self.keep_transparency)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos at once (a visit's photos); each checked as `ImageUploadField` does."""

    def __init__(self, *args: Any, max_files: int = 6, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ACCEPT_ATTR, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[ContentFile[bytes]]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(f"Paling banyak {self.max_files} foto sekali unggah (terpilih {len(uploads)}).")
        cleaned = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                cleaned.append(clean_image(_read_upload(upload)))
            except ValidationError as exc:
                raise ValidationError(f"{upload.name}: {' '.join(exc.messages)}") from exc
        return cleaned


@contextmanager
def stored_files() -> Iterator[list[FieldFile]]:
    """Collect files saved during a write and remove them again if the write fails.

    The database rolls back on its own; files on disk do not. A full disk is reported as something a
    person can act on, and the row that was being written stays unsaved, so the action can be retried.
    """
    saved: list[FieldFile] = []
    try:
        yield saved
    except BaseException as exc:
        for fieldfile in saved:
            if fieldfile.name:
                fieldfile.storage.delete(fieldfile.name)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ValidationError(
                "Penyimpanan berkas di server penuh, sehingga data belum disimpan. Hubungi admin, lalu coba lagi."
            ) from exc
        raise


def save_file(saved: list[FieldFile], fieldfile: FieldFile, content: ContentFile[bytes]) -> None:
    """Write `content` into `fieldfile` without saving the model; remembered for cleanup by `stored_files`."""
    save_or_clean_up(fieldfile, content.name or f"{uuid.uuid4().hex}.jpg", content)
    saved.append(fieldfile)


def save_or_clean_up(fieldfile: FieldFile, name: str, content: ContentFile[bytes]) -> None:
    """`fieldfile.save` that leaves nothing behind when the write fails half-way (a full disk would stay full)."""
    target = fieldfile.field.generate_filename(fieldfile.instance, name)
    try:
        fieldfile.save(name, content, save=False)
    except OSError:
        fieldfile.storage.delete(target)
        raise


def protected_file_response(fieldfile: FieldFile, *, download_name: str) -> FileResponse:
    """Serve a stored image to a user already found in scope; never cached by shared caches."""
    extension = "." + (fieldfile.name or "").rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{download_name}{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def data_uri(fieldfile: FieldFile, *, print_box_mm: tuple[float, float] | None = None) -> str:
    """A stored image inlined for a rendered document (WeasyPrint reads data: URIs; no file path leaks).

    `print_box_mm` is the largest box (width, height in millimetres) the print stylesheet gives the image.
    An image with more pixels than that box holds at PRINT_DPI is scaled down first: a phone photo has
    several times as many, and the renderer would decode, compress and embed every one of them in the PDF.
    """
    if not fieldfile:
        return ""
    extension = "." + (fieldfile.name or "").rsplit(".", 1)[-1].lower()
    with fieldfile.open("rb") as handle:
        data = handle.read()
    if print_box_mm is not None:
        data = fit_for_print(data, print_box_mm)
    encoded = base64.b64encode(data).decode("ascii")
    return f"data:{CONTENT_TYPES.get(extension, 'application/octet-stream')};base64,{encoded}"


def fit_for_print(data: bytes, box_mm: tuple[float, float]) -> bytes:
    """A stored image (already cleaned by `clean_image`) no larger than `box_mm` at PRINT_DPI, in its format.

    Returns `data` itself when it already fits, so a small image is embedded exactly as it was stored.
    """
    box = (_print_pixels(box_mm[0]), _print_pixels(box_mm[1]))
    with Image.open(io.BytesIO(data)) as image:
        if image.width <= box[0] and image.height <= box[1]:
            return data
        image_format = image.format
        # reducing_gap=1: a JPEG is decoded at 1/2, 1/4 or 1/8 scale where that still covers the box, and
        # any other image shrinks by a whole factor first; one resampling step finishes the job.
        image.thumbnail(box, reducing_gap=1.0)
        out = io.BytesIO()
        if image_format == "JPEG":
            image.save(out, format="JPEG", quality=85)
        else:
            image.save(out, format="PNG")
    return out.getvalue()


def _print_pixels(millimetres: float) -> int:
    return max(1, round(millimetres / MM_PER_INCH * PRINT_DPI))
