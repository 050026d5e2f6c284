from __future__ import annotations

from django.contrib import admin

from sinergi.models import Ministry, MinistryUnit, Official


class MinistryUnitInline(admin.TabularInline[MinistryUnit, Ministry]):
    model = MinistryUnit
    extra = 0
    fields = ["name", "echelon", "parent"]


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin[Ministry]):
    """Reference data: the K/L of the synergy team, their units; an administrator adds new K/L here."""

    list_display = ["short_name", "name", "code", "active"]
    list_filter = ["active"]
    search_fields = ["name", "short_name", "code"]
    inlines = [MinistryUnitInline]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin[Official]):
    list_display = ["position", "kind", "ministry", "user", "active"]
    list_filter = ["kind", "active"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["unit"]
