"""HTML to PDF: WeasyPrint renders `templates/documents/<kind>.html` with the print stylesheet, then the
empty signature fields are added where the template drew each signer's box, so that every signer later
only fills their own field (an incremental update that leaves earlier signatures valid)."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from napiter.accounts.models import Agency, Office
from napiter.documents.fonts import URL_SCHEME as FONT_URL_SCHEME
from napiter.documents.fonts import bundled_font
from napiter.documents.formatting import date_long
from napiter.documents.kinds import DocumentKind
from napiter.documents.models import Document

PRINT_STYLESHEET = "css/print.css"
CSS_PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF user space is points (1/72 in)


class RenderError(RuntimeError):
    """The template did not produce what the pipeline needs (e.g. a signer's box is missing)."""


@dataclass(frozen=True)
class Letterhead:
    """Kop surat: the government or agency line(s), the unit in large type, the address line."""

    authority: list[str]
    unit: str
    address: str


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int


def letterhead_for(office: Office) -> Letterhead:
    agency = office.agency
    address = office.address.strip() or f"Wilayah kerja: {office.jurisdiction_label}"
    if agency.kind in (Agency.Kind.DINSOS_PROVINCE, Agency.Kind.DINSOS_REGENCY) and office.region is not None:
        name = office.region.name.upper()
        government = (
            f"PEMERINTAH PROVINSI {name}" if agency.kind == Agency.Kind.DINSOS_PROVINCE else f"PEMERINTAH {name}"
        )
        return Letterhead([government], "DINAS SOSIAL", address)
    # National offices are named "Agency, Unit" (e.g. "Kemensos, Direktorat Rehabilitasi Sosial").
    unit = office.name.split(",", 1)[1].strip() if "," in office.name else office.name
    authority = [agency.name.upper()]
    if agency.kind in (Agency.Kind.KEMENSOS, Agency.Kind.MINISTRY, Agency.Kind.BNPT):
        authority.append("REPUBLIK INDONESIA")
    return Letterhead(authority, unit.upper(), address)


def verification_url(document: Document) -> str:
    from django.urls import reverse

    path = reverse("verification:document", kwargs={"code": document.verification_code})
    return f"{settings.DOCUMENTS_PUBLIC_URL.rstrip('/')}{path}"


class _RenderTools(threading.local):
    """What every render of this thread shares: the font configuration (loading fontconfig and Pango's font
    map costs more than laying out a short letter, and its caches stay warm) and the print stylesheet
    parsed with it. Per thread, as Pango's font map is not meant to be used from two threads at once."""

    def __init__(self) -> None:
        self.font_config: FontConfiguration | None = None
        self.stylesheet: tuple[tuple[str, int, int], CSS] | None = None


_tools = _RenderTools()


def _font_config() -> FontConfiguration:
    if _tools.font_config is None:
        _tools.font_config = FontConfiguration()
    return _tools.font_config


class StylesheetFetcher(URLFetcher):
    """What the print stylesheet may load: the fonts shipped in napiter/documents/fonts, named by
    `napiterfont:<file>` URLs. Every other URL is refused, so the stylesheet reads nothing else from this
    machine or the network."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme, _, name = url.partition(":")
        if scheme != FONT_URL_SCHEME:
            raise ValueError(f"the print stylesheet loads only the bundled fonts ({FONT_URL_SCHEME}:<file>): {url}")
        path = bundled_font(unquote(name))
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": "font/ttf"})


def _stylesheet() -> CSS:
    """The print stylesheet, parsed again only when the file changes (a deploy without a worker restart)."""
    path = finders.find(PRINT_STYLESHEET)
    if not path:
        raise RenderError(f"print stylesheet {PRINT_STYLESHEET} not found among the static files")
    stat = os.stat(path)
    version = (str(path), stat.st_mtime_ns, stat.st_size)
    if _tools.stylesheet is None or _tools.stylesheet[0] != version:
        _tools.stylesheet = (
            version,
            CSS(filename=str(path), font_config=_font_config(), url_fetcher=StylesheetFetcher()),
        )
    return _tools.stylesheet[1]


def render_html(*, document: Document, kind: DocumentKind, subject: Any) -> str:
    office = document.office
    issued = timezone.localtime(document.requested_at, timezone=_zone(office)).date()
    signatures = list(document.signatures.order_by("order"))
    context = {
        **kind.context(subject=subject, document=document),
        "document": document,
        "kind": kind,
        "office": office,
        "letterhead": letterhead_for(office),
        "issued_on": date_long(issued),
        "signatures": signatures,
        "verification_url": verification_url(document),
    }
    return render_to_string(kind.template, context)


def _zone(office: Office) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(office.timezone)


def render_pdf(*, document: Document, kind: DocumentKind, subject: Any) -> RenderedPdf:
    html = render_html(document=document, kind=kind, subject=subject)
    return pdf_from_html(
        html, signature_fields={s.field_name for s in document.signatures.all()}, template=kind.template
    )


def pdf_from_html(html: str, *, signature_fields: Iterable[str], template: str) -> RenderedPdf:
    """The PDF of a rendered template (`template` names it in errors), with an empty signature field where
    the HTML drew the box of each of `signature_fields`."""
    rendered = HTML(string=html, base_url=str(Path(settings.BASE_DIR))).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
    )
    wanted = set(signature_fields)
    boxes: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    for index, page in enumerate(rendered.pages):
        page_height = page.height
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if name in wanted:
                # Anchors are top-left based CSS pixels; PDF boxes are bottom-left based points.
                boxes[name] = (
                    index,
                    (
                        x1 * CSS_PX_TO_PT,
                        (page_height - y2) * CSS_PX_TO_PT,
                        x2 * CSS_PX_TO_PT,
                        (page_height - y1) * CSS_PX_TO_PT,
                    ),
                )
    missing = sorted(wanted - set(boxes))
    if missing:
        raise RenderError(f"template {template} has no signature box for: {', '.join(missing)}")
    pdf = rendered.write_pdf()
    return RenderedPdf(data=_with_signature_fields(pdf, boxes), page_count=len(rendered.pages))


def _with_signature_fields(pdf: bytes, boxes: dict[str, tuple[int, tuple[float, float, float, float]]]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for name, (page, box) in sorted(boxes.items()):
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(name, on_page=page, box=tuple(round(v) for v in box)),  # type: ignore[arg-type]
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
