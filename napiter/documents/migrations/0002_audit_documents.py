from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    # The request's free-text inputs (a recommendation about a person) are not copied into the change log.
    operations = [
        AuditTable("documents_documentregister"),
        AuditTable("documents_document", redact=["inputs"]),
        AuditTable("documents_documentsignature"),
    ]
