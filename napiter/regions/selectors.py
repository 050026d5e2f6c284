from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models.functions import Upper

from napiter.regions.models import Region, RegionQuerySet


def regions_children(parent_code: str | None) -> RegionQuerySet:
    """Direct children of a region; the provinces when no parent is given."""
    if not parent_code:
        return Region.objects.provinces().order_by("name")
    return Region.objects.filter(parent_id=parent_code).order_by("name")


def regions_search(query: str, *, level: int | None = None) -> RegionQuerySet:
    """Regions whose name contains the words typed, tolerant of small typos, best match first."""
    qs: RegionQuerySet = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    term = query.strip().upper()
    return (
        qs.annotate(similarity=TrigramWordSimilarity(term, Upper("name")))
        .filter(similarity__gte=0.5)
        .order_by("-similarity", "level", "name")
    )
