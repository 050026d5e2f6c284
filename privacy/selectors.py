"""Scoped reads of the privacy records. Subject requests follow their person's scope (the DPO's national
office sees everyone); the record of processing, holds, retention and breaches are the DPO's alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Person
from napiter import policy
from napiter.accounts.access import person_scope_q
from napiter.accounts.models import User
from privacy.models import Anonymisation, BreachIncident, DataCategory, LegalHold, SubjectRequest


def _not_found() -> Http404:
    return Http404("Data tidak ditemukan.")


def data_categories() -> QuerySet[DataCategory]:
    """The record of processing: reference data, the same for everyone allowed to read it."""
    return DataCategory.objects.select_related("updated_by").order_by("order", "id")


def data_category_get(user: User, pk: int | str) -> DataCategory:
    if not policy.holds(user, "privacy.manage"):
        raise _not_found()
    try:
        return data_categories().get(pk=int(pk))
    except (DataCategory.DoesNotExist, ValueError) as exc:
        raise _not_found() from exc


def subject_requests_visible_to(user: User, action: str = "subject_request.view") -> QuerySet[SubjectRequest]:
    """The requests on which `user` may take `action`: reading them (`subject_request.view`: the DPO, and a
    supervisor for people in the office's scope), or fulfilling them (`subject_request.fulfil`: the DPO only,
    who alone sees the export of a whole record)."""
    if not policy.holds(user, action):
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.filter(person_scope_q(user, prefix="person__", action=action)).select_related(
        "person", "office", "recorded_by", "closed_by"
    )


def subject_request_get_for_user(
    user: User, pk: int | str, *, for_update: bool = False, action: str = "subject_request.view"
) -> SubjectRequest:
    """The request, or Http404 whether it is missing or outside what `user` may take `action` on."""
    requests = subject_requests_visible_to(user, action)
    if for_update:
        requests = requests.select_for_update(of=("self",))
    try:
        return requests.get(pk=int(pk))
    except (SubjectRequest.DoesNotExist, ValueError) as exc:
        raise _not_found() from exc


def person_for_privacy(user: User, pk: int | str) -> Person:
    """A person a privacy officer acts on (files a request for, places a hold on): in the scope of
    `subject_request.file` (the DPO nationally, a supervisor in the office's territory)."""
    action = "subject_request.file"
    if not policy.holds(user, action):
        raise _not_found()
    try:
        people = Person.objects.filter(person_scope_q(user, action=action))
        return people.select_related("domicile_region").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError) as exc:
        raise _not_found() from exc


def legal_holds_visible_to(user: User) -> QuerySet[LegalHold]:
    if not policy.holds(user, "privacy.manage"):
        return LegalHold.objects.none()
    return LegalHold.objects.select_related("person", "placed_by", "lifted_by")


def active_hold_for(person_id: int) -> LegalHold | None:
    return LegalHold.objects.filter(person_id=person_id, lifted_at__isnull=True).first()


def breaches_visible_to(user: User) -> QuerySet[BreachIncident]:
    if not policy.holds(user, "privacy.manage"):
        return BreachIncident.objects.none()
    return BreachIncident.objects.select_related("office", "recorded_by").prefetch_related("categories")


def breach_get_for_user(user: User, pk: int | str) -> BreachIncident:
    try:
        return breaches_visible_to(user).get(pk=int(pk))
    except (BreachIncident.DoesNotExist, ValueError) as exc:
        raise _not_found() from exc


# --- retention ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCategory:
    category: DataCategory
    retention_ended_on: dt.date


@dataclass
class RetentionCandidate:
    person: Person
    last_closed_on: dt.date
    due: list[DueCategory] = field(default_factory=list)
    hold: LegalHold | None = None

    @property
    def blocked(self) -> bool:
        return self.hold is not None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a non-leap year
        return day.replace(year=day.year + years, day=28)


def retention_candidates(*, today: dt.date | None = None) -> list[RetentionCandidate]:
    """People whose retention has ended for at least one category not yet anonymised, with the categories,
    and the legal hold that blocks them if any. Retention runs from the closure of the person's last case;
    a person with an open case, or with no case at all, is never due."""
    today = today or timezone.localdate()
    categories = list(data_categories().filter(retention_years__isnull=False))
    if not categories:
        return []
    shortest = min(c.retention_years or 0 for c in categories)
    people = (
        Person.objects.annotate(
            open_cases=Count("cases", filter=Q(cases__closed_on__isnull=True)),
            last_closed_on=Max("cases__closed_on"),
        )
        .filter(open_cases=0, last_closed_on__isnull=False, last_closed_on__lte=_add_years(today, -shortest))
        .select_related("domicile_region")
        .order_by("last_closed_on", "id")
    )
    done: dict[int, set[int]] = {}
    holds = {h.person_id: h for h in LegalHold.objects.filter(lifted_at__isnull=True, person__in=people)}
    for person_id, category_id in Anonymisation.objects.filter(person__in=people).values_list(
        "person_id", "category_id"
    ):
        done.setdefault(person_id, set()).add(category_id)
    candidates = []
    for person in people:
        last_closed: dt.date = person.last_closed_on  # type: ignore[attr-defined]
        due = [
            DueCategory(c, _add_years(last_closed, c.retention_years or 0))
            for c in categories
            if c.pk not in done.get(person.pk, set()) and _add_years(last_closed, c.retention_years or 0) <= today
        ]
        if due:
            candidates.append(RetentionCandidate(person, last_closed, due, holds.get(person.pk)))
    return candidates
