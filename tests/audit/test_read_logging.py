"""Every read of person-linked data leaves an AccessEvent row: details, lists, searches, due lists, lookups,
and the pages a refused action renders again. A list or search page is one row naming the ids it showed.

The walking tests at the end derive their routes from napiter/routes.py: a new GET route that users working
with people can open is covered unless it is added, with its reason, to NO_PERSON_DATA.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.services import VisitInput, monitoring_visit_record
from cases.models import Visit
from napiter import policy
from napiter.accounts import roles
from napiter.audit.models import AccessEvent
from napiter.routes import ROUTES, Route
from privacy.models import SubjectRequest
from tests.assessments.factories import draft_assessment_for_matrix
from tests.assistance.factories import delivered_grant
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory
from tests.platform.test_route_registry import SUBJECT_URL_KWARG, Subjects
from tests.privacy.factories import access_request

pytestmark = pytest.mark.django_db
JSON = "application/json"
NIK = "3673011203850007"


def _last_id() -> int:
    return AccessEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _rows_since(last: int, user, path: str | None = None) -> list[AccessEvent]:
    rows = AccessEvent.objects.filter(id__gt=last, user_id=user.pk)
    if path is not None:
        rows = rows.filter(path=path)
    return list(rows.order_by("id"))


def _only_row(last: int, user, path: str) -> AccessEvent:
    rows = _rows_since(last, user, path)
    assert len(rows) == 1, f"{len(rows)} rows for {path}: {[(r.action, r.object_type, r.object_id) for r in rows]}"
    return rows[0]


def _ids(event: AccessEvent) -> list[int]:
    return [int(i) for i in event.object_id.split(",") if i]


# --- the findings, one by one ---------------------------------------------------------------------------


def test_api_grant_detail_is_logged(cast, client_for):
    grant = delivered_grant()
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(f"/api/v1/grants/{grant.pk}/")

    assert response.status_code == 200
    event = _only_row(last, user, f"/api/v1/grants/{grant.pk}/")
    assert (event.action, event.object_type, event.object_id, event.person_id) == (
        "view", "assistance.grant", str(grant.pk), grant.person_id,
    )  # fmt: skip


def test_api_grant_monitoring_is_logged_against_the_grants_person(cast, client_for):
    grant = delivered_grant()
    visit = monitoring_visit_record(
        user=cast.banten_pendamping, grant_id=grant.pk,
        data=VisitInput(3, timezone.localdate(), business_running=True, assets_present=True),
    )  # fmt: skip
    user, last = cast.banten_kabid, _last_id()

    response = client_for(user).get(f"/api/v1/grants/{grant.pk}/monitoring/")

    assert response.status_code == 200
    event = _only_row(last, user, f"/api/v1/grants/{grant.pk}/monitoring/")
    assert (event.action, event.object_type, _ids(event), event.person_id) == (
        "list", "assistance.monitoringvisit", [visit.pk], grant.person_id,
    )  # fmt: skip


def test_api_case_visits_are_logged_against_the_cases_person(cast, client_for):
    case = CaseFactory()
    visits = [
        Visit.objects.create(case=case, visited_on=day, place="Rumah", findings="-", visited_by=cast.banten_pendamping)
        for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 2))
    ]
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(f"/api/v1/cases/{case.pk}/visits/")

    assert response.status_code == 200
    event = _only_row(last, user, f"/api/v1/cases/{case.pk}/visits/")
    assert (event.action, event.object_type, event.person_id) == ("list", "cases.visit", case.person_id)
    assert sorted(_ids(event)) == sorted(v.pk for v in visits)


def test_api_households_list_and_detail_are_logged(cast, client_for):
    household = HouseholdFactory()
    head = PersonFactory(household=household)
    child = PersonFactory(household=household)
    user = cast.banten_pendamping
    client = client_for(user)

    last = _last_id()
    assert client.get("/api/v1/households/").status_code == 200
    listed = _only_row(last, user, "/api/v1/households/")
    assert (listed.action, listed.object_type, _ids(listed)) == ("list", "cases.household", [household.pk])

    last = _last_id()
    body = client.get(f"/api/v1/households/{household.pk}/").json()
    assert body["members"] == [head.pk, child.pk]
    shown = _only_row(last, user, f"/api/v1/households/{household.pk}/")
    assert (shown.action, shown.object_type, shown.object_id) == ("view", "cases.household", str(household.pk))
    assert shown.person_id is None  # two members shown: the row is not one person's


@pytest.fixture
def three_people(base_data):
    return [PersonFactory(full_name=name) for name in ("Citra Lestari", "Adi Nugroho", "Budi Prasetyo")]


def test_person_list_page_is_one_row_with_the_ids_in_the_order_shown(cast, client_for, three_people):
    citra, adi, budi = three_people
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(reverse("cases:person-list"))

    assert response.status_code == 200
    event = _only_row(last, user, "/orang/")
    assert (event.action, event.object_type, event.person_id, event.reason) == ("list", "cases.person", None, "")
    assert _ids(event) == [adi.pk, budi.pk, citra.pk]  # alphabetical, as the page lists them


def test_person_list_name_search_is_logged_as_a_search(cast, client_for, three_people):
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(reverse("cases:person-list"), {"q": "Budi Prasetyo"})

    assert [p.full_name for p in response.context["people"]] == ["Budi Prasetyo"]
    event = _only_row(last, user, "/orang/")
    assert (event.action, event.reason, _ids(event), event.person_id) == (
        "search", "pencarian nama", [three_people[2].pk], three_people[2].pk,
    )  # fmt: skip
    assert "Budi" not in " ".join(str(v) for v in AccessEvent.objects.filter(pk=event.pk).values().get().values())


def _columns(event: AccessEvent) -> str:
    return " ".join(str(value) for value in AccessEvent.objects.filter(pk=event.pk).values().get().values())


@pytest.mark.parametrize(
    ("url", "param"),
    [("/orang/", "q"), ("/api/v1/people/", "q"), ("/privasi/", "q")],
    ids=["page", "api", "subject-request-search"],
)
def test_a_search_by_full_nik_is_logged_as_one_without_the_nik(url, param, cast, client_for):
    person = PersonFactory(nik=NIK, full_name="Joko Susilo")
    user, last = cast.banten_kabid, _last_id()

    response = client_for(user).get(url, {param: "3673 0112 0385 0007"})

    assert response.status_code == 200
    assert "Joko Susilo" in response.content.decode()
    events = [e for e in _rows_since(last, user, url) if e.object_type == "cases.person"]
    assert len(events) == 1
    (event,) = events
    assert (event.action, event.reason, _ids(event), event.person_id) == (
        "search", "pencarian NIK", [person.pk], person.pk,
    )  # fmt: skip
    for row in _rows_since(last, user):
        assert NIK not in _columns(row).replace(" ", ""), "the NIK is stored in clear"
        assert "?" not in row.path


def test_api_people_list_logs_the_page_actually_returned(cast, client_for):
    people = PersonFactory.create_batch(30)
    user, last = cast.banten_pendamping, _last_id()

    body = client_for(user).get("/api/v1/people/", {"page": 2}).json()

    event = _only_row(last, user, "/api/v1/people/")
    assert _ids(event) == [p["id"] for p in body["results"]]
    assert len(_ids(event)) == 5  # 30 people, 25 a page: the second page only
    assert set(_ids(event)) <= {p.pk for p in people}
    assert (event.action, event.object_type) == ("list", "cases.person")


def test_api_case_list_is_logged(cast, client_for):
    cases = [CaseFactory(), CaseFactory()]
    user, last = cast.koordinator, _last_id()

    body = client_for(user).get("/api/v1/cases/").json()

    event = _only_row(last, user, "/api/v1/cases/")
    assert (event.action, event.object_type) == ("list", "cases.case")
    assert _ids(event) == [c["id"] for c in body["results"]] == sorted((c.pk for c in cases), reverse=True)


@pytest.mark.parametrize("url", ["/bantuan/", "/api/v1/grants/"], ids=["page", "api"])
def test_grant_list_page_and_api_are_logged(url, cast, client_for):
    grants = [delivered_grant(), delivered_grant()]
    user, last = cast.banten_pendamping, _last_id()

    assert client_for(user).get(url).status_code == 200

    event = _only_row(last, user, url)
    assert (event.action, event.object_type, event.person_id) == ("list", "assistance.grant", None)
    assert _ids(event) == sorted((g.pk for g in grants), reverse=True)


def test_api_assessment_list_is_logged(cast, client_for, base_data):
    draft = draft_assessment_for_matrix(PersonFactory())
    user, last = cast.asesor, _last_id()

    body = client_for(user).get("/api/v1/assessments/").json()

    event = _only_row(last, user, "/api/v1/assessments/")
    assert (event.action, event.object_type, _ids(event)) == ("list", "assessments.assessment", [draft.pk])
    assert [a["id"] for a in body["results"]] == [draft.pk]


def test_due_list_is_logged_with_the_cases_shown(cast, client_for):
    today = timezone.localdate()
    case = CaseFactory(next_review_on=today - dt.timedelta(days=3), opened_on=today - dt.timedelta(days=200))
    user, last = cast.banten_kabid, _last_id()

    response = client_for(user).get(reverse("cases:due-list"))

    assert case.person.full_name in response.content.decode()
    event = _only_row(last, user, reverse("cases:due-list"))
    assert (event.action, event.object_type) == ("list", "cases.case")
    assert case.pk in _ids(event)


def test_monitoring_due_list_is_logged_with_the_grants_shown(cast, client_for):
    grant = delivered_grant()
    grant.delivered_on = timezone.localdate() - dt.timedelta(days=100)
    grant.save(update_fields=["delivered_on"])
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(reverse("assistance:monitoring-due"))

    assert grant.person.full_name in response.content.decode()
    event = _only_row(last, user, reverse("assistance:monitoring-due"))
    assert (event.action, event.object_type, _ids(event), event.person_id) == (
        "list", "assistance.grant", [grant.pk], grant.person_id,
    )  # fmt: skip


def test_assessments_due_list_is_logged_with_the_assessments_shown(cast, client_for, base_data):
    draft = draft_assessment_for_matrix(PersonFactory(full_name="Draf Asesor"))
    user, last = cast.asesor, _last_id()

    response = client_for(user).get(reverse("assessments:due"))

    assert "Draf Asesor" in response.content.decode()
    event = _only_row(last, user, reverse("assessments:due"))
    assert (event.action, event.object_type, _ids(event)) == ("list", "assessments.assessment", [draft.pk])


@pytest.mark.parametrize("url", ["/privasi/", "/api/v1/privacy/subject-requests/"], ids=["page", "api"])
def test_subject_request_list_page_and_api_are_logged(url, cast, client_for):
    request = access_request(PersonFactory(full_name="Pemohon Data"))
    user, last = cast.banten_kabid, _last_id()

    response = client_for(user).get(url)

    assert "Pemohon Data" in response.content.decode()
    event = _only_row(last, user, url)
    assert (event.action, event.object_type, _ids(event), event.person_id) == (
        "list", "privacy.subjectrequest", [request.pk], request.person_id,
    )  # fmt: skip
    assert request.status == SubjectRequest.Status.OPEN


def test_similar_person_lookup_is_logged_as_a_search(cast, client_for):
    person = PersonFactory(full_name="Ahmad Fauzi", birth_date=dt.date(1990, 5, 17))
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).get(
        reverse("cases:person-similar"), {"full_name": "Ahmad Fauzy", "birth_date": "1990-05-17"}
    )

    assert "Ahmad Fauzi" in response.content.decode()
    event = _only_row(last, user, reverse("cases:person-similar"))
    assert (event.action, event.object_type, _ids(event), event.person_id) == (
        "search", "cases.person", [person.pk], person.pk,
    )  # fmt: skip
    assert "Fauz" not in _columns(event)  # what was typed is not kept, only what was shown


def test_case_open_refused_shows_the_person_only_through_a_logged_read(cast, client_for):
    """Opening a case with invalid data does not render the person in the POST's answer: it goes back to the
    person's page, whose read is logged."""
    person = PersonFactory(full_name="Tanpa Pendekatan")
    user, last = cast.banten_pendamping, _last_id()
    client = client_for(user)

    response = client.post(reverse("cases:case-open", args=[person.pk]), {"approach": "tidak-ada"}, follow=True)

    assert response.redirect_chain == [(f"/orang/{person.pk}/", 302)]
    assert "Tanpa Pendekatan" in response.content.decode()
    (event,) = _rows_since(last, user)
    assert (event.path, event.action, event.person_id) == (f"/orang/{person.pk}/", "view", person.pk)


def test_a_refused_case_action_that_shows_the_case_page_again_logs_the_read(cast, client_for):
    case = CaseFactory(person=PersonFactory(full_name="Kasus Ditolak"))
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).post(reverse("cases:case-transition", args=[case.pk]), {"to_stage": "reintegrasi"})

    assert response.status_code == 400
    assert "Kasus Ditolak" in response.content.decode()
    event = _only_row(last, user, reverse("cases:case-transition", args=[case.pk]))
    assert (event.action, event.object_type, event.object_id, event.person_id) == (
        "view", "cases.case", str(case.pk), case.person_id,
    )  # fmt: skip


REGISTRATION = {
    "category": "eks_napiter", "full_name": "Joko Susilo", "nik": NIK, "sex": "L", "birth_place": "Serang",
    "birth_date": "1985-03-12", "domicile_region": "36.73.01.1002", "legal_basis": "kewajiban_hukum",
}  # fmt: skip


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_registration_refused_because_the_nik_names_a_visible_person_logs_that_person(api, cast, client_for):
    """The refusal "NIK ini sudah terdaftar atas nama ..." answers a search by NIK: logged as one, without the
    NIK."""
    existing = PersonFactory(nik=NIK, full_name="Joko Lama", birth_date=dt.date(1985, 3, 12))
    user, last = cast.banten_pendamping, _last_id()
    client = client_for(user)

    if api:
        body = {**REGISTRATION, "domicile_region": "3673011002"}
        response = client.post("/api/v1/people/", body, content_type=JSON)
        url = "/api/v1/people/"
    else:
        response = client.post(reverse("cases:person-create"), REGISTRATION)
        url = reverse("cases:person-create")

    assert response.status_code in (400, 409)
    assert "Joko Lama" in response.content.decode()
    event = _only_row(last, user, url)
    assert (event.action, event.reason, event.object_id, event.person_id) == (
        "search", "pencarian NIK (NIK sudah terdaftar)", str(existing.pk), existing.pk,
    )  # fmt: skip
    assert NIK not in _columns(event)


def test_a_registration_refused_for_a_nik_out_of_scope_names_nobody_and_logs_nothing(cast, client_for):
    PersonFactory(nik=NIK, full_name="Orang Lain", domicile_region_id="64.72.01.1001")
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).post(reverse("cases:person-create"), REGISTRATION)

    assert "Orang Lain" not in response.content.decode()
    assert _rows_since(last, user) == []


def test_an_import_refused_for_a_registered_nik_logs_the_person_it_names(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.test_spreadsheets import _row, _xlsx

    existing = PersonFactory(nik=NIK, full_name="Joko Lama", birth_date=dt.date(1985, 3, 12))
    upload = SimpleUploadedFile("orang.xlsx", _xlsx([_row(full_name="Joko Baru", nik=NIK, birth_date="12-03-1985")]))
    user, last = cast.banten_pendamping, _last_id()

    response = client_for(user).post(reverse("cases:person-import"), {"file": upload})

    assert response.status_code == 400
    assert "Joko Lama" in response.content.decode()
    event = _only_row(last, user, reverse("cases:person-import"))
    assert (event.action, event.object_id, event.person_id) == ("search", str(existing.pk), existing.pk)


# --- cost: one INSERT per page, nothing per row -----------------------------------------------------------


@pytest.mark.parametrize("url", ["/orang/", "/api/v1/people/"], ids=["page", "api"])
def test_a_list_costs_one_insert_and_nothing_per_row(url, cast, client_for):
    client = client_for(cast.banten_pendamping)
    PersonFactory.create_batch(3)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    PersonFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    writes = [q["sql"] for q in many.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1, writes
    assert writes[0].startswith('INSERT INTO "audit_accessevent"')
    assert len(many.captured_queries) == len(few.captured_queries)


# --- walking every route --------------------------------------------------------------------------------

# The roles that work with people's records (napiter/routes.py's PEOPLE_ROLES, casework, assessment,
# documents and the DPO). A GET route any of them may open is walked unless listed in NO_PERSON_DATA.
PEOPLE_ROLE_NAMES = frozenset({roles.PENDAMPING, roles.SUPERVISOR, roles.KOORDINATOR, roles.ASESOR, roles.DPO})

# GET routes open to those roles that show no person's data and no person-linked record, with why. Every
# other such route must log its read: a new route is walked by default.
NO_PERSON_DATA = {
    # The user's own account, and sign-in.
    "home": "the user's own name, office and roles",
    "otp-verify": "the second sign-in step",
    "otp-enrol": "enrolling the user's own authenticator",
    # Reference data, the same for everyone.
    "regions:browse": "administrative regions",
    "regions:options": "administrative regions",
    "region-list": "administrative regions",
    "region-detail": "administrative regions",
    "api-root": "links to the API's resources",
    "assistance:programme-list": "aid programmes (reference data)",
    "programme-list": "aid programmes (reference data)",
    "programme-detail": "an aid programme (reference data)",
    "instrument-list": "assessment instruments (reference data)",
    "instrument-detail": "an assessment instrument (reference data)",
    "instrument-export": "an assessment instrument document",
    "privacy:ropa": "the record of processing: data categories",
    "privacy:category-edit": "one data category of the record of processing",
    "data-category-list": "the record of processing: data categories",
    "data-category-detail": "one data category of the record of processing",
    # Blank forms and templates.
    "cases:person-create": "the blank registration form (a duplicate found on POST is logged)",
    "cases:person-import": "the upload form",
    "cases:person-import-template": "an empty spreadsheet template",
    "cases:dtsen-import": "the upload form and the extracts loaded so far (dates and row counts)",
    "privacy:breach-create": "the blank breach form",
    # Counts only: no name, no record id; every count links to the (logged) person list.
    "assistance:programme-detail": "per-office counts and sums of a programme's grants",
    "assessments:effect": "counts of levels before and after assistance",
    "dashboards:home": "counts per category, stage and level",
    "dashboards:export": "the dashboard's counts as a spreadsheet",
    "dashboards:provinces": "counts per province",
    "dashboards:provinces-export": "counts per province as a spreadsheet",
    "dashboards:report-list": "the offices' periodic reports (counts)",
    "dashboards:report-detail": "one periodic report (counts and the office's narrative)",
    # Data breaches are described in aggregate (affected count, categories), never by person.
    "privacy:breach-list": "breach incidents (counts and categories)",
    "privacy:breach-detail": "one breach incident (counts and categories)",
    # Sinergi: ministries' action plans, agreements and addenda; no person is part of them.
    "sinergi:dashboard": "action plan counts and budgets",
    "sinergi:plan-list": "ministries' action plans",
    "sinergi:plan-create": "the blank action plan form",
    "sinergi:plan-import": "the upload form",
    "sinergi:plan-detail": "one action plan",
    "sinergi:plan-edit": "one action plan's form",
    "sinergi:agreement-list": "agreements between ministries",
    "sinergi:agreement-detail": "one agreement",
    "sinergi:addendum-create": "the blank addendum form",
    "sinergi:addendum-list": "addenda to action plans",
    "sinergi:addendum-detail": "one addendum",
    "ministry-list": "ministries (reference data)",
    "ministry-detail": "one ministry (reference data)",
    "action-plan-list": "ministries' action plans",
    "action-plan-detail": "one action plan",
    "action-plan-realisations": "one action plan's realisations",
    "addendum-list": "addenda to action plans",
    "addendum-detail": "one addendum",
}


def _reachable_by_people_roles(route: Route) -> bool:
    declared = policy.action(route.action)
    if route.public:
        return False
    return declared.open_to_all or bool(PEOPLE_ROLE_NAMES & declared.roles)


READ_ROUTES = [
    r
    for r in ROUTES.values()
    if "GET" in r.methods and _reachable_by_people_roles(r) and r.view_name not in NO_PERSON_DATA
]
# Who walks a route: the first of these its registry entry allows (all of them see the matrix person).
READERS = [
    (roles.SUPERVISOR, "banten_kabid"),
    (roles.PENDAMPING, "banten_pendamping"),
    (roles.ASESOR, "asesor"),
    (roles.KOORDINATOR, "koordinator"),
    (roles.DPO, "dpo"),
]
# Query strings a route needs to show anything at all.
QUERY: dict[str, Any] = {
    "cases:person-similar": lambda person: {"full_name": person.full_name, "birth_date": person.birth_date.isoformat()},
}


# A draft assessment is read only by its author (and the supervisors of the author's office): its page is
# walked as the demo asesor who wrote it.
SUBJECT_READER = {"assessment": "asesor"}


def _reader(route: Route) -> str:
    if route.subject in SUBJECT_READER:
        return SUBJECT_READER[route.subject]
    declared = policy.action(route.action)
    if route.subject == "assessment":
        return "asesor"  # the matrix assessment is a draft, which only its author reads
    if declared.open_to_all:
        return READERS[0][1]
    return next(attr for role, attr in READERS if role in declared.roles)


def _url(route: Route, subjects: Subjects) -> str:
    if route.subject is None:
        return reverse(route.view_name)
    kwarg = SUBJECT_URL_KWARG.get(route.subject, "pk")
    return reverse(route.view_name, kwargs={kwarg: subjects[route.subject].pk})


def test_the_exclusions_name_registered_get_routes():
    stale = [name for name in NO_PERSON_DATA if name not in ROUTES or "GET" not in ROUTES[name].methods]
    assert stale == []


def _body(response) -> str:
    if response.streaming:
        return ""  # files: spreadsheets and PDFs
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("route", READ_ROUTES, ids=lambda r: r.view_name)
def test_every_get_route_showing_person_data_logs_the_read(route: Route, cast, client_for, base_data):
    subjects = Subjects(PersonFactory.create(full_name="Subjek Matriks"))
    if route.subject is None:  # a list: every kind of record of the person, so that it has rows to show
        for kind in ("case", "household", "grant", "assessment", "document", "subject_request", "legal_hold"):
            subjects[kind]
    url = _url(route, subjects)
    user = getattr(cast, _reader(route))
    query = QUERY.get(route.view_name, lambda person: {})(subjects.person)
    last = _last_id()

    response = client_for(user).get(url, query)

    assert response.status_code == 200, f"{route.view_name}: {response.status_code}"
    rows = _rows_since(last, user, url)
    assert rows, f"{route.view_name} ({url}) showed person-linked data to {user.username} and logged nothing"
    if "Subjek Matriks" in _body(response):
        assert any(r.object_id or r.person_id for r in rows), f"{route.view_name} logged none of the records shown"


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES.values() if r.methods & {"POST", "PATCH"} and _reachable_by_people_roles(r)],
    ids=lambda r: r.view_name,
)
def test_every_form_refused_and_shown_again_logs_the_person_it_shows(route: Route, cast, client_for, base_data):
    """POST routes with an empty body: a page rendered again with the refusal that names the person is a
    read of the person like any other."""
    subjects = Subjects(PersonFactory.create(full_name="Subjek Matriks"))
    user = getattr(cast, _reader(route))
    url = _url(route, subjects)
    last = _last_id()

    method = "post" if "POST" in route.methods else "patch"
    response = getattr(client_for(user), method)(url, **({"content_type": JSON} if route.api else {}))

    if response.status_code < 400 or "Subjek Matriks" not in _body(response):
        return  # done (a redirect, an API answer about the write), or nothing of the person shown
    assert _rows_since(last, user, url), f"{route.view_name} showed the person again after a refusal, unlogged"
