from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from napiter.regions.models import Region
from napiter.regions.selectors import regions_search


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "postal_code"]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": "Kode Kemendagri bertitik, mis. 36.03.12.2001."},
            "kind": {"help_text": "Jenis: provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan, desa_adat."},
            "parent": {"help_text": "Kode wilayah induk; null untuk provinsi."},
            "postal_code": {"help_text": "Kode pos; hanya desa/kelurahan yang memilikinya."},
        }


class RegionFilter(django_filters.FilterSet):
    # An empty value means "no filter", as for every filter of this API; provinces are `level=1`.
    parent = django_filters.CharFilter(
        field_name="parent_id",
        label="Kode induk",
        help_text="Anak langsung dari wilayah ini, mis. 36 (kab/kota di Banten) atau 36.03 (kecamatan).",
    )
    level = django_filters.TypedChoiceFilter(
        choices=Region.Level.choices,
        coerce=int,
        label="Tingkat",
        help_text="Tingkat wilayah; 1 untuk daftar provinsi.",
    )
    name = django_filters.CharFilter(
        method="filter_name",
        label="Nama",
        help_text="Cari nama, toleran salah ketik (mis. Tanggerang); hasil diurutkan dari yang paling mirip.",
    )

    class Meta:
        model = Region
        fields = ["parent", "level", "name"]

    def filter_name(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        # Declared last, so `queryset` already carries the parent and level filters.
        return regions_search(value, queryset=queryset)  # type: ignore[arg-type]


class RegionPagination(PageNumberPagination):
    # Large enough for every child list in one page (the most children any region has is 108).
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        """DRF falls back to the default size for a value it cannot read; a client should learn its mistake.
        A size above the maximum is still capped to it."""
        value = request.query_params.get(self.page_size_query_param, "")
        if value and not (re.fullmatch(r"[0-9]{1,9}", value) and int(value) >= 1):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Ukuran halaman harus bilangan bulat positif (paling banyak {self.max_page_size})."
                    ]
                }
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


@extend_schema_view(
    list=extend_schema(
        summary="Daftar wilayah",
        description=(
            "Wilayah Kemendagri: provinsi, kabupaten/kota, kecamatan, desa/kelurahan, urut kode (atau "
            "kemiripan nama bila `name` diisi). Untuk memilih wilayah bertingkat: `level=1`, lalu "
            "`parent=<kode>` untuk setiap tingkat di bawahnya."
        ),
    ),
    retrieve=extend_schema(
        summary="Satu wilayah menurut kode",
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Kode Kemendagri bertitik, mis. 36.03 atau 36.03.12.2001.",
            )
        ],
    ),
)
@extend_schema(tags=["regions"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    pagination_class = RegionPagination
    lookup_field = "code"
    # Any segment, not only well-formed codes: a malformed code then gets the API's JSON 404 instead of
    # the site's HTML 404 page.
    lookup_value_regex = r"[^/]+"
