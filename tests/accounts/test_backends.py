"""A user's roles and permissions in one query: exactly what Django's ModelBackend grants."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from napiter.accounts import roles
from napiter.accounts.backends import permission_ref
from napiter.accounts.demo import DEMO_CAST
from napiter.accounts.models import User


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _model_backend_grants(user: User) -> set[str]:
    return ModelBackend().get_all_permissions(_fresh(user))


@pytest.mark.parametrize("username", [m.username for m in DEMO_CAST])
def test_each_role_holds_exactly_what_model_backend_grants(base_data, username):
    user = User.objects.get(username=username)
    expected = _model_backend_grants(user)
    assert expected  # every role of the cast holds permissions, or the comparison proves nothing
    assert user.get_all_permissions() == expected
    assert user.role_names() == sorted(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))


def test_roles_and_every_permission_check_of_a_request_cost_one_query(cast):
    user = _fresh(cast.banten_pendamping)
    with CaptureQueriesContext(connection) as queries:
        assert user.role_names() == [roles.PENDAMPING]
        assert user.has_perm("cases.view_person")
        assert not user.has_perm("sinergi.approve_actionplan")
        user.get_all_permissions()
    assert len(queries) == 1


def test_own_permissions_groups_without_permissions_and_groups_that_are_not_roles(cast):
    user = _fresh(cast.banten_pendamping)
    direct = Permission.objects.get(content_type__app_label="sinergi", codename="approve_actionplan")
    user.user_permissions.add(direct)
    user.groups.add(Group.objects.create(name="Panitia rapat"))  # no permissions, not a role
    user = _fresh(user)
    assert user.has_perm("sinergi.approve_actionplan")
    assert user.get_user_permissions() == {"sinergi.approve_actionplan"}
    assert user.get_all_permissions() == _model_backend_grants(user)
    assert user.role_names() == [roles.PENDAMPING]


def test_inactive_users_hold_nothing_and_superusers_everything(cast):
    inactive = _fresh(cast.banten_pendamping)
    inactive.is_active = False
    assert inactive.role_names() == [roles.PENDAMPING]
    assert not inactive.has_perm("cases.view_person")
    assert inactive.get_all_permissions() == set()

    superuser = _fresh(cast.auditor)
    superuser.is_superuser = True
    assert superuser.role_names() == [roles.AUDITOR]  # read first: it must not narrow what is granted
    assert len(superuser.get_all_permissions()) == Permission.objects.count()
    assert superuser.has_perm("sinergi.approve_actionplan")


def test_permission_ids_come_with_the_roles_and_cost_no_query(cast):
    user = _fresh(cast.banten_pendamping)
    assert user.has_perm("cases.view_person")
    view_person = Permission.objects.get(content_type__app_label="cases", codename="view_person")
    with CaptureQueriesContext(connection) as queries:
        assert permission_ref(user, "cases.view_person") == view_person.pk
    assert len(queries) == 0


def test_a_superusers_permission_is_found_by_name_in_the_query_that_uses_it(cast):
    superuser = _fresh(cast.auditor)
    superuser.is_superuser = True
    assert superuser.has_perm("cases.view_person")  # granted without reading the roles
    with CaptureQueriesContext(connection) as queries:
        ref = permission_ref(superuser, "cases.view_person")
    assert len(queries) == 0
    view_person = Permission.objects.get(content_type__app_label="cases", codename="view_person")
    assert Permission.objects.filter(pk=ref).get() == view_person
