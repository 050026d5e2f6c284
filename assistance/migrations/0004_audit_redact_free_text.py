"""The change log keeps no copy of the free text about a recipient that retention anonymises under UU 27/2022
(see cases 0007): the log shows who changed which grant or visit, and when."""

from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0003_programme_requires_assessment"),
    ]

    operations = [
        AuditTable(
            "assistance_grant",
            redact=["justification", "location", "kiosk_stock", "supplier", "reason"],
            previous_redact=[],
        ),
        AuditTable("assistance_monitoringvisit", redact=["problems"], previous_redact=[]),
    ]
