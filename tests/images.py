"""Real image bytes for upload tests, made with Pillow (no fixtures on disk)."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (640, 480), *, gps: bool = False, color: str = "steelblue") -> bytes:
    """A JPEG photo; with `gps`, carrying the EXIF GPS block a phone camera writes."""
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "S", 2: (6.0, 7.0, 12.0), 3: "E", 4: (106.0, 9.0, 0.0)}  # GPSInfo: Serang, Banten
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (300, 120), *, transparent: bool = True) -> bytes:
    image = Image.new("RGBA" if transparent else "RGB", size, (0, 0, 0, 0) if transparent else "white")
    for x in range(20, size[0] - 20):  # a stroke, like a drawn signature
        image.putpixel((x, size[1] // 2), (10, 10, 80, 255) if transparent else (10, 10, 80))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
