from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, FirstValue, Lead, RowNumber
from django.http import Http404
from django.utils import timezone

from assessments.models import Assessment, AssessmentQuerySet, InstrumentVersion
from assessments.scoring import ItemRating, compute_score
from cases.models import Person
from napiter import policy
from napiter.accounts.access import person_scope_q
from napiter.accounts.models import User


def can_view_item_scores(user: User | AnonymousUser) -> bool:
    """Item-level ratings are sensitive: asesor and supervisor roles; caseworkers see the level only."""
    return policy.holds(user, "assessment.view_items")


def instrument_versions_in_use() -> QuerySet[InstrumentVersion]:
    return InstrumentVersion.objects.filter(status=InstrumentVersion.Status.ACTIVE).select_related("instrument")


def assessments_visible_to(user: User) -> AssessmentQuerySet:
    """Submitted assessments of the people in scope; a draft only to its author and, to review it, the
    supervisors of the office it is written in: an unfinished judgement is nobody else's to read."""
    if not policy.holds(user, "assessment.view"):
        return Assessment.objects.none()
    drafts = Q(assessor=user)
    if policy.holds(user, "assessment.view_office_drafts") and user.office_id is not None:
        drafts |= Q(office_id=user.office_id)
    finished = ~Q(status=Assessment.Status.DRAFT)
    return Assessment.objects.filter(person_scope_q(user, prefix="person__")).filter(finished | drafts)


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


# How a person's current level moved against their assessment before it. Rank 1 is the lowest concern, so a
# lower rank is an improvement. The dashboard counts with these and the person list's `perubahan` filters
# with them.
IMPROVED, WORSENED, UNCHANGED, FIRST = "membaik", "memburuk", "tetap", "pertama"
MOVEMENT_CHOICES = [(IMPROVED, "Membaik"), (WORSENED, "Memburuk"), (UNCHANGED, "Tetap"), (FIRST, "Asesmen pertama")]
# The rule, once: how an assessment's level `rank` compares with the `previous_rank` of the one before it
# (None when there is none). `movement_q` applies it per person, `current_level_counts` to a whole scope.
MOVEMENT_RULE = {IMPROVED: "lt", WORSENED: "gt", UNCHANGED: "exact", FIRST: "isnull"}


def _level_rank() -> Coalesce:
    """The assessor's judgement where given, else the computed level (as `Assessment.level`)."""
    return Coalesce("judged_band__rank", "computed_band__rank")


def with_level_movement(assessments: AssessmentQuerySet) -> QuerySet[Any]:
    """`assessments` annotated with their level's `rank` and the `previous_rank` of the same person's
    submitted primary assessment just before each (None when there is none: a first assessment)."""
    before = (
        Assessment.objects.submitted()
        .primary()
        .filter(person=OuterRef("person"))
        .filter(
            Q(assessed_on__lt=OuterRef("assessed_on")) | Q(assessed_on=OuterRef("assessed_on"), id__lt=OuterRef("id"))
        )
        .order_by("-assessed_on", "-id")
        .annotate(level_rank=_level_rank())
        .values("level_rank")[:1]
    )
    return assessments.annotate(rank=_level_rank(), previous_rank=Subquery(before))


def movement_q(movement: str) -> Q:
    """Of assessments from `with_level_movement`, those whose level moved so."""
    lookup = MOVEMENT_RULE[movement]
    if lookup == "isnull":
        return Q(previous_rank__isnull=True)
    return Q(**{f"rank__{lookup}": F("previous_rank")})


@dataclass(frozen=True)
class LevelCount:
    label: str
    rank: int
    total: int
    improved: int
    worsened: int
    unchanged: int
    first: int
    review_overdue: int  # the current assessment's review date is before the day asked about


# Per current level: the people, one count per movement (MOVEMENT_RULE) and whose review is overdue. The
# level is the judged band where given, else the computed one (`_level_rank`).
_LEVEL_COUNTS_SQL = """
SELECT label, rank, COUNT(*), {movements}, COUNT(*) FILTER (WHERE next_review_on < %s)
FROM (
    SELECT COALESCE(jb.label, cb.label) AS label, COALESCE(jb.rank, cb.rank) AS rank,
           COALESCE(pjb.rank, pcb.rank) AS previous_rank, latest.next_review_on
    FROM ({window}) latest
    LEFT JOIN assessments_band jb ON jb.id = latest.judged_band_id
    LEFT JOIN assessments_band cb ON cb.id = latest.computed_band_id
    LEFT JOIN assessments_band pjb ON pjb.id = latest.previous_judged
    LEFT JOIN assessments_band pcb ON pcb.id = latest.previous_computed
    WHERE latest.row_in_person = 1
) current
GROUP BY 1, 2
ORDER BY 2, 1
"""
_SQL_LOOKUPS = {"lt": "rank < previous_rank", "gt": "rank > previous_rank", "exact": "rank = previous_rank",
                "isnull": "previous_rank IS NULL"}  # fmt: skip


def _in_person(expression: Any) -> Window:
    """`expression` over each person's assessments, newest first (the order `current_assessments` picks the
    current one by; the partial index `assessment_current` holds the submitted primary ones in it)."""
    return Window(expression, partition_by=F("person_id"), order_by=[F("assessed_on").desc(), F("id").desc()])


def current_level_counts(assessments: AssessmentQuerySet, *, today: dt.date) -> list[LevelCount]:
    """The people of `assessments` counted by their current level (`current_assessments`), with the
    movement against the assessment before (`movement_q`) and the overdue reviews, in one query for a whole
    scope. A subquery per person, as `current_assessments` and `with_level_movement` use, costs minutes over
    two million assessments; here one window pass reads each person's assessments newest first from the
    partial index `assessment_current` (no sort, no table access), keeps the newest and the band of the one
    before it, and the bands are joined to the million survivors only."""
    window = (
        assessments.submitted()
        .primary()
        .order_by()
        .annotate(
            row_in_person=_in_person(RowNumber()),
            previous_judged=_in_person(Lead("judged_band_id")),
            previous_computed=_in_person(Lead("computed_band_id")),
        )
        .values("judged_band_id", "computed_band_id", "next_review_on", "row_in_person", "previous_judged",
                "previous_computed")
    )  # fmt: skip
    sql, params = window.query.sql_with_params()
    with connection.cursor() as cursor:
        movements = ", ".join(
            f"COUNT(*) FILTER (WHERE {_SQL_LOOKUPS[MOVEMENT_RULE[movement]]})" for movement, _ in MOVEMENT_CHOICES
        )
        cursor.execute(_LEVEL_COUNTS_SQL.format(movements=movements, window=sql), (today, *params))
        rows = cursor.fetchall()
    return [LevelCount(label or "-", rank or 0, *counts) for label, rank, *counts in rows]


def reviews_overdue(user: User, *, today: dt.date) -> QuerySet[Assessment, int]:
    """The ids of each visible person's current assessment whose review date has passed, most overdue first.
    One window pass over the scope (as `current_level_counts`), so a page of them is a LIMIT and counting
    them is one query, however many people a national scope holds; `assessments_in_order` fetches a page."""
    return (
        assessments_visible_to(user)
        .submitted()
        .primary()
        .order_by()
        .annotate(
            row_in_person=_in_person(RowNumber()),
            # The current assessment's own review date, as a window value so the filter applies after the
            # current one is picked (a plain filter would pick the newest among the overdue).
            current_review=_in_person(FirstValue("next_review_on")),
        )
        .filter(row_in_person=1, current_review__lt=today)
        .order_by("next_review_on", "id")
        .values_list("pk", flat=True)
    )


def assessments_in_order(ids: Sequence[int]) -> list[Assessment]:
    """The assessments with these ids, in that order, with what a list of them shows."""
    found = Assessment.objects.select_related("person", "computed_band", "judged_band").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


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
