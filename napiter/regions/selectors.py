from __future__ import annotations

from collections import defaultdict

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q
from django.db.models.functions import Upper

from napiter.regions.codes import region_ancestor_codes
from napiter.regions.models import Region, RegionQuerySet


def regions_children(parent_code: str | None) -> RegionQuerySet:
    """Direct children of a region; the provinces when no parent is given."""
    if not parent_code:
        return Region.objects.provinces().order_by("name")
    return Region.objects.filter(parent_id=parent_code).order_by("name")


def regions_picker_options(code: str, *, depth: int) -> dict[str, list[Region]]:
    """The choices of every level of a picker showing `code`, keyed by parent code ("" for provinces).

    One query whatever the depth: the provinces plus the children of each ancestor of `code` that has a
    level below it in the picker. A code that does not exist simply contributes no children.
    """
    parents = region_ancestor_codes(code)[: max(depth - 1, 0)]
    rows = Region.objects.filter(Q(level=Region.Level.PROVINCE) | Q(parent_id__in=parents)).order_by("name")
    options: dict[str, list[Region]] = defaultdict(list)
    for region in rows:
        options[region.parent_id or ""].append(region)
    return options


def regions_search(query: str, *, level: int | None = None, queryset: RegionQuerySet | None = None) -> RegionQuerySet:
    """Regions whose name contains the words typed, tolerant of small typos, best match first.

    `queryset` narrows the search (e.g. to the children of one parent) before ranking.
    """
    qs: RegionQuerySet = Region.objects.all() if queryset is None else queryset
    if level:
        qs = qs.filter(level=level)
    term = query.strip().upper()
    return (
        qs.annotate(similarity=TrigramWordSimilarity(term, Upper("name")))
        .filter(similarity__gte=0.5)
        .order_by("-similarity", "level", "name")
    )
