"""The OpenAPI schema documents the error answers every operation can give, not only its success.

Clients (and the contract tests) rely on the schema listing each status an operation may answer with:
the registry answers 401 and 404 on every signed-in route, services refuse with 400, 403 or 409, and the
parsers refuse bodies that are too large (413) or of a type they do not read (415). An operation that
answers with a file (`napiter.api_files.file_action`) documents its errors as JSON and as plain text, the
form a client that accepts only the file's type gets.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

from napiter.api_files import FileRenderer

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    400: "Data tidak valid: `errors` menyebut isian yang salah beserta alasannya.",
    401: "Belum masuk atau token tidak valid.",
    403: "Peran Anda tidak boleh melakukan tindakan ini pada data ini.",
    404: "Data tidak ditemukan atau di luar wilayah kerja Anda.",
    409: "Data sudah diubah oleh pengguna lain; muat ulang lalu periksa kembali.",
    413: "Isi permintaan terlalu besar.",
    415: "Jenis isi permintaan tidak didukung; kirim JSON.",
    429: "Terlalu banyak permintaan; coba lagi sebentar lagi.",
}


# The body of every error answer (see `napiter.api.exception_handler`). Inline: a serializer class cannot
# declare a field named `errors`, which its own `errors` property would hide.
ERROR_BODY = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(help_text="Pesan yang dapat ditindaklanjuti pengguna."),
        "errors": serializers.DictField(
            child=serializers.JSONField(), required=False, help_text="Untuk data tidak valid: daftar pesan per isian."
        ),
    },
)


def _blank_choice(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    """A read-only choice of a model field that may be blank."""
    if not isinstance(field, serializers.ChoiceField) or not field.read_only or "" in dict(field.choices):
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = field.source
    if model is None or not isinstance(source, str) or "." in source:
        return False
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return bool(getattr(model_field, "blank", False))


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        for code, declared in list(bodies.items()):
            if code.isdigit() and int(code) >= 400 and "content" not in declared:
                # An error a view declares by its description alone (`OpenApiResponse(description=...)`) still
                # answers with the error body.
                response = OpenApiResponse(ERROR_BODY, description=declared.get("description", ""))
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        for status_code in self._error_statuses():
            code = str(status_code)
            if code not in bodies:
                response = OpenApiResponse(ERROR_BODY, description=ERROR_DESCRIPTIONS[status_code])
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return bodies

    def _get_response_for_code(
        self, serializer: Any, status_code: str, media_types: Any = None, direction: Any = "response"
    ) -> dict[str, Any]:
        response: dict[str, Any] = super()._get_response_for_code(serializer, status_code, media_types, direction)
        file_types = self._file_media_types()
        if file_types and status_code.isdigit() and int(status_code) >= 400 and "content" in response:
            # An error is never the file: JSON for a client that accepts JSON, else its message as plain text.
            content = {t: body for t, body in response["content"].items() if t not in file_types}
            content["text/plain"] = {"schema": {"type": "string"}}
            response["content"] = content
        return response

    def _file_media_types(self) -> set[str]:
        return {r.media_type for r in self.view.get_renderers() if isinstance(r, FileRenderer)}

    def _get_format_parameters(self) -> list[dict[str, Any]]:
        # The API negotiates by Accept; DRF's `?format=` override is not part of it (a file operation's second
        # renderer would otherwise document a `format` parameter).
        return []

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query" and not parameter.get("required"):
                # Filters and paging read an empty value as no value at all (`?status=` lists every status),
                # as an HTML form sends an untouched field.
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if _blank_choice(field) and "enum" in schema:
            # DRF drops `allow_blank` from read-only model fields, so the schema would not admit the "" that
            # an optional choice (a case not closed yet: closure_reason) holds.
            schema = {**schema, "enum": [*schema["enum"], ""]}
        return schema

    def _error_statuses(self) -> list[int]:
        statuses = []
        public = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        writes = self.method in WRITE_METHODS
        if writes or self._is_list_view() or self.get_filter_backends():
            statuses.append(400)
        if not public:
            statuses += [401, 403, 404]
        if writes and not public:
            statuses.append(409)
        if writes:
            statuses += [413, 415]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses
