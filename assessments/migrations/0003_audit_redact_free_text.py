"""The change log keeps no copy of the free text about an assessed person that retention anonymises under
UU 27/2022 (see cases 0007): the log shows who changed which assessment or rating, and when."""

from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_audit_assessments"),
    ]

    operations = [
        AuditTable(
            "assessments_assessment",
            redact=["sources", "judgement_reason", "recommendation_notes"],
            previous_redact=[],
        ),
        AuditTable("assessments_rating", redact=["evidence"], previous_redact=[]),
    ]
