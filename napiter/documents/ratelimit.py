"""A fixed-window rate limit per client address, counted in the shared cache (Redis), so that every web
process and container counts together. Used by the public verification page."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

from napiter.accounts.security import client_ip

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def rate_limited(request: HttpRequest, *, scope: str, per_minute: int) -> bool:
    """Count this request; True once the client has made more than `per_minute` in the current minute.

    If the cache is down the request is let through: the public can still verify a document, and the
    outage is logged (the same cache outage stops the rest of the site sooner).
    """
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        count = cache.incr(key)
    except RedisError:
        logger.warning("rate limit %s not counted: cache unavailable", scope)
        return False
    return count > per_minute
