"""Scoped reads of sinergi: BNPT sees every K/L; a K/L's own staff see only their K/L; nobody else sees any."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from napiter.accounts.models import Agency, User
from sinergi.models import ActionPlan, Addendum, Agreement, Ministry, RealisationReport

# Kemensos takes part in the synergy team as a K/L too, though its agency kind is its own.
SINERGI_MINISTRY_AGENCIES = frozenset({Agency.Kind.MINISTRY, Agency.Kind.KEMENSOS})


def sinergi_sees_all(user: User | AnonymousUser) -> bool:
    """BNPT coordinators, who review every K/L's plans."""
    return user.is_authenticated and user.has_perm("sinergi.view_actionplan") and _agency_kind(user) == Agency.Kind.BNPT


def _agency_kind(user: User | AnonymousUser) -> str | None:
    office = getattr(user, "office", None)
    return office.agency.kind if office is not None else None


def user_ministry(user: User | AnonymousUser) -> Ministry | None:
    """The K/L a planner or K/L official works for: the Ministry with their agency's code."""
    if not user.is_authenticated or _agency_kind(user) not in SINERGI_MINISTRY_AGENCIES:
        return None
    assert isinstance(user, User)
    return Ministry.objects.filter(code=user.office.agency.code).first()  # type: ignore[union-attr]


def ministries_visible_to(user: User | AnonymousUser) -> QuerySet[Ministry]:
    if sinergi_sees_all(user):
        return Ministry.objects.all()
    ministry = user_ministry(user)
    if ministry is None or not user.has_perm("sinergi.view_actionplan"):
        return Ministry.objects.none()
    return Ministry.objects.filter(pk=ministry.pk)


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[ActionPlan]:
    plans = ActionPlan.objects.select_related("ministry", "unit", "province", "regency", "village", "agreement")
    if sinergi_sees_all(user):
        return plans
    return plans.filter(ministry__in=ministries_visible_to(user))


def plan_get_for_user(user: User | AnonymousUser, pk: int | str, *, for_update: bool = False) -> ActionPlan:
    plans = plans_visible_to(user)
    if for_update:
        plans = plans.select_for_update(of=("self",))
    try:
        return plans.get(pk=int(pk))
    except (ActionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("Rencana aksi tidak ditemukan.") from None


def agreements_visible_to(user: User | AnonymousUser) -> QuerySet[Agreement]:
    agreements = Agreement.objects.select_related("ministry", "document", "office")
    if sinergi_sees_all(user):
        return agreements
    return agreements.filter(ministry__in=ministries_visible_to(user))


def agreement_get_for_user(user: User | AnonymousUser, pk: int | str) -> Agreement:
    try:
        return agreements_visible_to(user).get(pk=int(pk))
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404("Berita acara kesepakatan tidak ditemukan.") from None


def realisations_visible_to(user: User | AnonymousUser) -> QuerySet[RealisationReport]:
    return RealisationReport.objects.select_related("plan__ministry").filter(plan__in=plans_visible_to(user))


def addenda_visible_to(user: User | AnonymousUser) -> QuerySet[Addendum]:
    return Addendum.objects.select_related("agreement__ministry", "agreement__document", "document").filter(
        agreement__in=agreements_visible_to(user)
    )


def addendum_get_for_user(user: User | AnonymousUser, pk: int | str, *, for_update: bool = False) -> Addendum:
    addenda = addenda_visible_to(user)
    if for_update:
        addenda = addenda.select_for_update(of=("self",))
    try:
        return addenda.get(pk=int(pk))
    except (Addendum.DoesNotExist, ValueError, TypeError):
        raise Http404("Adendum tidak ditemukan.") from None
