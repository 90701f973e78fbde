"""Org scope from the closure read model: units registered or moved a moment ago are found
where the registry has them, an unknown unit is a 422 on the named field, and no scope check
replays a write-side aggregate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from api.scope import org_ancestry, org_unit_kind
from tests.api.conftest import register


def _compound(client: Any, auth: Any, tree: dict, code: str = "Q1") -> str:
    body = {"kind": "compound", "code": code, "name": "幸福小区", "compound_type": "open"}
    response = register(client, auth("district_admin"), parent_id=tree["community"], **body)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def _rename(client: Any, headers: dict, unit_id: str) -> int:
    response = client.patch(f"/api/v1/org-units/{unit_id}", json={"name": "新名"}, headers=headers)
    return int(response.status_code)


def test_moving_a_compound_changes_who_may_write(client: Any, auth: Any, tree: dict) -> None:
    compound = _compound(client, auth, tree)
    grid = register(
        client, auth("district_admin"), kind="grid", code="G1", name="一网格", parent_id=compound
    ).json["id"]
    here = auth("community_officer", scope=tree["community"])
    there = auth("community_officer", scope=tree["other_community"])
    assert _rename(client, here, compound) == 200
    assert _rename(client, there, compound) == 403

    moved = client.post(
        f"/api/v1/org-units/{compound}/move",
        json={"community_id": tree["other_community"]},
        headers=auth("district_admin"),
    )
    assert moved.status_code == 200, moved.json
    # no catch-up: the next requests must see the move
    assert _rename(client, here, compound) == 403
    assert _rename(client, here, grid) == 403
    assert _rename(client, there, compound) == 200
    assert _rename(client, there, grid) == 200
    street_there = auth("street_officer", scope=tree["other_street"])
    assert _rename(client, street_there, grid) == 200
    assert _rename(client, auth("street_officer", scope=tree["street"]), grid) == 403


def test_a_unit_registered_a_moment_ago_is_in_scope(client: Any, auth: Any, tree: dict) -> None:
    admin = auth("district_admin")
    community = register(
        client, admin, kind="community", code="C09", name="新社区", parent_id=tree["street"]
    ).json["id"]
    response = register(
        client,
        auth("community_officer", scope=community),
        kind="compound",
        code="Q9",
        name="新小区",
        parent_id=community,
        compound_type="open",
    )
    assert response.status_code == 201, response.json


def test_an_unknown_parent_is_a_422_on_its_field(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    response = register(
        client,
        auth("street_officer", scope=tree["street"]),
        kind="community",
        code="C77",
        name="社区",
        parent_id=str(UUID(int=77)),
    )
    assert response.status_code == 422
    assert "parent_id" in response.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_an_unknown_target_community_of_a_move_is_a_422(client: Any, auth: Any, tree: dict) -> None:
    compound = _compound(client, auth, tree)
    response = client.post(
        f"/api/v1/org-units/{compound}/move",
        json={"community_id": str(UUID(int=5))},
        headers=auth("district_admin"),
    )
    assert response.status_code == 422
    assert "community_id" in response.json["errors"]


def test_scope_checks_do_not_replay_aggregates(
    system: Any, tree: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_replay(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a scope check replayed an aggregate")

    monkeypatch.setattr(system.app.repository, "get", no_replay)
    with system.wsgi().test_request_context():
        chain = org_ancestry(UUID(tree["community"]), "community_id")
        assert org_unit_kind(UUID(tree["community"])) == "community"
    assert chain == [UUID(tree[k]) for k in ("community", "street", "district")]
