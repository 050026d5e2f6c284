"""The person list's filters: one FilterSet for the page and the API, both ending in `people_search` (the page
in `people_search_pages`, its paged form)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from assessments.selectors import MOVEMENT_CHOICES
from cases.models import Case, Person
from cases.selectors import PersonFilters, people_search
from cases.workflows import OVERDUE_CHOICES
from napiter.regions.codes import is_region_code


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nama atau NIK", method="noop")
    category = django_filters.ChoiceFilter(label="Kategori", choices=Person.Category.choices, method="noop")
    region = django_filters.CharFilter(label="Kode wilayah (mis. 36.73)", method="noop")
    stage = django_filters.ChoiceFilter(label="Tahap kasus", choices=Case.Stage.choices, method="noop")
    office = django_filters.NumberFilter(label="Kantor pemilik kasus (ID)", method="noop")
    caseworker = django_filters.NumberFilter(label="Pendamping (ID)", method="noop")
    opened_from = django_filters.DateFilter(label="Kasus dibuka sejak", method="noop")
    opened_to = django_filters.DateFilter(label="Kasus dibuka sampai", method="noop")
    closed_from = django_filters.DateFilter(label="Kasus ditutup sejak", method="noop")
    closed_to = django_filters.DateFilter(label="Kasus ditutup sampai", method="noop")
    level = django_filters.CharFilter(label="Tingkat asesmen terakhir", method="noop")
    perubahan = django_filters.ChoiceFilter(
        label="Perubahan tingkat asesmen", choices=MOVEMENT_CHOICES, method="noop",
        help_text="Tingkat asesmen terakhir dibanding asesmen sebelumnya.",
    )  # fmt: skip
    terbuka = django_filters.ChoiceFilter(label="Kasus", choices=[("1", "Punya kasus terbuka")], method="noop")
    terlambat = django_filters.ChoiceFilter(label="Terlambat", choices=OVERDUE_CHOICES, method="noop")

    class Meta:
        model = Person
        fields: list[str] = []

    def noop(self, queryset: QuerySet[Person], name: str, value: object) -> QuerySet[Person]:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Person]) -> QuerySet[Person]:
        return people_search(queryset, self.search_filters())  # type: ignore[arg-type]

    def search_filters(self) -> PersonFilters:
        """The valid form's values (call `is_valid()` first)."""
        d = self.form.cleaned_data
        region = (d.get("region") or "").strip()
        if region and not is_region_code(region):
            region = "-"  # matches nothing, like any other unknown code
        return PersonFilters(
            q=d.get("q") or "", category=d.get("category") or "", region=region, stage=d.get("stage") or "",
            office=d.get("office"), caseworker=d.get("caseworker"), opened_from=d.get("opened_from"),
            opened_to=d.get("opened_to"), closed_from=d.get("closed_from"), closed_to=d.get("closed_to"),
            level=(d.get("level") or "").strip(), open_case=d.get("terbuka") == "1",
            overdue=d.get("terlambat") or "", movement=d.get("perubahan") or "",
        )  # fmt: skip
