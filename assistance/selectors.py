"""Scoped reads of programmes and grants. Grants follow their person's scope (napiter.accounts.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Func, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from assistance.models import MONITORING_MONTHS, Grant, GrantEvent, MonitoringVisit, Programme, add_months
from napiter.accounts.access import person_scope_q, works_with_people
from napiter.accounts.models import User


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    """Programmes are reference data for everyone who works with people; their grants are scoped."""
    if not works_with_people(user):
        return Programme.objects.none()
    return Programme.objects.select_related("office__agency")


def programme_get_for_user(user: User, pk: int | str) -> Programme:
    try:
        return programmes_visible_to(user).get(pk=int(pk))
    except (Programme.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


def grants_visible_to(user: User) -> QuerySet[Grant]:
    return Grant.objects.filter(person_scope_q(user, prefix="person__")).select_related(
        "programme__office__agency", "person", "office"
    )


def grant_get_for_user(user: User, pk: int | str, *, for_update: bool = False) -> Grant:
    """The grant, or Http404 whether it is missing or its person is outside the user's scope."""
    grants = grants_visible_to(user)
    if for_update:
        # Lock only the grant row: the joined rows are not part of the transition.
        grants = Grant.objects.filter(pk__in=grants.values("pk")).select_for_update(of=("self",))
        grants = grants.select_related("programme__office__agency", "person", "office")
    try:
        return grants.get(pk=int(pk))
    except (Grant.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


@dataclass(frozen=True)
class GrantFilters:
    programme: int | None = None
    status: str = ""
    region: str = ""
    year: int | None = None
    reached: str = ""  # one of REACHED_STAGES
    # Registered (created) or delivered within these days, both ends included; either end may be open.
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    delivered_from: dt.date | None = None
    delivered_to: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def grant_registered_q(start: dt.date | None, end: dt.date | None) -> Q:
    """Grants registered (proposed) on these days of the local calendar. A range on `created_at` itself, not
    on its date, so that an index on the column serves it."""
    q = Q()
    if start is not None:
        q &= Q(created_at__gte=_start_of(start))
    if end is not None:
        q &= Q(created_at__lt=_start_of(end + dt.timedelta(days=1)))
    return q


def grant_delivered_q(start: dt.date | None, end: dt.date | None) -> Q:
    """Grants delivered on these days."""
    q = Q()
    if start is not None:
        q &= Q(delivered_on__gte=start)
    if end is not None:
        q &= Q(delivered_on__lte=end)
    return q


def grant_amount_total(grants: QuerySet[Grant]) -> int:
    """The money of `grants`, added up (the grant list shows it under its filters)."""
    return int(grants.order_by().aggregate(total=Coalesce(Sum("amount"), 0))["total"])


def grants_filter(grants: QuerySet[Grant], filters: GrantFilters) -> QuerySet[Grant]:
    if filters.programme:
        grants = grants.filter(programme_id=filters.programme)
    if filters.status:
        grants = grants.filter(status=filters.status)
    if filters.region:
        grants = grants.filter(
            Q(person__domicile_region__code=filters.region)
            | Q(person__domicile_region__code__startswith=f"{filters.region}.")
        )
    if filters.year:
        grants = grants.filter(programme__fiscal_year=filters.year)
    if filters.reached in REACHED_STAGES:
        grants = grants.filter(grant_reached_q(filters.reached))
    if filters.registered_from or filters.registered_to:
        grants = grants.filter(grant_registered_q(filters.registered_from, filters.registered_to))
    if filters.delivered_from or filters.delivered_to:
        grants = grants.filter(grant_delivered_q(filters.delivered_from, filters.delivered_to))
    return grants


@dataclass(frozen=True)
class ProgrammeRow:
    office: str
    registered: int
    verified: int
    approved: int
    delivered: int
    active_6: int
    active_12: int
    committed: int
    delivered_value: int


# The stages a grant has reached, for counting and for the grant list's `reached` filter. Each counts the
# grants that are in that stage or past it; a rejected or cancelled grant has reached nothing.
# "Active" at 6 or 12 months: that monitoring visit found the business running without misuse.
REACHED_STAGES = ("verified", "approved", "delivered", "active_6", "active_12")


def _active_at(month: int) -> Exists:
    return Exists(
        MonitoringVisit.objects.filter(grant=OuterRef("pk"), month=month, business_running=True, misuse=False)
    )


def grant_reached_q(stage: str) -> Q:
    return {
        "verified": Q(status__in=["verifikasi", *Grant.COMMITTED_STATUSES]),
        "approved": Q(status__in=Grant.COMMITTED_STATUSES),
        "delivered": Q(status__in=Grant.DELIVERED_STATUSES),
        "active_6": Q(_active_at(6)),
        "active_12": Q(_active_at(12)),
    }[stage]


def grant_measures() -> dict[str, Func]:
    """How far grants got, and the money: aggregates for `.aggregate()` or per group with `.annotate()`.
    No join fans the rows out (the monitoring checks are subqueries), so the sums are exact in one query."""
    return {
        "registered": Count("pk"),
        **{stage: Count("pk", filter=grant_reached_q(stage)) for stage in REACHED_STAGES},
        "committed": Coalesce(Sum("amount", filter=grant_reached_q("approved")), 0),
        "delivered_value": Coalesce(Sum("amount", filter=grant_reached_q("delivered")), 0),
    }


def programme_summary(user: User, programme: Programme) -> list[ProgrammeRow]:
    """Per proposing office, over the grants the user may see: how far each got, and the money
    (see `grant_measures`)."""
    rows = (
        grants_visible_to(user)
        .filter(programme=programme)
        .order_by()
        .values("office__name")
        .annotate(**grant_measures())
        .order_by("office__name")
    )
    return [
        ProgrammeRow(
            office=r["office__name"],
            registered=r["registered"],
            verified=r["verified"],
            approved=r["approved"],
            delivered=r["delivered"],
            active_6=r["active_6"],
            active_12=r["active_12"],
            committed=r["committed"],
            delivered_value=r["delivered_value"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class DueVisit:
    grant: Grant
    month: int
    due_on: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def monitoring_due_for(user: User, *, within_days: int = 30) -> list[DueVisit]:
    """Monitoring visits not yet recorded whose date (3, 6, 12 months after delivery) falls before
    `within_days` from today, for grants the user may see, oldest first."""
    horizon = timezone.localdate() + dt.timedelta(days=within_days)
    grants = (
        grants_visible_to(user)
        .filter(status__in=["disalurkan", "dipantau"], delivered_on__lte=add_months(horizon, -MONITORING_MONTHS[0]))
        .prefetch_related("monitoring_visits")
    )
    due = []
    for grant in grants:
        assert grant.delivered_on is not None  # delivered statuses carry a date (a check constraint)
        done = {v.month for v in grant.monitoring_visits.all()}
        for month in MONITORING_MONTHS:
            due_on = add_months(grant.delivered_on, month)
            if month not in done and due_on <= horizon:
                due.append(DueVisit(grant, month, due_on))
    return sorted(due, key=lambda d: (d.due_on, d.grant.pk))


def monitoring_alerts_for(user: User) -> QuerySet[MonitoringVisit]:
    """Visits that found misuse or a closed business and no supervisor has acted on yet."""
    return (
        MonitoringVisit.objects.filter(person_scope_q(user, prefix="grant__person__"))
        .filter(alert=True, alert_acknowledged_at__isnull=True)
        .select_related("grant__person", "grant__programme", "recorded_by")
    )


def grant_events_for_person(person_id: int) -> QuerySet[GrantEvent]:
    """The history of the grants a person received (or chairs), for their timeline. The caller has
    already checked that the user may see the person."""
    return GrantEvent.objects.filter(grant__person_id=person_id).select_related("grant__programme")
