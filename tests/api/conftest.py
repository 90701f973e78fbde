"""API fixtures: a small org tree built over HTTP."""

from __future__ import annotations

from typing import Any

import pytest


def register(client: Any, headers: dict, **body: Any) -> Any:
    return client.post("/api/v1/org-units", json=body, headers=headers)


@pytest.fixture
def tree(client: Any, auth: Any, system: Any) -> dict[str, str]:
    admin = auth("district_admin")
    ids = {}
    ids["district"] = register(client, admin, kind="district", code="370105", name="天桥区").json[
        "id"
    ]
    ids["street"] = register(
        client, admin, kind="street", code="S01", name="北坦街道", parent_id=ids["district"]
    ).json["id"]
    ids["other_street"] = register(
        client, admin, kind="street", code="S02", name="堤口路街道", parent_id=ids["district"]
    ).json["id"]
    ids["community"] = register(
        client, admin, kind="community", code="C01", name="华黎社区", parent_id=ids["street"]
    ).json["id"]
    ids["other_community"] = register(
        client, admin, kind="community", code="C02", name="明星社区", parent_id=ids["other_street"]
    ).json["id"]
    system.catch_up()
    return ids
