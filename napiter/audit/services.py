from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def _event(
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
    """One checked, unsaved row: who read what, copied from the user and the request."""
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
        # The path only, never the query string: a search's query may be a NIK or a name.
        path=request.path if request is not None else "",
    )
    # clean() states the reveal rule in Indonesian; the database's constraint (the same rule) would
    # cost a query and two savepoints more on every page that shows a person, and refuses anyway.
    event.full_clean(exclude=["created_at", "prev_hash", "hash"], validate_constraints=False)
    return event


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
    event = _event(
        user=user, action=action, obj_type=obj_type, obj_id=obj_id, person_id=person_id, fields=fields,
        reason=reason, request=request,
    )  # fmt: skip
    event.save(force_insert=True)  # one statement: atomic on its own, or part of the caller's read
    return event


# --- lists and searches ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """The records of one kind a page or an API answer shows: their ids in the order shown, and the people
    they belong to (any order, repeats allowed; a household names each member shown)."""

    obj_type: str | type[models.Model]
    ids: Iterable[int]
    person_ids: Iterable[int | None] = ()
    action: str = AccessEvent.Action.LIST
    reason: str = ""


def _listed_event(user: User | AnonymousUser, listing: Listing, request: HttpRequest | None) -> AccessEvent:
    ids = dict.fromkeys(int(pk) for pk in listing.ids)  # in the order shown, each once
    people = {int(pk) for pk in listing.person_ids if pk is not None}
    return _event(
        user=user, action=listing.action, obj_type=listing.obj_type, obj_id=",".join(map(str, ids)),
        person_id=people.pop() if len(people) == 1 else None, reason=listing.reason, request=request,
    )  # fmt: skip


def access_log_listings(
    *, user: User | AnonymousUser, listings: Sequence[Listing], request: HttpRequest | None = None
) -> list[AccessEvent]:
    """Record what one page or API answer listed: a row per kind of record shown, all in one INSERT.

    A row names the ids shown, comma-separated in the order shown, in `object_id`, and is filed under a
    person (`person_id`) only when every record shown is that one person's. An empty page is recorded
    too: the list or search was asked for. What was searched for is never recorded, only what kind of
    search it was (`reason`, e.g. "pencarian NIK"): the query may be a NIK, and `path` holds no query
    string. Call it before the response is built, so that a list which fails to be logged is not shown.
    """
    events = [_listed_event(user, listing, request) for listing in listings]
    if len(events) == 1:
        events[0].save(force_insert=True)
    elif events:
        AccessEvent.objects.bulk_create(events)  # one statement; the trigger chains each row
    return events


def access_log_listed(
    *,
    user: User | AnonymousUser,
    obj_type: str | type[models.Model],
    ids: Iterable[int],
    person_ids: Iterable[int | None] = (),
    action: str = AccessEvent.Action.LIST,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AccessEvent:
    """Record one list or search page (or export, with its own action): see `access_log_listings`."""
    listing = Listing(obj_type, ids=ids, person_ids=person_ids, action=action, reason=reason)
    (event,) = access_log_listings(user=user, listings=[listing], request=request)
    return event
