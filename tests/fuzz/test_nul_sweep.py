"""A NUL byte in any path or query parameter of any API operation is refused with a 4xx, never a 5xx:
PostgreSQL cannot hold NUL in text, so a value that reached a query unchecked would fail there."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.fuzz.test_api_fuzz import _route, _username_for

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (method.upper(), path)
    for path, ops in SCHEMA["paths"].items()
    for method, operation in ops.items()
    if "{" in path or any(p["in"] == "query" for p in operation.get("parameters", []))
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_nul_in_parameters_is_refused(method, path, cast, client):
    operation = SCHEMA["paths"][path][method.lower()]
    username = _username_for(_route(path))
    headers = {}
    if username is not None:
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=getattr(cast, username))[0].key}"
    attempts = []
    if "{" in path:
        attempts.append((path.replace("{id}", "%00").replace("{code}", "36%00"), {}))
    query = {p["name"]: "1\x00" for p in operation.get("parameters", []) if p["in"] == "query"}
    if query:
        attempts.append((path.replace("{id}", "1").replace("{code}", "36"), query))
    for target, params in attempts:
        if method == "GET":
            response = client.get(target, params, **headers)
        else:
            response = client.generic(method, target, "{}", content_type="application/json", **headers)
        assert 400 <= response.status_code < 500, (target, params, response.status_code, response.content[:300])
