"""The migration operation that puts a table under the change log.

Every app that stores people, cases, grants, assessments, plans or documents adds, in the migration
that creates each table (or a later one):

    from napiter.audit.operations import AuditTable

    dependencies = [..., ("audit", "0001_initial")]
    operations = [..., AuditTable("cases_person")]

`tests/audit/test_coverage.py` fails while any table of those apps lacks the trigger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

ROW_TRIGGER = "napiter_audit_change"
TRUNCATE_TRIGGER = "napiter_audit_truncate"
TRIGGERS = (ROW_TRIGGER, TRUNCATE_TRIGGER)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class AuditTable(Operation):
    """Record every INSERT, UPDATE, DELETE and TRUNCATE on `table` in audit.ChangeEvent.

    `redact` names columns whose values are never copied into the log (the log shows only that they
    changed), e.g. a password hash. To change the redaction of a table already audited, repeat the
    operation with the new list and `previous_redact`: reversing it then restores the old list instead of
    removing the triggers.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, table: str, *, redact: Sequence[str] = (), previous_redact: Sequence[str] | None = None) -> None:
        for name in (table, *redact, *(previous_redact or ())):
            if not _IDENTIFIER.match(name):
                raise ValueError(f"not a plain lower-case PostgreSQL identifier: {name!r}")
        self.table = table
        self.redact = tuple(redact)
        self.previous_redact = None if previous_redact is None else tuple(previous_redact)

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # triggers are not part of Django's model state

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        pk_column = self._primary_key_column(to_state)
        # Trigger arguments are string literals; every name was checked against _IDENTIFIER above.
        args = ", ".join(f"'{name}'" for name in (pk_column, *self.redact))
        table = schema_editor.quote_name(self.table)
        schema_editor.execute(
            f"CREATE OR REPLACE TRIGGER {ROW_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_record_change({args})"
        )
        schema_editor.execute(
            f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION audit_record_change({args})"
        )

    def _primary_key_column(self, state: ProjectState) -> str:
        # From the migration state rather than the catalogue, so that `sqlmigrate` works before the table exists.
        for model in state.apps.get_models(include_auto_created=True):
            if model._meta.db_table == self.table:
                return str(model._meta.pk.column)
        raise LookupError(
            f"no model has the table {self.table}: does this migration depend on the one that creates it?"
        )

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if self.previous_redact is not None:
            AuditTable(self.table, redact=self.previous_redact).database_forwards(
                app_label, schema_editor, to_state, from_state
            )
            return
        table = schema_editor.quote_name(self.table)
        for trigger in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")

    def describe(self) -> str:
        return f"Record changes to {self.table} in the audit trail"

    @property
    def migration_name_fragment(self) -> str:
        return f"audit_{self.table}"
