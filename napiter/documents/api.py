from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from napiter.accounts.models import User
from napiter.api import Conflict, Gone
from napiter.api_files import file_action
from napiter.audit.mixins import LoggedListMixin
from napiter.documents.models import Document
from napiter.documents.selectors import documents_of_user
from napiter.documents.serializers import DocumentDetailSerializer, DocumentRequestSerializer, DocumentSerializer
from napiter.documents.services import (
    DocumentFileRemoved,
    DocumentNotReady,
    SignatureRefused,
    document_download,
    document_read,
    document_request,
    document_sign,
    documents_listed,
)
from napiter.documents.signing import SigningKeyMissing


class SignRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Tanda tangan ditolak."
    default_code = "sign_refused"


class DocumentViewSet(LoggedListMixin[Document], viewsets.GenericViewSet[Document]):
    """Numbered documents. A request answers 202 at once: a worker renders the PDF (follow `status`), then
    each required signer signs in order with `sign`; `download` serves the PDF once all have signed."""

    serializer_class = DocumentSerializer

    def _user(self) -> User:
        user: User = self.request.user  # type: ignore[assignment]
        return user

    def get_queryset(self) -> QuerySet[Document]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, only the model
            return Document.objects.none()
        return documents_of_user(self._user())

    @extend_schema(request=DocumentRequestSerializer, responses={202: DocumentSerializer})
    def create(self, request: Request) -> Response:
        data = DocumentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            document = document_request(
                user=self._user(),
                kind=values["kind"],
                subject_id=values["subject_id"],
                inputs={"recommendation": values.get("recommendation", "")},
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(
            DocumentSerializer(document, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )

    def log_listed(self, request: Request, rows: Sequence[Document]) -> None:
        documents_listed(user=self._user(), documents=rows, request=request._request)

    @extend_schema(responses={200: DocumentDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        document = document_read(user=self._user(), document_id=pk, request=request._request)
        return Response(DocumentDetailSerializer(document, context={"request": request}).data)

    @extend_schema(request=None, responses={200: DocumentSerializer, 400: OpenApiResponse(description="Ditolak")})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """Sign as the next required signer (your own key; in order). Refusals answer 400 with the reason."""
        try:
            document = document_sign(user=self._user(), document_id=pk)
        except (SignatureRefused, SigningKeyMissing) as exc:
            raise SignRefused(str(exc)) from exc
        return Response(DocumentSerializer(document, context={"request": request}).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Belum ditandatangani lengkap"),
            410: OpenApiResponse(description="Berkas dihapus pada akhir masa retensi"),
        }
    )
    @file_action("application/pdf")
    def download(self, request: Request, pk: str) -> FileResponse:
        """The signed PDF; 409 until every required signer has signed. Logged as a read of each person named.
        Refusals are JSON, or plain text for a client that accepts only `application/pdf`."""
        try:
            document = document_download(user=self._user(), document_id=pk, request=request._request)
        except DocumentFileRemoved as exc:
            raise Gone(str(exc)) from exc
        except DocumentNotReady as exc:
            raise Conflict(str(exc)) from exc
        from napiter.documents.views import download_filename

        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=download_filename(document),
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
