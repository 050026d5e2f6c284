"""The fonts ship with napiter: a case report and a BAST come out in the bundled Noto Sans, and the signature
stamp in the bundled Noto Sans too, on a machine whose fontconfig offers no font at all."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from napiter.documents.kinds import kind_for
from napiter.documents.models import Document
from napiter.documents.rendering import render_html
from napiter.documents.services import document_request
from tests.assistance.factories import delivered_grant
from tests.documents.factories import request_case_report

pytestmark = pytest.mark.django_db

BUNDLED_FONTS = Path(settings.BASE_DIR) / "napiter" / "documents" / "fonts"
FACES = ("Regular", "Bold", "Italic")  # the templates set text in bold (titles, names) and italics (notes)


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str  # as the PDF names it, subset prefix dropped
    full_name: str  # from the embedded font program's own name table
    version: str


def _empty_fontconfig(directory: Path) -> dict[str, str]:
    """An environment whose fontconfig knows no font directory: the system's fonts are out of sight."""
    directory.mkdir()
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{directory / 'cache'}</cachedir></fontconfig>\n"
    )
    tmp = directory / "tmp"  # a fresh temporary directory: the stamp font is subset anew from its source
    tmp.mkdir()
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "TMPDIR": str(tmp), "DJANGO_SETTINGS_MODULE": "napiter.settings"}
    env.pop("FONTCONFIG_PATH", None)
    fc_list = shutil.which("fc-list")  # from Debian's fontconfig, a dependency of libpango-1.0-0
    assert fc_list is not None
    listed = subprocess.run([fc_list], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert listed.stdout.strip() == "", "the empty fontconfig configuration still lists fonts"
    return env


def _font_program(descriptor: generic.DictionaryObject) -> TTFont | None:
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            return TTFont(io.BytesIO(descriptor[key].data))
    return None


def _fonts_under(start: generic.PdfObject) -> list[EmbeddedFont]:
    """Every font reachable from `start` (a page tree, an appearance stream) other than through annotations
    (a signature's stamp is looked at on its own), with what its embedded program says it is; a font
    without an embedded TrueType/OpenType program fails the test."""
    found, seen, stack = [], set(), [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, generic.IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, generic.DictionaryObject):
            if obj.get("/Type") == "/Font" and obj.get("/Subtype") not in ("/CIDFontType0", "/CIDFontType2"):
                descriptor = (
                    obj["/DescendantFonts"][0]["/FontDescriptor"]
                    if obj["/Subtype"] == "/Type0"
                    else obj["/FontDescriptor"]
                )
                base_font = str(obj["/BaseFont"]).lstrip("/").split("+", 1)[-1]
                program = _font_program(descriptor)
                assert program is not None, f"font {base_font} is not embedded"
                names = program["name"]
                found.append(EmbeddedFont(base_font, str(names.getDebugName(4)), str(names.getDebugName(5))))
                continue
            stack.extend(value for key, value in dict.items(obj) if key not in ("/Parent", "/Annots"))
        elif isinstance(obj, generic.ArrayObject):
            stack.extend(list.__iter__(obj))
    return found


def _bundled(face: str) -> tuple[str, str]:
    names = TTFont(BUNDLED_FONTS / f"NotoSans-{face}.ttf")["name"]
    return str(names.getDebugName(4)), str(names.getDebugName(5))


def _request(document: Document, *, sign: dict[str, object] | None = None) -> dict[str, object]:
    kind = kind_for(document.kind)
    return {
        "name": document.kind,
        "html": render_html(document=document, kind=kind, subject=kind.subject_for_render(document.subject_id)),
        "signature_fields": [s.field_name for s in document.signatures.order_by("order")],
        "sign": sign,
    }


def test_documents_and_the_stamp_use_the_bundled_noto_sans_with_no_system_font(cast, demo_pki, tmp_path):
    env = _empty_fontconfig(tmp_path / "fontconfig")
    report = request_case_report()  # a new case: its empty sections say so in italics
    signature = report.signatures.get()
    bast = document_request(user=cast.banten_pendamping, kind="bast", subject_id=delivered_grant().pk)
    stamp = {"name": signature.signer_name, "nip": "", "position": "Kepala Bidang", "office": "Dinsos", "time": "-"}
    sign = {
        "field_name": signature.field_name,
        "username": signature.signer.username,
        "stamp": stamp,
        "verification_url": "http://127.0.0.1/verifikasi/UJI",
        "reason": "uji",
        "location": "Serang",
    }
    out = tmp_path / "pdf"
    out.mkdir()
    request = {"out": str(out), "documents": [_request(report, sign=sign), _request(bast)]}

    done = subprocess.run(
        [sys.executable, "-m", "tests.documents.isolated_render"],
        input=json.dumps(request),
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    expected = {_bundled(face) for face in FACES}
    for name in (report.kind, bast.kind):
        reader = PdfFileReader(io.BytesIO((out / f"{name}.pdf").read_bytes()), strict=False)
        fonts = _fonts_under(reader.root.raw_get("/Pages"))
        assert {(f.full_name, f.version) for f in fonts} == expected, name
        assert {f.base_font for f in fonts} == {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Italic"}, name
    reader = PdfFileReader(io.BytesIO((out / f"{report.kind}.pdf").read_bytes()), strict=False)
    (embedded,) = reader.embedded_signatures
    stamp_fonts = _fonts_under(embedded.sig_field.raw_get("/AP"))
    assert {(f.full_name, f.version) for f in stamp_fonts} == {_bundled("Regular")}
    # Every font file Python opened is a bundled one, or the stamp's subset made from one in this run.
    opened = [Path(p) for p in json.loads(done.stdout)["opened_fonts"]]
    tmp = Path(env["TMPDIR"]).resolve()
    assert BUNDLED_FONTS.resolve() / "NotoSans-Regular.ttf" in opened
    assert [p for p in opened if not p.is_relative_to(BUNDLED_FONTS.resolve()) and not p.is_relative_to(tmp)] == []
