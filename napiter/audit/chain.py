"""Verifying the audit hash chains in Python, independently of the triggers that wrote them.

The triggers (migrations/0001_initial.py) hash `prev_hash || '|' || canonical`, where canonical is the
text PostgreSQL prints for a jsonb array of the row's content columns. `canonical()` prints the same
text: jsonb separates elements with ", ", escapes strings like JSON without escaping non-ASCII, and
writes times as UTC ISO 8601 with microseconds (audit_time()). The jsonb columns of ChangeEvent are read
as PostgreSQL's own text for them (a cast), because jsonb normalises numbers and key order in ways a
Python round trip would not reproduce; everything else is rebuilt here from the column values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import TextField
from django.db.models.functions import Cast

from napiter.audit.models import AccessEvent, ChangeEvent

GENESIS = "0" * 64


class RawJson(str):
    """Text that already is jsonb output and goes into the canonical array as it is."""


Canonical = None | int | str | datetime | RawJson | Sequence[str]


def audit_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _element(value: Canonical) -> str:
    if value is None:
        return "null"
    if isinstance(value, RawJson):
        return str(value)
    if isinstance(value, bool):
        raise TypeError("booleans are not part of any audit row")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return json.dumps(audit_time(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"


def canonical(values: Iterable[Canonical]) -> str:
    """The text of `jsonb_build_array(*values)::text`, for the value types audit rows contain."""
    return "[" + ", ".join(_element(value) for value in values) + "]"


def link_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    table: str
    entries: int
    head: str  # hash of the last entry: write it down elsewhere to detect a rewrite of the whole tail
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


# Content columns in the order the triggers put them into the canonical array.
ACCESS_COLUMNS = (
    "id",
    "created_at",
    "user_id",
    "username",
    "office_id",
    "office_name",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "fields_revealed",
    "reason",
    "ip_address",
    "path",
)
CHANGE_COLUMNS = (
    "id",
    "created_at",
    "table_name",
    "operation",
    "row_pk",
    "old_text",
    "new_text",
    "user_id",
    "db_user",
    "transaction_id",
)
_CHUNK = 2000


def _access_rows() -> Iterator[tuple[str, str, list[Canonical]]]:
    rows = AccessEvent.objects.order_by("id").values_list("prev_hash", "hash", *ACCESS_COLUMNS)
    for prev_hash, hash_, *content in rows.iterator(chunk_size=_CHUNK):
        yield prev_hash, hash_, content


def _change_rows() -> Iterator[tuple[str, str, list[Canonical]]]:
    rows = (
        ChangeEvent.objects.order_by("id")
        .annotate(old_text=Cast("old", TextField()), new_text=Cast("new", TextField()))
        .values_list("prev_hash", "hash", *CHANGE_COLUMNS)
    )
    json_columns = {CHANGE_COLUMNS.index("old_text"), CHANGE_COLUMNS.index("new_text")}
    for prev_hash, hash_, *content in rows.iterator(chunk_size=_CHUNK):
        yield (
            prev_hash,
            hash_,
            [RawJson(v) if i in json_columns and v is not None else v for i, v in enumerate(content)],
        )


def _verify(table: str, rows: Iterator[tuple[str, str, list[Canonical]]]) -> ChainReport:
    expected_prev, count = GENESIS, 0
    for prev_hash, hash_, content in rows:
        entry_id = content[0]
        assert isinstance(entry_id, int)
        if prev_hash != expected_prev:
            return ChainReport(table, count, expected_prev, entry_id, "tautan ke entri sebelumnya tidak cocok")
        if link_hash(prev_hash, canonical(content)) != hash_:
            return ChainReport(table, count, expected_prev, entry_id, "isi entri tidak cocok dengan hash-nya")
        expected_prev, count = hash_, count + 1
    return ChainReport(table, count, expected_prev)


def verify_access_chain() -> ChainReport:
    return _verify(AccessEvent._meta.db_table, _access_rows())


def verify_change_chain() -> ChainReport:
    return _verify(ChangeEvent._meta.db_table, _change_rows())
