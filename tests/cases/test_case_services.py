import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from cases.models import Case, CaseStageChange
from cases.services import case_close, case_open, case_transition, visit_record
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(base_data):
    return PersonFactory()


def test_open_case_sets_owner_stage_and_six_month_review(cast, person):
    case = case_open(user=cast.banten_pendamping, person=person, approach="keluarga", opened_on=dt.date(2026, 8, 31))
    assert (case.office.code, case.caseworker, case.stage) == ("DINSOS-BTN", cast.banten_pendamping, "identifikasi")
    assert case.next_review_on == dt.date(2027, 2, 28)  # 31 Aug + 6 months, clamped to the month's end
    assert list(case.stage_changes.values_list("from_stage", "to_stage")) == [("", "identifikasi")]


def test_second_open_case_for_the_same_person_is_refused(cast, person):
    case_open(user=cast.banten_pendamping, person=person, approach="keluarga")
    with pytest.raises(ValidationError, match="masih memiliki kasus yang terbuka"):
        case_open(user=cast.banten_pendamping, person=person, approach="komunitas")


def test_planner_cannot_open_a_case(cast, person):
    with pytest.raises(PermissionDenied):
        case_open(user=cast.kemenag_perencana, person=person, approach="keluarga")


def test_stages_move_forward_one_at_a_time_and_are_logged(cast, person):
    case = case_open(user=cast.banten_pendamping, person=person, approach="keluarga")
    with pytest.raises(ValidationError, match="tidak dapat dilompati"):
        case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="reedukasi")
    case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="rehabilitasi")
    case_transition(user=cast.banten_kabid, pk=case.pk, to_stage="reedukasi")
    case.refresh_from_db()
    assert case.stage == "reedukasi"
    history = list(CaseStageChange.objects.filter(case=case).values_list("to_stage", "changed_by__username"))
    assert history == [
        ("identifikasi", "dinsos.banten.pendamping"),
        ("rehabilitasi", "dinsos.banten.pendamping"),
        ("reedukasi", "dinsos.banten.kabid"),
    ]


def test_going_back_needs_a_note(cast):
    case = CaseFactory(stage="reedukasi")
    with pytest.raises(ValidationError, match="alasan mengembalikan"):
        case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="rehabilitasi")
    case_transition(
        user=cast.banten_pendamping, pk=case.pk, to_stage="rehabilitasi", note="Kembali menunjukkan sikap tertutup"
    )
    assert Case.objects.get(pk=case.pk).stage == "rehabilitasi"


def test_closing_needs_a_reason(cast):
    case = CaseFactory()
    with pytest.raises(ValidationError, match="Gunakan penutupan kasus"):
        case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="ditutup")
    with pytest.raises(ValidationError, match="alasan penutupan"):
        case_close(user=cast.banten_pendamping, pk=case.pk, reason="")
    closed = case_close(user=cast.banten_pendamping, pk=case.pk, reason="reintegrasi", closed_on=dt.date(2026, 10, 1))
    assert (closed.stage, closed.closure_reason, closed.closed_on) == ("ditutup", "reintegrasi", dt.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="sudah ditutup"):
        case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="pemantauan")


def test_database_refuses_a_closed_case_without_reason(cast):
    from django.db import IntegrityError

    case = CaseFactory()
    with pytest.raises(IntegrityError), connection.cursor() as cur:
        cur.execute("UPDATE cases_case SET stage = 'ditutup' WHERE id = %s", [case.pk])


def test_national_user_reads_but_cannot_change_another_office_case(cast):
    case = CaseFactory()
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        case_transition(user=cast.kemensos_supervisor, pk=case.pk, to_stage="reedukasi")


def test_out_of_scope_transition_is_404(cast):
    case = CaseFactory()
    with pytest.raises(Http404):
        case_transition(user=cast.kaltim_pendamping, pk=case.pk, to_stage="reedukasi")


def test_visit_cannot_be_in_the_future(cast):
    case = CaseFactory()
    with pytest.raises(ValidationError, match="masa depan"):
        visit_record(
            user=cast.banten_pendamping, case_pk=case.pk, visited_on=dt.date.today() + dt.timedelta(days=2),
            place="Rumah", findings="-",
        )  # fmt: skip
    visit = visit_record(
        user=cast.banten_pendamping, case_pk=case.pk, visited_on=dt.date(2026, 5, 4), place="Rumah keluarga",
        findings="Usaha warung berjalan, omzet harian sekitar Rp 300.000",
    )  # fmt: skip
    assert visit.visited_by == cast.banten_pendamping


def test_reintegration_needs_an_assessment_of_the_last_six_months(cast):
    case = CaseFactory(stage="reedukasi")
    with pytest.raises(ValidationError, match="asesmen yang diajukan dalam 6 bulan terakhir"):
        case_transition(user=cast.banten_pendamping, pk=case.pk, to_stage="reintegrasi")
    assert Case.objects.get(pk=case.pk).stage == "reedukasi"
