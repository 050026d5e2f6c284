"""Telling PostgreSQL which application user is acting, so the change trigger can attribute each row.

The trigger reads `current_setting('napiter.user_id', true)`. Setting it costs a round trip, so it is
set lazily: an execute wrapper waits for the first data-modifying statement and runs `set_config` just
before it, and only when the session does not already hold the right value. Connections are persistent
(CONN_MAX_AGE), so whoever installed the wrapper resets the value when done.

A setting made inside a transaction is undone when that transaction (or the savepoint around it) rolls
back, even a session-level one. What the session holds is therefore tracked per connection, and
forgotten when a transaction in which it was set has ended (seen from libpq's transaction status before
every statement, at no cost) or a savepoint was rolled back: the next write sets it again rather than
trusting a value PostgreSQL may have discarded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INERROR

SETTING = "napiter.user_id"

# Statements that may write rows. A function called through SELECT that writes is not caught: its
# changes are still recorded, with no application user.
_MODIFYING = re.compile(r"\s*\(?\s*(?:INSERT|UPDATE|DELETE|MERGE|WITH|COPY|CALL|TRUNCATE)\b", re.IGNORECASE)
_ROLLBACK = re.compile(r"\s*ROLLBACK\b", re.IGNORECASE)
# Tables outside the change log that ordinary reads write to: the access log (each row names its reader)
# and the sessions. Telling PostgreSQL the user before these writes, and resetting it after, would add
# two round trips to every page that shows a person.
UNATTRIBUTED_TABLES = ("audit_accessevent", "django_session")
_UNATTRIBUTED = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(?:' + "|".join(UNATTRIBUTED_TABLES) + r')"\s', re.IGNORECASE
)
_STATE_ATTR = "_napiter_audit_actor"


@dataclass
class _SessionActor:
    """What one database session holds in `napiter.user_id`, as far as we know."""

    raw: object  # the DB-API connection this describes; a reconnect starts a fresh session
    value: str | None  # None: unknown, set it again before the next write
    in_transaction: bool = False  # set inside a transaction that had not ended yet


def _transaction_open(conn: BaseDatabaseWrapper) -> bool:
    # libpq's own state: no round trip.
    return bool(conn.connection.get_transaction_status() != TRANSACTION_STATUS_IDLE)


def _session(conn: BaseDatabaseWrapper) -> _SessionActor:
    """What the session holds; called before every statement, so that the end of the transaction in which
    the value was set is noticed before the next transaction can begin."""
    raw = conn.connection
    state: _SessionActor | None = getattr(conn, _STATE_ATTR, None)
    if state is None or state.raw is not raw:
        state = _SessionActor(raw=raw, value="")
        setattr(conn, _STATE_ATTR, state)
    elif state.in_transaction and not _transaction_open(conn):
        # The transaction that set the value is over; committed or rolled back, we cannot tell which.
        state.value, state.in_transaction = None, False
    return state


def _apply(conn: BaseDatabaseWrapper, state: _SessionActor, value: str) -> None:
    # A raw cursor: going through Django's cursor would re-enter the execute wrappers.
    with conn.wrap_database_errors, conn.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, value])
    state.value = value
    state.in_transaction = _transaction_open(conn)


def _as_setting(user_id: int | None) -> str:
    return "" if user_id is None else str(int(user_id))


class ActorWrapper:
    """A `connection.execute_wrapper` that makes `napiter.user_id` equal `actor()` before any write."""

    def __init__(self, actor: Callable[[], int | None]) -> None:
        self.actor = actor

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        conn: BaseDatabaseWrapper = context["connection"]
        _session(conn)
        if isinstance(sql, str):
            if _MODIFYING.match(sql) and not _UNATTRIBUTED.match(sql):
                wanted = _as_setting(self.actor())  # may itself query (the request's lazy user)
                state = _session(conn)
                if state.value != wanted:
                    _apply(conn, state, wanted)
            elif _ROLLBACK.match(sql):
                result = execute(sql, params, many, context)
                state = _session(conn)
                if state.in_transaction:
                    state.value = None  # a savepoint rolled back may have taken the value with it
                return result
        return execute(sql, params, many, context)


def actor_reset(conn: BaseDatabaseWrapper) -> None:
    """Clear `napiter.user_id` on this connection's session, if it may hold anything."""
    if conn.connection is None:
        return
    state = _session(conn)
    if state.value == "":
        return
    if conn.connection.get_transaction_status() == TRANSACTION_STATUS_INERROR:
        # Only inside an enclosing transaction that failed (a test's): nothing runs until its rollback,
        # which undoes a value set inside it. Forget what we know; the next wrapped write sets it again.
        state.value = None
        return
    _apply(conn, state, "")


@contextmanager
def audit_actor(user_id: int | None) -> Iterator[None]:
    """Attribute the writes made inside the block to `user_id` (Celery tasks, commands, scripts)."""
    with connection.execute_wrapper(ActorWrapper(lambda: user_id)):
        try:
            yield
        finally:
            actor_reset(connection)
