from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from napiter.audit.filters import AccessEventPageFilter, ChangeEventPageFilter
from napiter.audit.models import AccessEvent, ChangeEvent
from napiter.audit.selectors import (
    access_events_visible_to,
    can_read_access_log,
    can_read_change_log,
    change_events_visible_to,
    keyset_page,
    usernames_by_id,
)
from napiter.audit.services import access_log

OLDER, NEWER = "sebelum", "sesudah"


def _cursor(query: QueryDict, name: str) -> int | None:
    value = query.get(name, "")
    return int(value) if value.isdigit() else None


def _filters_only(query: QueryDict) -> str:
    """The filter part of the query string, for the pager links and for the record of the auditor's search."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in (OLDER, NEWER):
            kept.setlist(key, [value for value in values if value])
    return kept.urlencode()


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", f"{css} {css}-sm")


def _log_own_read(request: HttpRequest, model: type[AccessEvent] | type[ChangeEvent], filters: str) -> None:
    # The audit log is itself protected data: an auditor's searches are recorded like anyone's reads.
    access_log(
        user=request.user,
        action=AccessEvent.Action.SEARCH if filters else AccessEvent.Action.LIST,
        obj_type=model,
        obj_id=filters,
        request=request,
    )


def _audit_page(
    request: HttpRequest,
    *,
    filterset: AccessEventPageFilter | ChangeEventPageFilter,
    model: type[AccessEvent] | type[ChangeEvent],
    template: str,
    extra: Callable[[list[Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    _style(filterset.form)
    if filterset.is_valid():
        page = keyset_page(filterset.qs, older_than=_cursor(request.GET, OLDER), newer_than=_cursor(request.GET, NEWER))
    else:
        page = keyset_page(filterset.queryset.none())
    filters = _filters_only(request.GET)
    _log_own_read(request, model, filters)
    context = {
        "filter": filterset,
        "page": page,
        "filters_query": filters,
        "older_param": OLDER,
        "newer_param": NEWER,
        "can_read_access_log": can_read_access_log(request.user),
        "can_read_change_log": can_read_change_log(request.user),
        **(extra(page.rows) if extra else {}),
    }
    return render(request, template, context)


@login_required
def access_list(request: HttpRequest) -> HttpResponse:
    """Who opened what: every read of protected data, newest first."""
    if not can_read_access_log(request.user):
        raise Http404("Data tidak ditemukan.")
    filterset = AccessEventPageFilter(request.GET, queryset=access_events_visible_to(request.user))
    return _audit_page(
        request,
        filterset=filterset,
        model=AccessEvent,
        template="audit/access_list.html",
    )


@dataclass(frozen=True)
class ChangedValue:
    column: str
    old: str | None
    new: str | None


def _changed_values(event: ChangeEvent) -> list[ChangedValue]:
    old: dict[str, Any] = event.old or {}
    new: dict[str, Any] = event.new or {}

    def show(values: dict[str, Any], column: str) -> str | None:
        return json.dumps(values[column], ensure_ascii=False) if column in values else None

    return [ChangedValue(column, show(old, column), show(new, column)) for column in sorted(old.keys() | new.keys())]


def _change_rows(rows: list[ChangeEvent]) -> dict[str, Any]:
    names = usernames_by_id(row.user_id for row in rows)
    return {
        "events": [
            {"event": row, "username": names.get(row.user_id) if row.user_id else None, "values": _changed_values(row)}
            for row in rows
        ]
    }


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    """What changed in the audited tables, and which application user (if any) changed it."""
    if not can_read_change_log(request.user):
        raise Http404("Data tidak ditemukan.")
    filterset = ChangeEventPageFilter(request.GET, queryset=change_events_visible_to(request.user))
    return _audit_page(
        request,
        filterset=filterset,
        model=ChangeEvent,
        template="audit/change_list.html",
        extra=_change_rows,
    )
