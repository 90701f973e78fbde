"""API fixtures: a small org tree built over HTTP."""

from __future__ import annotations

from typing import Any

import pytest


def register(client: Any, headers: dict, **body: Any) -> Any:
    return client.post("/api/v1/org-units", json=body, headers=headers)


def add_compound(client: Any, headers: dict, community_id: str, n: int = 1, **extra: Any) -> str:
    """Compound Q<n> (华黎<n>号小区, open) in the community; its id."""
    made = register(
        client,
        headers,
        kind="compound",
        code=f"Q{n}",
        name=f"华黎{n}号小区",
        parent_id=community_id,
        compound_type="open",
        **extra,
    )
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def add_company(
    client: Any, headers: dict, street_id: str, n: int = 1, name: str = "康都物业"
) -> str:
    """Property company n (credit code 91370105MA3C00000<n>) registered in the street; its id."""
    body = {"credit_code": f"91370105MA3C00000{n}", "name": name, "street_id": street_id}
    made = client.post("/api/v1/property-companies", json=body, headers=headers)
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def company_branch(company_id: str, street_id: str, **extra: Any) -> dict[str, Any]:
    """The body founding a standalone party branch (code DZB001) of the company, founded
    2020-02-01 with three full members; `extra` overrides or adds fields."""
    return {
        "code": "DZB001",
        "name": "康都物业党支部",
        "host_kind": "property_company",
        "company_ids": [company_id],
        "method": "standalone",
        "kind": "branch",
        "founded_on": "2020-02-01",
        "street_id": street_id,
        "full_members": ["F1", "F2", "F3"],
        **extra,
    }


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
