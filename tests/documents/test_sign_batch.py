"""Signing many documents at once: the signatures are checked and queued in the request and made by real
Celery workers, in each document's signing order, once each, and only on documents the signer may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from napiter.accounts.models import User
from napiter.audit.models import ChangeEvent
from napiter.documents.models import Document, DocumentSignature
from napiter.documents.selectors import documents_to_sign
from napiter.documents.services import (
    NOT_FOUND_MESSAGE,
    SIGN_BATCH_MAX,
    document_render,
    document_sign,
    document_sign_queued,
    documents_requeue_stuck,
    documents_sign_batch,
)
from napiter.documents.signing import check_signatures
from sinergi.models import Agreement
from sinergi.services import agreement_create, plan_approve, plan_create, plan_submit
from tests.documents.factories import rendered_case_report
from tests.documents.workers import wait_for
from tests.sinergi.factories import plan_data, signing_officials


def _agreements(koordinator: User, planner: User, years: list[int]) -> list[Document]:
    """One Kemenag berita acara kesepakatan per year, each with one approved plan; their documents requested."""
    documents = []
    for year in years:
        plan = plan_create(
            user=planner, data=plan_data(year=year, start_on=dt.date(year, 3, 1), end_on=dt.date(year, 11, 30))
        )
        plan_submit(user=planner, plan_id=plan.pk)
        plan_approve(user=koordinator, plan_id=plan.pk)
        agreement = agreement_create(user=koordinator, ministry_id=plan.ministry_id, year=year)
        assert agreement.document is not None
        documents.append(agreement.document)
    return documents


def _signed_orders(document: Document) -> list[int]:
    return list(document.signatures.exclude(signed_at=None).order_by("order").values_list("order", flat=True))


def _signatures_made(document: Document) -> int:
    """How many times a signature row of the document went from unsigned to signed (the change log)."""
    return (
        ChangeEvent.objects.filter(
            table_name="documents_documentsignature",
            row_pk__in=[str(pk) for pk in document.signatures.values_list("pk", flat=True)],
            operation="UPDATE",
            old__signed_at=None,
        )
        .exclude(new__signed_at=None)
        .count()
    )


@pytest.mark.django_db(transaction=True)
def test_coordinator_bulk_signs_agreements_through_real_workers_in_signing_order(cast, demo_pki, celery_worker):
    eselon, kepala = signing_officials()
    documents = _agreements(cast.koordinator, cast.kemenag_perencana, [2026, 2027, 2028])
    wait_for(
        lambda: Document.objects.filter(pk__in=[d.pk for d in documents], status="awaiting_signature").count() == 3,
        timeout=60,
        what="the renders",
    )
    ids = [d.pk for d in documents]

    # The Kepala BNPT signs second: before the Eselon II official, every document is refused and left alone.
    early = documents_sign_batch(user=kepala.user, document_ids=ids)
    assert (early.queued, early.already_queued) == ([], [])
    assert [r.document_id for r in early.refused] == ids
    assert all(r.reason.startswith("Belum giliran Anda") for r in early.refused)
    assert not DocumentSignature.objects.filter(document_id__in=ids).exclude(sign_queued_at=None).exists()

    # The Eselon II official's batch, sent twice (a double click): queued once, signed once.
    first = documents_sign_batch(user=eselon.user, document_ids=ids)
    again = documents_sign_batch(user=eselon.user, document_ids=[str(pk) for pk in ids])
    assert [d.pk for d in first.queued] == ids
    assert again.queued == []  # each is still waiting in the queue, or signed by now: never sent twice
    assert {d.pk for d in again.already_queued} | {r.document_id for r in again.refused} == set(ids)
    wait_for(lambda: all(_signed_orders(d) == [1] for d in documents), timeout=60, what="the Eselon II signatures")

    # Now the Kepala's turn; an id that does not exist is refused as not found.
    missing = max(ids) + 1000
    second = documents_sign_batch(user=kepala.user, document_ids=[*ids, missing])
    assert [d.pk for d in second.queued] == ids
    assert [(r.document_id, r.number, r.reason) for r in second.refused] == [(missing, "", NOT_FOUND_MESSAGE)]
    wait_for(
        lambda: Document.objects.filter(pk__in=ids, status=Document.Status.SIGNED).count() == 3,
        timeout=60,
        what="the Kepala BNPT signatures",
    )

    for document in documents:
        document.refresh_from_db()
        assert _signed_orders(document) == [1, 2]
        assert _signatures_made(document) == 2  # one each, whatever was sent twice
        with document.file.open("rb") as handle:
            checks = check_signatures(handle.read())
        assert [c.field_name for c in checks] == ["ttd1", "ttd2"]
        assert all(c.bottom_line for c in checks)
        assert "Ahmad Zainuddin" in checks[0].signer_subject
        assert "Eddy Hartono" in checks[1].signer_subject
        assert Agreement.objects.get(document=document).is_signed


@pytest.mark.django_db
def test_a_document_out_of_the_signers_scope_is_refused_as_not_found_and_never_signed(cast, demo_pki):
    eselon, _kepala = signing_officials()
    (agreement,) = _agreements(cast.koordinator, cast.kemenag_perencana, [2026])
    document_render(document_id=agreement.pk)
    case_report = rendered_case_report()  # about a person: a K/L official never sees it

    result = documents_sign_batch(user=eselon.user, document_ids=[case_report.pk, agreement.pk, "x1"])

    assert [d.pk for d in result.queued] == [agreement.pk]
    refused = {str(r.document_id): r for r in result.refused}
    assert set(refused) == {str(case_report.pk), "x1"}
    assert all(r.reason == NOT_FOUND_MESSAGE and r.number == "" for r in refused.values())
    assert case_report.number not in " ".join(r.reason for r in result.refused)
    assert not case_report.signatures.exclude(sign_queued_at=None).exists()
    # The worker's side checks scope again: asked directly, it records the refusal and signs nothing.
    assert document_sign_queued(document_id=case_report.pk, user_id=eselon.user.pk) is None
    case_report.refresh_from_db()
    assert case_report.status == Document.Status.AWAITING_SIGNATURE
    assert _signed_orders(case_report) == []


@pytest.mark.django_db
def test_the_request_is_in_the_change_log_under_the_signers_name(cast, demo_pki):
    eselon, _kepala = signing_officials()
    (document,) = _agreements(cast.koordinator, cast.kemenag_perencana, [2026])
    document_render(document_id=document.pk)

    documents_sign_batch(user=eselon.user, document_ids=[document.pk])

    signature = document.signatures.get(signer=eselon.user)
    event = ChangeEvent.objects.filter(
        table_name="documents_documentsignature", row_pk=str(signature.pk), operation="UPDATE"
    ).latest("id")
    assert event.user_id == eselon.user.pk
    assert event.old["sign_queued_at"] is None
    assert event.new["sign_queued_at"] is not None
    assert documents_to_sign(eselon.user).count() == 0  # queued: no longer offered


@pytest.mark.django_db
def test_a_queued_signature_already_made_is_a_no_op_and_a_refusal_is_shown_to_the_signer(cast, demo_pki, client_for):
    eselon, _kepala = signing_officials()
    signed_meanwhile, tampered = _agreements(cast.koordinator, cast.kemenag_perencana, [2026, 2027])
    for document in (signed_meanwhile, tampered):
        document_render(document_id=document.pk)
    documents_sign_batch(user=eselon.user, document_ids=[signed_meanwhile.pk, tampered.pk])

    # Signed from the document page before the worker got to it: the task finds nothing to do.
    document_sign(user=eselon.user, document_id=signed_meanwhile.pk)
    signed_meanwhile.refresh_from_db()
    digest = signed_meanwhile.sha256
    assert document_sign_queued(document_id=signed_meanwhile.pk, user_id=eselon.user.pk) is None
    signed_meanwhile.refresh_from_db()
    assert signed_meanwhile.sha256 == digest
    assert _signatures_made(signed_meanwhile) == 1
    assert signed_meanwhile.signatures.get(signer=eselon.user).sign_error == ""

    # The stored file no longer matches its record: the worker refuses and says why on the signer's list.
    tampered.refresh_from_db()
    with tampered.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 altered")
    assert document_sign_queued(document_id=tampered.pk, user_id=eselon.user.pk) is None
    signature = tampered.signatures.get(signer=eselon.user)
    assert (signature.signed_at, signature.sign_queued_at) == (None, None)
    assert "tidak sama dengan yang tercatat" in signature.sign_error
    page = client_for(eselon.user).get(reverse("documents:list")).content.decode()
    assert "Tanda tangan gagal:" in page
    assert "tidak sama dengan yang tercatat" in page


@pytest.mark.django_db
def test_the_sweeper_resends_a_queued_signature_that_was_not_made(cast, demo_pki):
    eselon, _kepala = signing_officials()
    (document,) = _agreements(cast.koordinator, cast.kemenag_perencana, [2026])
    document_render(document_id=document.pk)
    documents_sign_batch(user=eselon.user, document_ids=[document.pk])
    signature = document.signatures.get(signer=eselon.user)
    assert documents_requeue_stuck() == 0  # just sent: not stuck

    long_ago = timezone.now() - dt.timedelta(hours=1)
    DocumentSignature.objects.filter(pk=signature.pk).update(sign_queued_at=long_ago)
    assert documents_requeue_stuck() == 1
    signature.refresh_from_db()
    assert signature.sign_queued_at is not None
    assert signature.sign_queued_at > long_ago


# --- pages ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_all_asks_for_confirmation_then_reports_queued_and_refused(cast, demo_pki, client_for):
    eselon, _kepala = signing_officials()
    documents = _agreements(cast.koordinator, cast.kemenag_perencana, [2026, 2027])
    for document in documents:
        document_render(document_id=document.pk)
    client = client_for(eselon.user)

    listing = client.get(reverse("documents:list")).content.decode()
    assert "Tandatangani semua yang menunggu Anda (2)" in listing
    for document in documents:
        assert f'name="dokumen" value="{document.pk}"' in listing

    confirm = client.get(reverse("documents:sign-batch"), {"semua": "1"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert all(d.number in page for d in documents)
    assert "Tandatangani 2 dokumen" in page
    assert list(confirm.context["form"].initial["documents"].split(",")) == [str(d.pk) for d in documents]

    ids = ",".join(str(d.pk) for d in documents)
    unconfirmed = client.post(reverse("documents:sign-batch"), {"documents": ids})
    assert unconfirmed.status_code == 400
    assert "Centang pernyataan" in unconfirmed.content.decode()
    assert not DocumentSignature.objects.filter(document__in=documents).exclude(sign_queued_at=None).exists()

    case_report = rendered_case_report()
    done = client.post(reverse("documents:sign-batch"), {"documents": f"{ids},{case_report.pk}", "confirm": "on"})
    assert done.status_code == 200
    result = done.context["result"]
    assert [d.pk for d in result.queued] == [d.pk for d in documents]
    assert [r.document_id for r in result.refused] == [case_report.pk]
    text = done.content.decode()
    assert f"ID {case_report.pk}" in text
    assert NOT_FOUND_MESSAGE in text
    assert case_report.number not in text
    assert (
        DocumentSignature.objects.filter(document__in=documents, signer=eselon.user)
        .exclude(sign_queued_at=None)
        .count()
        == 2
    )

    after = client.get(reverse("documents:list")).content.decode()
    assert "Tandatangani semua yang menunggu Anda" not in after
    assert after.count("Dalam antrean tanda tangan") == 2


@pytest.mark.django_db
def test_selected_documents_only_are_offered_and_the_second_signer_is_offered_none_before_their_turn(
    cast, demo_pki, client_for
):
    eselon, kepala = signing_officials()
    chosen, other = _agreements(cast.koordinator, cast.kemenag_perencana, [2026, 2027])
    for document in (chosen, other):
        document_render(document_id=document.pk)

    page = client_for(eselon.user).get(reverse("documents:sign-batch"), {"dokumen": [str(chosen.pk), "abc"]})
    assert page.status_code == 200
    assert page.context["form"].initial["documents"] == str(chosen.pk)
    assert other.number not in page.content.decode()

    kepala_client = client_for(kepala.user)
    assert "Tandatangani semua yang menunggu Anda" not in kepala_client.get(reverse("documents:list")).content.decode()
    nothing = kepala_client.get(reverse("documents:sign-batch"), {"semua": "1"})
    assert nothing.status_code == 200
    assert "Tidak ada dokumen terpilih yang menunggu tanda tangan Anda." in nothing.content.decode()


@pytest.mark.django_db
def test_a_batch_has_a_size_limit_and_an_empty_one_is_refused(cast):
    with pytest.raises(ValidationError, match=f"Paling banyak {SIGN_BATCH_MAX} dokumen"):
        documents_sign_batch(user=cast.koordinator, document_ids=range(1, SIGN_BATCH_MAX + 2))
    with pytest.raises(ValidationError, match="Pilih paling sedikit satu dokumen"):
        documents_sign_batch(user=cast.koordinator, document_ids=[])
