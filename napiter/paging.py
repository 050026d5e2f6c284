"""Page-by-page lists without COUNT(*): fetch one row more than shown to know whether a next page exists.

Counting a scoped table of a million people costs more than the page itself; caseworkers need "next",
not "page 3 of 40,000".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.http import HttpRequest

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
PAGE_SIZE = 25


class Sliceable(Protocol[T_co]):
    """A queryset, or anything else that gives the rows of a slice (cases.selectors.NameSearchPages)."""

    def __getitem__(self, window: slice, /) -> Iterable[T_co]: ...


@dataclass(frozen=True)
class Window(Generic[T]):
    rows: list[T]
    page: int
    has_next: bool


def page_window(
    request: HttpRequest, queryset: Sliceable[Any], *, size: int = PAGE_SIZE, param: str = "hal"
) -> Window[Any]:
    try:
        page = max(1, int(request.GET.get(param, "1")))
    except ValueError:
        page = 1
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Window(rows=rows[:size], page=page, has_next=len(rows) > size)
