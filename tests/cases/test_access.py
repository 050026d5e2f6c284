"""The access layer: who sees which person, on pages and in the API, and what each read leaves behind."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cases.models import PersonOfficeGrant, PersonUserGrant
from cases.selectors import people_visible_to
from napiter.audit.models import AccessEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

KALTIM_VILLAGE = "64.72.01.1001"  # Rawa Makmur, Kota Samarinda


@pytest.fixture
def banten_person(base_data):
    return PersonFactory(full_name="Ahmad Banten")


@pytest.fixture
def kaltim_person(base_data):
    return PersonFactory(full_name="Rahmat Kaltim", domicile_region_id=KALTIM_VILLAGE, nik="6472010101800001")


def _view_perm() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename="view_person")


def test_province_office_sees_only_its_province(cast, banten_person, kaltim_person):
    assert list(people_visible_to(cast.banten_pendamping)) == [banten_person]
    assert list(people_visible_to(cast.kaltim_pendamping)) == [kaltim_person]


def test_national_bnpt_and_kemensos_see_everyone(cast, banten_person, kaltim_person):
    for user in (cast.koordinator, cast.asesor, cast.kemensos_supervisor):
        assert set(people_visible_to(user)) == {banten_person, kaltim_person}, user.username


def test_planner_and_auditor_never_see_people(cast, banten_person, kaltim_person):
    for user in (cast.kemenag_perencana, cast.auditor):
        assert not people_visible_to(user).exists(), user.username


def test_planner_with_explicit_grant_still_sees_nobody(cast, banten_person):
    PersonUserGrant.objects.create(
        user=cast.kemenag_perencana, permission=_view_perm(), content_object=banten_person,
        purpose="uji", expires_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    assert not people_visible_to(cast.kemenag_perencana).exists()


def test_regency_office_sees_only_its_regency(cast, banten_person):
    from napiter.accounts.services import office_upsert, user_upsert

    office = office_upsert(
        code="DINSOS-KAB-TNG", agency=cast.banten_pendamping.office.agency, name="Dinas Sosial Kabupaten Tangerang",
        jurisdiction="regency", region_code="36.03", timezone="Asia/Jakarta",
    )  # fmt: skip
    tangerang = user_upsert(username="dinsos.tng.pendamping", office=office, role="pendamping", password="x" * 16)
    in_regency = PersonFactory(full_name="Warga Tangerang", domicile_region_id="36.03.12.1005")
    assert list(people_visible_to(tangerang)) == [in_regency]
    assert banten_person not in people_visible_to(tangerang)  # Kota Serang is another regency


def test_user_grant_opens_one_record_until_it_expires(cast, kaltim_person):
    grant = PersonUserGrant.objects.create(
        user=cast.banten_pendamping, permission=_view_perm(), content_object=kaltim_person,
        purpose="Rujukan dari Kalimantan Timur", expires_at=timezone.now() + dt.timedelta(days=30),
    )  # fmt: skip
    assert kaltim_person in people_visible_to(cast.banten_pendamping)
    grant.expires_at = timezone.now() - dt.timedelta(seconds=1)
    grant.save(update_fields=["expires_at"])
    assert kaltim_person not in people_visible_to(cast.banten_pendamping)


def test_office_grant_opens_record_to_every_member_of_the_office(cast, kaltim_person):
    PersonOfficeGrant.objects.create(
        group=cast.banten_pendamping.office.group, permission=_view_perm(), content_object=kaltim_person,
        purpose="Pindah domisili ke Banten", expires_at=timezone.now() + dt.timedelta(days=30),
    )  # fmt: skip
    assert kaltim_person in people_visible_to(cast.banten_pendamping)
    assert kaltim_person in people_visible_to(cast.banten_kabid)


def test_grants_of_another_permission_open_nothing(cast, kaltim_person):
    change = Permission.objects.get(content_type__app_label="cases", codename="change_person")
    expires_at = timezone.now() + dt.timedelta(days=30)
    PersonUserGrant.objects.create(
        user=cast.banten_pendamping,
        permission=change,
        content_object=kaltim_person,
        purpose="uji",
        expires_at=expires_at,
    )
    PersonOfficeGrant.objects.create(
        group=cast.banten_pendamping.office.group, permission=change, content_object=kaltim_person, purpose="uji",
        expires_at=expires_at,
    )  # fmt: skip
    assert kaltim_person not in people_visible_to(cast.banten_pendamping)


def test_superuser_in_a_regional_office_sees_its_region_and_its_grants(cast, banten_person, kaltim_person):
    """A superuser's permissions are not read with its roles: the grant filters find the permission by name."""
    superuser = cast.banten_pendamping
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    assert list(people_visible_to(superuser)) == [banten_person]
    PersonUserGrant.objects.create(
        user=superuser, permission=_view_perm(), content_object=kaltim_person, purpose="uji",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    assert set(people_visible_to(superuser)) == {banten_person, kaltim_person}


def test_the_scope_filters_grants_by_ids_without_joining_permissions_or_offices(cast):
    """The grant subqueries name the permission and the office group by id: PostgreSQL plans them straight
    onto the grant tables' unique index, instead of planning joins on every scoped query."""
    sql = str(people_visible_to(cast.banten_pendamping).query)
    assert sql.count("= ANY(ARRAY(") == 2
    for table in (Permission._meta.db_table, "accounts_office", "accounts_user"):
        assert f'"{table}"' not in sql, table


def test_detail_out_of_scope_is_404_on_page_and_api(cast, client_for, kaltim_person):
    client = client_for(cast.banten_pendamping)
    assert client.get(reverse("cases:person-detail", args=[kaltim_person.pk])).status_code == 404
    api = client.get(f"/api/v1/people/{kaltim_person.pk}/")
    assert api.status_code == 404
    assert api.json() == {"detail": "Data tidak ditemukan."}
    missing = client.get("/api/v1/people/999999999/")
    assert missing.status_code == 404
    assert missing.json() == api.json()  # missing and forbidden are indistinguishable


def test_planner_gets_404_for_person_pages(cast, client_for, banten_person):
    client = client_for(cast.kemenag_perencana)
    assert client.get(reverse("cases:person-list")).status_code == 404
    assert client.get(reverse("cases:person-detail", args=[banten_person.pk])).status_code == 404
    assert client.get(f"/api/v1/people/{banten_person.pk}/").status_code == 404
    assert client.get("/api/v1/people/").status_code == 404


def test_list_never_shows_out_of_scope_people(cast, client_for, banten_person, kaltim_person):
    html = client_for(cast.banten_pendamping).get(reverse("cases:person-list")).content.decode()
    assert "Ahmad Banten" in html
    assert "Rahmat Kaltim" not in html
    api = client_for(cast.banten_pendamping).get("/api/v1/people/").json()
    assert [p["full_name"] for p in api["results"]] == ["Ahmad Banten"]


def test_detail_read_writes_an_access_event(cast, client_for, banten_person):
    response = client_for(cast.banten_pendamping).get(
        reverse("cases:person-detail", args=[banten_person.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    event = AccessEvent.objects.get(person_id=banten_person.pk)
    assert (event.username, event.action, event.office_name, event.ip_address) == (
        "dinsos.banten.pendamping", "view", "Dinas Sosial Provinsi Banten", "10.1.2.3",
    )  # fmt: skip
    assert event.fields_revealed == []


def test_api_retrieve_writes_an_access_event(cast, client_for, banten_person):
    client_for(cast.koordinator).get(f"/api/v1/people/{banten_person.pk}/")
    events = AccessEvent.objects.filter(person_id=banten_person.pk, username="bnpt.koordinator", action="view")
    assert events.count() == 1


def test_out_of_scope_attempt_writes_no_read_event(cast, client_for, kaltim_person):
    client_for(cast.banten_pendamping).get(reverse("cases:person-detail", args=[kaltim_person.pk]))
    assert not AccessEvent.objects.filter(person_id=kaltim_person.pk).exists()


def test_nik_masked_by_default_on_page_and_api(cast, client_for, banten_person):
    client = client_for(cast.banten_pendamping)
    html = client.get(reverse("cases:person-detail", args=[banten_person.pk])).content.decode()
    masked = f"{banten_person.nik[:4]}********{banten_person.nik[-4:]}"
    assert masked in html
    assert banten_person.nik not in html
    assert banten_person.phone not in html
    assert banten_person.address not in html
    assert client.get(f"/api/v1/people/{banten_person.pk}/").json()["nik"] == masked


def test_reveal_with_reason_shows_value_and_is_logged(cast, client_for, banten_person):
    response = client_for(cast.banten_pendamping).post(
        f"/api/v1/people/{banten_person.pk}/reveal/",
        {"fields": ["nik", "phone"], "reason": "Verifikasi DT-SEN sebelum usulan bantuan"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"nik": banten_person.nik, "phone": banten_person.phone}
    event = AccessEvent.objects.get(person_id=banten_person.pk, action="reveal")
    assert event.fields_revealed == ["nik", "phone"]
    assert event.reason == "Verifikasi DT-SEN sebelum usulan bantuan"


def test_reveal_without_reason_is_refused_and_not_logged(cast, client_for, banten_person):
    client = client_for(cast.banten_pendamping)
    response = client.post(
        reverse("cases:person-reveal", args=[banten_person.pk]), {"fields": ["nik"], "reason": "cek"}
    )
    assert response.status_code == 400
    assert "Tuliskan alasan" in response.content.decode()
    assert banten_person.nik not in response.content.decode()
    assert not AccessEvent.objects.filter(action="reveal").exists()


def test_reveal_of_field_the_role_may_not_open_is_refused(cast, client_for, banten_person):
    response = client_for(cast.asesor).post(
        f"/api/v1/people/{banten_person.pk}/reveal/",
        {"fields": ["address"], "reason": "Keperluan asesmen lapangan"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert banten_person.address not in response.content.decode()
    assert not AccessEvent.objects.filter(action="reveal").exists()


def test_reveal_page_form_returns_values(cast, client_for, banten_person):
    response = client_for(cast.banten_kabid).post(
        reverse("cases:person-reveal", args=[banten_person.pk]),
        {"fields": ["address"], "reason": "Persiapan kunjungan rumah"},
    )
    assert response.status_code == 200
    assert banten_person.address in response.content.decode()


def test_person_list_query_count_is_constant(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.banten_pendamping)
    PersonFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:person-list"))
    PersonFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:person-list"))


def test_scope_filter_adds_at_most_one_query(cast, client_for, banten_person):
    """A national user's list has no jurisdiction filter and no grant subqueries: the baseline."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for user in (cast.koordinator, cast.banten_pendamping):
        client = client_for(user)
        client.get(reverse("cases:person-list"))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("cases:person-list"))
        counts[user.username] = len(ctx.captured_queries)
    assert counts["dinsos.banten.pendamping"] <= counts["bnpt.koordinator"] + 1
