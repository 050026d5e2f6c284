"""Every write of sinergi: the plan state machine, agreements, their addenda and realisation reports.

Plan states: draf -> diajukan -> disetujui -> disepakati, or diajukan -> dikembalikan -> diajukan again.
A K/L planner drafts, edits and submits their own K/L's plans; the BNPT coordinator approves or returns
them with a comment. Plans in an agreement are frozen: a change needs an addendum document.

Addendum states: diajukan -> disetujui (its document is signed) -> berlaku, or diajukan -> dikembalikan.
The planner proposes changes to frozen plans of their own K/L; the coordinator approves or returns; the
changes reach the plans in the transaction of the addendum document's last signature.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field, Max, Model
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import capfirst

from napiter import policy
from napiter.accounts.models import User
from napiter.errors import StateConflict
from sinergi.models import (
    ActionPlan,
    ActionPlanEvent,
    Addendum,
    AddendumItem,
    Agreement,
    Ministry,
    Official,
    RealisationReport,
    ReviewComment,
    quarter_due_date,
)
from sinergi.selectors import addendum_get_for_user, plan_get_for_user, plans_visible_to, user_ministry

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
    if ministry is None or not policy.holds(user, "plan.write"):
        raise PermissionDenied("Hanya perencana K/L yang dapat menyusun dan mengajukan rencana aksi.")
    return ministry


def _check_planner_owns(user: User, plan: ActionPlan) -> None:
    ministry = user_ministry(user)
    if ministry is None or ministry.pk != plan.ministry_id or not policy.holds(user, "plan.write"):
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
    if not policy.holds(user, "plan.review"):
        raise PermissionDenied("Hanya koordinator BNPT yang dapat menyetujui atau mengembalikan rencana aksi.")


def _check_reviewable(plan: ActionPlan) -> None:
    if plan.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)
    if plan.status != ActionPlan.Status.SUBMITTED:
        raise StateConflict(
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


def agreement_signatories_ready(ministry: Ministry) -> bool:
    """Whether a K/L's berita acara can be made: both of its signatories are registered."""
    try:
        _signatories(ministry)
    except ValidationError:
        return False
    return True


def _signatories(ministry: Ministry) -> tuple[Official, Official]:
    """Who signs a K/L's berita acara, in order: its Eselon II official, then the Kepala BNPT."""
    ministry_signatory = Official.objects.filter(kind=Official.Kind.ESELON_II, ministry=ministry, active=True).first()
    if ministry_signatory is None:
        raise ValidationError(
            f"Pejabat Eselon II {ministry.short_name} yang menandatangani belum terdaftar; hubungi administrator."
        )
    bnpt_signatory = Official.objects.filter(kind=Official.Kind.KEPALA_BNPT, active=True).first()
    if bnpt_signatory is None:
        raise ValidationError("Akun Kepala BNPT sebagai penanda tangan belum terdaftar; hubungi administrator.")
    return ministry_signatory, bnpt_signatory


@transaction.atomic
def agreement_create(*, user: User, ministry_id: int, year: int) -> Agreement:
    """Put the approved plans of one K/L and year into a berita acara kesepakatan and request its document.

    The plans are frozen from here on; the signatures follow through the documents pipeline.
    """
    from napiter.documents.services import document_request

    _check_reviewer(user)
    if not policy.holds(user, "agreement.create"):
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
    ministry_signatory, bnpt_signatory = _signatories(ministry)
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
    if ministry is None or ministry.pk != plan.ministry_id or not policy.holds(user, "plan.write"):
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


# --- addenda -------------------------------------------------------------------------------------------

# What an addendum may change: everything the planner fills in, except the year (and the K/L, never filled in).
AMENDABLE_FIELDS = tuple(f for f in EDITABLE_FIELDS if f != "year")
FIXED_FIELDS = ("ministry", "year")


@dataclass(frozen=True)
class PlanChange:
    """The proposed change to one frozen plan: new values by field (model values, or their raw form as an API
    sends them: ids of related rows, ISO dates, numbers as text), and why."""

    plan_id: int
    changes: dict[str, Any]
    reason: str


def _field(name: str) -> Field[Any, Any]:
    field = ActionPlan._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _label(name: str) -> str:
    return capfirst(str(_field(name).verbose_name))


def _raw(plan: ActionPlan, name: str) -> Any:
    """The stored value of a field, as JSON keeps it: the id of a related row, dates and decimals as text."""
    value = _field(name).value_from_object(plan)
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def _display(plan: ActionPlan, name: str) -> str:
    from napiter.documents.formatting import date_long, rupiah

    field = _field(name)
    value = getattr(plan, name)
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return str(getattr(value, "name", value))
    if field.choices:
        return str(getattr(plan, f"get_{name}_display")())
    if name == "budget":
        return rupiah(value)
    if isinstance(value, dt.date):
        return date_long(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _assign(plan: ActionPlan, name: str, value: Any) -> None:
    """Put a new value on the plan (in memory), from a model value or its raw form."""
    field = _field(name)
    if field.is_relation:
        if value in (None, ""):
            setattr(plan, name, None)
            return
        if not isinstance(value, Model):
            try:
                related = field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
            except (ValueError, TypeError):
                related = None
            if related is None:
                raise ValidationError({name: f"Pilihan {value!s} tidak dikenal."})
            value = related
        setattr(plan, name, value)
        return
    setattr(plan, name, field.to_python(value))


def _proposed_changes(plan: ActionPlan, change: PlanChange) -> list[dict[str, Any]]:
    """The changed fields of one plan with their old and new values, after checking the plan with them."""
    prefix = f"Rencana aksi #{plan.pk}"
    fixed = [f for f in change.changes if f in FIXED_FIELDS]
    if fixed:
        raise ValidationError(
            f"{prefix}: K/L dan tahun rencana aksi tidak dapat diubah dengan adendum; rencana aksi untuk K/L atau "
            "tahun lain disusun sebagai rencana aksi baru."
        )
    unknown = sorted(set(change.changes) - set(AMENDABLE_FIELDS))
    if unknown:
        raise ValidationError(f"{prefix}: kolom tidak dikenal atau tidak dapat diubah: {', '.join(unknown)}.")
    candidate = copy.copy(plan)  # Model copies its own state and cache of related rows
    changed: list[str] = []
    errors: list[str] = []
    for name, value in change.changes.items():
        try:
            _assign(candidate, name, value)
        except ValidationError as exc:
            errors += [f"{prefix}: {_label(name)}: {m}" for m in exc.messages]
            continue
        if _field(name).value_from_object(candidate) != _field(name).value_from_object(plan):
            changed.append(name)
    if errors:
        raise ValidationError(errors)
    if not changed:
        raise ValidationError(f"{prefix}: tidak ada perubahan; isi paling sedikit satu kolom dengan nilai baru.")
    try:
        candidate.full_clean()
    except ValidationError as exc:
        messages = []
        for name, problems in exc.message_dict.items():
            label = f"{_label(name)}: " if name in EDITABLE_FIELDS else ""
            messages += [f"{prefix}: {label}{problem}" for problem in problems]
        raise ValidationError(messages) from exc
    return [
        {
            "field": name,
            "label": _label(name),
            "old": _raw(plan, name),
            "new": _raw(candidate, name),
            "old_display": _display(plan, name),
            "new_display": _display(candidate, name),
        }
        for name in AMENDABLE_FIELDS
        if name in changed
    ]


@transaction.atomic
def addendum_propose(*, user: User, changes: Sequence[PlanChange]) -> Addendum:
    """Propose changes to frozen plans of the planner's own K/L, all of one berita acara kesepakatan.

    Each plan may be in one open addendum at a time: the plans are locked first, so two proposals for the
    same plan queue and the second sees the first.
    """
    ministry = user_ministry(user)
    if ministry is None or not policy.holds(user, "plan.write"):
        raise PermissionDenied("Adendum diajukan oleh perencana K/L pemilik rencana aksi.")
    if not changes:
        raise ValidationError("Pilih paling sedikit satu rencana aksi yang diubah.")
    ids = [int(c.plan_id) for c in changes]
    repeated = sorted({pk for pk in ids if ids.count(pk) > 1})
    if repeated:
        raise ValidationError(
            "Setiap rencana aksi cukup disebut sekali: " + ", ".join(f"#{pk}" for pk in repeated) + "."
        )
    plans = {
        p.pk: p
        for p in ActionPlan.objects.select_for_update(of=("self",))
        .select_related("ministry", "agreement__document", "province", "regency", "village", "unit")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    for pk in ids:
        plan = plans.get(pk)
        # A missing plan and another K/L's plan get the same answer: the planner learns nothing about either.
        if plan is None or plan.ministry_id != ministry.pk:
            raise ValidationError(
                f"Rencana aksi #{pk} bukan rencana aksi {ministry.short_name}; adendum hanya untuk rencana aksi K/L "
                "Anda."
            )
        if not plan.is_frozen:
            raise ValidationError(
                f"Rencana aksi #{pk} berstatus {plan.get_status_display().lower()} dan belum terkunci dalam "
                "kesepakatan; ubah langsung dari halaman rencana aksi, tanpa adendum."
            )
    agreements = {plans[pk].agreement_id for pk in ids}
    agreement_id = agreements.pop()
    if agreements or agreement_id is None:
        raise ValidationError("Semua rencana aksi dalam satu adendum harus dari berita acara kesepakatan yang sama.")
    busy = (
        AddendumItem.objects.filter(plan_id__in=ids, addendum__status__in=Addendum.OPEN_STATUSES)
        .select_related("addendum")
        .order_by("plan_id")
        .first()
    )
    if busy is not None:
        raise ValidationError(
            f"Rencana aksi #{busy.plan_id} sedang diubah oleh adendum ke-{busy.addendum.sequence} yang belum "
            "selesai; tunggu sampai adendum itu berlaku atau dikembalikan."
        )
    items: list[tuple[ActionPlan, list[dict[str, Any]], str]] = []
    errors: list[str] = []
    for change in changes:
        plan = plans[int(change.plan_id)]
        reason = change.reason.strip()
        if not reason:
            errors.append(f"Rencana aksi #{plan.pk}: tuliskan alasan perubahan.")
        try:
            items.append((plan, _proposed_changes(plan, change), reason))
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    sequence = (agreement.addenda.aggregate(last=Max("sequence"))["last"] or 0) + 1
    addendum = Addendum(agreement=agreement, sequence=sequence, proposed_by=user)
    addendum.full_clean(exclude=["document", "ministry_signatory", "bnpt_signatory"])
    addendum.save()
    for plan, proposed, reason in items:
        item = AddendumItem(addendum=addendum, plan=plan, changes=proposed, reason=reason)
        item.full_clean()
        item.save()
    return addendum


def _check_addendum_reviewable(addendum: Addendum) -> None:
    if addendum.status != Addendum.Status.PROPOSED:
        raise ValidationError(
            f"Adendum ini berstatus {addendum.get_status_display().lower()}; hanya adendum yang diajukan yang dapat "
            "ditelaah."
        )


@transaction.atomic
def addendum_approve(*, user: User, addendum_id: int | str, comment: str = "") -> Addendum:
    """Approve a proposed addendum and request its document, signed by the same officials, in the same order,
    as the berita acara kesepakatan it changes."""
    from napiter.documents.services import document_request

    addendum = addendum_get_for_user(user, addendum_id, for_update=True)
    _check_reviewer(user)
    _check_addendum_reviewable(addendum)
    agreement = addendum.agreement
    if not agreement.is_signed:
        raise ValidationError(
            "Berita acara kesepakatan yang diubah belum ditandatangani lengkap; adendum disetujui setelah "
            "kesepakatan itu berlaku."
        )
    addendum.ministry_signatory, addendum.bnpt_signatory = _signatories(agreement.ministry)
    addendum.status = Addendum.Status.APPROVED
    addendum.reviewed_by = user
    addendum.reviewed_at = timezone.now()
    addendum.review_comment = comment.strip()
    addendum.save(
        update_fields=[
            "ministry_signatory", "bnpt_signatory", "status", "reviewed_by", "reviewed_at", "review_comment",
        ]
    )  # fmt: skip
    addendum.document = document_request(user=user, kind="addendum", subject_id=addendum.pk)
    addendum.save(update_fields=["document"])
    return addendum


@transaction.atomic
def addendum_return(*, user: User, addendum_id: int | str, comment: str) -> Addendum:
    """Return a proposal to the planner with the reason; its plans are free for a new proposal."""
    addendum = addendum_get_for_user(user, addendum_id, for_update=True)
    _check_reviewer(user)
    _check_addendum_reviewable(addendum)
    if not comment.strip():
        raise ValidationError({"comment": "Tuliskan catatan saat mengembalikan adendum."})
    addendum.status = Addendum.Status.RETURNED
    addendum.reviewed_by = user
    addendum.reviewed_at = timezone.now()
    addendum.review_comment = comment.strip()
    addendum.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    return addendum


@transaction.atomic
def addendum_apply(*, document_id: int, actor: User) -> Addendum | None:
    """Bring a fully signed addendum into force: each change onto its plan, the history keeping the plan
    before and after. Runs in the transaction of the document's last signature (the `addendum` kind's
    `signed` hook). The plans stay frozen. Returns None when there is nothing (more) to apply."""
    addendum = (
        Addendum.objects.select_for_update(of=("self",))
        .select_related("document", "agreement")
        .filter(document_id=document_id)
        .first()
    )
    if addendum is None or addendum.status != Addendum.Status.APPROVED:
        return None
    if addendum.document is None or addendum.document.status != "signed":
        raise ValidationError("Adendum berlaku setelah dokumennya ditandatangani lengkap.")
    items = list(addendum.items.order_by("plan_id"))
    plans = {
        p.pk: p for p in ActionPlan.objects.select_for_update().filter(pk__in=[i.plan_id for i in items]).order_by("pk")
    }
    for item in items:
        plan = plans[item.plan_id]
        before = _snapshot(plan)
        fields = []
        for change in item.changes:
            name = change["field"]
            if _raw(plan, name) != change["old"]:
                raise ValidationError(
                    f"Rencana aksi #{plan.pk} sudah berubah sejak adendum diajukan ({change['label']}); adendum "
                    "tidak dapat diberlakukan."
                )
            field = _field(name)
            setattr(plan, field.attname, None if change["new"] is None else field.to_python(change["new"]))
            fields.append(name)
        plan.full_clean()
        plan.save(update_fields=[*fields, "updated_at"])
        ActionPlanEvent.objects.create(
            plan=plan,
            action=ActionPlanEvent.Action.AMENDED,
            from_status=plan.status,
            to_status=plan.status,
            actor=actor,
            snapshot={"addendum": addendum.document.number, "before": before, "after": _snapshot(plan)},
        )
    addendum.status = Addendum.Status.APPLIED
    addendum.applied_at = timezone.now()
    addendum.save(update_fields=["status", "applied_at"])
    return addendum
