from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from napiter.audit.filters import AccessEventFilter
from napiter.audit.models import AccessEvent
from napiter.audit.selectors import PAGE_SIZE, access_events_visible_to, can_read_access_log
from napiter.audit.services import access_log

if TYPE_CHECKING:  # a typing-only protocol of djangorestframework-stubs
    from rest_framework.permissions import _SupportsHasPermission


class AccessEventSerializer(serializers.ModelSerializer[AccessEvent]):
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AccessEvent
        fields = [
            "id",
            "created_at",
            "user_id",
            "username",
            "office_id",
            "office_name",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "person_id",
            "fields_revealed",
            "reason",
            "ip_address",
            "path",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class ReadsAccessLog(permissions.BasePermission):
    """Auditors and administrators only; to anyone else the endpoint does not exist (404, not 403)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not can_read_access_log(request.user):
            raise exceptions.NotFound()
        return True


class NewestFirst(CursorPagination):
    # A cursor on the id, not page numbers: no COUNT(*) over a table that only grows, and a page does not
    # shift while new reads are being logged.
    page_size = PAGE_SIZE
    ordering = "-id"


class AccessEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[AccessEvent]):
    """Reads of protected data, newest first. Answers "who opened person X" (`?person=X`) and "what did
    user Y open" (`?user=Y`, username or id); also `office` (id), `action`, `after`, `before`."""

    serializer_class = AccessEventSerializer
    filterset_class = AccessEventFilter
    pagination_class = NewestFirst

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        # The project's route registry first (it answers 401 to anonymous callers), then this endpoint's own rule.
        return [*super().get_permissions(), ReadsAccessLog()]

    def get_queryset(self) -> QuerySet[AccessEvent]:
        return access_events_visible_to(self.request.user)

    @transaction.atomic
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The audit log is itself protected data: the auditor's query is recorded like any other read.
        filters = request.query_params.copy()
        filters.pop("cursor", None)
        access_log(
            user=request.user,
            action=AccessEvent.Action.SEARCH if filters else AccessEvent.Action.LIST,
            obj_type=AccessEvent,
            obj_id=filters.urlencode(),
            request=request._request,
        )
        return super().list(request, *args, **kwargs)
