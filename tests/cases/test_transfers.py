import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStageChange, Person, PersonOfficeGrant, Transfer, Visit
from cases.selectors import case_get_for_user, people_visible_to, person_get_for_user, person_timeline
from cases.services import case_can_write, case_close, visit_record
from cases.workflows import TRANSFER_ACCESS, transfer_accept, transfer_cancel, transfer_decline, transfer_request
from napiter.accounts.models import Office
from napiter.regions.models import Region
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

SAMARINDA = "64.72.01.1001"


@pytest.fixture
def ktm(base_data):
    return Office.objects.get(code="DINSOS-KTM")


@pytest.fixture
def samarinda(base_data):
    return Region.objects.get(code=SAMARINDA)


@pytest.fixture
def case(base_data, cast):
    case = CaseFactory(person=PersonFactory(full_name="Joko Pindahan"))
    CaseStageChange.objects.create(case=case, from_stage="", to_stage="identifikasi", changed_by=cast.banten_pendamping)
    Visit.objects.create(
        case=case, visited_on=dt.date(2026, 6, 1), place="Rumah", findings="Stabil", visited_by=cast.banten_pendamping
    )
    return case


def _request(user, case, office, domicile, reason="Pindah ke Samarinda mengikuti keluarga"):
    return transfer_request(user=user, case_pk=case.pk, to_office=office, new_domicile=domicile, reason=reason)


def _sees(user, case) -> bool:
    return people_visible_to(user).filter(pk=case.person_id).exists()


def test_transfer_moves_ownership_domicile_and_access(cast, case, ktm, samarinda):
    banten, banten_kabid, kaltim = cast.banten_pendamping, cast.banten_kabid, cast.kaltim_pendamping
    # Before: Banten owns and sees the case; Kalimantan Timur does not even see it.
    assert _sees(banten, case)
    assert case_can_write(banten, case)
    assert not _sees(kaltim, case)

    transfer = _request(banten, case, ktm, samarinda)
    assert (transfer.status, transfer.from_office.code, transfer.to_office, transfer.requested_by) == (
        "diajukan", "DINSOS-BTN", ktm, banten,
    )  # fmt: skip
    # Pending: the receiving office may look, to decide; the owning office still writes.
    grant = PersonOfficeGrant.objects.get(content_object=case.person, group=ktm.group)
    assert grant.purpose == f"Perpindahan #{transfer.pk}"
    assert grant.expires_at == transfer.requested_at + TRANSFER_ACCESS
    assert _sees(kaltim, case)
    assert not case_can_write(kaltim, case_get_for_user(kaltim, case.pk))
    with pytest.raises(PermissionDenied):
        visit_record(user=kaltim, case_pk=case.pk, visited_on=dt.date(2026, 11, 1), place="Rumah", findings="-")
    visit_record(user=banten, case_pk=case.pk, visited_on=dt.date(2026, 11, 1), place="Rumah", findings="Siap pindah")

    accepted = transfer_accept(user=kaltim, case_pk=case.pk, note="Diterima, pendamping ditunjuk")
    assert (accepted.status, accepted.decided_by, accepted.decision_note) == (
        "diterima", kaltim, "Diterima, pendamping ditunjuk",
    )  # fmt: skip
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert (case.office, case.caseworker, case.stage) == (ktm, kaltim, "rehabilitasi")
    assert person.domicile_region_id == SAMARINDA

    # After: the new office sees the person by jurisdiction (the transfer grant is gone) and writes.
    assert not PersonOfficeGrant.objects.filter(content_object=person).exists()
    assert _sees(kaltim, case)
    assert case_can_write(kaltim, case)
    visit_record(user=kaltim, case_pk=case.pk, visited_on=dt.date(2026, 11, 20), place="Samarinda", findings="Baik")
    # The old office lost write access and, the domicile being outside Banten now, sight of the person.
    for user in (banten, banten_kabid):
        assert not _sees(user, case)
        with pytest.raises(Http404):
            person_get_for_user(user, person.pk)
        with pytest.raises(Http404):
            case_get_for_user(user, case.pk)
        with pytest.raises(Http404):
            visit_record(user=user, case_pk=case.pk, visited_on=dt.date(2026, 11, 21), place="-", findings="-")
    # The history stays with the case: stages, visits by either office, and the transfer itself.
    assert case.stage_changes.count() == 1
    assert sorted(case.visits.values_list("visited_by__username", flat=True)) == [
        "dinsos.banten.pendamping", "dinsos.banten.pendamping", "dinsos.kaltim.pendamping",
    ]  # fmt: skip
    assert list(case.transfers.values_list("from_office__code", "to_office__code", "status")) == [
        ("DINSOS-BTN", "DINSOS-KTM", "diterima")
    ]
    titles = [e.title for e in person_timeline(person)]
    assert f"Perpindahan: {transfer.from_office.name} → {ktm.name} (Diterima)" in titles


def test_national_offices_keep_seeing_a_transferred_person(cast, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    transfer_accept(user=cast.kaltim_pendamping, case_pk=case.pk)
    assert _sees(cast.kemensos_supervisor, case)
    assert not case_can_write(cast.kemensos_supervisor, Case.objects.get(pk=case.pk))


def test_request_rules(cast, case, ktm, samarinda):
    banten = cast.banten_pendamping
    with pytest.raises(ValidationError) as exc:
        _request(banten, case, banten.office, samarinda)
    assert "selain kantor pemilik" in exc.value.message_dict["to_office"][0]
    with pytest.raises(ValidationError, match="Dinas Sosial provinsi atau kabupaten/kota"):
        _request(banten, case, Office.objects.get(code="KEMENSOS-RESOS"), samarinda)
    with pytest.raises(ValidationError, match="di luar wilayah kantor tujuan"):
        _request(banten, case, ktm, Region.objects.get(code="36.73.01.1002"))
    with pytest.raises(ValidationError, match="di luar wilayah kantor tujuan"):
        _request(banten, case, ktm, None)  # the current domicile is in Banten
    with pytest.raises(ValidationError, match="sampai desa/kelurahan"):
        _request(banten, case, ktm, Region.objects.get(code="64.72"))
    with pytest.raises(ValidationError) as exc:
        _request(banten, case, ktm, samarinda, reason="  ")
    assert "alasan" in exc.value.message_dict["reason"][0]
    assert not Transfer.objects.exists()
    assert not _sees(cast.kaltim_pendamping, case)


def test_only_the_owning_office_requests_and_only_once(cast, case, ktm, samarinda):
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        _request(cast.kemensos_supervisor, case, ktm, samarinda)
    with pytest.raises(Http404):
        _request(cast.kaltim_pendamping, case, ktm, samarinda)
    _request(cast.banten_pendamping, case, ktm, samarinda)
    with pytest.raises(ValidationError, match="menunggu keputusan perpindahan"):
        _request(cast.banten_kabid, case, ktm, samarinda)
    closed = CaseFactory(stage="ditutup", closed_on=dt.date(2026, 10, 1), closure_reason="reintegrasi")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        _request(cast.banten_pendamping, closed, ktm, samarinda)


def test_only_the_receiving_office_decides(cast, case, ktm, samarinda):
    with pytest.raises(ValidationError, match="Tidak ada perpindahan"):
        transfer_accept(user=cast.banten_pendamping, case_pk=case.pk)
    _request(cast.banten_pendamping, case, ktm, samarinda)
    with pytest.raises(PermissionDenied, match="kantor tujuan"):
        transfer_accept(user=cast.banten_pendamping, case_pk=case.pk)
    with pytest.raises(PermissionDenied, match="kantor tujuan"):
        transfer_accept(user=cast.koordinator, case_pk=case.pk)  # sees everything, decides nothing
    with pytest.raises(PermissionDenied, match="kantor tujuan"):
        transfer_decline(user=cast.banten_kabid, case_pk=case.pk, note="Tidak jadi")
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        transfer_cancel(user=cast.kaltim_pendamping, case_pk=case.pk)
    assert Case.objects.get(pk=case.pk).office.code == "DINSOS-BTN"


def test_decline_needs_a_reason_and_ends_the_receiving_offices_access(cast, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    with pytest.raises(ValidationError) as exc:
        transfer_decline(user=cast.kaltim_pendamping, case_pk=case.pk, note="")
    assert "alasan penolakan" in exc.value.message_dict["note"][0]
    declined = transfer_decline(user=cast.kaltim_pendamping, case_pk=case.pk, note="Alamat tidak ditemukan")
    assert (declined.status, declined.decision_note) == ("ditolak", "Alamat tidak ditemukan")
    assert not _sees(cast.kaltim_pendamping, case)
    case.refresh_from_db()
    assert (case.office.code, case.person.domicile_region_id) == ("DINSOS-BTN", "36.73.01.1002")
    # Declined, the owning office may ask again (or another office).
    assert _request(cast.banten_pendamping, case, ktm, samarinda).status == "diajukan"


def test_cancel_ends_the_receiving_offices_access(cast, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    cancelled = transfer_cancel(user=cast.banten_kabid, case_pk=case.pk, note="Keluarga batal pindah")
    assert (cancelled.status, cancelled.decided_by) == ("dibatalkan", cast.banten_kabid)
    assert not _sees(cast.kaltim_pendamping, case)
    with pytest.raises(Http404):
        transfer_accept(user=cast.kaltim_pendamping, case_pk=case.pk)


def test_a_case_closed_while_waiting_cannot_be_accepted(cast, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    case_close(user=cast.banten_pendamping, pk=case.pk, reason="meninggal")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        transfer_accept(user=cast.kaltim_pendamping, case_pk=case.pk)
    assert Case.objects.get(pk=case.pk).office.code == "DINSOS-BTN"


def test_an_unanswered_request_stops_opening_the_record(cast, case, ktm, samarinda, monkeypatch):
    transfer = _request(cast.banten_pendamping, case, ktm, samarinda)
    later = transfer.requested_at + TRANSFER_ACCESS + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert not _sees(cast.kaltim_pendamping, case)
    with pytest.raises(Http404):
        transfer_accept(user=cast.kaltim_pendamping, case_pk=case.pk)


# --- pages ---------------------------------------------------------------------------------------------------


def test_transfer_through_the_pages(cast, client_for, case, ktm):
    banten = client_for(cast.banten_pendamping)
    form_url = reverse("cases:transfer-request", args=[case.pk])
    assert banten.get(form_url).status_code == 200
    response = banten.post(
        form_url,
        {"to_office": ktm.pk, "new_domicile": SAMARINDA, "reason": "Pindah mengikuti keluarga"},
    )
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    kaltim = client_for(cast.kaltim_pendamping)
    due = kaltim.get(reverse("cases:due-list")).content.decode()
    assert "Joko Pindahan" in due  # waiting for an answer from this office
    page = kaltim.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert reverse("cases:transfer-accept", args=[case.pk]) in page
    accepted = kaltim.post(reverse("cases:transfer-accept", args=[case.pk]), {"note": ""})
    assert accepted["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert "Ubah tahap" in kaltim.get(accepted["Location"]).content.decode()  # the new owner's write forms
    assert banten.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404
    assert banten.get(reverse("cases:person-detail", args=[case.person_id])).status_code == 404


def test_refused_request_page_shows_the_reason(cast, client_for, case, ktm):
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:transfer-request", args=[case.pk]), {"to_office": ktm.pk, "reason": "Pindah"}
    )
    assert response.status_code == 400
    assert "di luar wilayah kantor tujuan" in response.content.decode()
    assert not Transfer.objects.exists()


def test_declining_on_the_page_needs_a_reason(cast, client_for, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    kaltim = client_for(cast.kaltim_pendamping)
    url = reverse("cases:transfer-decline", args=[case.pk])
    refused = kaltim.post(url, {"note": ""})
    assert refused.status_code == 400
    assert "alasan penolakan" in refused.content.decode()
    response = kaltim.post(url, {"note": "Alamat tidak ditemukan"})
    assert response["Location"] == reverse("cases:due-list")
    assert Transfer.objects.get().status == "ditolak"


def test_owner_cancels_on_the_page(cast, client_for, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    client = client_for(cast.banten_kabid)
    assert (
        reverse("cases:transfer-cancel", args=[case.pk])
        in client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    )
    client.post(reverse("cases:transfer-cancel", args=[case.pk]))
    assert Transfer.objects.get().status == "dibatalkan"


# --- API -----------------------------------------------------------------------------------------------------


def test_transfer_through_the_api(cast, client_for, case):
    banten, kaltim = client_for(cast.banten_pendamping), client_for(cast.kaltim_pendamping)
    body = {"to_office": "DINSOS-KTM", "new_domicile": SAMARINDA, "reason": "Pindah mengikuti keluarga"}
    outsider = kaltim.post(reverse("case-transfer", args=[case.pk]), body, content_type="application/json")
    assert outsider.status_code == 404
    created = banten.post(reverse("case-transfer", args=[case.pk]), body, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["new_domicile"]) == ("diajukan", SAMARINDA)
    wrong_side = banten.post(reverse("case-transfer-accept", args=[case.pk]), {}, content_type="application/json")
    assert wrong_side.status_code == 403
    no_reason = kaltim.post(reverse("case-transfer-decline", args=[case.pk]), {}, content_type="application/json")
    assert no_reason.status_code == 400
    accepted = kaltim.post(reverse("case-transfer-accept", args=[case.pk]), {}, content_type="application/json")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["decided_by"]) == ("diterima", "dinsos.kaltim.pendamping")
    assert kaltim.get(reverse("case-detail", args=[case.pk])).json()["office"] == "DINSOS-KTM"
    assert banten.get(reverse("case-detail", args=[case.pk])).status_code == 404
    assert banten.get(reverse("person-detail", args=[case.person_id])).status_code == 404


def test_api_decline(cast, client_for, case, ktm, samarinda):
    _request(cast.banten_pendamping, case, ktm, samarinda)
    response = client_for(cast.kaltim_pendamping).post(
        reverse("case-transfer-decline", args=[case.pk]), {"note": "Kuota penuh"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ditolak"
    assert timezone.now() >= Transfer.objects.get().decided_at


def test_demo_workflow_seeds_one_referral_and_one_transfer_once(cast):
    from cases.demo import seed_people
    from cases.demo_workflow import seed_workflows
    from cases.models import Referral

    seed_people()
    assert seed_workflows() == 2
    assert seed_workflows() == 0
    referral = Referral.objects.get(case__is_demo=True)
    assert (referral.kind, referral.status) == ("sekolah_rakyat", "diterima")
    assert referral.case.person.is_child
    transfer = Transfer.objects.get(case__is_demo=True)
    assert (transfer.from_office.code, transfer.to_office.code, transfer.status) == (
        "DINSOS-BTN",
        "DINSOS-KTM",
        "diajukan",
    )
    # The demo's Kalimantan Timur caseworker finds it waiting on the due list and may accept it.
    assert transfer.case.person in people_visible_to(cast.kaltim_pendamping)
    transfer_accept(user=cast.kaltim_pendamping, case_pk=transfer.case_id)
    assert Case.objects.get(pk=transfer.case_id).office.code == "DINSOS-KTM"
