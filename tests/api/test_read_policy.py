"""The read policy (api/read_policy.py): each role reads only its scope's rows. Lists leave
the others out (their totals too); a single resource outside the scope is 404."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.metadata import command_context
from domain.subsidy_commands import OpenSubsidyYear
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import STARTUP
from tests.api.test_service_issues_api import URL, body
from tests.grid_helpers import small_district
from tests.support.subsidies import found_branch, setup_district

SUBSIDIES = "/api/v1/subsidies"


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


def _report(client: Any, headers: dict, ids: dict, n: int) -> str:
    where = {"compound_id": str(ids[f"compound{n}"]), "grid_id": str(ids[f"grid{n}"])}
    made = client.post(URL, json=body(ids, **where), headers=headers)
    assert made.status_code == 201, made.json
    return str(made.json["id"])


@pytest.fixture
def issues(client: Any, auth: Any, ids: dict, system: Any) -> dict[str, str]:
    return reported_issues(client, auth, ids, system)


def reported_issues(client: Any, auth: Any, ids: dict, system: Any) -> dict[str, str]:
    """mine: reported by resident r1 in compound1; neighbour: by the community officer in
    compound1, accepted for company_a; far: by the admin in compound2 (community2)."""
    officer = auth("community_officer", scope=ids["community"])
    made = {
        "mine": _report(client, auth("resident", ids["compound1"], "r1"), ids, 1),
        "neighbour": _report(client, officer, ids, 1),
        "far": _report(client, auth("district_admin"), ids, 2),
    }
    accepted = client.post(
        f"{URL}/{made['neighbour']}/accept",
        json={"company_id": str(ids["company_a"])},
        headers=officer,
    )
    assert accepted.status_code == 200, accepted.json
    system.catch_up()
    return made


def _listed(client: Any, headers: dict, url: str = URL, **query: Any) -> tuple[set[str], int]:
    answer = client.get(url, query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    return {item["id"] for item in answer.json["items"]}, answer.json["total"]


def test_a_resident_lists_only_its_own_reports(
    client: Any, auth: Any, issues: dict, ids: dict
) -> None:
    resident = auth("resident", ids["compound1"], "r1")
    assert _listed(client, resident) == ({issues["mine"]}, 1)
    assert _listed(client, resident, per_page=1, page=2) == (set(), 1)
    assert client.get(f"{URL}/{issues['mine']}", headers=resident).status_code == 200
    for other in ("neighbour", "far"):
        hidden = client.get(f"{URL}/{issues[other]}", headers=resident)
        assert hidden.status_code == 404 and hidden.content_type == "application/problem+json"
    someone_else = auth("resident", ids["compound1"], "r2")
    assert _listed(client, someone_else) == (set(), 0)
    assert "description" not in client.get(URL, headers=someone_else).get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "unit", "seen"),
    [
        ("street_officer", "street", {"mine", "neighbour", "far"}),
        ("community_officer", "community", {"mine", "neighbour"}),
        ("community_officer", "community2", {"far"}),
        ("owners_committee", "compound1", {"mine", "neighbour"}),
        ("grid_worker", "grid2", {"far"}),
        ("company_manager", "company_a", {"neighbour"}),
        ("company_manager", "company_b", set()),
    ],
)
def test_each_role_lists_the_issues_of_its_scope(
    client: Any, auth: Any, issues: dict, ids: dict, role: str, unit: str, seen: set
) -> None:
    headers = auth(role, ids[unit])
    expected = {issues[name] for name in seen}
    assert _listed(client, headers) == (expected, len(expected))
    for name, issue in issues.items():
        status = client.get(f"{URL}/{issue}", headers=headers).status_code
        assert status == (200 if name in seen else 404), name


@pytest.mark.parametrize("role", ["district_admin", "auditor"])
def test_the_district_and_auditors_read_every_issue(
    client: Any, auth: Any, issues: dict, role: str
) -> None:
    assert _listed(client, auth(role)) == (set(issues.values()), 3)


def test_a_whole_district_scope_reads_every_row_of_a_scoped_role(
    client: Any, auth: Any, issues: dict
) -> None:
    assert _listed(client, auth("street_officer"))[1] == 3
    assert _listed(client, auth("resident", user="r1")) == ({issues["mine"]}, 1)


def test_overdue_lists_only_the_callers_issues(
    client: Any, auth: Any, issues: dict, ids: dict
) -> None:
    late = {"as_of": "2030-01-01T00:00:00+08:00"}
    overdue = "/api/v1/grid-loop/overdue"
    assert _listed(client, auth("auditor"), overdue, **late)[1] == 3
    community = auth("community_officer", ids["community"])
    assert _listed(client, community, overdue, **late) == (
        {issues["mine"], issues["neighbour"]},
        2,
    )
    resident = auth("resident", ids["compound1"], "r1")
    assert _listed(client, resident, overdue, **late) == ({issues["mine"]}, 1)


# -- subsidies --------------------------------------------------------------------------------


@pytest.fixture
def payments(system: Any) -> dict[str, Any]:
    return subsidy_world(system)


def subsidy_world(system: Any) -> dict[str, Any]:
    """Two company branches, one per street and company, each with a startup entitlement."""
    app = system.app
    ids: dict[str, Any] = dict(setup_district(app, budget=10_000_000))
    for n, street in ((1, "S01"), (2, "S02")):
        branch = found_branch(app, f"B{n}", date(2020, 3, 1), ids[street])
        ids[f"branch{n}"] = branch
        ids[f"startup{n}"] = str(SubsidyEntitlement.create_id(branch, STARTUP))
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    system.catch_up()
    return ids


def test_a_company_manager_lists_only_its_companys_subsidy_payments(
    client: Any, auth: Any, payments: dict
) -> None:
    everyone = _listed(client, auth("auditor"), f"{SUBSIDIES}/entitlements")
    assert {payments["startup1"], payments["startup2"]} <= everyone[0]
    manager = auth("company_manager", "company-B1")
    mine, total = _listed(client, manager, f"{SUBSIDIES}/entitlements")
    assert payments["startup1"] in mine and payments["startup2"] not in mine
    assert total == len(mine) and total < everyone[1]
    own = client.get(f"{SUBSIDIES}/entitlements/{payments['startup1']}", headers=manager)
    assert own.status_code == 200
    other = client.get(f"{SUBSIDIES}/entitlements/{payments['startup2']}", headers=manager)
    assert other.status_code == 404
    mine_statement = client.get(f"{SUBSIDIES}/statements/{payments['branch1']}", headers=manager)
    assert mine_statement.status_code == 200
    hidden = client.get(f"{SUBSIDIES}/statements/{payments['branch2']}", headers=manager)
    assert hidden.status_code == 404


def test_a_street_officer_reads_its_streets_subsidies(
    client: Any, auth: Any, payments: dict
) -> None:
    officer = auth("street_officer", payments["S01"])
    mine, total = _listed(client, officer, f"{SUBSIDIES}/entitlements")
    assert payments["startup1"] in mine and payments["startup2"] not in mine
    assert total == len(mine)
    other = client.get(f"{SUBSIDIES}/entitlements/{payments['startup2']}", headers=officer)
    assert other.status_code == 404
    statement = client.get(f"{SUBSIDIES}/statements/{payments['branch2']}", headers=officer)
    assert statement.status_code == 404
