from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from napiter.accounts.models import Agency, Office, User
from napiter.accounts.roles import ADMIN, ROLES
from napiter.regions.models import Region


class UnknownPermission(LookupError):
    pass


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise UnknownPermission(f"role table names a permission that does not exist: {label}") from exc


@transaction.atomic
def role_sync() -> list[Group]:
    """Make every role group carry exactly the permissions of the role table."""
    groups = []
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.name)
        group.permissions.set([_permission(label) for label in role.permissions])
        groups.append(group)
    return groups


@transaction.atomic
def agency_upsert(*, code: str, name: str, kind: str) -> Agency:
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    agency.name, agency.kind = name, kind
    agency.full_clean()
    agency.save(update_fields=["name", "kind"])
    return agency


@transaction.atomic
def office_upsert(
    *,
    code: str,
    agency: Agency,
    name: str,
    jurisdiction: str,
    region_code: str | None,
    timezone: str,
    address: str = "",
) -> Office:
    region = Region.objects.get(code=region_code) if region_code else None
    office = Office.objects.filter(code=code).first() or Office(code=code)
    if office.group_id is None:
        office.group, _ = Group.objects.get_or_create(name=f"kantor:{code}")
    office.agency, office.name, office.jurisdiction, office.region, office.timezone = (
        agency,
        name,
        jurisdiction,
        region,
        timezone,
    )
    office.address = address or office.address
    office.full_clean()
    office.save()
    return office


@transaction.atomic
def user_upsert(
    *,
    username: str,
    office: Office,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    position: str = "",
    nip: str = "",
) -> User:
    """Create or update a user in one office with exactly one role."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.filter(username=username).first() or User(username=username)
    user.office = office
    user.first_name, user.last_name, user.position, user.nip = first_name, last_name, position, nip
    user.is_staff = role == ADMIN
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role), office.group])
    return user
