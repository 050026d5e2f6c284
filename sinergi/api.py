from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from napiter.api import service_errors
from sinergi.filters import ActionPlanFilterSet
from sinergi.models import ActionPlan, Addendum, Ministry
from sinergi.selectors import (
    addenda_visible_to,
    addendum_get_for_user,
    ministries_visible_to,
    plan_get_for_user,
    plans_visible_to,
)
from sinergi.serializers import (
    ActionPlanSerializer,
    ActionPlanWriteSerializer,
    AddendumSerializer,
    AddendumWriteSerializer,
    MinistrySerializer,
    RealisationSerializer,
    ReviewSerializer,
)
from sinergi.services import (
    PlanChange,
    addendum_approve,
    addendum_propose,
    addendum_return,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    realisation_report,
)


def _call(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; its refusals become JSON errors that keep the service's own message."""
    with service_errors():
        return service(**kwargs)


def _review(
    request: Request, service: Callable[..., Any], *, fetch: Callable[[Any, str], Any], pk: str, id_kwarg: str
) -> Any:
    """Approve or return one plan or addendum with the reviewer's comment: scope first (404), then the service."""
    fetch(request.user, pk)
    data = ReviewSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return _call(service, user=request.user, comment=data.validated_data["comment"], **{id_kwarg: pk})


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
        plan = _review(request, plan_approve, fetch=plan_get_for_user, pk=pk, id_kwarg="plan_id")
        return Response(ActionPlanSerializer(plan).data)

    @extend_schema(request=ReviewSerializer, responses={200: ActionPlanSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request: Request, pk: str) -> Response:
        plan = _review(request, plan_return, fetch=plan_get_for_user, pk=pk, id_kwarg="plan_id")
        return Response(ActionPlanSerializer(plan).data)

    @extend_schema(methods=["GET"], responses={200: RealisationSerializer(many=True)})
    @extend_schema(methods=["POST"], request=RealisationSerializer, responses={201: RealisationSerializer})
    # A nested list, answered whole: neither the viewset's paging nor its filters apply (nor are documented).
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
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


class AddendumViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Addendum]):
    """Addenda of signed agreements: the K/L planner proposes (create), the BNPT koordinator approves or returns.
    The changes reach the plans when the addendum's document has its last signature."""

    serializer_class = AddendumSerializer

    def get_queryset(self) -> QuerySet[Addendum]:
        return addenda_visible_to(self.request.user).prefetch_related("items__plan").order_by("-proposed_at", "-id")

    @extend_schema(request=AddendumWriteSerializer, responses={201: AddendumSerializer})
    def create(self, request: Request) -> Response:
        data = AddendumWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            PlanChange(plan_id=item["plan"], changes=dict(item["changes"]), reason=item["reason"])
            for item in data.validated_data["items"]
        ]
        addendum = _call(addendum_propose, user=request.user, changes=changes)
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses={200: AddendumSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        addendum = _review(request, addendum_approve, fetch=addendum_get_for_user, pk=pk, id_kwarg="addendum_id")
        return Response(AddendumSerializer(addendum).data)

    @extend_schema(request=ReviewSerializer, responses={200: AddendumSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_addendum(self, request: Request, pk: str) -> Response:
        addendum = _review(request, addendum_return, fetch=addendum_get_for_user, pk=pk, id_kwarg="addendum_id")
        return Response(AddendumSerializer(addendum).data)
