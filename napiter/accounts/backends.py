"""Permissions as Django's ModelBackend grants them, with a user's roles and permissions read in one query.

ModelBackend reads a user's own permissions and their groups' permissions in two queries, and the role
names (navigation, routes, two-factor) took a third; every signed-in page needs all three. `grants_load`
reads them in one round trip of plain SQL, and fills the caches ModelBackend looks for on the user object
(`_user_perm_cache`, `_group_perm_cache`), so what is granted is decided by ModelBackend as before. The
permissions' ids come along, so the access layer can name a permission in its filters without joining
`auth_permission` (`permission_ref`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, Subquery

from napiter.accounts.models import User
from napiter.accounts.roles import ROLES


@cache
def _grants_sql() -> str:
    """A user's groups with each group's permissions, then the user's own permissions (group NULL)."""
    quote = connection.ops.quote_name
    user_groups = User._meta.get_field("groups")
    user_perms = User._meta.get_field("user_permissions")
    group_perms = Group._meta.get_field("permissions")
    names = {
        "group": quote(Group._meta.db_table),
        "perm": quote(Permission._meta.db_table),
        "ct": quote(ContentType._meta.db_table),
        "ug": quote(user_groups.m2m_db_table()),
        "ug_user": quote(user_groups.m2m_column_name()),
        "ug_group": quote(user_groups.m2m_reverse_name()),
        "gp": quote(group_perms.m2m_db_table()),
        "gp_group": quote(group_perms.m2m_column_name()),
        "gp_perm": quote(group_perms.m2m_reverse_name()),
        "up": quote(user_perms.m2m_db_table()),
        "up_user": quote(user_perms.m2m_column_name()),
        "up_perm": quote(user_perms.m2m_reverse_name()),
    }
    return """
        SELECT g.name, ct.app_label, p.codename, p.id
          FROM {ug} ug
          JOIN {group} g ON g.id = ug.{ug_group}
          LEFT JOIN {gp} gp ON gp.{gp_group} = g.id
          LEFT JOIN {perm} p ON p.id = gp.{gp_perm}
          LEFT JOIN {ct} ct ON ct.id = p.content_type_id
         WHERE ug.{ug_user} = %s
        UNION ALL
        SELECT NULL, ct.app_label, p.codename, p.id
          FROM {up} up
          JOIN {perm} p ON p.id = up.{up_perm}
          JOIN {ct} ct ON ct.id = p.content_type_id
         WHERE up.{up_user} = %s
    """.format(**names)  # noqa: S608 - names from the models' metadata, quoted; the user id is a parameter


def grants_load(user: User) -> None:
    """Read the user's role names and permissions once, for as long as this user object lives."""
    with connection.cursor() as cursor:
        cursor.execute(_grants_sql(), [user.pk, user.pk])
        rows = cursor.fetchall()
    user._role_names = sorted({group for group, _, _, _ in rows if group in ROLES})
    user._permission_ids = {f"{app}.{codename}": pk for _, app, codename, pk in rows if codename}
    if user.is_superuser:
        return  # ModelBackend grants a superuser every permission, not the ones read here
    user._group_perm_cache = {f"{app}.{codename}" for group, app, codename, _ in rows if group and codename}  # type: ignore[attr-defined]
    user._user_perm_cache = {f"{app}.{codename}" for group, app, codename, _ in rows if group is None}  # type: ignore[attr-defined]


def permission_ref(user: User, perm: str) -> int | Subquery:
    """The id of `perm` ("app_label.codename") for filtering on it: the id read with the user's roles (by
    `has_perm`), or else a subquery for it (a superuser's permissions are not read, nor need their roles carry
    it). Either way, no query of its own."""
    pk = getattr(user, "_permission_ids", {}).get(perm)
    if pk is not None:
        return pk
    app_label, codename = perm.split(".")
    return Subquery(Permission.objects.filter(content_type__app_label=app_label, codename=codename).values("pk"))


class RoleBackend(ModelBackend):
    """ModelBackend, with the permissions of an active, ordinary user read by `grants_load`. A superuser
    (all permissions) and an inactive or anonymous user (none) go through ModelBackend unchanged."""

    def _preload(self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None) -> None:
        if (
            obj is None
            and isinstance(user_obj, User)
            and user_obj.is_active
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_group_perm_cache")
        ):
            grants_load(user_obj)

    def get_user_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        self._preload(user_obj, obj)
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        self._preload(user_obj, obj)
        return super().get_group_permissions(user_obj, obj)
