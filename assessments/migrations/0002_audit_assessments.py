from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        AuditTable("assessments_instrument"),
        AuditTable("assessments_instrumentversion"),
        AuditTable("assessments_ratingscale"),
        AuditTable("assessments_domain"),
        AuditTable("assessments_item"),
        AuditTable("assessments_band"),
        AuditTable("assessments_assessment"),
        AuditTable("assessments_rating"),
    ]
