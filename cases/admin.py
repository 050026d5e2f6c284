from django.contrib import admin
from django.http import HttpRequest

from cases.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    """Read-only, superusers only: everyone else reaches people through the scoped pages, which log each read.
    The performance benchmarks also use its list as the baseline for the person list."""

    list_display = ["full_name", "category", "sex", "birth_date", "domicile_region", "status"]
    list_filter = ["category", "status"]
    search_fields = ["full_name"]
    raw_id_fields = ["domicile_region", "household", "registered_by_office"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False
