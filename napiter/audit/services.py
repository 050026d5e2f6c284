from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from napiter.accounts.models import User
from napiter.accounts.security import client_ip
from napiter.audit.models import AccessEvent


def _client_ip(request: HttpRequest) -> str | None:
    # The same address the login lockout counts: REMOTE_ADDR, or behind trusted proxies the entry the
    # outermost one appended. Anything that is not an address is not stored.
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def access_log(
    *,
    user: User | AnonymousUser,
    action: str,
    obj_type: str | type[models.Model],
    obj_id: str | int,
    person_id: int | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    request: HttpRequest | None = None,
) -> AccessEvent:
    """Record one read of protected data. Call it inside the transaction that performs the read, so that
    a read which fails to be logged fails too.

    `reveal` (sensitive fields shown in clear) needs the fields and a reason. The user's name and office
    are copied, not referenced: the entry must outlive renames and deleted accounts.
    """
    if not user.is_authenticated:
        raise ValueError("protected data is never read anonymously; check access before logging it")
    if isinstance(obj_type, type):
        obj_type = obj_type._meta.label_lower
    office = getattr(user, "office", None)
    event = AccessEvent(
        user_id=user.pk,
        username=user.get_username(),
        office_id=office.pk if office is not None else None,
        office_name=office.name if office is not None else "",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        person_id=person_id,
        fields_revealed=sorted(set(fields)),
        reason=reason.strip(),
        ip_address=_client_ip(request) if request is not None else None,
        path=request.path if request is not None else "",
    )
    # clean() states the reveal rule in Indonesian; the database's constraint (the same rule) would
    # cost a query and two savepoints more on every page that shows a person, and refuses anyway.
    event.full_clean(exclude=["created_at", "prev_hash", "hash"], validate_constraints=False)
    event.save(force_insert=True)  # one statement: atomic on its own, or part of the caller's read
    return event
