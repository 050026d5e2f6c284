"""Retention: the dry run lists, the real run anonymises and keeps the aggregates, a legal hold blocks it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, CaseNote, CaseStageChange, DtsenRecord, DtsenSnapshot, Household, Person, Visit
from napiter.audit.models import ChangeEvent
from privacy.models import Anonymisation, DataCategory
from privacy.retention import REMOVED
from privacy.selectors import retention_candidates
from privacy.services import legal_hold_lift, legal_hold_place, retention_apply
from tests.documents.factories import signed_case_report_for_matrix
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

CLOSED_ON = dt.date(2026, 1, 10)
AFTER_ELEVEN_YEARS = dt.date(2037, 2, 1)
AFTER_FIVE_YEARS = dt.date(2031, 2, 1)


def _closed_case(person: Person, *, closed_on: dt.date = CLOSED_ON) -> Case:
    case = CaseFactory.create(
        person=person, stage=Case.Stage.CLOSED, closed_on=closed_on, closure_reason=Case.ClosureReason.REINTEGRATED,
        opened_on=closed_on - dt.timedelta(days=400), next_review_on=closed_on,
    )  # fmt: skip
    assert case.caseworker is not None
    CaseStageChange.objects.create(case=case, to_stage="identifikasi", changed_at=timezone.now(), note="Dibuka")
    Visit.objects.create(
        case=case, visited_on=closed_on, place="Rumah Ybs. di Kp. Cibodas", findings="Ybs. bekerja di bengkel",
        visited_by=case.caseworker,
    )  # fmt: skip
    CaseNote.objects.create(case=case, body="Bertemu jaringan lama", is_intelligence=True, written_by=case.caseworker)
    CaseNote.objects.create(case=case, body="Usaha berjalan baik", written_by=case.caseworker)
    return case


@pytest.fixture
def former(cast):
    """A Banten ex-convict whose only case closed on 10 January 2026, with a household of their own and a
    DT-SEN row."""
    household = HouseholdFactory(kk="3673010101260001")
    person = PersonFactory(
        full_name="Joko Susilo", nik="3673010101800099", birth_date=dt.date(1980, 6, 15), household=household,
        relation_to_head=Person.Relation.HEAD, aliases=["Abu Joko"],
    )  # fmt: skip
    _closed_case(person)
    snapshot = DtsenSnapshot.objects.create(snapshot_date=dt.date(2025, 12, 1), source_name="dtsen.xlsx")
    DtsenRecord.objects.create(snapshot=snapshot, nik=person.nik, decile=2)
    return person


def test_dry_run_lists_who_and_which_categories_and_changes_nothing(former):
    candidates = retention_candidates(today=AFTER_FIVE_YEARS)

    (candidate,) = candidates
    assert candidate.person == former
    assert candidate.last_closed_on == CLOSED_ON
    assert {d.category.code for d in candidate.due} == {"foto", "catatan_intelijen", "dtsen"}
    assert not candidate.blocked
    former.refresh_from_db()
    assert former.full_name == "Joko Susilo"
    assert not Anonymisation.objects.exists()

    later = retention_candidates(today=AFTER_ELEVEN_YEARS)[0]
    assert {d.category.code for d in later.due} == set(
        DataCategory.objects.filter(retention_years__isnull=False).values_list("code", flat=True)
    )


def test_people_with_an_open_case_or_not_yet_due_are_not_listed(cast):
    open_case = CaseFactory()
    recent = PersonFactory()
    _closed_case(recent, closed_on=dt.date(2034, 6, 1))

    people = {c.person for c in retention_candidates(today=AFTER_ELEVEN_YEARS)}

    assert open_case.person not in people
    assert {d.category.code for c in retention_candidates(today=AFTER_ELEVEN_YEARS) for d in c.due} <= {"dtsen"}
    assert recent in people  # only its two-year DT-SEN copy is due


def test_real_run_anonymises_identity_and_free_text_and_keeps_the_aggregates(former, cast):
    case = former.cases.get()
    document = signed_case_report_for_matrix(former)
    digest = document.sha256

    result = retention_apply(today=AFTER_ELEVEN_YEARS, actor=cast.dpo)

    assert [pk for pk, _ in result.anonymised] == [former.pk]
    former.refresh_from_db()
    assert former.full_name == f"Anonim {former.pk}"
    assert (former.nik, former.address, former.phone, former.birth_place, former.aliases) == (None, "", "", "", [])
    assert former.household is None
    assert not former.photo
    # Kept: category, sex, year of birth (age band), province and regency, legal basis.
    assert former.birth_date == dt.date(1980, 1, 1)
    assert former.domicile_region_id == "36.73"
    assert former.category == Person.Category.EX_CONVICT
    assert former.legal_basis == Person.LegalBasis.LEGAL_OBLIGATION
    household = Household.objects.get(kk__startswith="ANON")
    assert household.address == ""
    # Case stages and their dates stay; what was written about the person goes.
    case.refresh_from_db()
    assert (case.stage, case.closed_on, case.opened_on) == (
        Case.Stage.CLOSED,
        CLOSED_ON,
        CLOSED_ON - dt.timedelta(days=400),
    )
    assert list(case.stage_changes.values_list("note", flat=True)) == [""]
    assert set(CaseNote.objects.filter(case=case).values_list("body", flat=True)) == {"(dianonimkan)"}
    assert Visit.objects.get(case=case).findings == "(dianonimkan)"
    assert not DtsenRecord.objects.filter(nik="3673010101800099").exists()
    # The signed document: its file goes, its number and hashes stay.
    document.refresh_from_db()
    assert not document.file
    assert document.sha256 == digest
    assert set(Anonymisation.objects.filter(person=former).values_list("category__code", flat=True)) == set(
        DataCategory.objects.filter(retention_years__isnull=False).values_list("code", flat=True)
    )


def test_anonymisation_is_a_logged_change_attributed_to_who_ran_it(former, cast):
    retention_apply(today=AFTER_ELEVEN_YEARS, actor=cast.dpo)

    change = ChangeEvent.objects.filter(table_name="cases_person", row_pk=str(former.pk), operation="UPDATE").latest(
        "id"
    )
    assert change.user_id == cast.dpo.pk
    # The identity columns are redacted in the change log: it shows that they changed, not what they held,
    # so the log keeps nothing of what anonymisation removed.
    assert change.old["full_name"] == change.new["full_name"] == "[disamarkan]"
    assert "3673010101800099" not in str(change.old)
    assert "Joko Susilo" not in str(change.old)


def test_a_second_run_finds_nothing_left(former):
    retention_apply(today=AFTER_ELEVEN_YEARS)

    assert retention_candidates(today=AFTER_ELEVEN_YEARS) == []
    assert retention_apply(today=AFTER_ELEVEN_YEARS).anonymised == []


def test_categories_are_anonymised_as_each_retention_ends(former):
    retention_apply(today=AFTER_FIVE_YEARS)

    former.refresh_from_db()
    assert former.full_name == "Joko Susilo"  # identity is kept ten years
    assert CaseNote.objects.get(case__person=former, is_intelligence=True).body == "(dianonimkan)"
    assert CaseNote.objects.get(case__person=former, is_intelligence=False).body == "Usaha berjalan baik"
    assert not DtsenRecord.objects.filter(nik=former.nik).exists()


def test_legal_hold_blocks_the_run_and_the_dry_run_says_so(former, cast):
    hold = legal_hold_place(user=cast.dpo, person_id=former.pk, reason="Perkara di Pengadilan Negeri Serang")

    (candidate,) = retention_candidates(today=AFTER_ELEVEN_YEARS)
    assert candidate.blocked
    result = retention_apply(today=AFTER_ELEVEN_YEARS)

    assert result.blocked == [former.pk]
    assert result.anonymised == []
    former.refresh_from_db()
    assert former.full_name == "Joko Susilo"
    assert former.nik == "3673010101800099"

    legal_hold_lift(user=cast.dpo, hold_id=hold.pk, reason="Perkara telah berkekuatan hukum tetap")
    assert retention_apply(today=AFTER_ELEVEN_YEARS).anonymised[0][0] == former.pk


def test_document_naming_someone_not_anonymised_keeps_its_file(former, cast):
    from napiter.documents.models import Document

    document = signed_case_report_for_matrix(former)
    Document.objects.filter(pk=document.pk).update(person_ids=[former.pk, PersonFactory().pk])

    retention_apply(today=AFTER_ELEVEN_YEARS)

    document.refresh_from_db()
    assert document.file


def test_command_is_a_dry_run_unless_told_to_apply(cast):
    person = PersonFactory(full_name="Dedi Kurniawan")
    _closed_case(person, closed_on=timezone.localdate() - dt.timedelta(days=11 * 366))
    out = StringIO()

    call_command("privacy_retention", stdout=out)

    assert f"orang #{person.pk}" in out.getvalue()
    assert "Uji coba: 1 orang akan dianonimkan." in out.getvalue()
    person.refresh_from_db()
    assert person.full_name == "Dedi Kurniawan"

    call_command("privacy_retention", "--apply", stdout=StringIO())
    person.refresh_from_db()
    assert person.full_name == f"Anonim {person.pk}"


def test_retention_runs_daily_on_beat():
    from napiter.celery import app

    app.loader.import_default_modules()
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "privacy.apply_retention"]
    assert entry["schedule"] == 24 * 3600.0
    assert "privacy.apply_retention" in app.tasks


def test_after_anonymisation_the_change_log_holds_nothing_that_was_removed(former, cast):
    retention_apply(today=AFTER_ELEVEN_YEARS, actor=cast.dpo)

    log = " ".join(str(row) for row in ChangeEvent.objects.values_list("old", "new"))
    removed_values = ("Joko Susilo", "Abu Joko", "3673010101800099", "3673010101260001", "di bengkel", "Kp. Cibodas")
    for removed in removed_values:
        assert removed not in log, f"the append-only change log still holds {removed!r}"
    for text in Visit.objects.filter(case__person=former).values_list("findings", flat=True):
        assert text == REMOVED
