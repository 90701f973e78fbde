"""The OpenAPI document as a client generator trusts it, for every operation (a new endpoint
is held to it too): a unique operationId; its errors as problem+json, with the statuses its
shape implies; the headers it reads; an example body that its own schema accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from api.open311_format import spec_status

METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM = "application/problem+json"
NOT_PROBLEMS = {("/readyz", "503"): "not ready answers the readiness report itself"}


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json
    return document


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def where(spec: dict[str, Any], wanted: Any) -> list[str]:
    """The operations lacking what `wanted(path, method, operation)` says they need."""
    return [f"{m.upper()} {p}" for p, m, op in operations(spec) if not wanted(p, m, op)]


def params(operation: dict[str, Any], spec: dict[str, Any]) -> dict[str, str]:
    """name -> location of every parameter, references resolved."""
    found = {}
    for param in operation.get("parameters", []):
        if "$ref" in param:
            param = spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        found[param["name"]] = param["in"]
    return found


def test_every_operation_has_a_unique_stable_operation_id(spec: dict[str, Any]) -> None:
    ids = [op.get("operationId", "") for _, _, op in operations(spec)]
    assert (
        where(spec, lambda p, m, op: re.fullmatch(r"[a-z][a-z0-9_]*", op.get("operationId", "")))
        == []
    )
    assert len(ids) == len(set(ids)) > 100


def test_every_operation_documents_its_success_answer(spec: dict[str, Any]) -> None:
    assert where(spec, lambda p, m, op: any(s[0] in "23" for s in op["responses"])) == []


def test_every_error_is_documented_as_problem_json(spec: dict[str, Any]) -> None:
    """Outside Open311 (GeoReport v2 has an error shape of its own, one per operation)."""

    def problems_only(path: str, method: str, op: dict[str, Any]) -> bool:
        errors = [
            answer.get("content")
            for s, answer in op["responses"].items()
            if (s[0] in "45" or s == "default") and (path, s) not in NOT_PROBLEMS
        ]
        problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        if path.startswith("/open311/"):
            return bool(errors) and all(content == errors[0] for content in errors)
        return bool(errors) and all(content == problem for content in errors)

    assert where(spec, problems_only) == []
    assert "Error" not in spec["components"]["schemas"]
    assert not spec["components"].get("responses")
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}


def documents(op: dict[str, Any], *statuses: int) -> bool:
    return all(str(status) in op["responses"] for status in statuses)


def test_each_operation_documents_the_statuses_its_shape_implies(spec: dict[str, Any]) -> None:
    def implied(path: str, method: str, op: dict[str, Any]) -> bool:
        located = params(op, spec).values()
        wants = {400, 414, 422, 431}
        wants |= {401, 403} if op.get("security") else set()
        wants |= {404} if "path" in located or method != "get" else set()
        wants |= {413, 415} if "requestBody" in op else set()
        wants |= {412} if "If-Match" in params(op, spec) else set()
        wants |= {409} if "min_position" in params(op, spec) or method != "get" else set()
        if path.startswith("/open311/"):  # GeoReport answers these the spec's way
            wants = {spec_status(status) for status in wants}
        return documents(op, *wants)

    assert where(spec, implied) == []
    secured = [op for _, _, op in operations(spec) if op.get("security")]
    assert len(secured) > 100


def test_every_operation_documents_the_headers_it_reads(spec: dict[str, Any]) -> None:
    def headers(path: str, method: str, op: dict[str, Any]) -> bool:
        taken = {n for n, where_ in params(op, spec).items() if where_ == "header"}
        wanted = {"X-Correlation-Id"}
        if method != "get":
            wanted |= {"Idempotency-Key", "Occurred-At"}
        return wanted <= taken

    assert where(spec, headers) == []


def test_conditional_headers_are_documented_where_the_server_reads_them(
    spec: dict[str, Any],
) -> None:
    """If-Match on the edits of versioned resources, ETag and If-None-Match on their reads."""
    issue = spec["paths"]["/api/v1/service-issues/{issue_id}"]["get"]
    assert "If-None-Match" in params(issue, spec) and documents(issue, 304)
    assert "ETag" in issue["responses"]["200"]["headers"]
    rename = spec["paths"]["/api/v1/org-units/{unit_id}"]["patch"]
    assert "If-Match" in params(rename, spec) and documents(rename, 412)
    assert "ETag" in rename["responses"]["200"]["headers"]
    report = spec["paths"]["/api/v1/service-issues"]["post"]
    assert "If-Match" not in params(report, spec)
    assert "Location" in report["responses"]["201"]["headers"]


def test_every_command_body_has_an_example_its_schema_accepts(spec: dict[str, Any]) -> None:
    refused = []
    bodies = 0
    for path, method, op in operations(spec):
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            bodies += 1
            schema = {**media["schema"], "components": spec["components"]}
            if "example" not in media:
                refused.append(f"{method.upper()} {path}: no example")
            elif not jsonschema_rs.Draft4Validator(schema).is_valid(media["example"]):
                refused.append(f"{method.upper()} {path} ({media_type}): {media['example']}")
    assert refused == []
    assert bodies > 50
