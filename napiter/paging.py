"""Page-by-page lists without COUNT(*): fetch one row more than shown to know whether a next page exists.

Counting a scoped table of a million people costs more than the page itself; caseworkers need "next",
not "page 3 of 40,000".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")
PAGE_SIZE = 25


@dataclass(frozen=True)
class Window(Generic[T]):
    rows: list[T]
    page: int
    has_next: bool


def page_window(
    request: HttpRequest, queryset: QuerySet[Any], *, size: int = PAGE_SIZE, param: str = "hal"
) -> Window[Any]:
    try:
        page = max(1, int(request.GET.get(param, "1")))
    except ValueError:
        page = 1
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Window(rows=rows[:size], page=page, has_next=len(rows) > size)
