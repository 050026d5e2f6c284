"""The HTML-to-PDF step's own state: what it keeps between documents, and when it lets go of it."""

from __future__ import annotations

from napiter.documents.rendering import _stylesheet


def test_print_stylesheet_is_parsed_once_and_again_after_it_changes(tmp_path, settings):
    css = tmp_path / "css" / "print.css"
    css.parent.mkdir()
    css.write_text("@page { size: A4; }")
    settings.STATICFILES_DIRS = [str(tmp_path), *settings.STATICFILES_DIRS]  # found before the app's own

    first = _stylesheet()
    assert _stylesheet() is first
    css.write_text("@page { size: A5; } p { color: #333; }")  # a deploy with a new stylesheet, no restart

    assert _stylesheet() is not first
