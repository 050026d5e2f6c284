"""API plumbing shared by every app: the error format and the API root."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "Anda belum masuk atau token tidak valid.",
    status.HTTP_403_FORBIDDEN: "Anda tidak memiliki izin untuk tindakan ini.",
    status.HTTP_404_NOT_FOUND: "Data tidak ditemukan.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Metode ini tidak didukung untuk alamat ini.",
    status.HTTP_429_TOO_MANY_REQUESTS: "Terlalu banyak permintaan; coba lagi sebentar lagi.",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is JSON with a `detail` a person can act on; validation errors keep their fields.

    Missing and forbidden records share one 404 answer so that a response never reveals that a record
    exists outside the caller's scope.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Data tidak valid; periksa isian yang ditandai.", "errors": response.data}
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


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as DRF's 400, field errors kept by field."""
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


@contextmanager
def service_errors() -> Iterator[None]:
    """Run a service call in an API view: a refused rule is 400 and a refused role 403, each with its message."""
    try:
        yield
    except DjangoValidationError as exc:
        raise validation_error(exc) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
