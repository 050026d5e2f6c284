"""Schemathesis against the OpenAPI schema the app serves at /api/schema/: every operation, as a signed-in
user whose role the route registry allows, with path parameters that sometimes name a real in-scope record.

Every check is on (no 5xx, only documented status codes, bodies and headers as documented, JSON where JSON
is promised, invalid data refused) but one: "schema-valid data is accepted" cannot hold for an API whose
bodies name other records, since a well-formed id or region code that does not exist is rightly refused
with 400. FUZZ_EXAMPLES sets the examples per operation (100 by default)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.db.models import Model
from django.urls import resolve
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from napiter import policy
from napiter.accounts import roles
from napiter.routes import ROUTES, Route
from napiter.wsgi import application
from tests.factories import PersonFactory
from tests.platform.test_route_registry import SUBJECT_URL_KWARG, USER_FOR_ROLE, Subjects

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Per operation, the first of these roles the registry allows: the case worker reaches deepest into person
# records, the coordinator before the planner so that reviews of plans run rather than stop at the refusal.
ROLE_PREFERENCE = (
    roles.PENDAMPING, roles.SUPERVISOR, roles.ASESOR, roles.KOORDINATOR, roles.PERENCANA, roles.DPO, roles.AUDITOR,
)  # fmt: skip


def _route(path: str) -> Route:
    concrete = path.replace("{id}", "1").replace("{code}", "36")
    return ROUTES[resolve(concrete).view_name]


def _username_for(route: Route) -> str | None:
    """The user the operation is fuzzed as: none for public operations (the token endpoint), else one whose
    role the registry allows. Tokens stand in for two-step verification: the API issues them only after a
    TOTP check, and token requests skip the session's check."""
    declared = policy.action(route.action)
    if route.public:
        return None
    if declared.open_to_all:
        return USER_FOR_ROLE[roles.PENDAMPING]
    role = next(r for r in ROLE_PREFERENCE if r in declared.roles)
    return USER_FOR_ROLE[role]


def _subject(kind: str) -> Model:
    made: Model = Subjects(PersonFactory.create(full_name="Subjek Fuzz"))[kind]
    return made


def _path_is_valid(case) -> bool:
    """A case whose path parameters are meant to be invalid keeps them: naming a real record would make the
    request valid while the checks still expect it refused."""
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta is not None else None
    return component is None or component.mode == GenerationMode.POSITIVE


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Serve requests through the WSGI app as Django's test client does: without closing the database
    connection at the end of each request, which would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(base_data):
    """The in-scope records made for this operation, kept across its examples (each example rolls back)."""
    return {}


@schema.parametrize()
@schema.given(use_record=st.booleans())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_api_operation(case, use_record, cast, records):
    route = _route(case.operation.path)
    headers = {}
    username = _username_for(route)
    if username is not None:
        user = getattr(cast, username)
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    if use_record and route.subject is not None and _path_is_valid(case):
        if route.subject not in records:
            records[route.subject] = _subject(route.subject)
        record = records[route.subject]
        case.path_parameters = {**(case.path_parameters or {}), SUBJECT_URL_KWARG.get(route.subject, "id"): record.pk}
    with transaction.atomic():
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
        transaction.set_rollback(True)
