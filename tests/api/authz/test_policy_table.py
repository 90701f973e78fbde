"""The policy table against the OpenAPI document: one entry per operation (an endpoint added
without one fails, named), the roles each route declares, and a read rule per GET."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access_policy import POLICY, Scope
from api.auth import require
from api.roles import READERS
from tests.api.authz.world import Matrix

METHODS = ("get", "post", "put", "patch", "delete")
ALLOWED = re.compile(r"Allowed roles: ([a-z_, ]+)\.")
# Open311 takes its token as the form's `api_key`: its view checks the role (the write
# matrix holds it to the table) and the document does not name the roles.
API_KEY_OPERATIONS = {"POST /open311/v2/requests.{fmt}"}


def operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": item[method]
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item
    }


def policy_gaps(spec: dict[str, Any]) -> list[str]:
    """What keeps the document and the table apart, one line per operation."""
    documented = set(operations(spec))
    return [
        f"{op}: no entry in api/access_policy.py POLICY" for op in sorted(documented - set(POLICY))
    ] + [f"{op}: in POLICY but not in /openapi.json" for op in sorted(set(POLICY) - documented)]


def declared_roles(operation: dict[str, Any]) -> frozenset[str]:
    found = ALLOWED.search(operation.get("description", ""))
    return frozenset(found.group(1).split(", ")) if found else frozenset()


def test_every_operation_has_exactly_one_policy_entry(matrix: Matrix) -> None:
    assert policy_gaps(matrix.client.get("/openapi.json").json) == []


def test_an_endpoint_added_without_an_entry_is_named(matrix: Matrix) -> None:
    app: Flask = matrix.system.wsgi()
    extra = Blueprint("authz_extra", __name__, url_prefix="/api/v1/extra")

    @extra.route("/things")
    class Things(MethodView):
        @require(*READERS)
        @extra.response(200)
        def post(self) -> dict[str, str]:
            return {}

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(extra)
    spec = app.test_client().get("/openapi.json").json
    assert policy_gaps(spec) == [
        "POST /api/v1/extra/things: no entry in api/access_policy.py POLICY"
    ]


def test_each_entry_has_the_roles_its_route_declares(matrix: Matrix) -> None:
    documented = operations(matrix.client.get("/openapi.json").json)
    differ = {
        op: (sorted(declared_roles(documented[op])), sorted(entry.roles))
        for op, entry in POLICY.items()
        if op in documented
        and op not in API_KEY_OPERATIONS
        and declared_roles(documented[op]) != entry.roles
    }
    assert differ == {}


def test_public_operations_and_only_those_declare_no_bearer_token(matrix: Matrix) -> None:
    documented = operations(matrix.client.get("/openapi.json").json)
    public = {op for op, entry in POLICY.items() if entry.scope is Scope.PUBLIC}
    tokenless = {op for op, doc in documented.items() if not doc.get("security")}
    assert tokenless - API_KEY_OPERATIONS == public


def test_every_read_has_a_read_rule_and_no_write_has_one() -> None:
    reads_without = [op for op, e in POLICY.items() if op.startswith("GET ") and e.read is None]
    writes_with = [op for op, e in POLICY.items() if not op.startswith("GET ") and e.read]
    assert (reads_without, writes_with) == ([], [])
