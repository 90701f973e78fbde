"""Who may call which registry endpoint: the matrix, including scope, and that refusals store nothing."""

from __future__ import annotations

from typing import Any

import pytest

WRITE_ROLES = ["district_admin", "street_officer", "community_officer"]
NEVER_WRITE = ["company_manager", "grid_worker", "owners_committee", "resident", "auditor"]


def _scope(role: str, tree: dict, inside: bool) -> str:
    if role == "street_officer":
        return tree["street"] if inside else tree["other_street"]
    if role == "community_officer":
        return tree["community"] if inside else tree["other_community"]
    return "*"


# (kind registered under tree[parent]) -> roles allowed when in scope
MATRIX = [
    ("street", "district", {"district_admin"}),
    ("community", "street", {"district_admin", "street_officer"}),
    ("compound", "community", {"district_admin", "street_officer", "community_officer"}),
]


@pytest.mark.parametrize("kind,parent,allowed", MATRIX)
@pytest.mark.parametrize("role", WRITE_ROLES + NEVER_WRITE)
def test_register_matrix_in_scope(
    client: Any, auth: Any, tree: dict, system: Any, kind: str, parent: str, allowed: set, role: str
) -> None:
    body = {"kind": kind, "code": f"X-{role}", "name": "新单位", "parent_id": tree[parent]}
    if kind == "compound":
        body["compound_type"] = "open"
    head = system.app.recorder.max_notification_id()
    response = client.post(
        "/api/v1/org-units", json=body, headers=auth(role, scope=_scope(role, tree, inside=True))
    )
    if role in allowed:
        assert response.status_code == 201, response.json
    else:
        assert response.status_code == 403, response.json
        assert response.content_type == "application/problem+json"
        assert system.app.recorder.max_notification_id() == head


@pytest.mark.parametrize("role", ["street_officer", "community_officer"])
def test_out_of_scope_officers_are_refused(
    client: Any, auth: Any, tree: dict, system: Any, role: str
) -> None:
    head = system.app.recorder.max_notification_id()
    response = client.post(
        "/api/v1/org-units",
        json={
            "kind": "compound",
            "code": "Q",
            "name": "小区",
            "parent_id": tree["community"],
            "compound_type": "open",
        },
        headers=auth(role, scope=_scope(role, tree, inside=False)),
    )
    assert response.status_code == 403
    rename = client.patch(
        f"/api/v1/org-units/{tree['community']}",
        json={"name": "改"},
        headers=auth(role, scope=_scope(role, tree, inside=False)),
    )
    assert rename.status_code == 403
    assert system.app.recorder.max_notification_id() == head


@pytest.mark.parametrize("role", WRITE_ROLES + NEVER_WRITE)
def test_every_role_reads(client: Any, auth: Any, tree: dict, role: str) -> None:
    assert client.get("/api/v1/org-units", headers=auth(role)).status_code == 200
    assert client.get(f"/api/v1/org-units/{tree['street']}", headers=auth(role)).status_code == 200


def test_auditor_cannot_move_or_close(client: Any, auth: Any, tree: dict) -> None:
    auditor = auth("auditor")
    assert (
        client.post(
            f"/api/v1/org-units/{tree['community']}/close", json={"reason": "x"}, headers=auditor
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/org-units/{tree['community']}/move",
            json={"community_id": tree["other_community"]},
            headers=auditor,
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer not-a-token", "Basic abc", "Bearer " + "x" * 50]
)
def test_missing_or_bad_tokens_get_401(client: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/org-units", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_token_signed_with_another_secret_is_refused(client: Any) -> None:
    from api.auth import mint_token

    forged = mint_token("some-other-secret", user_id="x", role="district_admin")
    response = client.get("/api/v1/org-units", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
