"""API plumbing shared by every app: the error format and the API root."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from napiter.errors import StateConflict
from napiter.parsers import too_large

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "Anda belum masuk atau token tidak valid.",
    status.HTTP_403_FORBIDDEN: "Anda tidak memiliki izin untuk tindakan ini.",
    status.HTTP_404_NOT_FOUND: "Data tidak ditemukan.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Metode ini tidak didukung untuk alamat ini.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Terlalu banyak permintaan; coba lagi sebentar lagi.",
}
UNREADABLE_BODY = "Isi permintaan tidak dapat dibaca; kirim JSON yang sah dengan pengodean UTF-8."
UNSUPPORTED_MEDIA_TYPE = "Jenis isi permintaan tidak didukung; kirim JSON (application/json)."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is JSON with a `detail` a person can act on; validation errors keep their fields.

    Missing and forbidden records share one 404 answer so that a response never reveals that a record
    exists outside the caller's scope.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = too_large()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent | exceptions.ParseError):
        # DRF's parse errors carry the parser's English wording (and a JSON decoder's position).
        exc = exceptions.ParseError(UNREADABLE_BODY)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType("", UNSUPPORTED_MEDIA_TYPE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        # A list (a serializer's refusal that names no field) becomes the non-field entry, so `errors` is
        # always keyed by field as the schema documents.
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": "Data tidak valid; periksa isian yang ditandai.", "errors": errors}
    elif isinstance(exc, exceptions.APIException) and exc.detail == exc.default_detail:
        # DRF's stock English message: replace it; a message written by our code is kept.
        response.data = {"detail": MESSAGES.get(response.status_code, str(exc.detail))}
    return response


def api_root_payload(request: Request) -> dict[str, str]:
    from django.urls import reverse

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return {
        "auth-token": url("api-token"),
        "regions": url("region-list"),
        "schema": url("api-schema"),
        "docs": url("api-docs"),
    }


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler: an address under /api/ that matches no route (a non-numeric id, say) answers in
    the API's JSON error format, as the schema documents; pages keep the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGES[status.HTTP_404_NOT_FOUND]}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as DRF's 400, field errors kept by field."""
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter, digits only: DRF's IntegerField also reads "12.0" as 12, which a client
    that sent it by mistake should hear about."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not re.fullmatch(r"-?[0-9]+", data):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Data sudah diubah oleh pengguna lain; muat ulang lalu periksa kembali."
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "Berkas ini sudah dihapus."
    default_code = "gone"


@contextmanager
def service_errors() -> Iterator[None]:
    """Run a service call in an API view: a refused rule is 400, a record that moved on meanwhile 409, and a
    refused role 403, each with its message."""
    try:
        yield
    except StateConflict as exc:
        raise Conflict(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        raise validation_error(exc) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
