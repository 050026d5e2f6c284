"""API body parsers that hold a request body to DATA_UPLOAD_MAX_MEMORY_SIZE.

DRF's JSON and form parsers read the whole stream, bypassing the limit Django applies to `request.body`;
these refuse a larger body with 413 before reading more than the limit. The API takes no file uploads,
so the limit applies to the whole body.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Isi permintaan terlalu besar."
    default_code = "request_too_large"


def too_large() -> RequestTooLarge:
    limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return RequestTooLarge(f"Isi permintaan terlalu besar; batasnya {limit_kb} KB.")


def bounded(stream: IO[bytes]) -> BytesIO:
    """The body read into memory, or 413 once it passes the limit (also without a Content-Length)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = stream.read(limit + 1) if limit is not None else stream.read()
    if limit is not None and len(data) > limit:
        raise too_large()
    return BytesIO(data)


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        return super().parse(bounded(stream), media_type, parser_context)


class FormParser(parsers.FormParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        return super().parse(bounded(stream), media_type, parser_context)


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        return super().parse(bounded(stream), media_type, parser_context)
