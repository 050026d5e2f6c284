from __future__ import annotations

import django_filters

from sinergi.models import ActionPlan, Ministry


class ActionPlanFilterSet(django_filters.FilterSet):
    """The coordinator's selection: by K/L, year, province, type, category and status (pages and API)."""

    ministry = django_filters.ModelChoiceFilter(queryset=Ministry.objects.all(), label="K/L")
    year = django_filters.NumberFilter(label="Tahun")
    province = django_filters.CharFilter(field_name="province_id", label="Kode provinsi")
    plan_type = django_filters.ChoiceFilter(choices=ActionPlan.PlanType.choices, label="Jenis")
    category = django_filters.ChoiceFilter(choices=ActionPlan.Category.choices, label="Kategori")
    status = django_filters.ChoiceFilter(choices=ActionPlan.Status.choices, label="Status")

    class Meta:
        model = ActionPlan
        fields = ["ministry", "year", "province", "plan_type", "category", "status"]
