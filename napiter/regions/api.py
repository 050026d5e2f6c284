from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from napiter.regions.models import Region
from napiter.regions.selectors import regions_search


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "postal_code"]


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label="Kode induk (mis. 36 atau 36.01)")
    level = django_filters.TypedChoiceFilter(choices=Region.Level.choices, coerce=int, label="Tingkat")
    name = django_filters.CharFilter(method="filter_name", label="Nama (toleran salah ketik)")

    class Meta:
        model = Region
        fields = ["parent", "level", "name"]

    def filter_name(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        return regions_search(value).filter(pk__in=queryset.values("pk"))


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """Kemendagri regions: provinces, kab/kota, kecamatan, desa/kelurahan. Filter by `parent` or `name`."""

    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_value_regex = r"[0-9.]+"
