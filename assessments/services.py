"""Every write on instruments and assessments.

Assessment states: draf -> diajukan (locked) -> diganti (when a submitted amendment replaces it).
An amendment is a new draft linked to the assessment it amends, copying its ratings.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from assessments.instruments import instrument_validate
from assessments.models import Assessment, Band, Domain, Instrument, InstrumentVersion, Item, Rating, RatingScale
from assessments.scoring import ItemRating, ScoreResult, compute_score
from assessments.selectors import assessment_get_for_user, can_view_item_scores
from cases.models import Person
from cases.selectors import people_visible_to
from napiter import policy
from napiter.accounts.models import User
from napiter.audit.models import AccessEvent
from napiter.audit.services import access_log, access_log_listed

ASSESSMENT_TYPE = "assessments.assessment"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- instruments ------------------------------------------------------------------------------------


@transaction.atomic
def instrument_import(*, user: User, data: Mapping[str, Any]) -> InstrumentVersion:
    """Load an instrument document (see assessments.instruments) as a new version of its instrument.

    Versions are never edited: a changed instrument becomes the next version, and the earlier versions are
    retired for new assessments while the assessments made with them keep pointing at them.
    """
    if not policy.holds(user, "instrument.manage"):
        raise PermissionDenied("Hanya administrator dan koordinator yang mengelola instrumen asesmen.")
    errors = instrument_validate(data)
    if errors:
        raise ValidationError(errors)
    instrument, _ = Instrument.objects.select_for_update().get_or_create(
        code=data["code"], defaults={"name": data["name"]}
    )
    instrument.name = data["name"]
    instrument.description = data.get("description", "")
    instrument.full_clean()
    instrument.save()
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    instrument.versions.filter(status=InstrumentVersion.Status.ACTIVE).update(status=InstrumentVersion.Status.RETIRED)
    version = InstrumentVersion(
        instrument=instrument,
        number=number,
        method=data["method"],
        max_missing=data.get("max_missing", 0),
        notes=data.get("version_notes", ""),
    )
    version.full_clean()
    version.save()
    scales: dict[str, RatingScale] = {}
    for s in data["scales"]:
        scale = RatingScale(version=version, code=s["code"], name=s["name"], options=s["options"])
        scale.full_clean()
        scale.save()
        scales[scale.code] = scale
    for d_order, d in enumerate(data["domains"], start=1):
        domain = Domain(version=version, code=d["code"], name=d["name"], order=d_order)
        domain.full_clean()
        domain.save()
        for i_order, i in enumerate(d["items"], start=1):
            item = Item(
                domain=domain,
                code=i["code"],
                text=i["text"],
                help_text=i.get("help_text", ""),
                scale=scales[i["scale"]],
                weight=Decimal(str(i.get("weight", 1))),
                order=i_order,
            )
            item.full_clean()
            item.save()
    for rank, b in enumerate(data["bands"], start=1):
        band = Band(
            version=version,
            code=b["code"],
            label=b["label"],
            min_score=Decimal(str(b["min_score"])),
            rank=rank,
            review_months=b["review_months"],
        )
        band.full_clean()
        band.save()
    return version


# --- assessments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    item_code: str
    value: Decimal | int | None = None
    missing: bool = False
    evidence: str = ""


def _require_assessor(user: User) -> None:
    if not policy.holds(user, "assessment.write"):
        raise PermissionDenied("Hanya asesor yang dapat melakukan asesmen.")


def _locked_for_update(user: User, pk: int) -> Assessment:
    assessment_get_for_user(user, pk)  # scope first: a record out of scope is a 404, never a lock wait
    return Assessment.objects.select_for_update().select_related("version").get(pk=pk)


def _own_draft(user: User, pk: int) -> Assessment:
    _require_assessor(user)
    assessment = _locked_for_update(user, pk)
    if assessment.is_locked:
        raise ValidationError("Asesmen sudah diajukan dan terkunci; buat perubahan (versi baru) untuk mengoreksinya.")
    if assessment.assessor_id != user.pk:
        raise PermissionDenied("Draf asesmen hanya dapat diisi oleh asesornya sendiri.")
    return assessment


@transaction.atomic
def assessment_start(
    *,
    user: User,
    person: Person,
    version: InstrumentVersion,
    purpose: str,
    assessed_on: dt.date,
    sources: str = "",
    second_opinion_of: Assessment | None = None,
) -> Assessment:
    """A new draft by `user`. With `second_opinion_of`, an independent rating of the same person with the
    same instrument version by a different assessor, shown beside the first."""
    _require_assessor(user)
    if not people_visible_to(user).filter(pk=person.pk).exists():
        raise PermissionDenied("Orang ini di luar wilayah kerja Anda.")
    if version.status != InstrumentVersion.Status.ACTIVE:
        raise ValidationError("Versi instrumen ini sudah tidak dipakai untuk asesmen baru.")
    if user.office is None:
        raise ValidationError("Akun Anda belum terdaftar pada kantor mana pun.")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "Tanggal asesmen tidak boleh di masa depan."})
    if second_opinion_of is not None:
        if second_opinion_of.person_id != person.pk or second_opinion_of.version_id != version.pk:
            raise ValidationError("Asesor kedua menilai orang yang sama dengan versi instrumen yang sama.")
        if second_opinion_of.second_opinion_of_id is not None:
            raise ValidationError("Asesmen asesor kedua tidak dapat menjadi dasar asesor kedua lagi.")
        if second_opinion_of.assessor_id == user.pk:
            raise ValidationError("Asesor kedua harus orang lain, agar penilaiannya independen.")
    assessment = Assessment(
        person=person,
        version=version,
        assessor=user,
        office=user.office,
        purpose=purpose,
        assessed_on=assessed_on,
        sources=sources,
        second_opinion_of=second_opinion_of,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def _ratings_of(assessment: Assessment) -> dict[int, ItemRating]:
    return {r.item_id: ItemRating(r.value, r.missing) for r in assessment.ratings.all()}


def _store_score(assessment: Assessment) -> ScoreResult:
    result = compute_score(assessment.version, _ratings_of(assessment))
    assessment.score = result.score
    assessment.max_score = result.max_score
    assessment.missing_count = result.missing_count
    assessment.computed_band = result.band
    return result


@transaction.atomic
def assessment_save(
    *,
    user: User,
    pk: int,
    ratings: Iterable[RatingInput] = (),
    fields: Mapping[str, Any] | None = None,
) -> Assessment:
    """Autosave of a draft: any subset of ratings and of the descriptive fields; the score is recomputed."""
    assessment = _own_draft(user, pk)
    version = assessment.version
    items = {i.code: i for i in Item.objects.filter(domain__version=version).select_related("scale")}
    errors: list[str] = []
    for r in ratings:
        item = items.get(r.item_code)
        if item is None:
            errors.append(f"Butir '{r.item_code}' tidak ada pada instrumen ini.")
            continue
        value = None if r.value is None else Decimal(r.value)
        if r.missing:
            value = None
        elif value is not None and value not in item.scale.values:
            errors.append(f"Nilai {value} tidak ada pada skala butir {item.code}.")
            continue
        Rating.objects.update_or_create(
            assessment=assessment, item=item, defaults={"value": value, "missing": r.missing, "evidence": r.evidence}
        )
    if errors:
        raise ValidationError(errors)
    fields = dict(fields or {})
    allowed = {
        "assessed_on", "purpose", "sources", "judgement_reason", "recommendation", "aid_eligible",
        "recommendation_notes",
    }  # fmt: skip
    unknown = set(fields) - allowed - {"judged_band"}
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.")
    if "judged_band" in fields:
        code = fields.pop("judged_band")
        if code in (None, ""):
            assessment.judged_band = None
        else:
            band = version.bands.filter(code=code).first()
            if band is None:
                raise ValidationError({"judged_band": f"Tingkat '{code}' tidak ada pada instrumen ini."})
            assessment.judged_band = band
    for name, value in fields.items():
        setattr(assessment, name, value)
    if assessment.assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "Tanggal asesmen tidak boleh di masa depan."})
    _store_score(assessment)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_submit(*, user: User, pk: int) -> Assessment:
    """Lock the assessment. Every item is rated or marked missing; the level is the computed one or the
    assessor's overall judgement (required for judgement instruments, with a reason when it differs)."""
    assessment = _own_draft(user, pk)
    version = assessment.version
    result = _store_score(assessment)
    errors: list[str] = []
    if result.unrated_count:
        errors.append(f"{result.unrated_count} butir belum dinilai (beri nilai atau tandai informasi tidak tersedia).")
    if result.missing_count > version.max_missing:
        errors.append(
            f"{result.missing_count} butir tanpa informasi; "
            f"instrumen ini membolehkan paling banyak {version.max_missing}."
        )
    if version.method == InstrumentVersion.Method.JUDGEMENT and assessment.judged_band is None:
        errors.append("Instrumen ini meminta penilaian akhir asesor: pilih tingkat.")
    if (
        assessment.judged_band is not None
        and assessment.judged_band != result.band
        and not assessment.judgement_reason.strip()
        and version.method != InstrumentVersion.Method.JUDGEMENT
    ):
        errors.append("Penilaian akhir berbeda dari tingkat terhitung: tuliskan alasannya.")
    if not assessment.recommendation:
        errors.append("Pilih rekomendasi (rehabilitasi, reedukasi atau reintegrasi).")
    if assessment.aid_eligible is None:
        errors.append("Nyatakan apakah orang ini layak menerima bantuan.")
    if errors:
        raise ValidationError(errors)
    level = assessment.level
    assert level is not None  # a complete rating within max_missing always reaches a band starting at 0
    assessment.next_review_on = add_months(assessment.assessed_on, level.review_months)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.full_clean()
    assessment.save()
    if assessment.amends_id is not None:
        Assessment.objects.filter(pk=assessment.amends_id).update(
            status=Assessment.Status.SUPERSEDED, updated_at=timezone.now()
        )
    return assessment


@transaction.atomic
def assessment_amend(*, user: User, pk: int) -> Assessment:
    """Open a correction of a submitted assessment: a new draft, version n+1, with the same ratings."""
    _require_assessor(user)
    original = _locked_for_update(user, pk)
    if original.status != Assessment.Status.SUBMITTED:
        raise ValidationError("Hanya asesmen yang diajukan dan masih berlaku yang dapat diubah.")
    if original.amendments.filter(status=Assessment.Status.DRAFT).exists():
        raise ValidationError("Perubahan asesmen ini sudah dibuka sebagai draf; lanjutkan draf itu.")
    if user.office is None:
        raise ValidationError("Akun Anda belum terdaftar pada kantor mana pun.")
    amendment = Assessment(
        person=original.person,
        version=original.version,
        assessor=user,
        office=user.office,
        assessed_on=original.assessed_on,
        purpose=original.purpose,
        sources=original.sources,
        judged_band=original.judged_band,
        judgement_reason=original.judgement_reason,
        recommendation=original.recommendation,
        aid_eligible=original.aid_eligible,
        recommendation_notes=original.recommendation_notes,
        amends=original,
        version_number=original.version_number + 1,
        second_opinion_of=original.second_opinion_of,
    )
    amendment.score, amendment.max_score = original.score, original.max_score
    amendment.missing_count, amendment.computed_band = original.missing_count, original.computed_band
    amendment.full_clean()
    amendment.save()
    Rating.objects.bulk_create(
        Rating(assessment=amendment, item_id=r.item_id, value=r.value, missing=r.missing, evidence=r.evidence)
        for r in original.ratings.all()
    )
    return amendment


def assessment_log_read(*, user: User, assessment: Assessment, request: HttpRequest | None = None) -> None:
    """Record that `assessment`, already fetched within the user's scope, is shown, and whether its item
    scores were."""
    access_log(
        user=user,
        action=AccessEvent.Action.VIEW,
        obj_type=ASSESSMENT_TYPE,
        obj_id=str(assessment.pk),
        person_id=assessment.person_id,
        fields=["item_scores"] if can_view_item_scores(user) else [],
        request=request,
    )


@transaction.atomic
def assessment_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Assessment:
    """Fetch one assessment for display; the read, and whether item scores were shown, is logged."""
    assessment = assessment_get_for_user(user, pk)
    assessment_log_read(user=user, assessment=assessment, request=request)
    return assessment


def assessments_listed(
    *, user: User, assessments: Sequence[Assessment], request: HttpRequest | None = None
) -> Sequence[Assessment]:
    """Record a page of assessments (the API list, the due list): one row naming them."""
    access_log_listed(
        user=user, obj_type=ASSESSMENT_TYPE, ids=[a.pk for a in assessments],
        person_ids=[a.person_id for a in assessments], request=request,
    )  # fmt: skip
    return assessments


def parse_rating(raw: Mapping[str, Any]) -> RatingInput:
    """A rating from a form or API payload: {item, value, missing, evidence}."""
    value = raw.get("value")
    try:
        number = None if value in (None, "") else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(f"Nilai butir {raw.get('item')} bukan angka.") from exc
    return RatingInput(
        item_code=str(raw.get("item", "")),
        value=number,
        missing=bool(raw.get("missing", False)),
        evidence=str(raw.get("evidence", "")),
    )
