"""Who sees which person: the one place that decides it.

Every list, detail, search, export, count, report and API that touches people (or records hanging off a
person: cases, grants, assessments) filters through `person_scope_q()`. A person is visible to:

- users whose roles hold the policy action asked (`person.view` unless told: pendamping, supervisor,
  koordinator, asesor) in an office whose jurisdiction contains the person's domicile village, or in a
  national BNPT/Kemensos office;
- anyone holding an unexpired explicit grant on that person (django-guardian direct foreign-key tables),
  given to the user or to the user's office.

K/L planners and auditors never see people, whatever their office. Anything outside scope answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, Q
from django.utils import timezone

from napiter import policy
from napiter.accounts.backends import permission_ref
from napiter.accounts.models import Agency, Office, User

NATIONAL_PERSON_AGENCIES = frozenset({Agency.Kind.BNPT, Agency.Kind.KEMENSOS})
VIEW_PERSON = "view_person"  # the object permission of explicit grants (django-guardian)
PERSON_VIEW = "person.view"  # the policy action


@dataclass(frozen=True)
class Jurisdiction:
    """The region part of a user's scope: everything, a region code prefix, or nothing."""

    everywhere: bool = False
    region_code: str | None = None

    @property
    def nothing(self) -> bool:
        return not self.everywhere and self.region_code is None


NOWHERE = Jurisdiction()


def works_with_people(user: User | AnonymousUser, action: str = PERSON_VIEW) -> bool:
    return policy.holds(user, action)


def person_jurisdiction(user: User | AnonymousUser, action: str = PERSON_VIEW) -> Jurisdiction:
    if not works_with_people(user, action):
        return NOWHERE
    office: Office | None = user.office  # type: ignore[union-attr]
    if office is None:
        return NOWHERE
    if office.is_national:
        return Jurisdiction(everywhere=True) if office.agency.kind in NATIONAL_PERSON_AGENCIES else NOWHERE
    return Jurisdiction(region_code=office.region_id)


class EqualsAny(Func):
    """`expression = ANY(array)`, a condition. Unlike `IN (subquery)` it is indexable: in an OR with the
    domicile prefix, PostgreSQL combines the two indexes (a BitmapOr) for counts, and still checks it row by
    row while reading the person list in name order."""

    arity = 2
    template = "%(expressions)s)"
    arg_joiner = " = ANY("  # "<lhs> = ANY(<array>)"
    output_field = BooleanField()
    conditional = True


def person_scope_q(user: User | AnonymousUser, *, prefix: str = "", action: str = PERSON_VIEW) -> Q:
    """A filter selecting the people on whom `user` may take `action` (a territory-scoped action of
    napiter.policy, `person.view` unless told); `prefix` reaches the person from another model (e.g.
    "person__" for cases). Grants are subqueries, so applying the scope adds no query.

    The granted people are tested with `= ANY(ARRAY(subquery))`, not `IN (subquery)`: each array is
    computed once and the test can use the primary key, so the OR with the domicile prefix combines two
    indexes to count a province, and is checked row by row while the person list is read in name order.
    With `IN`, PostgreSQL read every person of the country to count a province (1.4 s instead of 0.3 s for
    Banten at a million people)."""
    from cases.models import Person, PersonOfficeGrant, PersonUserGrant

    if not works_with_people(user, action):
        # Planners, auditors, anonymous: no jurisdiction and no grant opens a person record to them.
        return Q(pk__in=[])
    assert isinstance(user, User)  # works_with_people() holds only for signed-in users
    jurisdiction = person_jurisdiction(user, action)
    if jurisdiction.everywhere:
        return Q()
    if prefix:
        # Records hanging off a person: those of the visible people, a semi-join the planner drives from
        # the person side (an OR spanning both tables would be checked only after joining them all).
        return Q(**{f"{prefix}pk__in": Person.objects.filter(person_scope_q(user, action=action)).values("pk")})
    # The grant tables are filtered on ids alone (no join to the permission or the office): PostgreSQL plans
    # them in a fraction of the time, straight onto their unique (holder, permission, person) index.
    held = Q(permission=permission_ref(user, f"cases.{VIEW_PERSON}"), expires_at__gt=timezone.now())
    granted = PersonUserGrant.objects.filter(held, user=user)
    if jurisdiction.region_code is not None:
        scope = Q(domicile_region__code__startswith=f"{jurisdiction.region_code}.")
    else:
        scope = Q(pk__in=[])
    scope |= Q(EqualsAny(F("pk"), ArraySubquery(granted.values("content_object_id"))))
    if user.office is not None:
        shared = PersonOfficeGrant.objects.filter(held, group=user.office.group_id)
        scope |= Q(EqualsAny(F("pk"), ArraySubquery(shared.values("content_object_id"))))
    return scope
