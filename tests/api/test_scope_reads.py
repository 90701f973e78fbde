"""Routes judge who may act, and 404 early, from read models: no API module replays a
write-side aggregate, and a resource created or changed a moment ago (no catch-up between
the requests) is found and scoped by its current state."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.metadata import command_context
from domain.subsidy_commands import OpenSubsidyYear
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP
from tests.grid_helpers import small_district
from tests.support.company_branches import company_branch
from tests.support.subsidies import found_branch, setup_district

API = Path(__file__).resolve().parents[2] / "api"
REPLAYS = {"load", "load_reference", "repository"}
AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}


def _replays(source: str) -> list[str]:
    """Every `x.load(...)`, `x.load_reference(...)` and `x.repository` in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in REPLAYS:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_no_api_module_replays_an_aggregate() -> None:
    offenders = {
        path.name: hits for path in sorted(API.glob("*.py")) if (hits := _replays(path.read_text()))
    }
    assert offenders == {}


def test_the_walk_finds_a_replay() -> None:
    source = "def f(app, i):\n    app.load(X, i)\n    return services().app.repository.get(i)\n"
    assert _replays(source) == ["line 2: .load", "line 3: .repository"]
    assert _replays("def f(c, i):\n    return c.load_reference(X, i, 'f')\n")


# -- party orgs -----------------------------------------------------------------------------


@pytest.fixture
def party(client: Any, auth: Any, tree: dict) -> dict[str, str]:
    admin = {**auth("district_admin"), "Occurred-At": "2020-01-15T10:00:00+08:00"}
    ids = dict(tree)
    for key, code, street in (
        ("company", "91370105MA3C000001", "street"),
        ("other_company", "91370105MA3C000002", "other_street"),
    ):
        made = client.post(
            "/api/v1/property-companies",
            json={"credit_code": code, "name": f"物业{code[-1]}", "street_id": tree[street]},
            headers=admin,
        )
        assert made.status_code == 201, made.json
        ids[key] = made.json["id"]
    return ids


def _found_org(client: Any, auth: Any, party: dict, code: str = "DZB001") -> str:
    body = {
        "code": code,
        "name": "康都物业党支部",
        "host_kind": "property_company",
        "company_ids": [party["company"]],
        "method": "standalone",
        "kind": "branch",
        "founded_on": "2020-02-01",
        "community_id": party["community"],
        "street_id": party["street"],
        "full_members": ["F1", "F2", "F3"],
    }
    org = client.post("/api/v1/party-orgs", json=body, headers={**auth("district_admin"), **AT})
    assert org.status_code == 201, org.json
    return str(org.json["id"])


def test_a_party_org_founded_a_moment_ago_is_found_and_scoped(
    client: Any, auth: Any, party: dict
) -> None:
    org = _found_org(client, auth, party)
    url = f"/api/v1/party-orgs/{org}/membership"
    joined = {"change": "joined", "member_ref": "M1", "on": "2020-02-10"}
    there = {**auth("community_officer", scope=party["other_community"]), **AT}
    assert client.post(url, json=joined, headers=there).status_code == 403
    here = {**auth("community_officer", scope=party["community"]), **AT}
    response = client.post(url, json=joined, headers=here)
    assert response.status_code == 201, response.json

    meeting = {
        "org_id": org,
        "kind": "party_lesson",
        "held_on": "2020-02-20",
        "platform": "on_site",
        "title": "党课",
        "attendees": ["F1"],
    }
    manager = auth("company_manager", scope=party["company"])
    held = client.post("/api/v1/branch-life/meetings", json=meeting, headers={**manager, **AT})
    assert held.status_code == 201, held.json
    outsider = auth("company_manager", scope=party["other_company"])
    refused = client.post("/api/v1/branch-life/meetings", json=meeting, headers=outsider)
    assert refused.status_code == 403


def test_an_unknown_party_org_is_a_404(client: Any, auth: Any, party: dict) -> None:
    url = f"/api/v1/party-orgs/{UUID(int=9)}/dissolve"
    body = {"on": "2020-03-01", "reason": "撤销"}
    assert client.post(url, json=body, headers=auth("district_admin")).status_code == 404


def test_a_recall_right_after_a_dispatch_is_scoped_by_the_new_post(
    client: Any, auth: Any, party: dict, system: Any
) -> None:
    admin = {**auth("district_admin"), **AT}
    made = client.post(
        "/api/v1/party-building/instructors", json={"code": "ZDY1", "name": "指导员"}, headers=admin
    )
    instructor = made.json["id"]
    system.catch_up()
    url = f"/api/v1/party-building/instructors/{instructor}"
    to_company = {
        "target_kind": "property_company",
        "target_id": party["company"],
        "on": "2020-02-15",
    }
    assert client.post(f"{url}/dispatch", json=to_company, headers=admin).status_code == 200
    # the coverage read model has not seen the dispatch: the recall must still be judged by it
    other_street = {**auth("street_officer", scope=party["other_street"]), **AT}
    recall = {"on": "2020-02-20"}
    assert client.post(f"{url}/recall", json=recall, headers=other_street).status_code == 403
    street = {**auth("street_officer", scope=party["street"]), **AT}
    assert client.post(f"{url}/recall", json=recall, headers=street).status_code == 200


def test_an_unknown_dispatch_target_is_a_422_on_target_id(
    client: Any, auth: Any, party: dict
) -> None:
    admin = {**auth("district_admin"), **AT}
    made = client.post(
        "/api/v1/party-building/instructors", json={"code": "ZDY2", "name": "指导员"}, headers=admin
    )
    body = {"target_kind": "owners_committee", "target_id": str(UUID(int=3)), "on": "2020-02-15"}
    url = f"/api/v1/party-building/instructors/{made.json['id']}/dispatch"
    response = client.post(url, json=body, headers=admin)
    assert response.status_code == 422
    assert "target_id" in response.json["errors"]


# -- subsidy entitlements -------------------------------------------------------------------


def test_an_entitlement_raised_a_moment_ago_is_found_and_scoped(
    client: Any, auth: Any, system: Any
) -> None:
    app = system.app
    ids = setup_district(app)
    branch = found_branch(app, "B1", date(2020, 3, 1), ids["S01"])
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    raised = client.post(
        "/api/v1/subsidies/entitlements",
        json={"branch_id": str(branch), "kind": STARTUP},
        headers=auth("district_admin"),
    )
    assert raised.status_code == 201, raised.json
    entitlement = SubsidyEntitlement.create_id(branch, STARTUP)
    url = f"/api/v1/subsidies/entitlements/{entitlement}"
    outsider = auth("company_manager", "another-company")
    assert client.post(f"{url}/submit", json={}, headers=outsider).status_code == 403
    manager = auth("company_manager", "company-B1")
    assert client.post(f"{url}/submit", json={}, headers=manager).status_code == 200
    other_street = auth("street_officer", ids["S02"])
    assert client.post(f"{url}/approve", json={}, headers=other_street).status_code == 403
    street = auth("street_officer", ids["S01"])
    assert client.post(f"{url}/approve", json={}, headers=street).status_code == 200
    unknown = f"/api/v1/subsidies/entitlements/{UUID(int=4)}/approve"
    assert client.post(unknown, json={}, headers=street).status_code == 404


def test_every_company_of_a_large_joint_branch_may_apply(
    client: Any, auth: Any, system: Any
) -> None:
    app = system.app
    ids = setup_district(app)
    companies = [str(UUID(int=n)) for n in range(1, 13)]  # 12 ids: 443 characters joined
    branch = company_branch(
        "J1", companies[0], date(2020, 3, 1), ids["S01"], joint_with=companies[1:]
    )
    app.save(branch)
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    raised = client.post(
        "/api/v1/subsidies/entitlements",
        json={"branch_id": str(branch.id), "kind": STARTUP},
        headers=auth("district_admin"),
    )
    assert raised.status_code == 201, raised.json
    url = f"/api/v1/subsidies/entitlements/{raised.json['id']}"
    last = auth("company_manager", companies[-1])
    assert client.post(f"{url}/submit", json={}, headers=last).status_code == 200


def test_a_budget_allocated_a_moment_ago_is_scoped_by_its_holder(
    client: Any, auth: Any, system: Any
) -> None:
    ids = setup_district(system.app)
    allocated = client.post(
        "/api/v1/subsidies/budgets",
        json={"holder_id": str(ids["S01"]), "year": 2022, "amount_fen": 100_000},
        headers=auth("district_admin"),
    )
    assert allocated.status_code == 201, allocated.json
    url = f"/api/v1/subsidies/budgets/{allocated.json['id']}/top-ups"
    top_up = {"amount_fen": 10_000}
    assert (
        client.post(url, json=top_up, headers=auth("street_officer", ids["S02"])).status_code == 403
    )
    done = client.post(url, json=top_up, headers=auth("street_officer", ids["S01"]))
    assert done.status_code == 200, done.json


# -- grid workers ---------------------------------------------------------------------------


def test_a_grid_worker_registered_a_moment_ago_is_found(
    client: Any, auth: Any, system: Any
) -> None:
    ids = small_district(system.app)
    admin = auth("district_admin")
    worker = client.post(
        "/api/v1/grid/workers",
        json={"staff_code": "GW1", "name": "网格员", "employment": "full_time", "grid_ids": []},
        headers=admin,
    )
    assert worker.status_code == 201, worker.json
    url = f"/api/v1/grid/workers/{worker.json['id']}/assign"
    grid = {"grid_id": str(ids["grid1"])}
    there = auth("community_officer", scope=ids["community2"])
    assert client.post(url, json=grid, headers=there).status_code == 403
    officer = auth("community_officer", scope=ids["community"])
    assert client.post(url, json=grid, headers=officer).status_code == 200
    unknown = f"/api/v1/grid/workers/{UUID(int=6)}/assign"
    assert client.post(unknown, json=grid, headers=officer).status_code == 404


# -- subsidy policy -------------------------------------------------------------------------


def test_the_policy_set_a_moment_ago_is_read_back(client: Any, auth: Any) -> None:
    url = "/api/v1/subsidies/policy"
    admin = auth("district_admin")
    assert client.get(url, headers=admin).status_code == 404
    first = {
        "effective_from": "2019-01-01",
        "start_date": "2019-01-01",
        "startup_fund_fen": 500_000,
    }
    assert (
        client.put(url, json={**first, "yearly_subsidy_fen": 300_000}, headers=admin).status_code
        == 200
    )
    assert len(client.get(url, headers=admin).json["settings"]) == 1
    later = {**first, "effective_from": "2021-01-01", "yearly_subsidy_fen": 360_000}
    changed = client.put(url, json=later, headers=admin)
    assert changed.status_code == 200, changed.json
    policy = client.get(url, headers=admin)
    assert policy.headers["ETag"] == f'"{changed.json["version"]}"'
    settings = policy.json["settings"]
    assert [(s["version"], s["yearly_subsidy_fen"]) for s in settings] == [
        (1, 300_000),
        (2, 360_000),
    ]
    assert settings[1]["effective_from"] == "2021-01-01" and policy.json["open_years"] == []
