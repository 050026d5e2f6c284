from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    """Offices, users, roles and object grants decide who may see whom: every change to them is logged."""

    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
    ]

    operations = [
        AuditTable("accounts_agency"),
        AuditTable("accounts_office"),
        AuditTable("accounts_user", redact=["password"]),
        AuditTable("accounts_user_groups"),
        AuditTable("accounts_user_user_permissions"),
        AuditTable("auth_group"),
        AuditTable("auth_group_permissions"),
        AuditTable("guardian_userobjectpermission"),
        AuditTable("guardian_groupobjectpermission"),
    ]
