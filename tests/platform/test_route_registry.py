"""Every route is in the registry, and every registered route behaves as the registry says for an
in-scope user, an out-of-scope user and an anonymous visitor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from cases.models import Person
from napiter import policy
from napiter.accounts import roles
from napiter.routes import ROUTES, SELF_GUARDED_NAMESPACES, Route
from sinergi.models import Ministry
from tests.assessments.factories import demo_instrument_for_matrix, draft_assessment_for_matrix
from tests.assistance.factories import ProgrammeFactory, grant_for_matrix, monitoring_photo_for_matrix
from tests.dashboards.factories import periodic_report_for_matrix
from tests.documents.factories import signed_case_report_for_matrix, verification_code_for_matrix
from tests.factories import CaseFactory, PersonFactory, person_photo_for_matrix, visit_photo_for_matrix
from tests.privacy.factories import (
    breach_for_matrix,
    data_category_for_matrix,
    legal_hold_for_matrix,
    subject_request_for_matrix,
)
from tests.sinergi.factories import addendum_for_matrix, agreement_for_matrix, submitted_plan_for_matrix

pytestmark = pytest.mark.django_db


def _named_routes(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in SELF_GUARDED_NAMESPACES:
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= _named_routes(p.url_patterns, ns)
        elif p.name is None:
            names.add(f"<unnamed {p.pattern}>")
        elif not p.name.endswith("-root") or p.name == "api-root":
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_route_is_registered():
    routes = _named_routes(get_resolver().url_patterns)
    # DRF's format-suffix and router helper routes share names with the registered ones.
    missing = sorted(routes - set(ROUTES))
    assert missing == [], f"routes without a registry entry in napiter/routes.py: {missing}"


def test_registry_has_no_stale_entries():
    routes = _named_routes(get_resolver().url_patterns)
    assert sorted(set(ROUTES) - routes) == []


def test_every_api_operation_is_registered_with_its_method():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = []
    for path, operations in schema["paths"].items():
        concrete = path.replace("{id}", "1").replace("{code}", "36")
        view_name = resolve(concrete).view_name
        route = ROUTES.get(view_name)
        for method in operations:
            if route is None or method.upper() not in route.methods:
                problems.append(f"{method.upper()} {path} ({view_name})")
    assert problems == [], f"API operations missing from the registry: {problems}"


# --- the matrix -------------------------------------------------------------------------------------

USER_FOR_ROLE = {
    roles.PENDAMPING: "banten_pendamping",
    roles.SUPERVISOR: "banten_kabid",
    roles.KOORDINATOR: "koordinator",
    roles.ASESOR: "asesor",
    roles.PERENCANA: "kemenag_perencana",
    roles.AUDITOR: "auditor",
    roles.DPO: "dpo",
}
# Same role, other territory: sees the route, not the Banten record. Every role with a territory (the others
# are national by design).
OUT_OF_SCOPE_FOR_ROLE = {roles.PENDAMPING: "kaltim_pendamping", roles.SUPERVISOR: "kaltim_supervisor"}


def _url(route: Route, subjects: dict[str, object]) -> str:
    from django.urls import reverse

    kwargs = {SUBJECT_URL_KWARG.get(route.subject, "pk"): subjects[route.subject].pk} if route.subject else {}  # type: ignore[attr-defined]
    return reverse(route.view_name, kwargs=kwargs)


def _call(client, route: Route, url: str):
    method = "get" if "GET" in route.methods else "post"
    return getattr(client, method)(url, **({"content_type": "application/json"} if route.api else {}))


def _app_routes() -> list[Route]:
    return [r for r in ROUTES.values() if r.view_name not in {"logout", "set_language", "login", "api-token"}]


# One record of each kind a route can name, all belonging to the Banten person "Subjek Matriks". A new kind
# of subject adds its factory here.
SUBJECT_FACTORIES: dict[str, Callable[[Person], Any]] = {
    "person": lambda person: person,
    "case": lambda person: CaseFactory(person=person),
    "region": lambda person: person.domicile_region,
    "household": lambda person: _household_of(person),
    "document": signed_case_report_for_matrix,
    "verification": verification_code_for_matrix,  # after "document": the public code of that document
    "instrument": demo_instrument_for_matrix,
    "assessment": draft_assessment_for_matrix,
    "action_plan": lambda person: submitted_plan_for_matrix(region=person.domicile_region),
    "agreement": lambda person: agreement_for_matrix(),
    "addendum": lambda person: addendum_for_matrix(),  # after "agreement": a proposed change to its plan
    "ministry": lambda person: Ministry.objects.get(code="kemenag"),
    "programme": lambda person: ProgrammeFactory(),
    "grant": grant_for_matrix,
    "periodic_report": periodic_report_for_matrix,
    "subject_request": subject_request_for_matrix,
    "legal_hold": legal_hold_for_matrix,
    "breach": breach_for_matrix,
    "data_category": data_category_for_matrix,
    "person_photo": person_photo_for_matrix,
    "grant_photo": lambda person: person.grants.get(),  # the "grant" subject, which has its photo and signature
    "grant_signature": lambda person: person.grants.get(),
    "monitoring_photo": monitoring_photo_for_matrix,
    "visit_photo": visit_photo_for_matrix,
}


def _household_of(person):
    from tests.factories import HouseholdFactory

    person.household = HouseholdFactory()
    person.save(update_fields=["household"])
    return person.household


SUBJECT_URL_KWARG = {"region": "code", "verification": "code"}
# Reference data is the same for everyone; these subjects belong to a person and follow the person's scope.
SCOPED_SUBJECTS = {
    "person", "case", "household", "document", "action_plan", "agreement", "assessment", "grant", "person_photo",
    "visit_photo", "grant_photo", "grant_signature", "monitoring_photo", "addendum", "subject_request",
    "periodic_report",
}  # fmt: skip
# Routes a role may reach where the service itself refuses the action with 403 (the API's promise for a
# K/L planner approving or returning their own plan).
REFUSED_BY_SERVICE = {
    ("action-plan-approve", roles.PERENCANA), ("action-plan-return", roles.PERENCANA),
    ("addendum-approve", roles.PERENCANA), ("addendum-return", roles.PERENCANA),
}  # fmt: skip
# Roles let through document routes for the sinergi kinds, to whom a person's document stays out of scope.
# The matrix's document is a case report: neither the K/L planner nor the DPO (who reaches people only through
# subject requests, napiter/policy) reads it, though both hold document.view for documents of their own.
NEVER_SEES_PEOPLE = {roles.PERENCANA, roles.DPO}
# The matrix's assessment is a draft by the demo asesor: only its author reads it (and the supervisors of the
# author's office, BNPT's, not the Banten supervisor of the matrix).
DRAFT_READERS = {roles.ASESOR}


# Subjects whose factory builds on another subject of the same person.
SUBJECT_NEEDS = {
    "verification": "document",
    "addendum": "agreement",
    "grant_photo": "grant",
    "grant_signature": "grant",
    "monitoring_photo": "grant",
}


class Subjects(dict[str, Any]):
    """The records of one person, each made the first time it is asked for (after what it builds on): a test
    of one route pays only for the record that route names."""

    def __init__(self, person: Person) -> None:
        super().__init__(person=person)
        self.person = person

    def __missing__(self, kind: str) -> Any:
        needed = SUBJECT_NEEDS.get(kind)
        if needed is not None:
            self[needed]  # made first: this kind's factory reads it from the database
        made = SUBJECT_FACTORIES[kind](self.person)
        self[kind] = made
        return made


@pytest.fixture
def subject(base_data) -> Subjects:
    return Subjects(PersonFactory.create(full_name="Subjek Matriks"))


@pytest.fixture
def every_subject(subject: Subjects) -> Subjects:
    """Every kind of record of the matrix person: lists and exports have something to leak."""
    for kind in SUBJECT_FACTORIES:
        subject[kind]  # made on first access
    return subject


@pytest.mark.parametrize("route", _app_routes(), ids=lambda r: r.view_name)
def test_anonymous(route: Route, client, subject):
    response = _call(client, route, _url(route, subject))
    if route.public:
        assert response.status_code in (200, 405)
    elif route.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert "/masuk/" in response["Location"]


@pytest.mark.parametrize("route", _app_routes(), ids=lambda r: r.view_name)
@pytest.mark.parametrize("role", list(USER_FOR_ROLE))
def test_each_role(route: Route, role: str, cast, client_for, subject):
    user = getattr(cast, USER_FOR_ROLE[role])
    response = _call(client_for(user), route, _url(route, subject))
    declared = policy.action(route.action)
    allowed = declared.open_to_all or role in declared.roles
    if (route.view_name, role) in REFUSED_BY_SERVICE:
        assert response.status_code == 403, f"{role} on {route.view_name}: {response.status_code}"
    elif allowed and route.subject == "document" and role in NEVER_SEES_PEOPLE:
        assert response.status_code == 404, f"{role} must not see a person's document via {route.view_name}"
    elif allowed and route.subject == "assessment" and role not in DRAFT_READERS:
        assert response.status_code == 404, f"{role} must not read another's draft via {route.view_name}"
    elif not allowed:
        assert response.status_code == 404, f"{role} must not reach {route.view_name}"
    else:
        # POST routes get an empty body: a validation answer, or the redirect back to the page the form sits
        # on, proves the user got through to the view.
        expected = (200,) if "GET" in route.methods else (200, 302, 400, 409)
        assert response.status_code in expected, f"{role} on {route.view_name}: {response.status_code}"
        if response.status_code == 302:
            assert "/masuk/" not in response["Location"]
        if route.subject == "person" and response.status_code == 200 and "GET" in route.methods:
            assert "Subjek Matriks" in response.content.decode()


@pytest.mark.parametrize("route", [r for r in _app_routes() if r.subject in SCOPED_SUBJECTS], ids=lambda r: r.view_name)
@pytest.mark.parametrize("role", list(OUT_OF_SCOPE_FOR_ROLE))
def test_out_of_scope_record_is_404(route: Route, role: str, cast, client_for, subject, request):
    name = OUT_OF_SCOPE_FOR_ROLE[role]
    user = getattr(cast, name, None) or request.getfixturevalue(name)
    response = _call(client_for(user), route, _url(route, subject))
    assert response.status_code == 404
    assert "Subjek Matriks" not in response.content.decode()


@pytest.mark.parametrize("view_name", ["cases:person-list", "person-list"])
def test_out_of_scope_lists_do_not_show_the_record(view_name, cast, client_for, every_subject):
    from django.urls import reverse

    response = client_for(cast.kaltim_pendamping).get(reverse(view_name))
    assert response.status_code == 200
    assert "Subjek Matriks" not in response.content.decode()


def test_unregistered_route_fails_closed(cast, client_for, settings):
    """A view that someone forgot to register is unreachable, not open."""
    from django.urls import path

    from napiter import urls as project_urls

    def forgotten(request):
        from django.http import HttpResponse

        return HttpResponse("rahasia")

    settings.ROOT_URLCONF = type(
        "Conf", (), {"urlpatterns": [path("lupa/", forgotten, name="forgotten"), *project_urls.urlpatterns]}
    )
    response = client_for(cast.koordinator).get("/lupa/")
    assert response.status_code == 404
    assert b"rahasia" not in response.content


def _text_of(response) -> str:
    """The response as text; a spreadsheet export is unzipped so that its cells are searched too."""
    import io
    import zipfile

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode(errors="replace") for n in archive.namelist() if n.endswith(".xml"))
    return body.decode(errors="replace")


LIST_ROUTES = [r for r in _app_routes() if r.subject is None and "GET" in r.methods and not r.public]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.view_name)
@pytest.mark.parametrize("who", ["kaltim_pendamping", "kemenag_perencana"])
def test_lists_searches_exports_and_dashboards_show_no_trace_of_an_out_of_scope_person(
    route: Route, who: str, cast, client_for, every_subject
):
    """Every page or API answer without a record in its URL (lists, search, autocomplete, exports, dashboards,
    document lists) shown to a user outside the Banten person's scope: no name, no NIK, in any format."""
    from django.urls import reverse

    person = every_subject.person
    client = client_for(getattr(cast, who))
    # Search for part of the name: a page may echo the query, never the person it would find.
    response = client.get(reverse(route.view_name), {"q": "Subjek", "cari": "Subjek", "search": "Subjek"})
    text = _text_of(response)
    assert "Subjek Matriks" not in text, f"{who} saw the out-of-scope person via {route.view_name}"
    assert person.nik not in text
