from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from cases.identity import check_kk, check_nik, normalize_number
from cases.masking import SENSITIVE_FIELDS
from cases.models import (
    Case,
    CaseNote,
    CaseStageChange,
    Household,
    Person,
    PersonOfficeGrant,
    PersonUserGrant,
    Visit,
    VisitPhoto,
)  # fmt: skip
from cases.selectors import (
    case_get_for_user,
    cases_visible_to,
    households_visible_to,
    people_likely_duplicates,
    people_visible_to,
    person_get_for_user,
    person_sensitive_value,
    query_is_nik,
)  # fmt: skip
from napiter import policy
from napiter.accounts.access import person_jurisdiction
from napiter.accounts.models import Office, User
from napiter.audit.models import AccessEvent
from napiter.audit.services import Listing, access_log, access_log_listed, access_log_listings
from napiter.regions.models import Region
from napiter.uploads import save_file, stored_files

PERSON_TYPE = "cases.person"
MIN_REASON_LENGTH = 10
MAX_GRANT_DURATION = dt.timedelta(days=366)
MAX_VISIT_PHOTOS = 6
FUTURE_VISIT = "Tanggal kunjungan tidak boleh di masa depan."


CASE_TYPE = "cases.case"
# What kind of search a row of the access log records; what was searched for is never recorded.
SEARCH_BY_NIK = "pencarian NIK"
SEARCH_BY_NAME = "pencarian nama"
SEARCH_SIMILAR = "pencarian orang mirip (nama dan tanggal lahir)"
SEARCH_DUPLICATE_NIK = "pencarian NIK (NIK sudah terdaftar)"


def person_log_read(*, user: User, person: Person, request: HttpRequest | None = None) -> None:
    """Record that `person`, already fetched within the user's scope, is shown."""
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=PERSON_TYPE, obj_id=str(person.pk),
        person_id=person.pk, request=request,
    )  # fmt: skip


@transaction.atomic
def person_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Person:
    """Fetch one person for display and record the read in the same transaction."""
    person = person_get_for_user(user, pk)
    person_log_read(user=user, person=person, request=request)
    return person


def case_log_read(*, user: User, case: Case, request: HttpRequest | None = None) -> None:
    """Record that `case`, already fetched within the user's scope, is shown (against its person)."""
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type=CASE_TYPE, obj_id=str(case.pk),
        person_id=case.person_id, request=request,
    )  # fmt: skip


@transaction.atomic
def case_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Case:
    """Fetch one case for display; the page names its person, so the read is logged against the person."""
    case = case_get_for_user(user, pk)
    case_log_read(user=user, case=case, request=request)
    return case


# --- lists and searches: one row of the access log per page, page and API alike -----------------------


def people_listing(people: Sequence[Person], *, search: str = "") -> Listing:
    """The people a list shows, for the access log. With `search` (the name or NIK typed) it is a search,
    recorded by its kind only: a NIK never reaches the log."""
    search = search.strip()
    action, reason = AccessEvent.Action.LIST, ""
    if search:
        action, reason = AccessEvent.Action.SEARCH, SEARCH_BY_NIK if query_is_nik(search) else SEARCH_BY_NAME
    ids = [p.pk for p in people]
    return Listing(PERSON_TYPE, ids=ids, person_ids=ids, action=action, reason=reason)


def people_listed(
    *, user: User, people: Sequence[Person], search: str = "", request: HttpRequest | None = None
) -> Sequence[Person]:
    """Record a page of the person list or its search (page and API): see `people_listing`."""
    access_log_listings(user=user, listings=[people_listing(people, search=search)], request=request)
    return people


def people_similar_read(
    *, user: User, full_name: str, birth_date: dt.date | None, request: HttpRequest | None = None
) -> list[Person]:
    """Visible people who may be the one being registered (same birth day, similar name), logged as a
    search of them. Without a name and a birth date nothing is looked up, and nothing is read."""
    if not full_name.strip() or birth_date is None:
        return []
    matches = list(people_likely_duplicates(user, full_name=full_name, birth_date=birth_date))
    ids = [p.pk for p in matches]
    access_log_listed(
        user=user, obj_type=PERSON_TYPE, ids=ids, person_ids=ids, action=AccessEvent.Action.SEARCH,
        reason=SEARCH_SIMILAR, request=request,
    )  # fmt: skip
    return matches


def cases_listing(cases: Iterable[Case]) -> Listing:
    cases = list(cases)
    return Listing(CASE_TYPE, ids=[c.pk for c in cases], person_ids=[c.person_id for c in cases])


def cases_listed(*, user: User, cases: Sequence[Case], request: HttpRequest | None = None) -> Sequence[Case]:
    access_log_listings(user=user, listings=[cases_listing(cases)], request=request)
    return cases


VISITS_SHOWN = 200


def case_visits_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> list[Visit]:
    """A case's visits (the latest VISITS_SHOWN), logged as a list of that case's person's records."""
    case = case_get_for_user(user, pk)
    visits = list(case.visits.select_related("visited_by")[:VISITS_SHOWN])
    access_log_listed(
        user=user, obj_type=Visit, ids=[v.pk for v in visits], person_ids=[case.person_id], request=request
    )
    return visits


def _household_members(household: Household) -> list[int]:
    return [p.pk for p in getattr(household, "visible_members", [])]


def households_listed(
    *, user: User, households: Sequence[Household], request: HttpRequest | None = None
) -> Sequence[Household]:
    """A page of households (from `households_visible_to`, members attached), logged with their members."""
    access_log_listed(
        user=user, obj_type=Household, ids=[h.pk for h in households],
        person_ids=[pk for h in households for pk in _household_members(h)], request=request,
    )  # fmt: skip
    return households


def household_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Household:
    """One household with the members the user may see, logged (against its one member, if only one)."""
    try:
        household = households_visible_to(user).get(pk=int(pk))
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    access_log_listed(
        user=user, obj_type=Household, ids=[household.pk], person_ids=_household_members(household),
        action=AccessEvent.Action.VIEW, request=request,
    )  # fmt: skip
    return household


@transaction.atomic
def person_reveal(
    *, user: User, pk: int | str, fields: Iterable[str], reason: str, request: HttpRequest | None = None
) -> dict[str, str]:
    """Reveal sensitive fields of one person: each needs its permission and a stated reason; logged."""
    person = person_get_for_user(user, pk)
    wanted = sorted(set(fields))
    unknown = [f for f in wanted if f not in SENSITIVE_FIELDS]
    if not wanted or unknown:
        raise ValidationError({"fields": "Pilih data yang ingin dibuka: " + ", ".join(SENSITIVE_FIELDS)})
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Tuliskan alasan membuka data ini (paling sedikit {MIN_REASON_LENGTH} karakter)."}
        )
    denied = [SENSITIVE_FIELDS[f].label for f in wanted if not policy.holds(user, SENSITIVE_FIELDS[f].action)]
    if denied:
        raise PermissionDenied(f"Peran Anda tidak dapat membuka: {', '.join(denied)}.")
    access_log(
        user=user, action=AccessEvent.Action.REVEAL, obj_type=PERSON_TYPE, obj_id=str(person.pk),
        person_id=person.pk, fields=wanted, reason=reason, request=request,
    )  # fmt: skip
    return {f: person_sensitive_value(person, f) for f in wanted}


def _view_person_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename="view_person")


def _check_grant_terms(purpose: str, expires_at: dt.datetime) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "Tuliskan tujuan pemberian akses."})
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Tanggal berakhir akses harus di masa depan."})
    if expires_at > timezone.now() + MAX_GRANT_DURATION:
        raise ValidationError({"expires_at": "Akses tambahan paling lama satu tahun; perpanjang bila masih perlu."})
    return purpose


@transaction.atomic
def person_grant_office(
    *, person: Person, office: Office, purpose: str, expires_at: dt.datetime, granted_by: User | None
) -> PersonOfficeGrant:
    """Share one person with a whole office until `expires_at` (a referral, a transfer in progress)."""
    purpose = _check_grant_terms(purpose, expires_at)
    grant, _ = PersonOfficeGrant.objects.update_or_create(
        group=office.group, permission=_view_person_permission(), content_object=person,
        defaults={"purpose": purpose, "expires_at": expires_at, "granted_by": granted_by},
    )  # fmt: skip
    return grant


@transaction.atomic
def person_grant_user(
    *, person: Person, user: User, purpose: str, expires_at: dt.datetime, granted_by: User | None
) -> PersonUserGrant:
    """Share one person with one user until `expires_at` (e.g. an assessor from another office)."""
    purpose = _check_grant_terms(purpose, expires_at)
    grant, _ = PersonUserGrant.objects.update_or_create(
        user=user, permission=_view_person_permission(), content_object=person,
        defaults={"purpose": purpose, "expires_at": expires_at, "granted_by": granted_by},
    )  # fmt: skip
    return grant


@transaction.atomic
def person_grants_purge_expired() -> int:
    """Expired grants already open nothing (the scope filter checks the date); this keeps the tables small."""
    now = timezone.now()
    users, _ = PersonUserGrant.objects.filter(expires_at__lte=now).delete()
    offices, _ = PersonOfficeGrant.objects.filter(expires_at__lte=now).delete()
    return users + offices


# --- cases ---------------------------------------------------------------------------------------------

STAGE_ORDER = [
    Case.Stage.IDENTIFICATION,
    Case.Stage.REHABILITATION,
    Case.Stage.REEDUCATION,
    Case.Stage.REINTEGRATION,
    Case.Stage.MONITORING,
]
REVIEW_INTERVAL_MONTHS = 6  # PP 77/2019: reassessment at least every six months


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable: day 28 exists in every month")


def case_can_write(user: User, case: Case) -> bool:
    """Only the owning office's caseworkers and supervisors change a case; others may at most read it."""
    return user.office_id == case.office_id and policy.holds(user, "case.work")


def _case_for_write(user: User, pk: int | str) -> Case:
    case = case_get_for_user(user, pk)  # 404 outside scope
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case_can_write(user, case):
        raise PermissionDenied("Hanya kantor pemilik kasus yang dapat mengubahnya.")
    return case


def case_can_be_opened(person: Person) -> bool:
    """A person has one case at a time: a new one opens only when every earlier case is closed."""
    return not Case.objects.filter(person=person).exclude(stage=Case.Stage.CLOSED).exists()


@transaction.atomic
def case_open(
    *,
    user: User,
    person: Person,
    approach: str,
    goals: str = "",
    opened_on: dt.date | None = None,
    caseworker: User | None = None,
) -> Case:
    """Open a new episode for a person the user can see; the user's office owns it."""
    if user.office is None or not policy.holds(user, "case.open"):
        raise PermissionDenied("Peran Anda tidak dapat membuka kasus.")
    if not case_can_be_opened(person):
        raise ValidationError("Orang ini masih memiliki kasus yang terbuka; lanjutkan kasus tersebut.")
    opened_on = opened_on or timezone.localdate()
    case = Case(
        person=person, office=user.office, caseworker=caseworker or user, approach=approach, goals=goals,
        opened_on=opened_on, next_review_on=_add_months(opened_on, REVIEW_INTERVAL_MONTHS),
    )  # fmt: skip
    case.full_clean()
    case.save()
    CaseStageChange.objects.create(case=case, from_stage="", to_stage=case.stage, changed_by=user, note="Kasus dibuka")
    return case


def _require_recent_assessment(case: Case) -> None:
    """PP 77/2019: reintegration follows a (re)assessment; one older than six months no longer counts."""
    from assessments.selectors import latest_assessment_for

    latest = latest_assessment_for(case.person)
    cutoff = _add_months(timezone.localdate(), -REVIEW_INTERVAL_MONTHS)
    if latest is None or latest.assessed_on < cutoff:
        raise ValidationError(
            "Reintegrasi memerlukan asesmen yang diajukan dalam 6 bulan terakhir; lakukan asesmen ulang dahulu."
        )


@transaction.atomic
def case_transition(*, user: User, pk: int | str, to_stage: str, note: str = "") -> Case:
    """Move a case forward one stage, or back to an earlier stage with a note explaining why."""
    case = _case_for_write(user, pk)
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError("Kasus sudah ditutup; buka kasus baru bila layanan berlanjut.")
    if to_stage == Case.Stage.CLOSED:
        raise ValidationError("Gunakan penutupan kasus, dengan alasan, untuk menutup kasus.")
    if to_stage not in STAGE_ORDER:
        raise ValidationError(f"Tahap tidak dikenal: {to_stage}.")
    current, target = STAGE_ORDER.index(Case.Stage(case.stage)), STAGE_ORDER.index(Case.Stage(to_stage))
    if target == current:
        raise ValidationError("Kasus sudah berada pada tahap ini.")
    if target > current + 1:
        raise ValidationError(f"Tahap berikutnya adalah {STAGE_ORDER[current + 1].label}; tahap tidak dapat dilompati.")
    if target < current and not note.strip():
        raise ValidationError("Tuliskan alasan mengembalikan kasus ke tahap sebelumnya.")
    if to_stage == Case.Stage.REINTEGRATION:
        _require_recent_assessment(case)
    CaseStageChange.objects.create(case=case, from_stage=case.stage, to_stage=to_stage, changed_by=user, note=note)
    case.stage = to_stage
    case.save(update_fields=["stage"])
    return case


@transaction.atomic
def case_close(*, user: User, pk: int | str, reason: str, note: str = "", closed_on: dt.date | None = None) -> Case:
    case = _case_for_write(user, pk)
    if case.stage == Case.Stage.CLOSED:
        raise ValidationError("Kasus sudah ditutup.")
    if reason not in Case.ClosureReason.values:
        raise ValidationError("Pilih alasan penutupan kasus.")
    CaseStageChange.objects.create(
        case=case, from_stage=case.stage, to_stage=Case.Stage.CLOSED, changed_by=user, note=note
    )
    case.stage, case.closure_reason, case.closed_on = Case.Stage.CLOSED, reason, closed_on or timezone.localdate()
    case.full_clean()
    case.save(update_fields=["stage", "closure_reason", "closed_on"])
    return case


@transaction.atomic
def visit_record(
    *,
    user: User,
    case_pk: int | str,
    visited_on: dt.date,
    place: str,
    findings: str,
    photos: Sequence[ContentFile[bytes]] = (),
) -> Visit:
    """Record a visit with its photos (already checked and re-encoded by napiter.uploads): all or nothing."""
    case = _case_for_write(user, case_pk)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": FUTURE_VISIT})
    if len(photos) > MAX_VISIT_PHOTOS:
        raise ValidationError({"photos": f"Paling banyak {MAX_VISIT_PHOTOS} foto per kunjungan."})
    visit = Visit(case=case, visited_on=visited_on, place=place.strip(), findings=findings.strip(), visited_by=user)
    visit.full_clean()
    with stored_files() as saved:
        visit.save()
        for content in photos:
            photo = VisitPhoto(visit=visit, uploaded_by=user)
            save_file(saved, photo.image, content)
            photo.save()
    return visit


def person_can_write(user: User, person: Person) -> bool:
    """The office that owns the person's open case changes the person's record; without an open case, the
    office that registered them. After a transfer the old office no longer owns the case, so it may not."""
    if not policy.holds(user, "person.edit") or user.office_id is None:
        return False
    open_offices = set(person.cases.exclude(stage=Case.Stage.CLOSED).values_list("office_id", flat=True))
    return user.office_id in open_offices if open_offices else user.office_id == person.registered_by_office_id


@transaction.atomic
def person_photo_set(*, user: User, pk: int | str, photo: ContentFile[bytes]) -> Person:
    """Replace the person's photo; the old file is removed once the new one is committed."""
    person = person_get_for_user(user, pk)  # 404 outside scope
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person_can_write(user, person):
        raise PermissionDenied("Hanya kantor yang menangani orang ini yang dapat mengganti fotonya.")
    old_name = person.photo.name
    with stored_files() as saved:
        save_file(saved, person.photo, photo)
        person.save(update_fields=["photo", "updated_at"])
    if old_name:
        storage = person.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return person


@transaction.atomic
def person_photo_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> Person:
    """The person whose photo is about to be served, in scope, with the read logged like any other."""
    person = person_get_for_user(user, pk)
    if not person.photo:
        raise Http404("Foto tidak ada.")
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type="cases.person.photo", obj_id=str(person.pk),
        person_id=person.pk, request=request,
    )  # fmt: skip
    return person


@transaction.atomic
def visit_photo_read(*, user: User, pk: int | str, request: HttpRequest | None = None) -> VisitPhoto:
    """A visit photo, if its person is in the user's scope; the read is logged against the person."""
    try:
        photo = VisitPhoto.objects.select_related("visit__case").get(pk=int(pk), visit__case__in=cases_visible_to(user))
    except (VisitPhoto.DoesNotExist, ValueError) as exc:
        raise Http404("Data tidak ditemukan.") from exc
    access_log(
        user=user, action=AccessEvent.Action.VIEW, obj_type="cases.visitphoto", obj_id=str(photo.pk),
        person_id=photo.visit.case.person_id, request=request,
    )  # fmt: skip
    return photo


# --- registration ------------------------------------------------------------------------------------

NEUTRAL_DUPLICATE = (
    "NIK ini sudah terdaftar di sistem. Untuk koordinasi data, hubungi BNPT (Direktorat Deradikalisasi) atau Kemensos."
)


class DuplicatePerson(ValidationError):
    """The NIK is registered already; `existing` is set only when the caller may see that record."""

    def __init__(self, message: str, existing: Person | None) -> None:
        super().__init__({"nik": message})
        self.existing = existing


@dataclass(frozen=True)
class PersonInput:
    category: str
    full_name: str
    sex: str
    birth_date: dt.date
    domicile_region: Region
    legal_basis: str
    nik: str = ""
    kk: str = ""
    aliases: tuple[str, ...] = ()
    birth_place: str = ""
    address: str = ""
    phone: str = ""
    relation_to_head: str = ""
    consent_date: dt.date | None = None


def person_duplicates_shown(*, user: User, people: Iterable[Person], request: HttpRequest | None = None) -> None:
    """Record that a refused registration named who already holds its NIK: a search by NIK, in effect.
    Called by whoever shows the refusal, once the registration's transaction is over (it rolled back)."""
    ids = [p.pk for p in people]
    if ids:
        access_log_listed(
            user=user, obj_type=PERSON_TYPE, ids=ids, person_ids=ids, action=AccessEvent.Action.SEARCH,
            reason=SEARCH_DUPLICATE_NIK, request=request,
        )  # fmt: skip


def person_duplicate_check(*, user: User, nik: str) -> None:
    """Refuse a NIK that exists; name the existing record only to someone who may already see it."""
    existing = Person.objects.filter(nik=nik).only("pk").first()
    if existing is None:
        return
    visible = people_visible_to(user).filter(pk=existing.pk).first()
    if visible is not None:
        raise DuplicatePerson(f"NIK ini sudah terdaftar atas nama {visible.full_name}.", visible)
    raise DuplicatePerson(NEUTRAL_DUPLICATE, None)


@transaction.atomic
def person_register(*, user: User, data: PersonInput) -> tuple[Person, list[str]]:
    """Register a person (and their household by KK) in the user's territory.

    Returns the person and the warnings the caller should show (e.g. a region code that predates a split).
    Every rule is checked here as well as in the form, so the API and imports obey the same rules.
    """
    if user.office is None or not policy.holds(user, "person.register"):
        raise PermissionDenied("Peran Anda tidak dapat mendaftarkan orang.")
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    nik = normalize_number(data.nik)
    if nik:
        check = check_nik(nik, sex=data.sex, birth_date=data.birth_date)
        errors.setdefault("nik", []).extend(check.errors)
        warnings += check.warnings
    kk = normalize_number(data.kk)
    if kk:
        kk_check = check_kk(kk)
        errors.setdefault("kk", []).extend(kk_check.errors)
        warnings += kk_check.warnings
    jurisdiction = person_jurisdiction(user)
    code = data.domicile_region.code
    if not jurisdiction.everywhere and not (
        jurisdiction.region_code and code.startswith(f"{jurisdiction.region_code}.")
    ):
        errors.setdefault("domicile_region", []).append(
            "Domisili berada di luar wilayah kantor Anda; daftarkan melalui kantor wilayah tersebut atau rujuk."
        )
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    if nik:
        person_duplicate_check(user=user, nik=nik)
    household = None
    if kk:
        household, _ = Household.objects.get_or_create(
            kk=kk, defaults={"address": data.address, "region": data.domicile_region}
        )
    person = Person(
        category=data.category, nik=nik or None, full_name=" ".join(data.full_name.split()),
        aliases=[a.strip() for a in data.aliases if a.strip()], sex=data.sex, birth_place=data.birth_place.strip(),
        birth_date=data.birth_date, domicile_region=data.domicile_region, address=data.address.strip(),
        phone=data.phone.strip(), household=household, relation_to_head=data.relation_to_head,
        legal_basis=data.legal_basis, consent_date=data.consent_date, registered_by_office=user.office,
    )  # fmt: skip
    person.full_clean()
    person.save()
    return person, warnings


@transaction.atomic
def note_add(*, user: User, case_pk: int | str, body: str, is_intelligence: bool = False) -> CaseNote:
    case = _case_for_write(user, case_pk)
    if is_intelligence and not policy.holds(user, "person.intelligence"):
        raise PermissionDenied("Peran Anda tidak dapat menulis catatan intelijen.")
    note = CaseNote(case=case, body=body.strip(), is_intelligence=is_intelligence, written_by=user)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def case_assign(*, user: User, pk: int | str, caseworker: User) -> Case:
    """Give the case to a caseworker of the owning office."""
    case = _case_for_write(user, pk)
    if caseworker.office_id != case.office_id or not policy.holds(caseworker, "case.work"):
        raise ValidationError({"caseworker": "Pilih pendamping dari kantor pemilik kasus."})
    case.caseworker = caseworker
    case.save(update_fields=["caseworker"])
    return case


@transaction.atomic
def case_plan_update(
    *, user: User, pk: int | str, goals: str, atensi_planned: list[str], atensi_given: list[str]
) -> Case:
    """The service plan: goals and the ATENSI components planned and given so far."""
    case = _case_for_write(user, pk)
    unknown = (set(atensi_planned) | set(atensi_given)) - set(Case.AtensiComponent.values)
    if unknown:
        raise ValidationError({"atensi_planned": "Komponen ATENSI tidak dikenal."})
    case.goals = goals.strip()
    case.atensi_planned = sorted(set(atensi_planned))
    case.atensi_given = sorted(set(atensi_given))
    case.full_clean()
    case.save(update_fields=["goals", "atensi_planned", "atensi_given"])
    return case
