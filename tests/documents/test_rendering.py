"""The HTML-to-PDF step's own state: what it keeps between documents, and when it lets go of it; what the
print stylesheet may load."""

from __future__ import annotations

import pytest

from napiter.documents.fonts import FONTS_DIR, FontNotBundled
from napiter.documents.rendering import StylesheetFetcher, _stylesheet


def test_print_stylesheet_is_parsed_once_and_again_after_it_changes(tmp_path, settings):
    css = tmp_path / "css" / "print.css"
    css.parent.mkdir()
    css.write_text("@page { size: A4; }")
    settings.STATICFILES_DIRS = [str(tmp_path), *settings.STATICFILES_DIRS]  # found before the app's own

    first = _stylesheet()
    assert _stylesheet() is first
    css.write_text("@page { size: A5; } p { color: #333; }")  # a deploy with a new stylesheet, no restart

    assert _stylesheet() is not first


def test_print_stylesheet_loads_the_bundled_fonts_and_nothing_else():
    fetcher = StylesheetFetcher()

    font = fetcher.fetch("napiterfont:NotoSans-Bold.ttf")
    assert font.read() == (FONTS_DIR / "NotoSans-Bold.ttf").read_bytes()
    font.close()
    for outside in ("napiterfont:../signing.py", "napiterfont:OFL.txt", "napiterfont:%2Fetc%2Fpasswd"):
        with pytest.raises(FontNotBundled):
            fetcher.fetch(outside)
    for other in ("file:///etc/passwd", f"file://{FONTS_DIR}/NotoSans-Bold.ttf", "https://example.com/a.ttf"):
        with pytest.raises(ValueError, match="only the bundled fonts"):
            fetcher.fetch(other)
