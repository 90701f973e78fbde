"""Bad input: a 4xx problem+json with field messages, never a 500, and the log unchanged."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

LONG = "长" * 101

CASES = [
    # (name, method, path-template, body or raw, extra headers, status, field)
    (
        "unknown field",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "{district}", "colour": "red"},
        {},
        422,
        "colour",
    ),
    (
        "wrong type",
        "post",
        "/api/v1/org-units",
        {
            "kind": "compound",
            "code": "Q",
            "name": "x",
            "parent_id": "{community}",
            "compound_type": "open",
            "households": "many",
        },
        {},
        422,
        "households",
    ),
    (
        "missing field",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9"},
        {},
        422,
        "name",
    ),
    (
        "oversize string",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": LONG, "parent_id": "{district}"},
        {},
        422,
        "name",
    ),
    (
        "bad uuid",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "not-a-uuid"},
        {},
        422,
        "parent_id",
    ),
    (
        "unknown parent",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": str(uuid.uuid4())},
        {},
        422,
        "parent_id",
    ),
    (
        "wrong parent kind",
        "post",
        "/api/v1/org-units",
        {
            "kind": "compound",
            "code": "Q",
            "name": "x",
            "parent_id": "{district}",
            "compound_type": "open",
        },
        {},
        422,
        "parent_id",
    ),
    (
        "compound without type",
        "post",
        "/api/v1/org-units",
        {"kind": "compound", "code": "Q", "name": "x", "parent_id": "{community}"},
        {},
        422,
        "compound_type",
    ),
    (
        "unknown enum",
        "post",
        "/api/v1/org-units",
        {"kind": "village", "code": "V", "name": "x"},
        {},
        422,
        "kind",
    ),
    (
        "negative households",
        "post",
        "/api/v1/org-units",
        {
            "kind": "compound",
            "code": "Q",
            "name": "x",
            "parent_id": "{community}",
            "compound_type": "open",
            "households": -1,
        },
        {},
        422,
        "households",
    ),
    (
        "malformed json",
        "post",
        "/api/v1/org-units",
        b"{not json",
        {"Content-Type": "application/json"},
        400,
        None,
    ),
    ("json array body", "post", "/api/v1/org-units", [1, 2], {}, 422, None),
    (
        "wrong content type",
        "post",
        "/api/v1/org-units",
        b"kind=street",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        None,
    ),
    (
        "bad If-Match",
        "patch",
        "/api/v1/org-units/{community}",
        {"name": "y"},
        {"If-Match": "yesterday"},
        422,
        "If-Match",
    ),
    (
        "future Occurred-At",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "{district}"},
        {"Occurred-At": "2999-01-01T00:00:00+08:00"},
        422,
        "Occurred-At",
    ),
    (
        "naive Occurred-At",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "{district}"},
        {"Occurred-At": "2020-01-01T00:00:00"},
        422,
        "Occurred-At",
    ),
    (
        "ancient Occurred-At",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "{district}"},
        {"Occurred-At": "0001-01-01T00:00:00+14:00"},
        422,
        "Occurred-At",
    ),
    (
        "If-Match of 5000 digits",
        "patch",
        "/api/v1/org-units/{community}",
        {"name": "y"},
        {"If-Match": '"' + "9" * 5000 + '"'},
        422,
        "If-Match",
    ),
    (
        "If-Match in other digits",
        "patch",
        "/api/v1/org-units/{community}",
        {"name": "y"},
        {"If-Match": '"١"'},
        422,
        "If-Match",
    ),
    ("bad query param", "get", "/api/v1/org-units?per_page=100000", None, {}, 422, "per_page"),
    ("unknown query param", "get", "/api/v1/org-units?colour=red", None, {}, 422, "colour"),
    ("bad path uuid", "get", "/api/v1/org-units/123", None, {}, 404, None),
    ("unknown unit", "get", f"/api/v1/org-units/{uuid.uuid4()}", None, {}, 404, None),
    (
        "oversize idempotency key",
        "post",
        "/api/v1/org-units",
        {"kind": "street", "code": "S9", "name": "x", "parent_id": "{district}"},
        {"Idempotency-Key": "k" * 300},
        422,
        "Idempotency-Key",
    ),
]


def _fill(value: Any, ids: dict) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    "name,method,path,body,headers,status,field", CASES, ids=[c[0] for c in CASES]
)
def test_bad_input(
    client: Any,
    auth: Any,
    tree: dict,
    system: Any,
    name: str,
    method: str,
    path: str,
    body: Any,
    headers: dict,
    status: int,
    field: str | None,
) -> None:
    head = system.app.recorder.max_notification_id()
    kwargs: dict[str, Any] = {"headers": {**auth("district_admin"), **headers}}
    if isinstance(body, bytes):
        kwargs["data"] = body
    elif body is not None:
        kwargs["json"] = _fill(body, tree)
    response = getattr(client, method)(_fill(path, tree), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["status"] == status and problem["title"]
    if field:
        assert field in problem.get("errors", {}), problem
    assert system.app.recorder.max_notification_id() == head


def test_oversize_body_is_413(client: Any, auth: Any, tree: dict, system: Any) -> None:
    head = system.app.recorder.max_notification_id()
    response = client.post(
        "/api/v1/org-units",
        data=b'{"name": "' + b"x" * 300_000 + b'"}',
        headers={**auth("district_admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert system.app.recorder.max_notification_id() == head
