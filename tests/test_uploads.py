"""napiter.uploads: images are judged by their content, re-encoded without metadata, and kept small."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from napiter.uploads import clean_drawn_signature, clean_image, fit_for_print
from tests.images import jpeg_bytes, png_bytes


def _open(content) -> Image.Image:
    return Image.open(io.BytesIO(content.read()))


def test_photo_is_reencoded_as_jpeg_under_a_random_name_without_gps():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the phone's GPS block is there
    cleaned = clean_image(original)
    assert cleaned.name.endswith(".jpg")
    assert len(cleaned.name) == 36
    image = _open(cleaned)
    assert image.format == "JPEG"
    assert not image.getexif(), "EXIF (with the GPS position) must not survive"


def test_large_photo_is_scaled_down_to_the_configured_side(settings):
    settings.UPLOAD_IMAGE_MAX_SIDE = 800
    image = _open(clean_image(jpeg_bytes((4000, 3000))))
    assert image.size == (800, 600)


def test_png_and_webp_are_accepted():
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(out, format="WEBP")
    assert _open(clean_image(out.getvalue())).format == "JPEG"
    assert _open(clean_image(png_bytes(transparent=False))).format == "JPEG"


def test_signature_keeps_transparency_as_png():
    image = _open(clean_image(png_bytes(), keep_transparency=True))
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "bukan foto"),
        (b"<?php system($_GET['c']); ?>", "bukan foto"),
        (b"", "kosong"),
        (jpeg_bytes()[:400], "rusak"),
    ],
    ids=["pdf-named-jpg", "script", "empty", "truncated-jpeg"],
)
def test_non_images_and_broken_images_are_refused_with_a_reason(data, message):
    with pytest.raises(ValidationError) as exc:
        clean_image(data)
    assert message in " ".join(exc.value.messages)


def test_gif_is_refused_even_though_it_is_an_image():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG, atau WebP"):
        clean_image(out.getvalue())


def test_oversized_file_is_refused_before_decoding(settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="terlalu besar"):
        clean_image(jpeg_bytes((800, 800)))


def test_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError):
        clean_image(out.getvalue())


def test_drawn_signature_data_url_is_decoded_and_checked():
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    assert _open(clean_drawn_signature(data_url)).format == "PNG"
    with pytest.raises(ValidationError, match="gambar ulang"):
        clean_drawn_signature("data:image/png;base64,@@@not-base64@@@")
    with pytest.raises(ValidationError, match="gambar ulang"):
        clean_drawn_signature("data:text/html;base64,PHNjcmlwdD4=")
    with pytest.raises(ValidationError, match="bukan foto"):
        clean_drawn_signature("data:image/png;base64," + base64.b64encode(b"not a png at all").decode())


def test_photo_for_print_is_scaled_to_its_box_at_print_resolution():
    stored = clean_image(jpeg_bytes((1600, 1200))).read()
    printed = Image.open(io.BytesIO(fit_for_print(stored, (120, 90))))  # 120 x 90 mm at 150 dpi: 709 x 531 px
    assert printed.format == "JPEG"
    assert printed.size == (708, 531)


def test_signature_for_print_keeps_its_transparency():
    stored = clean_image(png_bytes((1600, 700)), keep_transparency=True).read()
    printed = Image.open(io.BytesIO(fit_for_print(stored, (70, 28))))  # 70 x 28 mm at 150 dpi: 413 x 165 px
    assert printed.format == "PNG"
    assert printed.mode == "RGBA"
    assert printed.size == (377, 165)
    assert printed.getpixel((0, 0))[3] == 0


def test_image_that_fits_its_print_box_is_embedded_as_stored():
    stored = clean_image(jpeg_bytes((640, 480))).read()
    assert fit_for_print(stored, (120, 90)) is stored
