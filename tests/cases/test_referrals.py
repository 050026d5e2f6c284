import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, PersonOfficeGrant, Referral
from cases.selectors import case_get_for_user, people_visible_to, person_timeline
from cases.services import case_can_write, person_grant_office
from cases.workflows import REFERRAL_ACCESS, referral_complete, referral_create, referral_respond
from napiter.accounts.models import Office
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

CONSENT = {"consent_given": True, "consent_by": "Yang bersangkutan", "consent_date": dt.date(2026, 11, 2)}


@pytest.fixture
def ktm(base_data):
    return Office.objects.get(code="DINSOS-KTM")


@pytest.fixture
def case(base_data):
    return CaseFactory(person=PersonFactory(full_name="Hasan Rujukan"))


def _refer_to_office(user, case, office, **overrides):
    args = {"kind": Referral.Kind.OFFICE, "to_office": office, "reason": "Butuh layanan terapi lanjutan", **CONSENT}
    return referral_create(user=user, case_pk=case.pk, **{**args, **overrides})


def _grant(person, office):
    return PersonOfficeGrant.objects.filter(content_object=person, group=office.group).first()


# --- creating ---------------------------------------------------------------------------------------------


def test_office_referral_opens_the_record_to_the_receiving_office_for_90_days(cast, case, ktm):
    assert case.person not in people_visible_to(cast.kaltim_pendamping)
    before = timezone.now()
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    assert (referral.status, referral.referred_by, referral.consent_by) == (
        "dikirim",
        cast.banten_pendamping,
        "Yang bersangkutan",
    )
    grant = _grant(case.person, ktm)
    assert grant.purpose == f"Rujukan #{referral.pk}"
    assert grant.granted_by == cast.banten_pendamping
    assert grant.expires_at == referral.access_until
    assert before + REFERRAL_ACCESS <= grant.expires_at <= timezone.now() + REFERRAL_ACCESS
    # The receiving office sees the person and the case, but the case stays the owning office's to change.
    assert case.person in people_visible_to(cast.kaltim_pendamping)
    seen = case_get_for_user(cast.kaltim_pendamping, case.pk)
    assert not case_can_write(cast.kaltim_pendamping, seen)


def test_referral_access_ends_by_itself_when_the_grant_expires(cast, case, ktm, monkeypatch):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    later = referral.access_until + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert case.person not in people_visible_to(cast.kaltim_pendamping)
    with pytest.raises(Http404):
        referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=True)


def test_referral_without_consent_is_refused(cast, case, ktm):
    with pytest.raises(ValidationError) as exc:
        _refer_to_office(cast.banten_pendamping, case, ktm, consent_given=False)
    assert "persetujuan" in exc.value.message_dict["consent_given"][0]
    with pytest.raises(ValidationError) as exc:
        _refer_to_office(cast.banten_pendamping, case, ktm, consent_by=" ", consent_date=None)
    assert set(exc.value.message_dict) == {"consent_by", "consent_date"}
    with pytest.raises(ValidationError, match="masa depan"):
        _refer_to_office(cast.banten_pendamping, case, ktm, consent_date=timezone.localdate() + dt.timedelta(days=1))
    assert not Referral.objects.exists()
    assert not PersonOfficeGrant.objects.exists()


def test_sekolah_rakyat_only_for_a_child(cast, case):
    args = {"kind": Referral.Kind.SEKOLAH_RAKYAT, "to_organisation": "Sekolah Rakyat 3 Serang", "reason": "Sekolah"}
    with pytest.raises(ValidationError, match="hanya untuk anak"):
        referral_create(user=cast.banten_pendamping, case_pk=case.pk, **args, **CONSENT)
    child = PersonFactory(category="anak_terpapar", birth_date=timezone.localdate().replace(year=2014))
    child_case = CaseFactory(person=child)
    referral = referral_create(
        user=cast.banten_pendamping, case_pk=child_case.pk, **args, **{**CONSENT, "consent_by": "Ibu (wali)"}
    )
    assert (referral.kind, referral.to_organisation, referral.to_office, referral.access_until) == (
        "sekolah_rakyat", "Sekolah Rakyat 3 Serang", None, None,
    )  # fmt: skip
    # An organisation outside the system gets no grant: nobody there has an account.
    assert not PersonOfficeGrant.objects.exists()


def test_office_referral_needs_another_office_that_works_with_people(cast, case):
    with pytest.raises(ValidationError) as exc:
        _refer_to_office(cast.banten_pendamping, case, None)
    assert "Pilih kantor tujuan" in exc.value.message_dict["to_office"][0]
    with pytest.raises(ValidationError, match="bukan kantor pemilik"):
        _refer_to_office(cast.banten_pendamping, case, cast.banten_pendamping.office)
    with pytest.raises(ValidationError, match="tidak menangani data orang"):
        _refer_to_office(cast.banten_pendamping, case, Office.objects.get(code="KEMENAG-RENC"))


def test_other_referrals_name_the_organisation_and_no_office(cast, case, ktm):
    with pytest.raises(ValidationError) as exc:
        referral_create(user=cast.banten_pendamping, case_pk=case.pk, kind="lks", reason="Terapi", **CONSENT)
    assert "nama lembaga" in exc.value.message_dict["to_organisation"][0]
    with pytest.raises(ValidationError) as exc:
        referral_create(
            user=cast.banten_pendamping, case_pk=case.pk, kind="instansi", to_organisation="LPSK", to_office=ktm,
            reason="Kompensasi korban", **CONSENT,
        )  # fmt: skip
    assert "hanya untuk rujukan ke kantor lain" in exc.value.message_dict["to_office"][0]


def test_only_the_owning_office_refers_an_open_case(cast, case, ktm):
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        _refer_to_office(cast.kemensos_supervisor, case, ktm)  # sees every case, owns none of Banten's
    with pytest.raises(Http404):
        _refer_to_office(cast.kaltim_pendamping, case, ktm)  # does not even see it
    closed = CaseFactory(stage="ditutup", closed_on=dt.date(2026, 10, 1), closure_reason="reintegrasi")
    with pytest.raises(ValidationError, match="sudah ditutup"):
        _refer_to_office(cast.banten_pendamping, closed, ktm)


def test_a_live_referral_to_the_same_place_is_not_sent_twice(cast, case, ktm):
    _refer_to_office(cast.banten_pendamping, case, ktm)
    with pytest.raises(ValidationError, match="masih berjalan"):
        _refer_to_office(cast.banten_kabid, case, ktm)
    referral_create(
        user=cast.banten_pendamping, case_pk=case.pk, kind="lks", to_organisation="LKS Bina Insani", reason="Terapi",
        **CONSENT,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="masih berjalan"):
        referral_create(
            user=cast.banten_pendamping, case_pk=case.pk, kind="lks", to_organisation="lks bina  insani",
            reason="Terapi", **CONSENT,
        )  # fmt: skip


# --- responding and completing ----------------------------------------------------------------------------


def test_receiving_office_accepts_and_owning_office_records_the_outcome(cast, case, ktm):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    with pytest.raises(PermissionDenied, match="kantor tujuan"):
        referral_respond(user=cast.banten_pendamping, referral_pk=referral.pk, accept=True)
    with pytest.raises(ValidationError, match="belum diterima"):
        referral_complete(user=cast.banten_pendamping, referral_pk=referral.pk, outcome="Selesai")
    accepted = referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=True)
    assert accepted.status == "diterima"
    assert accepted.responded_at is not None
    with pytest.raises(ValidationError, match="sudah diterima"):
        referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False, note="Berubah pikiran")
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        referral_complete(user=cast.kaltim_pendamping, referral_pk=referral.pk, outcome="Terapi selesai")
    with pytest.raises(ValidationError) as exc:
        referral_complete(user=cast.banten_pendamping, referral_pk=referral.pk, outcome="  ")
    assert "outcome" in exc.value.message_dict
    done = referral_complete(user=cast.banten_kabid, referral_pk=referral.pk, outcome="Terapi 12 sesi selesai")
    assert (done.status, done.outcome) == ("selesai", "Terapi 12 sesi selesai")
    # The service the access was opened for is over: so is the access.
    assert done.access_until <= timezone.now()
    assert _grant(case.person, ktm) is None
    assert case.person not in people_visible_to(cast.kaltim_pendamping)


def test_declining_needs_a_reason_and_ends_the_grant(cast, case, ktm):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    with pytest.raises(ValidationError) as exc:
        referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False)
    assert "alasan penolakan" in exc.value.message_dict["note"][0]
    declined = referral_respond(
        user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False, note="Kuota terapi penuh"
    )
    assert (declined.status, declined.outcome) == ("ditolak", "Kuota terapi penuh")
    assert declined.access_until <= timezone.now()
    assert _grant(case.person, ktm) is None
    assert case.person not in people_visible_to(cast.kaltim_pendamping)
    with pytest.raises(Http404):
        case_get_for_user(cast.kaltim_pendamping, case.pk)


def test_ending_one_referral_keeps_access_a_pending_transfer_needs(cast, case, ktm):
    """One grant row per office and person: declining the referral must not cut off the transfer request."""
    from cases.workflows import transfer_cancel, transfer_request
    from napiter.regions.models import Region

    transfer = transfer_request(
        user=cast.banten_pendamping, case_pk=case.pk, to_office=ktm,
        new_domicile=Region.objects.get(code="64.72.01.1001"), reason="Pindah ke Samarinda",
    )  # fmt: skip
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    assert _grant(case.person, ktm).purpose == f"Rujukan #{referral.pk}, Perpindahan #{transfer.pk}"
    referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False, note="Tunggu perpindahan")
    grant = _grant(case.person, ktm)
    assert grant.purpose == f"Perpindahan #{transfer.pk}"
    assert grant.expires_at == transfer.requested_at + dt.timedelta(days=30)
    assert case.person in people_visible_to(cast.kaltim_pendamping)
    transfer_cancel(user=cast.banten_pendamping, case_pk=case.pk)
    assert _grant(case.person, ktm) is None


def test_external_answers_are_recorded_by_the_owning_office(cast, case):
    referral = referral_create(
        user=cast.banten_pendamping, case_pk=case.pk, kind="instansi", to_organisation="LPSK",
        reason="Pengajuan kompensasi", **CONSENT,
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="kantor pemilik"):
        referral_respond(user=cast.kemensos_supervisor, referral_pk=referral.pk, accept=True)
    with pytest.raises(Http404):
        referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=True)
    referral_respond(user=cast.banten_pendamping, referral_pk=referral.pk, accept=True)
    done = referral_complete(user=cast.banten_pendamping, referral_pk=referral.pk, outcome="Kompensasi disetujui")
    assert done.status == "selesai"


def test_a_grant_given_for_another_purpose_outlives_the_referral(cast, case, ktm):
    until = timezone.now() + dt.timedelta(days=200)
    person_grant_office(
        person=case.person, office=ktm, purpose="Asesmen bersama", expires_at=until, granted_by=cast.banten_kabid
    )
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    assert _grant(case.person, ktm).purpose == "Asesmen bersama"  # already covers the referral: left alone
    referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False, note="Tidak ada layanan")
    grant = _grant(case.person, ktm)
    assert (grant.purpose, grant.expires_at) == ("Asesmen bersama", until)


def test_referrals_are_on_the_person_timeline(cast, case, ktm):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    referral_respond(user=cast.kaltim_pendamping, referral_pk=referral.pk, accept=False, note="Kuota penuh")
    titles = [(e.kind, e.title, e.detail) for e in person_timeline(case.person)]
    assert ("referral", f"Rujukan Kantor lain dalam sistem: {ktm.name} (Ditolak)", "Kuota penuh") in titles


# --- pages ---------------------------------------------------------------------------------------------------


def test_caseworker_refers_from_the_form_page(cast, client_for, case, ktm):
    client = client_for(cast.banten_pendamping)
    url = reverse("cases:referral-create", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="sekolah_rakyat"' not in page.content.decode()  # an adult: the choice is not offered
    response = client.post(
        url,
        {"kind": "kantor", "to_office": ktm.pk, "reason": "Terapi lanjutan", "consent_given": "on",
         "consent_by": "Yang bersangkutan", "consent_date": "2026-11-02"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    referral = Referral.objects.get(case=case)
    assert referral.to_office == ktm
    case_page = client.get(response["Location"]).content.decode()
    assert f'data-referral="{referral.pk}"' in case_page
    assert ktm.name in case_page


def test_refused_referral_shows_the_reason_next_to_the_field(cast, client_for, case, ktm):
    response = client_for(cast.banten_pendamping).post(
        reverse("cases:referral-create", args=[case.pk]),
        {"kind": "kantor", "to_office": ktm.pk, "reason": "Terapi", "consent_by": "", "consent_date": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rujukan memerlukan persetujuan" in html
    assert not Referral.objects.exists()


def test_non_owner_gets_no_referral_form(cast, client_for, case):
    response = client_for(cast.kemensos_supervisor).get(reverse("cases:referral-create", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert client_for(cast.kaltim_pendamping).get(reverse("cases:referral-create", args=[case.pk])).status_code == 404


def test_receiving_office_accepts_on_the_case_page(cast, client_for, case, ktm):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    client = client_for(cast.kaltim_pendamping)
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert reverse("cases:referral-respond", args=[case.pk]) in page
    assert "Ubah tahap" not in page  # sees the case, does not own it
    response = client.post(reverse("cases:referral-respond", args=[case.pk]), {"referral": referral.pk, "accept": "1"})
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    referral.refresh_from_db()
    assert referral.status == "diterima"


def test_declining_on_the_page_leads_back_to_the_due_list(cast, client_for, case, ktm):
    referral = _refer_to_office(cast.banten_pendamping, case, ktm)
    client = client_for(cast.kaltim_pendamping)
    url = reverse("cases:referral-respond", args=[case.pk])
    refused = client.post(url, {"referral": referral.pk, "accept": "0", "note": ""})
    assert refused.status_code == 400
    assert "alasan penolakan" in refused.content.decode()
    response = client.post(url, {"referral": referral.pk, "accept": "0", "note": "Kuota penuh"})
    # The decline ended the office's access: the case page would now be a 404.
    assert response["Location"] == reverse("cases:due-list")
    assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404


def test_a_referral_of_another_case_cannot_be_answered_through_this_one(cast, client_for, case, ktm):
    other = _refer_to_office(cast.banten_pendamping, CaseFactory(), ktm)
    _refer_to_office(cast.banten_pendamping, case, ktm)
    response = client_for(cast.kaltim_pendamping).post(
        reverse("cases:referral-respond", args=[case.pk]), {"referral": other.pk, "accept": "1"}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == "dikirim"


def test_owner_records_the_outcome_on_the_page(cast, client_for, case):
    referral = referral_create(
        user=cast.banten_pendamping, case_pk=case.pk, kind="lks", to_organisation="LKS Bina Insani", reason="Terapi",
        **CONSENT,
    )  # fmt: skip
    referral_respond(user=cast.banten_pendamping, referral_pk=referral.pk, accept=True)
    client = client_for(cast.banten_pendamping)
    client.post(
        reverse("cases:referral-complete", args=[case.pk]), {"referral": referral.pk, "outcome": "Terapi selesai"}
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("selesai", "Terapi selesai")


# --- API -----------------------------------------------------------------------------------------------------


def test_api_refer(cast, client_for, case, ktm):
    url = reverse("case-refer", args=[case.pk])
    body = {"kind": "kantor", "to_office": "DINSOS-KTM", "reason": "Terapi", **CONSENT, "consent_date": "2026-11-02"}
    response = client_for(cast.banten_pendamping).post(url, body, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert (data["to_office"], data["status"], data["case"]) == ("DINSOS-KTM", "dikirim", case.pk)
    assert data["access_until"] is not None
    refused = client_for(cast.banten_pendamping).post(
        url, {**body, "to_office": None, "kind": "lks", "consent_given": False}, content_type="application/json"
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert "persetujuan" in errors["consent_given"][0]
    assert "nama lembaga" in errors["to_organisation"][0]
    outsider = client_for(cast.kaltim_pendamping).post(
        reverse("case-refer", args=[CaseFactory().pk]), body, content_type="application/json"
    )
    assert outsider.status_code == 404
    assert Referral.objects.count() == 1
    assert Case.objects.get(pk=case.pk).office.code == "DINSOS-BTN"
