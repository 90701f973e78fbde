"""What the OpenAPI document says of every operation, written in one place (an apispec
plugin) so a new endpoint gets it without asking: an operationId, the problem+json answer
for each error status it can give, the headers it takes and returns, an example body.

What an operation can answer follows from how it is built: `require` (security) gives 401
and 403; a path parameter or an `…_id` in the query 404 (unknown, or outside the caller's
read scope); a command (any method but GET) 404 and 409 (a rule of the aggregate), 413 and
415 (its body); `min_position` 409; a view calling `expected_version()`
reads If-Match (412); a view calling `with_etag()` answers ETag (304 on If-None-Match).
An operation that documents error answers of its own (Open311's GeoReport errors, which
map statuses the spec's way) documents all of them: nothing is added to it.
Every request may carry headers and a query string the server checks (400, 414, 422, 431),
and may find the database unable to take it (503, with Retry-After)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import Rule

from api.examples import body_example
from api.problems import PROBLEM

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names each refused field.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Unprocessable Entity"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string", "example": "the request has invalid fields"},
        "code": {"type": "string", "description": "a stable code of the domain rule refused"},
        "errors": {
            "type": "object",
            "description": "messages per field (`_json` for the body as a whole)",
            "additionalProperties": {},
            "example": {"description": ["Shorter than minimum length 1."]},
        },
    },
}

STRING = {"type": "string"}
SHORT = {"type": "string", "minLength": 1, "maxLength": 200}
TAG = {"type": "string", "example": '"3"'}
REQUEST_HEADERS: dict[str, tuple[dict[str, Any], str]] = {
    "X-Correlation-Id": (SHORT, "Carried by every event this request records (1-200 chars)."),
    "Idempotency-Key": (SHORT, "A retry with the same key answers the first result."),
    "Occurred-At": (
        {"type": "string", "format": "date-time"},
        "When it happened (ISO 8601 with offset), not after now, not before 1900-01-01.",
    ),
    "X-Causation-Id": (SHORT, "The id of what caused this command."),
    "X-Channel": (SHORT, "The channel the command came in by (default `api`)."),
    "If-Match": (TAG, 'Refuse the command unless the resource is at this version ("*" any).'),
    "If-None-Match": (TAG, "Answer 304 with no body if the resource is at this version."),
}
RESPONSE_HEADERS: dict[str, tuple[dict[str, Any], str]] = {
    "ETag": (TAG, "The resource's version as an entity tag."),
    "Location": (STRING, "Where the created resource is read."),
    "Idempotent-Replayed": (STRING, "`true` when this answers an earlier request's key."),
    "Retry-After": (STRING, "Seconds to wait before retrying."),
    "X-Read-Model-Position": (STRING, "The position the read model has reached."),
    "WWW-Authenticate": (STRING, "The scheme to authenticate with (Bearer)."),
}
# What request_limits and request_context check on every request: headers (400 with a control
# character, 431 too large, 422 ill-formed), the query string's length (414).
EVERY_REQUEST = (400, 414, 422, 431, 503)
COMMAND_HEADERS = ("Idempotency-Key", "Occurred-At", "X-Causation-Id", "X-Channel")
FLASK_SMOREST_ERRORS = re.compile(r"^[A-Z_]+$")  # "UNPROCESSABLE_CONTENT", "DEFAULT_ERROR"


class ContractPlugin(BasePlugin):
    """Completes every operation as it is added to the document."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.spec: APISpec | None = None

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        spec.components.schema("Problem", PROBLEM_SCHEMA)
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin) and plugin.converter is not None:
                plugin.converter.add_attribute_function(numeric_bounds)  # type: ignore[no-untyped-call]
        for name, (schema, text) in RESPONSE_HEADERS.items():
            spec.components.header(name, {"schema": schema, "description": text})

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        rule: Rule = kwargs["rule"]
        for method, operation in (operations or {}).items():
            view = self._view(rule.endpoint, method)
            operation["operationId"] = operation_id(rule.endpoint, method)
            self._complete(operation, method, rule, calls(view))

    def _view(self, endpoint: str, method: str) -> Callable[..., Any]:
        view = self.app.view_functions[endpoint]
        view_class = getattr(view, "view_class", None)
        found: Callable[..., Any] = getattr(view_class, method) if view_class else view
        return found

    def _complete(
        self, operation: dict[str, Any], method: str, rule: Rule, names: set[str]
    ) -> None:
        documented = operation.get("responses", {}).items()
        responses = {str(s): answer for s, answer in documented if not _smorest_error(answer)}
        operation["responses"] = responses
        command = method != "get"
        headers = ["X-Correlation-Id", *(COMMAND_HEADERS if command else ())]
        if "expected_version" in names:
            headers.append("If-Match")
        if "with_etag" in names:
            headers.append("If-None-Match")
            responses["304"] = {"description": "Not Modified", "headers": _headers("ETag")}
        if not own_error_content(responses):
            for status in sorted(error_statuses(operation, command, rule, names)):
                responses.setdefault(str(status), problem_response(status))
        operation.setdefault("parameters", []).extend(header_parameter(h) for h in headers)
        _success_headers(responses, command, "with_etag" in names)
        self._example(operation)

    def _example(self, operation: dict[str, Any]) -> None:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            if self.spec is not None and "example" not in media:
                media["example"] = body_example(media["schema"], self.spec.components.schemas)


def own_error_content(responses: dict[str, Any]) -> dict[str, Any] | None:
    """The error shape a view documents itself (Open311's GeoReport errors), if any."""
    for status, answer in sorted(responses.items()):
        if status.startswith("4") and isinstance(answer, dict) and answer.get("content"):
            content: dict[str, Any] = answer["content"]
            return content
    return None


def error_statuses(
    operation: dict[str, Any], command: bool, rule: Rule, names: set[str]
) -> set[int]:
    """The errors an operation can answer, from its shape (see the module's docstring)."""
    statuses = set(EVERY_REQUEST)
    if operation.get("security"):
        statuses |= {401, 403}
    names_a_resource = any(p.get("name", "").endswith("_id") for p in query_parameters(operation))
    if rule.arguments or command or names_a_resource:
        statuses.add(404)
    if command:
        statuses |= {409, 413, 415}
    if any(p.get("name") == "min_position" for p in query_parameters(operation)):
        statuses.add(409)
    if "expected_version" in names:
        statuses.add(412)
    return statuses


def numeric_bounds(_converter: Any, _field: Any, ret: dict[str, Any]) -> dict[str, Any]:
    """A Decimal bound (of money) as a JSON number, not the string JSON would make of it."""
    return {
        key: int(value) if value == value.to_integral_value() else float(value)
        for key, value in ret.items()
        if isinstance(value, Decimal)
    }


def query_parameters(operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p.get("in") == "query"]


def operation_id(endpoint: str, method: str) -> str:
    """`service_issues.ServiceIssueResource` + get -> `service_issues_service_issue_resource_get`."""
    blueprint, _, view = endpoint.partition(".")
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", view).lower()
    return f"{blueprint}_{snake}_{method}"


def calls(view: Callable[..., Any]) -> set[str]:
    """The global names the view's own code uses (what decides some of its answers)."""
    code = getattr(inspect.unwrap(view), "__code__", None)
    return set(code.co_names) if code is not None else set()


def header_parameter(name: str) -> dict[str, Any]:
    """Written out in each operation (not a $ref), as its other parameters are."""
    schema, text = REQUEST_HEADERS[name]
    return {"name": name, "in": "header", "required": False, "schema": schema, "description": text}


def problem_response(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 401:
        answer["headers"] = _headers("WWW-Authenticate")
    if status == 409:
        answer["headers"] = _headers("Retry-After", "X-Read-Model-Position")
    return answer


def _success_headers(responses: dict[str, Any], command: bool, etag: bool) -> None:
    for status, answer in responses.items():
        if not status.startswith("2"):
            continue
        if command:
            names = ["ETag", "Idempotent-Replayed"] + (["Location"] if status == "201" else [])
            answer.setdefault("headers", {}).update(_headers(*names))
        elif etag:
            answer.setdefault("headers", {}).update(_headers("ETag"))


def _headers(*names: str) -> dict[str, Any]:
    return {name: _ref("headers", name) for name in names}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _smorest_error(answer: Any) -> bool:
    return isinstance(answer, str) and bool(FLASK_SMOREST_ERRORS.match(answer))
