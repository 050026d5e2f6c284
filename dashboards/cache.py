"""A short-lived cache of the national tiles, kept warm by Celery beat.

A national user's tile aggregates every person in the country: at a million people that is seconds of
work, too slow for a page. The same numbers serve every user of the same scope, so a tile's value is kept
for DASHBOARD_CACHE_SECONDS under a key made of the tile, its arguments and the SQL of the scoped
querysets it aggregates. Equal SQL selects equal rows, so two users share a value exactly when their scopes
are the same (every national BNPT and Kemensos user). Only national scopes are cached: a regional scope's
SQL carries the user and the moment its explicit grants are checked against, so it would never be shared;
it is computed live (a province is small enough for that). The page says how old a cached number is;
`dashboards.warm_national` (beat) recomputes the national tiles before they expire, so nobody waits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.utils import timezone

T = TypeVar("T")
KEY_PREFIX = "dasbor"
# While warm_national runs: the keys it has recomputed in this run (the others it recomputes once).
_refreshing: ContextVar[set[str] | None] = ContextVar("dashboard_refreshing", default=None)


@dataclass(frozen=True)
class Cached:
    value: Any
    computed_at: dt.datetime


def _sql(queryset: QuerySet[Any]) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # a scope that selects nothing (e.g. a role without that permission)
        return "(nothing)"


def _key(tile: str, scopes: Iterable[QuerySet[Any]], args: Iterable[object]) -> str:
    text = "\n".join([tile, *(_sql(qs) for qs in scopes), *(repr(a) for a in args)])
    return f"{KEY_PREFIX}:{tile}:{hashlib.sha256(text.encode()).hexdigest()}"


def tile(
    name: str,
    compute: Callable[[], T],
    *,
    scopes: Iterable[QuerySet[Any]],
    args: Iterable[object] = (),
    shared: bool,
) -> tuple[T, dt.datetime | None]:
    """The tile's value and, when it came from the cache, when it was computed (None: computed now, live).
    Only a `shared` scope (the national one) is cached."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0 or not shared:
        return compute(), None
    key = _key(name, scopes, args)
    refreshing = _refreshing.get()
    if refreshing is None or key in refreshing:
        hit = cache.get(key)
        if isinstance(hit, Cached):
            return hit.value, hit.computed_at
    value = compute()
    computed_at = timezone.now()
    cache.set(key, Cached(value, computed_at), seconds)
    if refreshing is not None:
        refreshing.add(key)
    return value, computed_at


def warm_national(today: dt.date) -> int:
    """Recompute this month's national tiles (the dashboard and the province table), whatever the cache
    holds, for every active user whose scope is the whole country: the first user of each scope computes,
    the others find it done. Beat runs it more often than DASHBOARD_CACHE_SECONDS, so no page computes
    them itself. Returns how many users it warmed for."""
    from dashboards.periods import MONTHLY, period_of
    from dashboards.selectors import dashboard_for, province_table
    from napiter.accounts.access import person_jurisdiction
    from napiter.accounts.models import User

    period = period_of(MONTHLY, today)
    token = _refreshing.set(set())
    warmed = 0
    try:
        for user in User.objects.filter(is_active=True, office__isnull=False).select_related("office__agency"):
            if person_jurisdiction(user).everywhere:
                dashboard_for(user, period=period, today=today)
                province_table(user, period=period, today=today)
                warmed += 1
    finally:
        _refreshing.reset(token)
    return warmed
