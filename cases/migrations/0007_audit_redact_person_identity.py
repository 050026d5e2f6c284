"""The change log keeps no copy of what anonymisation under UU 27/2022 removes: a person's name, aliases, birth
place and photo path (besides NIK, address and phone, redacted from the start), and the free text written about
them in cases, visits, stage changes, referrals and transfers. The append-only log cannot be edited afterwards,
so it must not hold these values in the first place. It still shows who changed which row, and when; the
current text is in the record itself."""

from django.db import migrations

from napiter.audit.operations import AuditTable


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_person_list_order"),
    ]

    operations = [
        AuditTable(
            "cases_person",
            redact=["nik", "address", "phone", "full_name", "aliases", "birth_place", "photo"],
            previous_redact=["nik", "address", "phone"],
        ),
        AuditTable("cases_case", redact=["goals"], previous_redact=[]),
        AuditTable("cases_visit", redact=["place", "findings"], previous_redact=[]),
        AuditTable("cases_casestagechange", redact=["note"], previous_redact=[]),
        AuditTable("cases_referral", redact=["reason", "outcome", "consent_by"], previous_redact=[]),
        AuditTable("cases_transfer", redact=["reason", "decision_note"], previous_redact=[]),
    ]
