from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

from napiter.audit.actor import ActorWrapper, actor_reset

logger = logging.getLogger(__name__)


def _request_user_id(request: HttpRequest) -> int | None:
    # Read at the moment of the write, not when the request starts: login() sets request.user before it
    # updates last_login, and DRF replaces request.user with the token's user once it has authenticated.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


class AuditActorMiddleware:
    """Attribute every write made while handling a request to the request's user (see actor.py).

    Costs nothing for requests that only read: the user is looked up, and PostgreSQL told, only when the
    first data-modifying statement is about to run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with connection.execute_wrapper(ActorWrapper(lambda: _request_user_id(request))):
            try:
                return self.get_response(request)
            finally:
                self._reset()

    def _reset(self) -> None:
        try:
            actor_reset(connection)
        except DatabaseError:
            # The session cannot be told to forget the user; end it so the next request cannot inherit it.
            logger.warning("could not reset napiter.user_id; closing the database connection", exc_info=True)
            connection.close()
