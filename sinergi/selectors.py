"""Scoped reads of sinergi: BNPT sees every K/L; a K/L's own staff see only their K/L; nobody else sees any."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from napiter import policy
from napiter.accounts.models import Agency, User
from sinergi.models import ActionPlan, ActionPlanEvent, Addendum, AddendumItem, Agreement, Ministry, RealisationReport

# Kemensos takes part in the synergy team as a K/L too, though its agency kind is its own.
SINERGI_MINISTRY_AGENCIES = frozenset({Agency.Kind.MINISTRY, Agency.Kind.KEMENSOS})


def sinergi_sees_all(user: User | AnonymousUser) -> bool:
    """BNPT coordinators, who review every K/L's plans."""
    return user.is_authenticated and policy.holds(user, "plan.view") and _agency_kind(user) == Agency.Kind.BNPT


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
    if ministry is None or not policy.holds(user, "plan.view"):
        return Ministry.objects.none()
    return Ministry.objects.filter(pk=ministry.pk)


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[ActionPlan]:
    plans = ActionPlan.objects.select_related("ministry", "unit", "province", "regency", "village", "agreement")
    if sinergi_sees_all(user):
        return plans
    return plans.filter(ministry__in=ministries_visible_to(user))


def plans_reporting_q() -> Q:
    """Plans with at least one realisation report (the plan list's `melapor=1`)."""
    return Q(Exists(RealisationReport.objects.filter(plan=OuterRef("pk"))))


def plan_budget_total(plans: QuerySet[ActionPlan]) -> int:
    """The planned budget of `plans`, added up."""
    return int(plans.aggregate(total=Coalesce(Sum("budget"), Decimal(0)))["total"])


def realisation_totals(plans: QuerySet[ActionPlan]) -> dict[str, int]:
    """What the realisation reports of `plans` add up to: budget spent and people reached over all quarters,
    and how many of the plans reported at least once. One query, over the reports (a join from the plans
    would not change the sums, but this reads only the reports)."""
    totals = RealisationReport.objects.filter(plan__in=plans.values("pk")).aggregate(
        spent=Coalesce(Sum("budget_spent"), Decimal(0)),
        reached=Coalesce(Sum("beneficiaries_reached"), 0),
        reporting_plans=Count("plan", distinct=True),
    )
    return {k: int(v) for k, v in totals.items()}


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


def plan_history(plan: ActionPlan) -> list[tuple[ActionPlanEvent, list[dict[str, Any]]]]:
    """The plan's events in order, each with what it changed: for a change by addendum, the fields with their
    wording before and after as the signed addendum states them; for any other event, nothing."""
    amended = {
        item.addendum.document.number: item.changes
        for item in AddendumItem.objects.filter(plan=plan, addendum__status=Addendum.Status.APPLIED).select_related(
            "addendum__document"
        )
        if item.addendum.document is not None
    }
    return [
        (event, amended.get(event.snapshot.get("addendum", ""), []) if event.action == event.Action.AMENDED else [])
        for event in plan.events.select_related("actor")
    ]
