"""The registry over HTTP: commands, queries, read-your-writes, ETags, authz."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import register


def test_register_then_read_your_write(client: Any, auth: Any, tree: dict) -> None:
    created = register(
        client,
        auth("district_admin"),
        kind="compound",
        code="Q1",
        name="华黎小区",
        parent_id=tree["community"],
        compound_type="resettlement",
        households=800,
    )
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    body = client.get(
        f"/api/v1/org-units/{created.json['id']}",
        query_string={"min_position": created.json["position"]},
        headers=auth("resident"),
    ).json
    assert body["name"] == "华黎小区"
    assert body["street_id"] == tree["street"] and body["community_id"] == tree["community"]
    assert body["management_focus"] == {"zh": "化解矛盾问题", "en": "resolving conflicts"}


def test_list_filters_by_street(client: Any, auth: Any, tree: dict) -> None:
    reader = auth("auditor")
    last = register(
        client,
        auth("district_admin"),
        kind="compound",
        code="Q9",
        name="明星小区",
        parent_id=tree["other_community"],
        compound_type="open",
    ).json
    page = client.get(
        "/api/v1/org-units",
        headers=reader,
        query_string={"street_id": tree["street"], "min_position": last["position"]},
    ).json
    assert {u["code"] for u in page["items"]} == {"S01", "C01"}
    assert page["total"] == 2


def test_rename_with_stale_if_match_is_refused(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    admin = auth("district_admin")
    url = f"/api/v1/org-units/{tree['community']}"
    first = client.patch(url, json={"name": "华黎社区(新)"}, headers={**admin, "If-Match": '"1"'})
    # version 1 was the registration; the community has no children yet, so 1 is current
    assert first.status_code == 200, first.json
    head = system.app.recorder.max_notification_id()
    stale = client.patch(url, json={"name": "又一个名字"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert system.app.recorder.max_notification_id() == head


def test_idempotent_retry_returns_first_result_and_stores_nothing(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    admin = {**auth("district_admin"), "Idempotency-Key": "reg-q1"}
    body = {
        "kind": "compound",
        "code": "Q1",
        "name": "一号",
        "parent_id": tree["community"],
        "compound_type": "open",
    }
    first = client.post("/api/v1/org-units", json=body, headers=admin)
    head = system.app.recorder.max_notification_id()
    again = client.post("/api/v1/org-units", json=body, headers=admin)
    assert again.status_code == 201 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/org-units", json={**body, "name": "二号"}, headers=admin)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_duplicate_natural_key_is_a_conflict(client: Any, auth: Any, tree: dict) -> None:
    again = register(
        client,
        auth("district_admin"),
        kind="street",
        code="S01",
        name="重复",
        parent_id=tree["district"],
    )
    assert again.status_code == 409 and again.json["code"] == "already_exists"


def test_closing_a_unit_with_open_children_is_refused(client: Any, auth: Any, tree: dict) -> None:
    refused = client.post(
        f"/api/v1/org-units/{tree['street']}/close",
        json={"reason": "merge"},
        headers=auth("district_admin"),
    )
    assert refused.status_code == 409 and refused.json["code"] == "invalid_transition"


def test_move_compound_updates_ancestry(client: Any, auth: Any, tree: dict) -> None:
    admin = auth("district_admin")
    compound = register(
        client,
        admin,
        kind="compound",
        code="Q1",
        name="一号",
        parent_id=tree["community"],
        compound_type="open",
    ).json
    register(client, admin, kind="grid", code="G1", name="一号网格", parent_id=compound["id"])
    moved = client.post(
        f"/api/v1/org-units/{compound['id']}/move",
        json={"community_id": tree["other_community"]},
        headers=admin,
    ).json
    grids = client.get(
        "/api/v1/org-units",
        headers=admin,
        query_string={"kind": "grid", "min_position": moved["position"]},
    ).json["items"]
    assert grids[0]["community_id"] == tree["other_community"]
    assert grids[0]["street_id"] == tree["other_street"]
