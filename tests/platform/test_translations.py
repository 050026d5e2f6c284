"""The English catalogue is complete: every string the templates and code mark for translation has an
English text, and the compiled catalogue matches the source."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
IGNORE = [".venv", "var", "static/vendor", "tests", "*.egg-info", "node_modules"]


def test_every_marked_string_has_an_english_translation(tmp_path, settings, monkeypatch):
    """Regenerate the catalogue from a copy of the sources: nothing may come out untranslated. makemessages
    writes into every `locale/` directory under the working directory, so it runs in the copy and the
    repository's catalogue stays as it is."""
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(*IGNORE, ".git", ".mypy_cache", ".*cache", "__pycache__"),
    )
    monkeypatch.chdir(source)
    settings.LOCALE_PATHS = [source / "locale"]
    call_command("makemessages", locale=["en"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)
    catalogue = polib.pofile(str(source / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == [], f"add English for these strings in locale/en/LC_MESSAGES/django.po: {missing}"


def test_compiled_catalogue_is_up_to_date():
    source = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: e.msgstr for e in source if e.translated()} == {e.msgid: e.msgstr for e in compiled if e.msgid}, (
        "run `python manage.py compilemessages`"
    )


@pytest.mark.django_db
def test_login_page_switches_to_english():
    client = Client()
    indonesian = client.get("/masuk/").content.decode()
    assert "Masuk ke napiter" in indonesian
    client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"})
    english = client.get("/masuk/").content.decode()
    assert '<html lang="en">' in english
    with translation.override("en"):
        assert translation.gettext("Masuk ke napiter") in english
    assert "Masuk ke napiter" not in english
