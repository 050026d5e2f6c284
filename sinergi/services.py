"""Every write of sinergi: the plan state machine, agreements and realisation reports.

Plan states: draf -> diajukan -> disetujui -> disepakati, or diajukan -> dikembalikan -> diajukan again.
A K/L planner drafts, edits and submits their own K/L's plans; the BNPT coordinator approves or returns
them with a comment. Plans in an agreement are frozen: a change needs an addendum document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from napiter.accounts.models import User
from sinergi.models import (
    ActionPlan,
    ActionPlanEvent,
    Agreement,
    Ministry,
    Official,
    RealisationReport,
    ReviewComment,
    quarter_due_date,
)
from sinergi.selectors import plan_get_for_user, plans_visible_to, user_ministry

EDITABLE_FIELDS = (
    "unit", "year", "title", "description", "plan_type", "category", "province", "regency", "village",
    "target_mitra", "target_families", "target_victims", "budget", "funding_source", "start_on", "end_on",
    "output_indicator", "output_target", "output_unit", "pillar",
)  # fmt: skip
EDITABLE_STATUSES = (ActionPlan.Status.DRAFT, ActionPlan.Status.RETURNED)
FROZEN_MESSAGE = (
    "Rencana aksi ini sudah disepakati dalam berita acara yang ditandatangani; perubahan memerlukan dokumen adendum."
)


def _snapshot(plan: ActionPlan) -> dict[str, Any]:
    data = model_to_dict(plan, fields=EDITABLE_FIELDS)
    return {k: (str(v) if isinstance(v, (Decimal, dt.date)) else v) for k, v in data.items()}


def _record(plan: ActionPlan, *, action: str, from_status: str, actor: User, snapshot: bool = False) -> None:
    ActionPlanEvent.objects.create(
        plan=plan,
        action=action,
        from_status=from_status,
        to_status=plan.status,
        actor=actor,
        snapshot=_snapshot(plan) if snapshot else {},
    )


def _planner_ministry(user: User) -> Ministry:
    ministry = user_ministry(user)
    if ministry is None or not user.has_perm("sinergi.add_actionplan"):
        raise PermissionDenied("Hanya perencana K/L yang dapat menyusun dan mengajukan rencana aksi.")
    return ministry


def _check_planner_owns(user: User, plan: ActionPlan) -> None:
    ministry = user_ministry(user)
    if ministry is None or ministry.pk != plan.ministry_id or not user.has_perm("sinergi.change_actionplan"):
        raise PermissionDenied(
            f"Rencana aksi {plan.ministry.short_name} hanya dapat diubah oleh perencana {plan.ministry.short_name}."
        )


@transaction.atomic
def plan_create(*, user: User, data: dict[str, Any]) -> ActionPlan:
    ministry = _planner_ministry(user)
    plan = ActionPlan(ministry=ministry, created_by=user, status=ActionPlan.Status.DRAFT)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    plan.full_clean()
    plan.save()
    _record(plan, action=ActionPlanEvent.Action.CREATED, from_status="", actor=user)
    return plan


@transaction.atomic
def plan_update(*, user: User, plan_id: int | str, data: dict[str, Any]) -> ActionPlan:
    plan = plan_get_for_user(user, plan_id, for_update=True)
    _check_planner_owns(user, plan)
    if plan.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"Rencana aksi berstatus {plan.get_status_display().lower()} tidak dapat diubah; hanya draf atau "
            "rencana yang dikembalikan yang dapat diubah."
        )
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Kolom tidak dapat diubah: {', '.join(sorted(unknown))}.")
    for field, value in data.items():
        setattr(plan, field, value)
    plan.full_clean()
    plan.save(update_fields=[*data.keys(), "updated_at"])
    _record(plan, action=ActionPlanEvent.Action.EDITED, from_status=plan.status, actor=user)
    return plan


@transaction.atomic
def plan_submit(*, user: User, plan_id: int | str) -> ActionPlan:
    """Submit a draft, or resubmit a returned plan; the event keeps what was submitted each time."""
    plan = plan_get_for_user(user, plan_id, for_update=True)
    _check_planner_owns(user, plan)
    if plan.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError(f"Rencana aksi berstatus {plan.get_status_display().lower()} tidak dapat diajukan lagi.")
    plan.full_clean()
    previous = plan.status
    plan.status = ActionPlan.Status.SUBMITTED
    plan.save(update_fields=["status", "updated_at"])
    _record(plan, action=ActionPlanEvent.Action.SUBMITTED, from_status=previous, actor=user, snapshot=True)
    return plan


def _check_reviewer(user: User) -> None:
    if not user.has_perm("sinergi.approve_actionplan"):
        raise PermissionDenied("Hanya koordinator BNPT yang dapat menyetujui atau mengembalikan rencana aksi.")


def _check_reviewable(plan: ActionPlan) -> None:
    if plan.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)
    if plan.status != ActionPlan.Status.SUBMITTED:
        raise ValidationError(
            f"Rencana aksi berstatus {plan.get_status_display().lower()}; hanya rencana yang diajukan yang dapat "
            "ditelaah."
        )


@transaction.atomic
def plan_approve(*, user: User, plan_id: int | str, comment: str = "") -> ActionPlan:
    plan = plan_get_for_user(user, plan_id, for_update=True)
    _check_reviewer(user)
    _check_reviewable(plan)
    plan.status = ActionPlan.Status.APPROVED
    plan.save(update_fields=["status", "updated_at"])
    if comment.strip():
        ReviewComment.objects.create(plan=plan, author=user, text=comment.strip())
    _record(plan, action=ActionPlanEvent.Action.APPROVED, from_status=ActionPlan.Status.SUBMITTED, actor=user)
    return plan


@transaction.atomic
def plan_return(*, user: User, plan_id: int | str, comment: str) -> ActionPlan:
    plan = plan_get_for_user(user, plan_id, for_update=True)
    _check_reviewer(user)
    _check_reviewable(plan)
    if not comment.strip():
        raise ValidationError({"comment": "Tuliskan catatan perbaikan saat mengembalikan rencana aksi."})
    plan.status = ActionPlan.Status.RETURNED
    plan.save(update_fields=["status", "updated_at"])
    ReviewComment.objects.create(plan=plan, author=user, text=comment.strip())
    _record(plan, action=ActionPlanEvent.Action.RETURNED, from_status=ActionPlan.Status.SUBMITTED, actor=user)
    return plan


@transaction.atomic
def plans_bulk_approve(*, user: User, plan_ids: Iterable[int]) -> list[ActionPlan]:
    """Approve a filtered selection at once, all or nothing: one plan not awaiting review refuses the lot."""
    _check_reviewer(user)
    ids = sorted({int(i) for i in plan_ids})
    if not ids:
        raise ValidationError("Pilih paling sedikit satu rencana aksi.")
    plans = list(plans_visible_to(user).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len(plans) != len(ids):
        raise ValidationError("Sebagian rencana aksi yang dipilih tidak ditemukan.")
    not_submitted = [p.pk for p in plans if p.status != ActionPlan.Status.SUBMITTED]
    if not_submitted:
        raise ValidationError(
            "Hanya rencana yang diajukan yang dapat disetujui; tidak berstatus diajukan: "
            + ", ".join(f"#{pk}" for pk in not_submitted[:20])
            + "."
        )
    for plan in plans:
        plan.status = ActionPlan.Status.APPROVED
        plan.save(update_fields=["status", "updated_at"])
        _record(plan, action=ActionPlanEvent.Action.APPROVED, from_status=ActionPlan.Status.SUBMITTED, actor=user)
    return plans


@transaction.atomic
def agreement_create(*, user: User, ministry_id: int, year: int) -> Agreement:
    """Put the approved plans of one K/L and year into a berita acara kesepakatan and request its document.

    The plans are frozen from here on; the signatures follow through the documents pipeline.
    """
    from napiter.documents.services import document_request

    _check_reviewer(user)
    if not user.has_perm("sinergi.add_agreement"):
        raise PermissionDenied("Hanya koordinator BNPT yang dapat menyusun berita acara kesepakatan.")
    ministry = Ministry.objects.filter(pk=ministry_id).first()
    if ministry is None:
        raise ValidationError({"ministry": "K/L tidak ditemukan."})
    if Agreement.objects.filter(ministry=ministry, year=year).exists():
        raise ValidationError(
            f"Berita acara kesepakatan {ministry.short_name} tahun {year} sudah ada; perubahan memerlukan adendum."
        )
    plans = list(
        ActionPlan.objects.select_for_update()
        .filter(ministry=ministry, year=year, status=ActionPlan.Status.APPROVED)
        .order_by("pk")
    )
    if not plans:
        raise ValidationError(f"Belum ada rencana aksi {ministry.short_name} tahun {year} yang disetujui.")
    ministry_signatory = Official.objects.filter(kind=Official.Kind.ESELON_II, ministry=ministry, active=True).first()
    if ministry_signatory is None:
        raise ValidationError(
            f"Pejabat Eselon II {ministry.short_name} yang menandatangani belum terdaftar; hubungi administrator."
        )
    bnpt_signatory = Official.objects.filter(kind=Official.Kind.KEPALA_BNPT, active=True).first()
    if bnpt_signatory is None:
        raise ValidationError("Akun Kepala BNPT sebagai penanda tangan belum terdaftar; hubungi administrator.")
    if user.office is None:
        raise PermissionDenied("Akun Anda belum terdaftar pada kantor.")
    agreement = Agreement(
        ministry=ministry,
        year=year,
        office=user.office,
        ministry_signatory=ministry_signatory,
        bnpt_signatory=bnpt_signatory,
        created_by=user,
    )
    agreement.full_clean(exclude=["document"])
    agreement.save()
    for plan in plans:
        plan.status = ActionPlan.Status.AGREED
        plan.agreement = agreement
        plan.save(update_fields=["status", "agreement", "updated_at"])
        _record(plan, action=ActionPlanEvent.Action.AGREED, from_status=ActionPlan.Status.APPROVED, actor=user)
    agreement.document = document_request(user=user, kind="kesepakatan", subject_id=agreement.pk)
    agreement.save(update_fields=["document"])
    return agreement


def realisation_overdue(*, plan: ActionPlan, today: dt.date | None = None) -> list[int]:
    """The quarters whose report is past due and missing, for an agreed plan, up to the plan's end."""
    if plan.status != ActionPlan.Status.AGREED:
        return []
    today = today or timezone.localdate()
    reported = set(plan.realisations.values_list("quarter", flat=True))
    last_quarter = (plan.end_on.month - 1) // 3 + 1 if plan.end_on.year == plan.year else 4
    first_quarter = (plan.start_on.month - 1) // 3 + 1
    return [
        q
        for q in range(first_quarter, last_quarter + 1)
        if q not in reported and quarter_due_date(plan.year, q) < today
    ]


@transaction.atomic
def realisation_report(*, user: User, plan_id: int | str, quarter: int, data: dict[str, Any]) -> RealisationReport:
    plan = plan_get_for_user(user, plan_id, for_update=True)
    ministry = user_ministry(user)
    if ministry is None or ministry.pk != plan.ministry_id or not user.has_perm("sinergi.add_realisationreport"):
        raise PermissionDenied(f"Realisasi dilaporkan oleh perencana {plan.ministry.short_name}.")
    if plan.status != ActionPlan.Status.AGREED:
        raise ValidationError("Realisasi hanya dilaporkan untuk rencana aksi yang sudah disepakati.")
    if RealisationReport.objects.filter(plan=plan, quarter=quarter).exists():
        raise ValidationError(f"Realisasi triwulan {quarter} rencana aksi ini sudah dilaporkan.")
    report = RealisationReport(plan=plan, quarter=quarter, reported_by=user, reported_at=timezone.now(), **data)
    report.full_clean()
    if report.budget_spent > plan.budget:
        raise ValidationError({"budget_spent": "Anggaran terserap melebihi anggaran rencana aksi."})
    report.save()
    return report
