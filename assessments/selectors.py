from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from assessments.models import Assessment, AssessmentQuerySet, InstrumentVersion
from assessments.scoring import ItemRating, compute_score
from cases.models import Person
from napiter.accounts.access import person_scope_q
from napiter.accounts.models import User

VIEW_ASSESSMENT = "assessments.view_assessment"
VIEW_ITEM_SCORES = "assessments.view_item_scores"
MANAGE_INSTRUMENTS = "assessments.add_instrument"


def can_view_item_scores(user: User | AnonymousUser) -> bool:
    """Item-level ratings are sensitive: asesor and supervisor roles; caseworkers see the level only."""
    return user.is_authenticated and user.has_perm(VIEW_ITEM_SCORES)


def instrument_versions_in_use() -> QuerySet[InstrumentVersion]:
    return InstrumentVersion.objects.filter(status=InstrumentVersion.Status.ACTIVE).select_related("instrument")


def assessments_visible_to(user: User) -> AssessmentQuerySet:
    if not user.has_perm(VIEW_ASSESSMENT):
        return Assessment.objects.none()
    return Assessment.objects.filter(person_scope_q(user, prefix="person__"))


def assessment_get_for_user(user: User, pk: int | str) -> Assessment:
    """The assessment, or Http404 whether it is missing or its person is outside the user's scope."""
    try:
        return (
            assessments_visible_to(user)
            .select_related(
                "person", "version__instrument", "assessor", "office", "computed_band", "judged_band", "amends"
            )
            .get(pk=int(pk))
        )
    except (Assessment.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc


def latest_assessment_for(person: Person) -> Assessment | None:
    """The assessment that counts now: the latest submitted one by the primary assessor (an amendment
    supersedes what it amends). Assistance eligibility reads its level and recommendation."""
    return (
        Assessment.objects.submitted()
        .primary()
        .filter(person=person)
        .select_related("version__instrument", "computed_band", "judged_band", "assessor")
        .order_by("-assessed_on", "-id")
        .first()
    )


def person_assessments(person: Person) -> AssessmentQuerySet:
    """The person's submitted primary assessments, oldest first: the trajectory."""
    return (
        Assessment.objects.submitted()
        .primary()
        .filter(person=person)
        .select_related("version__instrument", "computed_band", "judged_band", "assessor")
        .order_by("assessed_on", "id")
    )


def current_assessments(assessments: AssessmentQuerySet) -> AssessmentQuerySet:
    """Of `assessments`, each person's current one: the latest submitted primary assessment, annotated with
    its `level_label` (the assessor's judgement where given, else the computed level)."""
    latest = (
        Assessment.objects.submitted()
        .primary()
        .filter(person=OuterRef("person"))
        .order_by("-assessed_on", "-id")
        .values("pk")[:1]
    )
    return (
        assessments.submitted()
        .primary()
        .filter(pk=Subquery(latest))
        .annotate(level_label=Coalesce("judged_band__label", "computed_band__label"))
    )


def reviews_overdue(user: User, *, today: dt.date) -> AssessmentQuerySet:
    """Each visible person's current assessment whose review date has passed."""
    return (
        current_assessments(assessments_visible_to(user))
        .filter(next_review_on__lt=today)
        .select_related("person", "computed_band", "judged_band")
        .order_by("next_review_on", "id")
    )


def person_trajectory(person: Person, *, with_domain_scores: bool) -> dict[str, Any]:
    """Levels (and, for readers of item scores, domain scores in percent) over time, with the case stages
    and grant deliveries on the same time axis. The caller has checked scope and logged the read."""
    from cases.models import Case, CaseStageChange

    assessments = list(person_assessments(person).prefetch_related("ratings", "version__bands"))
    points: list[dict[str, Any]] = []
    levels: dict[int, str] = {}
    for a in assessments:
        level = a.level
        for band in a.version.bands.all():
            levels.setdefault(band.rank, band.label)
        ratings = {r.item_id: ItemRating(r.value, r.missing) for r in a.ratings.all()}
        domain_scores = compute_score(a.version, ratings).domain_scores if with_domain_scores else {}
        points.append(
            {
                "date": a.assessed_on,
                "kind": "assessment",
                "title": level.label if level else "",
                "level_rank": level.rank if level else None,
                "domain_scores": domain_scores,
            }
        )
    for change in CaseStageChange.objects.filter(case__person=person).order_by("changed_at", "id"):
        points.append(
            {
                "date": timezone.localdate(change.changed_at),
                "kind": "stage",
                "title": Case.Stage(change.to_stage).label,
                "level_rank": None,
                "domain_scores": {},
            }
        )
    from assistance.models import Grant

    deliveries = Grant.objects.filter(person=person, delivered_on__isnull=False).select_related("programme")
    for grant in deliveries.order_by("delivered_on", "id"):
        assert grant.delivered_on is not None
        points.append(
            {
                "date": grant.delivered_on,
                "kind": "grant",
                "title": f"Bantuan: {grant.programme.name}",
                "level_rank": None,
                "domain_scores": {},
            }
        )
    points.sort(key=lambda p: p["date"])
    return {
        "person": person.pk,
        "name": person.full_name,
        # Level labels by rank (1 = lowest concern), the chart's axis.
        "levels": [levels[rank] for rank in sorted(levels)],
        "points": points,
    }
