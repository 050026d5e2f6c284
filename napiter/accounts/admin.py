from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from napiter.accounts.models import Agency, Office, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "code", "agency", "jurisdiction", "region", "timezone"]
    list_filter = ["jurisdiction", "agency__kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Kantor", {"fields": ("office", "nip", "position")}),
    )
    list_display = ["username", "first_name", "last_name", "office", "is_active"]
    list_filter = ["office", "groups", "is_active"]
