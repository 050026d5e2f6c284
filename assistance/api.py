"""The assistance API: programmes (read), grants with their lifecycle actions, monitoring visits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assistance.models import Grant, Programme
from assistance.selectors import (
    GrantFilters,
    grant_get_for_user,
    grants_filter,
    grants_visible_to,
    programmes_visible_to,
)
from assistance.serializers import (
    GrantApproveSerializer,
    GrantDeliverSerializer,
    GrantFilterSerializer,
    GrantProposeSerializer,
    GrantSerializer,
    ItemInputSerializer,
    MonitoringVisitSerializer,
    ProgrammeSerializer,
    ReasonSerializer,
)
from assistance.services import (
    grant_approve,
    grant_cancel,
    grant_deliver,
    grant_monitoring_read,
    grant_propose,
    grant_read,
    grant_reject,
    grant_verify,
    grants_listed,
    monitoring_visit_record,
)
from napiter.accounts.models import User
from napiter.api import service_errors
from napiter.audit.mixins import LoggedListMixin


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Programme]):
    """Aid programmes: agency, form, funding source, fiscal year, budget and eligibility."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return programmes_visible_to(self.request.user)  # type: ignore[arg-type]


class GrantViewSet(LoggedListMixin[Grant], mixins.RetrieveModelMixin, viewsets.GenericViewSet[Grant]):
    """Grants of the people the caller may see; the lifecycle moves through the actions. Reads are logged."""

    serializer_class = GrantSerializer

    def get_queryset(self) -> QuerySet[Grant]:
        grants = grants_visible_to(self.request.user)  # type: ignore[arg-type]
        if self.action == "list":
            params = GrantFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            grants = grants_filter(grants, GrantFilters(**params.validated_data))
        return grants.prefetch_related("items", "members").order_by("-id")

    @extend_schema(parameters=[GrantFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def log_listed(self, request: Request, rows: Sequence[Grant]) -> None:
        grants_listed(user=request.user, grants=rows, request=request._request)  # type: ignore[arg-type]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        grant = grant_read(user=request.user, pk=str(kwargs["pk"]), request=request._request)  # type: ignore[arg-type]
        return Response(GrantSerializer(grant).data)

    @extend_schema(request=GrantProposeSerializer, responses={201: GrantSerializer})
    def create(self, request: Request) -> Response:
        """Propose aid for a person (for KUBE: a group with its chair as `person` and its `members`)."""
        data = GrantProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        with service_errors():
            grant = grant_propose(
                user=request.user,  # type: ignore[arg-type]
                programme_id=d["programme"],
                person_id=d["person"],
                amount=d["amount"],
                business_type=d["business_type"],
                justification=d["justification"],
                group_name=d["group_name"],
                member_ids=d["members"],
            )
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    def _act(
        self, request: Request, pk: str, body: type[serializers.Serializer[Any]] | None, run: Callable[..., Grant]
    ) -> Response:
        """Scope first (out of scope is 404 whatever the body), then the body, then the service."""
        user: User = request.user  # type: ignore[assignment]
        grant_get_for_user(user, pk)
        values: dict[str, Any] = {}
        if body is not None:
            data = body(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
        with service_errors():
            grant = run(user=user, grant_id=pk, **values)
        return Response(GrantSerializer(grant).data)

    @extend_schema(request=None, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        """Run the automatic checks (DT-SEN desil and flags, eligibility, double aid) and record them."""
        return self._act(request, pk, None, grant_verify)

    @extend_schema(request=GrantApproveSerializer, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve a verified grant with the decree's number and date (supervisor)."""
        return self._act(request, pk, GrantApproveSerializer, grant_approve)

    @extend_schema(request=ReasonSerializer, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Reject a proposal with a reason (supervisor)."""
        return self._act(request, pk, ReasonSerializer, grant_reject)

    @extend_schema(request=ReasonSerializer, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel a grant not yet delivered, with a reason."""
        return self._act(request, pk, ReasonSerializer, grant_cancel)

    @extend_schema(request=GrantDeliverSerializer, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str) -> Response:
        """Record the hand-over: the goods (their total within the approved amount), supplier, location."""
        user: User = request.user  # type: ignore[assignment]
        grant_get_for_user(user, pk)
        data = GrantDeliverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        items = [ItemInputSerializer().to_input(i) for i in d.pop("items")]
        with service_errors():
            grant = grant_deliver(user=user, grant_id=pk, items=items, **d)
        return Response(GrantSerializer(grant).data)

    @extend_schema(methods=["GET"], responses={200: MonitoringVisitSerializer(many=True)})
    @extend_schema(methods=["POST"], request=MonitoringVisitSerializer, responses={201: MonitoringVisitSerializer})
    # A nested list, answered whole: neither the viewset's paging nor its filters apply (nor are documented).
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def monitoring(self, request: Request, pk: str) -> Response:
        """The grant's monitoring visits (3, 6, 12 months); POST records one."""
        user: User = request.user  # type: ignore[assignment]
        if request.method == "GET":
            visits = grant_monitoring_read(user=user, pk=pk, request=request._request)
            return Response(MonitoringVisitSerializer(visits, many=True).data)
        grant_get_for_user(user, pk)  # scope first: out of scope is 404 whatever the body holds
        data = MonitoringVisitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            visit = monitoring_visit_record(user=user, grant_id=pk, data=data.to_input())
        return Response(MonitoringVisitSerializer(visit).data, status=status.HTTP_201_CREATED)
