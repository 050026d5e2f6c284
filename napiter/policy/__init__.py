"""The one access policy: every door (view, API action, document kind, export, dashboard count, template
button, command) asks it, through two calls:

- `allows(user, action, obj=None)`: may `user` take `action`, on `obj` if given (its scope and its state)?
- `narrow(user, action, queryset)`: the records of `queryset` that `user` may take `action` on.

The actions, their roles and scope rules are declared in `napiter.policy.declaration`. Which records a scope
rule reaches is domain knowledge: each domain app registers, in its `AppConfig.ready()`, the rule of its
kinds of record (`register_records`) and the state an action needs (`register_condition`); the platform
never imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from napiter.policy.declaration import ACTIONS, Action, Scope

if TYPE_CHECKING:  # the app registry loads this package before the models exist
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model, QuerySet

    from napiter.accounts.models import User

__all__ = ["ACTIONS", "Action", "Scope", "action", "allows", "holds", "narrow", "register_condition",
           "register_records", "roles_holding"]  # fmt: skip

Narrower = Callable[["User", str, "QuerySet[Any]"], "QuerySet[Any]"]
Condition = Callable[[Any], bool]


@dataclass(frozen=True)
class _Records:
    model: type[Model]
    narrow: Narrower


_RECORDS: dict[type[Model], _Records] = {}
_CONDITIONS: dict[str, Condition] = {}


def action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise LookupError(f"action {name!r} is not declared in napiter/policy/declaration.py") from None


def roles_holding(name: str) -> frozenset[str]:
    return action(name).roles


def holds(user: User | AnonymousUser, name: str) -> bool:
    """Whether `user`'s roles hold `name`, whatever the record: enough for a page without one (a list)."""
    declared = action(name)
    if declared.scope == Scope.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if declared.scope == Scope.SIGNED_IN:
        return True
    return not declared.roles.isdisjoint(user.role_names())


def register_records(model: type[Model], narrow: Narrower) -> None:
    """The scope rule of one kind of record: `narrow(user, action, queryset)` keeps the records `user` may
    take `action` on (the role is already checked)."""
    _RECORDS[model] = _Records(model, narrow)


def register_condition(name: str, condition: Condition) -> None:
    """The state a record must be in for `name` (e.g. `case.open`: the person has no open case)."""
    action(name)
    _CONDITIONS[name] = condition


def _records_of(model: type[Model]) -> _Records | None:
    for klass in model.__mro__:
        found = _RECORDS.get(klass)
        if found is not None:
            return found
    return None


def narrow(user: User | AnonymousUser, name: str, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if not holds(user, name):
        return queryset.none()
    if action(name).scope in (Scope.PUBLIC, Scope.SIGNED_IN, Scope.REFERENCE):
        return queryset
    records = _records_of(queryset.model)
    if records is None:
        # Fail closed: a kind of record without a registered scope rule is never let through by default.
        raise LookupError(f"no scope rule is registered for {queryset.model._meta.label}")
    return records.narrow(user, name, queryset)  # type: ignore[arg-type]


def allows(user: User | AnonymousUser, name: str, obj: Model | None = None, *, in_scope: bool = False) -> bool:
    """May `user` take action `name` (on `obj`)? `in_scope=True` says the caller fetched `obj` through this
    policy for this user already (a page's own record), which spares the scope query: the role and the
    record's state are still checked."""
    if not holds(user, name):
        return False
    if obj is None:
        return True
    condition = _CONDITIONS.get(name)
    if condition is not None and not condition(obj):
        return False
    if in_scope:
        return True
    return narrow(user, name, type(obj)._default_manager.filter(pk=obj.pk)).exists()
