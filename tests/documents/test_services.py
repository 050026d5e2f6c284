"""Requesting, numbering, rendering and resending documents: the state machine's rules."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from napiter.audit.models import ChangeEvent
from napiter.celery import app as celery_app
from napiter.documents.kinds import KINDS, CaseReport
from napiter.documents.models import Document, DocumentRegister
from napiter.documents.services import (
    document_enqueue,
    document_render,
    document_request,
    documents_requeue_stuck,
)
from tests.documents.factories import request_case_report
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

KALTIM_VILLAGE = "64.72.01.1001"


@pytest.fixture
def fixed_now(monkeypatch):
    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def test_number_comes_from_the_office_register_in_the_office_time_zone(cast, fixed_now):
    # 31 December 17:30 UTC is already 1 January in Banten (WIB): the 2027 register, month I.
    fixed_now(dt.datetime(2026, 12, 31, 10, 0, tzinfo=dt.UTC))
    first = request_case_report()
    second = request_case_report()
    fixed_now(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC))
    new_year = request_case_report()

    assert first.number == "LAP-001/DINSOS-BTN/XII/2026"
    assert second.number == "LAP-002/DINSOS-BTN/XII/2026"
    assert new_year.number == "LAP-001/DINSOS-BTN/I/2027"
    assert DocumentRegister.objects.get(office__code="DINSOS-BTN", prefix="LAP", year=2026).last_number == 2


def test_request_creates_the_row_with_its_signer_and_the_people_it_names(cast):
    case = CaseFactory()

    document = request_case_report(case=case, recommendation="  Lanjutkan pendampingan keluarga.  ")

    assert document.status == Document.Status.QUEUED
    assert document.office.code == "DINSOS-BTN"
    assert document.subject_id == case.pk
    assert document.person_ids == [case.person_id]
    assert document.inputs == {"recommendation": "Lanjutkan pendampingan keluarga."}
    assert len(document.verification_code) == 12
    signature = document.signatures.get()
    assert (signature.order, signature.signer, signature.field_name) == (1, cast.banten_kabid, "ttd1")
    assert signature.signer_position == "Kepala Bidang Rehabilitasi Sosial"


def test_the_task_is_sent_only_when_the_request_commits(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        document = request_case_report()
    assert [c.func for c in callbacks] == [document_enqueue]
    assert callbacks[0].keywords == {"document_id": document.pk}


def test_a_request_rolled_back_with_its_cause_leaves_no_number_used_and_sends_nothing(
    cast, django_capture_on_commit_callbacks
):
    case = CaseFactory()

    @transaction.atomic
    def business_change_that_fails() -> None:
        request_case_report(case=case)
        raise RuntimeError("the business change that asked for the report failed")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            business_change_that_fails()
        kept = request_case_report(case=case)

    assert kept.number.startswith("LAP-001/")
    assert Document.objects.filter(subject_id=case.pk).count() == 1
    assert [c.keywords for c in callbacks] == [{"document_id": kept.pk}]


def test_only_a_supervisor_of_the_owning_office_may_request_a_case_report(cast):
    case = CaseFactory()
    with pytest.raises(PermissionDenied, match="supervisor kantor pemilik kasus"):
        document_request(user=cast.banten_pendamping, kind="laporan_kasus", subject_id=case.pk)
    # National supervisors see the case, but it belongs to the Banten office.
    with pytest.raises(PermissionDenied):
        document_request(user=cast.kemensos_supervisor, kind="laporan_kasus", subject_id=case.pk)
    assert not Document.objects.exists()


def test_a_subject_out_of_scope_is_not_found(cast):
    kaltim_case = CaseFactory(person=PersonFactory(domicile_region_id=KALTIM_VILLAGE, nik="6472010101800001"))
    with pytest.raises(Http404):
        document_request(user=cast.kaltim_pendamping, kind="laporan_kasus", subject_id=CaseFactory().pk)
    with pytest.raises(Http404):
        document_request(user=cast.auditor, kind="laporan_kasus", subject_id=kaltim_case.pk)


def test_unknown_kinds_are_refused_naming_the_available_ones(cast):
    with pytest.raises(ValidationError, match=r"belum tersedia\. Jenis yang tersedia: .*laporan_kasus"):
        document_request(user=cast.banten_kabid, kind="surat_sakti", subject_id=CaseFactory().pk)


def test_rendering_twice_renders_once(cast):
    document = request_case_report()

    first = document_render(document_id=document.pk)
    again = document_render(document_id=document.pk)

    assert first is not None
    assert first.status == Document.Status.AWAITING_SIGNATURE
    assert again is None
    document.refresh_from_db()
    assert document.render_attempts == 1
    assert document.sha256 == first.sha256
    assert document.page_count is not None
    assert document.page_count >= 1
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_a_duplicate_message_leaves_a_live_render_alone_but_a_redelivery_takes_over(cast):
    document = request_case_report()
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RENDERING, render_task_id="message-a", render_started_at=timezone.now()
    )

    assert document_render(document_id=document.pk, task_id="message-b") is None
    document.refresh_from_db()
    assert document.status == Document.Status.RENDERING

    # The same message again means its worker died: Celery redelivers only then (acks_late).
    taken_over = document_render(document_id=document.pk, task_id="message-a")
    assert taken_over is not None
    assert taken_over.status == Document.Status.AWAITING_SIGNATURE


def test_a_render_stale_past_the_time_limit_is_taken_over(cast, settings):
    document = request_case_report()
    long_ago = timezone.now() - dt.timedelta(seconds=settings.DOCUMENTS_STALE_RENDER_SECONDS + 1)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RENDERING, render_task_id="dead-worker", render_started_at=long_ago
    )

    rendered = document_render(document_id=document.pk, task_id="from-the-sweeper")

    assert rendered is not None
    assert rendered.status == Document.Status.AWAITING_SIGNATURE


class BrokenTemplateReport(CaseReport):
    code = "uji_templat_rusak"
    prefix = "RSK"

    @property
    def template(self) -> str:
        return "documents/tidak_ada.html"


def test_a_render_that_fails_records_the_error(cast):
    kind = BrokenTemplateReport()
    KINDS[kind.code] = kind
    try:
        document = document_request(user=cast.banten_kabid, kind=kind.code, subject_id=CaseFactory().pk)
        failed = document_render(document_id=document.pk)
    finally:
        del KINDS[kind.code]

    assert failed is not None
    assert failed.status == Document.Status.FAILED
    assert "TemplateDoesNotExist" in failed.error
    assert not failed.file


def test_the_sweeper_resends_what_looks_lost_and_nothing_else(cast, settings):
    never_sent = request_case_report()
    sent_long_ago = request_case_report()
    just_sent = request_case_report()
    stale_render = request_case_report()
    live_render = request_case_report()
    stale_render_just_resent = request_case_report()
    now = timezone.now()
    Document.objects.filter(pk=sent_long_ago.pk).update(
        enqueued_at=now - dt.timedelta(seconds=settings.DOCUMENTS_REQUEUE_AFTER_SECONDS + 5)
    )
    Document.objects.filter(pk=just_sent.pk).update(enqueued_at=now)
    Document.objects.filter(pk=stale_render.pk).update(
        status=Document.Status.RENDERING,
        render_started_at=now - dt.timedelta(seconds=settings.DOCUMENTS_STALE_RENDER_SECONDS + 5),
    )
    Document.objects.filter(pk=live_render.pk).update(status=Document.Status.RENDERING, render_started_at=now)
    Document.objects.filter(pk=stale_render_just_resent.pk).update(
        status=Document.Status.RENDERING,
        render_started_at=now - dt.timedelta(seconds=settings.DOCUMENTS_STALE_RENDER_SECONDS + 5),
        enqueued_at=now,
    )

    try:
        assert documents_requeue_stuck() == 3
    finally:
        celery_app.control.purge()  # no worker runs here; the messages would outlive this test's rows

    sent_at = dict(Document.objects.values_list("pk", "enqueued_at"))
    assert all(sent_at[d.pk] > now for d in (never_sent, sent_long_ago, stale_render))
    assert sent_at[just_sent.pk] == now  # its message is still in the queue: not sent again
    assert sent_at[live_render.pk] is None  # a live worker is rendering it
    assert sent_at[stale_render_just_resent.pk] == now  # resent a moment ago: that message is on its way


def test_the_sweeper_runs_every_minute():
    from django.conf import settings

    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "documents.requeue_stuck"]
    assert entry["schedule"] <= 60


@pytest.mark.django_db(transaction=True)
def test_numbering_under_parallel_requests_is_unique_and_gap_free(cast) -> None:
    """Eight requests at once, one of them rolled back with its cause: the seven kept are 1..7."""
    case = CaseFactory.create()
    start = threading.Barrier(8)
    numbers: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []

    def request(rollback: bool) -> None:
        try:
            start.wait()
            with transaction.atomic():
                document = request_case_report(case=case)
                if rollback:
                    raise RuntimeError("rolled back")
                numbers.append(document.number)
        except RuntimeError as exc:
            rolled_back.append(str(exc))
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(i == 3,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert rolled_back == ["rolled back"]
    sequences = sorted(int(n.split("/")[0].removeprefix("LAP-")) for n in numbers)
    assert sequences == list(range(1, 8))
    assert sorted(Document.objects.values_list("sequence", flat=True)) == list(range(1, 8))
    register = DocumentRegister.objects.get(office__code="DINSOS-BTN", prefix="LAP")
    assert register.last_number == 7
    # Each number was taken once: one INSERT per document in the change log, none rewritten.
    inserts = ChangeEvent.objects.filter(table_name="documents_document", operation="INSERT")
    assert inserts.count() == 7
