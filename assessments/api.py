from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.instruments import instrument_export
from assessments.models import Assessment, InstrumentVersion
from assessments.selectors import (
    assessment_get_for_user,
    assessments_visible_to,
    can_view_item_scores,
    person_trajectory,
)
from assessments.serializers import (
    AssessmentDetailSerializer,
    AssessmentFilterSerializer,
    AssessmentReadSerializer,
    AssessmentSaveSerializer,
    AssessmentSerializer,
    AssessmentStartSerializer,
    InstrumentImportSerializer,
    InstrumentVersionSerializer,
    TrajectorySerializer,
)
from assessments.services import (
    RatingInput,
    assessment_amend,
    assessment_read,
    assessment_save,
    assessment_start,
    assessment_submit,
    assessments_listed,
    instrument_import,
)
from cases.selectors import person_get_for_user
from cases.services import person_read
from napiter.accounts.models import User
from napiter.api import validation_error
from napiter.api_files import file_action
from napiter.audit.mixins import LoggedListMixin


def _refused(exc: DjangoPermissionDenied) -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(str(exc) or None)


def _detail(user: User, assessment: Assessment) -> dict[str, Any]:
    serializer = AssessmentDetailSerializer if can_view_item_scores(user) else AssessmentSerializer
    return dict(serializer(assessment).data)


class InstrumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InstrumentVersion]):
    """Instrument versions with their domains, items and levels. Import and export for administrators."""

    serializer_class = InstrumentVersionSerializer

    def get_queryset(self) -> QuerySet[InstrumentVersion]:
        return (
            InstrumentVersion.objects.select_related("instrument")
            .prefetch_related("domains__items__scale", "bands")
            .order_by("instrument__name", "-number")
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @file_action("application/json")
    def export(self, request: Request, pk: str) -> Response:
        """The version as an instrument document, the same form the import accepts."""
        return Response(instrument_export(self.get_object()))

    @extend_schema(request=InstrumentImportSerializer, responses={201: InstrumentVersionSerializer})
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_document(self, request: Request) -> Response:
        """Load an instrument document as a new version (validated against the schema)."""
        data = InstrumentImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = instrument_import(user=request.user, data=data.validated_data["document"])  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise _refused(exc) from exc
        return Response(InstrumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class AssessmentViewSet(LoggedListMixin[Assessment], viewsets.GenericViewSet[Assessment]):
    """Assessments of the people the caller may see. Item ratings only for asesor and supervisor roles."""

    serializer_class = AssessmentSerializer

    @extend_schema(parameters=[AssessmentFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def log_listed(self, request: Request, rows: Sequence[Assessment]) -> None:
        assessments_listed(user=request.user, assessments=rows, request=request._request)  # type: ignore[arg-type]

    def get_queryset(self) -> QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, only the model matters
            return Assessment.objects.none()
        qs = assessments_visible_to(self.request.user).select_related(  # type: ignore[arg-type]
            "version__instrument", "assessor", "computed_band", "judged_band"
        )
        # A draft is its assessor's work in progress: others see an assessment once it is submitted.
        qs = qs.exclude(Q(status=Assessment.Status.DRAFT) & ~Q(assessor=self.request.user))
        if self.action == "list":
            params = AssessmentFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if "person" in params.validated_data:
                qs = qs.filter(person_id=params.validated_data["person"])
        return qs.order_by("-assessed_on", "-id")

    @extend_schema(responses={200: AssessmentReadSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        assessment = assessment_read(user=request.user, pk=pk, request=request._request)  # type: ignore[arg-type]
        return Response(_detail(request.user, assessment))  # type: ignore[arg-type]

    @extend_schema(request=AssessmentStartSerializer, responses={201: AssessmentDetailSerializer})
    def create(self, request: Request) -> Response:
        """Start a draft (optionally as the second, independent assessor of another assessment)."""
        user: User = request.user  # type: ignore[assignment]
        data = AssessmentStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = person_get_for_user(user, v["person"])
        version = InstrumentVersion.objects.filter(pk=v["version"]).first()
        if version is None:
            raise exceptions.ValidationError({"version": ["Versi instrumen tidak ditemukan."]})
        first = assessment_get_for_user(user, v["second_opinion_of"]) if v["second_opinion_of"] else None
        try:
            assessment = assessment_start(
                user=user, person=person, version=version, purpose=v["purpose"], assessed_on=v["assessed_on"],
                sources=v["sources"], second_opinion_of=first,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise _refused(exc) from exc
        return Response(_detail(user, assessment), status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentSaveSerializer, responses={200: AssessmentDetailSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Autosave a draft: any ratings and fields; the score is recomputed."""
        user: User = request.user  # type: ignore[assignment]
        assessment_get_for_user(user, pk)
        data = AssessmentSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ratings = [
            RatingInput(r["item"], r.get("value"), r["missing"], r.get("evidence", ""))
            for r in fields.pop("ratings", [])
        ]
        try:
            assessment = assessment_save(user=user, pk=int(pk), ratings=ratings, fields=fields)
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise _refused(exc) from exc
        return Response(_detail(user, assessment))

    def _transition(self, request: Request, pk: str, service: Any, ok: int = status.HTTP_200_OK) -> Response:
        user: User = request.user  # type: ignore[assignment]
        assessment_get_for_user(user, pk)
        try:
            assessment = service(user=user, pk=int(pk))
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        except DjangoPermissionDenied as exc:
            raise _refused(exc) from exc
        return Response(_detail(user, assessment), status=ok)

    @extend_schema(request=None, responses={200: AssessmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit and lock the draft; the level and next review date are fixed."""
        return self._transition(request, pk, assessment_submit)

    @extend_schema(request=None, responses={201: AssessmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str) -> Response:
        """Open a correction: a new draft version linked to this submitted assessment."""
        return self._transition(request, pk, assessment_amend, status.HTTP_201_CREATED)


class TrajectoryViewSet(viewsets.ViewSet):
    """A person's levels over time (domain scores for readers of item scores), with case stages."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="ID orang")],
        responses={200: TrajectorySerializer},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        person = person_read(user=user, pk=pk, request=request._request)
        data = person_trajectory(person, with_domain_scores=can_view_item_scores(user))
        return Response(TrajectorySerializer(data).data)
