"""The API side of read logging: a list answer records the page it returns, as the pages do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

M = TypeVar("M", bound=Model)


class LoggedListMixin(mixins.ListModelMixin, Generic[M]):
    """`list()` for a viewset of person-linked records: the page it answers with is logged, once, through
    `log_listed` (each viewset calls the same service its HTML page calls, so the two cannot drift).

    Use it instead of DRF's ListModelMixin.
    """

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        rows: Sequence[M] = list(page) if page is not None else list(queryset)
        self.log_listed(request, rows)  # before the answer is built: an unlogged page is never sent
        data = self.get_serializer(rows, many=True).data  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(data)  # type: ignore[attr-defined]
        return Response(data)

    def log_listed(self, request: Request, rows: Sequence[M]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must log the records its list shows")
