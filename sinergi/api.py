from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sinergi.filters import ActionPlanFilterSet
from sinergi.models import ActionPlan, Ministry
from sinergi.selectors import ministries_visible_to, plan_get_for_user, plans_visible_to
from sinergi.serializers import (
    ActionPlanSerializer,
    ActionPlanWriteSerializer,
    MinistrySerializer,
    RealisationSerializer,
    ReviewSerializer,
)
from sinergi.services import plan_approve, plan_create, plan_return, plan_submit, realisation_report


def _call(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; its refusals become JSON errors that keep the service's own message."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        ) from exc


class MinistryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Ministry]):
    """The K/L the caller may see: all for BNPT, their own for a K/L's staff."""

    serializer_class = MinistrySerializer

    def get_queryset(self) -> QuerySet[Ministry]:
        return ministries_visible_to(self.request.user).prefetch_related("units").order_by("short_name")


class ActionPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ActionPlan]):
    """Action plans; submit (K/L planner), approve and return (BNPT koordinator) are actions."""

    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilterSet

    def get_queryset(self) -> QuerySet[ActionPlan]:
        return plans_visible_to(self.request.user).prefetch_related("comments__author").order_by("-year", "id")

    @extend_schema(request=ActionPlanWriteSerializer, responses={201: ActionPlanSerializer})
    def create(self, request: Request) -> Response:
        data = ActionPlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = _call(plan_create, user=request.user, data=dict(data.validated_data))
        return Response(ActionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ActionPlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        plan = _call(plan_submit, user=request.user, plan_id=pk)
        return Response(ActionPlanSerializer(plan).data)

    @extend_schema(request=ReviewSerializer, responses={200: ActionPlanSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        plan_get_for_user(request.user, pk)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = _call(plan_approve, user=request.user, plan_id=pk, comment=data.validated_data["comment"])
        return Response(ActionPlanSerializer(plan).data)

    @extend_schema(request=ReviewSerializer, responses={200: ActionPlanSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request: Request, pk: str) -> Response:
        plan_get_for_user(request.user, pk)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = _call(plan_return, user=request.user, plan_id=pk, comment=data.validated_data["comment"])
        return Response(ActionPlanSerializer(plan).data)

    @extend_schema(methods=["GET"], responses={200: RealisationSerializer(many=True)})
    @extend_schema(methods=["POST"], request=RealisationSerializer, responses={201: RealisationSerializer})
    @action(detail=True, methods=["get", "post"])
    def realisations(self, request: Request, pk: str) -> Response:
        plan = plan_get_for_user(request.user, pk)
        if request.method == "GET":
            reports = plan.realisations.select_related("plan").order_by("quarter")
            return Response(RealisationSerializer(reports, many=True).data)
        data = RealisationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        quarter = fields.pop("quarter")
        report = _call(realisation_report, user=request.user, plan_id=pk, quarter=quarter, data=fields)
        return Response(RealisationSerializer(report).data, status=status.HTTP_201_CREATED)
