from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from napiter.accounts.models import User
from napiter.api import Conflict
from napiter.api_files import file_action
from napiter.audit.mixins import LoggedListMixin
from privacy.models import DataCategory, SubjectRequest
from privacy.selectors import data_categories, subject_requests_visible_to
from privacy.serializers import DataCategorySerializer, SubjectRequestSerializer, SubjectRequestWriteSerializer
from privacy.services import (
    subject_export_read,
    subject_request_create,
    subject_request_read,
    subject_requests_listed,
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # the route registry lets no anonymous caller through
    return request.user


def _call(service: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        ) from exc


class DataCategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[DataCategory]):
    """The record of processing (UU 27/2022 Pasal 31), for the data protection officer."""

    serializer_class = DataCategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[DataCategory]:
        return data_categories()


class SubjectRequestViewSet(
    LoggedListMixin[SubjectRequest], mixins.RetrieveModelMixin, viewsets.GenericViewSet[SubjectRequest]
):
    """Data subject requests in the caller's scope, by deadline; `export` is the machine-readable answer to
    an access request, logged as a download of the person's data."""

    serializer_class = SubjectRequestSerializer
    # Names the model for the schema (an integer `id`); requests are answered from get_queryset.
    queryset = SubjectRequest.objects.none()

    def get_queryset(self) -> QuerySet[SubjectRequest]:
        return subject_requests_visible_to(_user(self.request)).order_by("due_at", "id")

    def log_listed(self, request: Request, rows: Sequence[SubjectRequest]) -> None:
        subject_requests_listed(user=_user(request), requests=rows, request=request._request)

    def retrieve(self, request: Request, pk: str) -> Response:
        subject_request = subject_request_read(user=_user(request), request_id=pk, request=request._request)
        return Response(SubjectRequestSerializer(subject_request).data)

    @extend_schema(request=SubjectRequestWriteSerializer, responses={201: SubjectRequestSerializer})
    def create(self, request: Request) -> Response:
        data = SubjectRequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        created = _call(subject_request_create, user=request.user, person_id=values.pop("person"), **values)
        return Response(SubjectRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: OpenApiResponse(description="Ekspor data belum tersedia")})
    @file_action("application/json")
    def export(self, request: Request, pk: str) -> Response:
        """The machine-readable answer to an access request, once it is ready (409 until then); logged as a
        download of the person's data."""
        try:
            data = subject_export_read(user=_user(request), request_id=pk, request=request._request)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages)) from exc
        return Response(data)
