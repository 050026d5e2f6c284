"""The grant list as an Excel working list, each listed person logged as an export read."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from openpyxl import Workbook

from assistance.models import Grant
from napiter.accounts.models import User

MAX_EXPORT_ROWS = 5_000
HEADERS = (
    "No", "ID bantuan", "Program", "Tahun", "Penerima", "Kelompok", "Wilayah", "Kantor pengusul", "Status",
    "Nilai (Rp)", "Jenis usaha", "Nomor SK", "Tanggal salur",
)  # fmt: skip


@transaction.atomic
def grants_export(*, user: User, grants: QuerySet[Grant], request: HttpRequest | None = None) -> bytes:
    """`grants` is already scoped to `user` and filtered; NIKs are not exported at all."""
    from napiter.audit.models import AccessEvent
    from napiter.audit.services import access_log

    total = grants.count()
    if total > MAX_EXPORT_ROWS:
        raise ValidationError(
            f"Hasil berisi {total} bantuan, lebih dari batas ekspor {MAX_EXPORT_ROWS}; persempit dengan filter."
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Bantuan")
    sheet.append(list(HEADERS))
    for number, grant in enumerate(grants.select_related("person__domicile_region"), start=1):
        sheet.append(
            [
                number, grant.pk, grant.programme.name, grant.programme.fiscal_year, grant.person.full_name,
                grant.group_name, grant.person.domicile_region.name, grant.office.name, grant.get_status_display(),
                grant.amount, grant.business_type, grant.decree_number, grant.delivered_on,
            ]
        )  # fmt: skip
        access_log(
            user=user, action=AccessEvent.Action.EXPORT, obj_type=Grant, obj_id=grant.pk, person_id=grant.person_id,
            request=request,
        )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
