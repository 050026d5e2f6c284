"""Which tables are under the change log, and which should be but are not."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection

from napiter.audit.operations import TRIGGERS


def tables_of(app_labels: Iterable[str]) -> list[str]:
    """The tables of the installed apps among `app_labels`, many-to-many tables included; labels of
    apps that are not installed (yet) are skipped."""
    tables: set[str] = set()
    for label in app_labels:
        try:
            app = apps.get_app_config(label)
        except LookupError:
            continue
        for model in app.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def audited_tables() -> set[str]:
    """Tables that carry every audit trigger, enabled."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname
              FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid
             WHERE t.tgname = ANY(%s) AND t.tgenabled <> 'D' AND pg_table_is_visible(c.oid)
             GROUP BY c.relname
            HAVING count(DISTINCT t.tgname) = %s
            """,
            [list(TRIGGERS), len(TRIGGERS)],
        )
        return {row[0] for row in cursor.fetchall()}


# Tables deliberately outside the row-level change log, each with the reason. DT-SEN extracts arrive as
# millions of rows a quarter by COPY and are never edited: a row trigger would multiply the import time and
# flood the log, while the audited `cases_dtsensnapshot` row already records who imported which file when.
EXEMPT_TABLES = {
    "cases_dtsenrecord": "bulk reference data; each import is audited through cases_dtsensnapshot",
}


def unaudited_tables(app_labels: Iterable[str]) -> list[str]:
    """Tables of these apps whose changes would not reach the audit trail (see operations.AuditTable)."""
    audited = audited_tables()
    return [table for table in tables_of(app_labels) if table not in audited and table not in EXEMPT_TABLES]
