from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        AuditTable("assistance_programme"),
        AuditTable("assistance_grant"),
        AuditTable("assistance_grantmember"),
        AuditTable("assistance_grantitem"),
        AuditTable("assistance_grantevent"),
        AuditTable("assistance_monitoringvisit"),
    ]
