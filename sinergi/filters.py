from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from sinergi.models import ActionPlan, Ministry
from sinergi.selectors import plans_reporting_q


class ActionPlanFilterSet(django_filters.FilterSet):
    """The coordinator's selection: by K/L, year, province, type, category and status (pages and API)."""

    ministry = django_filters.ModelChoiceFilter(queryset=Ministry.objects.all(), label="K/L")
    year = django_filters.NumberFilter(label="Tahun")
    province = django_filters.CharFilter(field_name="province_id", label="Kode provinsi")
    plan_type = django_filters.ChoiceFilter(choices=ActionPlan.PlanType.choices, label="Jenis")
    category = django_filters.ChoiceFilter(choices=ActionPlan.Category.choices, label="Kategori")
    status = django_filters.ChoiceFilter(choices=ActionPlan.Status.choices, label="Status")
    melapor = django_filters.ChoiceFilter(
        choices=[("1", "Sudah melapor"), ("0", "Belum melapor")], label="Laporan realisasi", method="filter_reporting"
    )

    class Meta:
        model = ActionPlan
        fields = ["ministry", "year", "province", "plan_type", "category", "status", "melapor"]

    def filter_reporting(self, queryset: QuerySet[ActionPlan], name: str, value: str) -> QuerySet[ActionPlan]:
        """Plans with at least one realisation report (`1`), or with none yet (`0`)."""
        reporting = plans_reporting_q()
        return queryset.filter(reporting if value == "1" else ~reporting)
