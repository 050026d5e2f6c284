"""Every table that holds people, cases, grants, assessments, plans, documents or accounts is audited."""

import pytest
from django.db import connection

from napiter.audit.tables import tables_of, unaudited_tables

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ["accounts", "cases", "assistance", "assessments", "sinergi", "documents"]


def test_every_domain_table_carries_the_audit_trigger():
    checked = tables_of(DOMAIN_APPS)
    assert {"accounts_user", "accounts_office", "accounts_agency", "accounts_user_groups"} <= set(checked)
    missing = unaudited_tables(DOMAIN_APPS)
    assert missing == [], (
        f"tables without the change log: {missing}; add napiter.audit.operations.AuditTable to their migrations"
    )


def test_roles_and_generic_grants_are_audited_too():
    # auth_permission is left out: Django derives it from the models at every migrate.
    assert unaudited_tables(["auth", "guardian"]) == ["auth_permission"]


def test_a_table_whose_trigger_is_disabled_counts_as_unaudited():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_office DISABLE TRIGGER napiter_audit_change")
    assert unaudited_tables(["accounts"]) == ["accounts_office"]


def test_apps_not_installed_yet_are_skipped():
    assert tables_of(["no_such_app"]) == []
    assert unaudited_tables(["no_such_app", "accounts"]) == []
