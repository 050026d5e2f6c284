"""Template filters for documents (Indonesian dates, rupiah, terbilang) and the panel that lets a page
ask for a document and follow it: `{% load documents %}{% document_panel "laporan_kasus" case %}`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from napiter.documents import formatting

register = template.Library()


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """The day in words; a moment is the day it was where the page is read (the current time zone, WIB unless
    activated otherwise), not in UTC, as the database hands it back: 01:00 WIB on the 24th is the 24th."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return formatting.date_long(value)


@register.filter
def tanggal_waktu(value: dt.datetime | None, tz_name: str = "Asia/Jakarta") -> str:
    return formatting.datetime_long(value, tz_name) if value is not None else ""


@register.filter
def rupiah(value: int | Decimal | None) -> str:
    return formatting.rupiah(value) if value is not None else ""


@register.filter
def terbilang(value: int | Decimal | None) -> str:
    return formatting.rupiah_in_words(value) if value is not None else ""


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def document_panel(context: template.Context, kind: str, subject: Any) -> dict[str, Any]:
    """The documents of this kind about `subject` that the user may see, each with its live status, and
    the request form when the user may ask for one."""
    from django.core.exceptions import PermissionDenied

    from napiter.documents.kinds import RECOMMENDATION_MAX_LENGTH, kind_for
    from napiter.documents.selectors import documents_for_subject

    request = context["request"]
    user = request.user
    spec = kind_for(kind)
    try:
        spec.check_request(user=user, subject=subject)
        may_request = True
    except PermissionDenied:
        may_request = False
    return {
        "request": request,
        "kind": spec,
        "subject": subject,
        "documents": list(documents_for_subject(user, kind=kind, subject_id=subject.pk)[:10]),
        "may_request": may_request,
        "recommendation_max": RECOMMENDATION_MAX_LENGTH,
        "csrf_token": context.get("csrf_token"),
    }
