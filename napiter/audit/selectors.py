from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from napiter import policy
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent, ChangeEvent

PAGE_SIZE = 50

M = TypeVar("M", bound=Model)


def can_read_access_log(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and policy.holds(user, "audit.view")


def can_read_change_log(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and policy.holds(user, "audit.view")


def access_events_visible_to(user: User | AnonymousUser) -> QuerySet[AccessEvent]:
    """Auditors and administrators see every read; everyone else sees none, not even their own."""
    if not can_read_access_log(user):
        return AccessEvent.objects.none()
    return AccessEvent.objects.order_by("-id")


def change_events_visible_to(user: User | AnonymousUser) -> QuerySet[ChangeEvent]:
    if not can_read_change_log(user):
        return ChangeEvent.objects.none()
    return ChangeEvent.objects.order_by("-id")


def usernames_by_id(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Current usernames for the ids a page of change events names (the trigger records only the id)."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", "username"))


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    older_than: int | None  # cursor for the next, older page; None on the oldest page
    newer_than: int | None  # cursor for the previous, newer page; None on the newest page


def keyset_page(
    queryset: QuerySet[M], *, older_than: int | None = None, newer_than: int | None = None, size: int = PAGE_SIZE
) -> KeysetPage[M]:
    """One page of rows newest first, by id, without counting the table: audit tables only grow, and a
    COUNT(*) over them would get slower every day."""
    if newer_than is not None:
        rows = list(queryset.filter(pk__gt=newer_than).order_by("pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            older_than=rows[-1].pk if rows else newer_than + 1,
            newer_than=rows[0].pk if rows and more_newer else None,
        )
    if older_than is not None:
        queryset = queryset.filter(pk__lt=older_than)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        older_than=rows[-1].pk if rows and more_older else None,
        newer_than=rows[0].pk if rows and older_than is not None else None,
    )
