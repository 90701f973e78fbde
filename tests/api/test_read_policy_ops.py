"""The read policy covers every GET operation: the table names each one, public figures read
the same for every role, and each scoped resource keeps other scopes' rows out."""

from __future__ import annotations

from typing import Any

import pytest

from api.access_policy import POLICY, read_of, reads
from api.auth import Principal
from api.read_policy import ALL, ASSESSMENT, BASES, PUBLIC, RESOURCES, Read, basis, scope_of
from api.roles import ROLES
from domain.grid_commands import RegisterGridWorker
from domain.metadata import command_context
from domain.subsidy_commands import AllocateSubsidyBudget
from tests.api.test_assessment_api import BASE, publish
from tests.api.test_read_policy import SUBSIDIES, _listed, reported_issues, subsidy_world
from tests.grid_helpers import at, small_district

GET_READS = {op: entry.read for op, entry in POLICY.items() if entry.read is not None}
GRID = "/api/v1/grid"
ORGS = "/api/v1/party-orgs"


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


@pytest.fixture
def issues(client: Any, auth: Any, ids: dict, system: Any) -> dict[str, str]:
    return reported_issues(client, auth, ids, system)


@pytest.fixture
def payments(system: Any) -> dict[str, Any]:
    return subsidy_world(system)


@pytest.fixture
def published(client: Any, system: Any, auth: Any) -> dict[str, Any]:
    return publish(client, system, auth("district_admin"))


def _operations(client: Any) -> set[str]:
    paths = client.get("/openapi.json").json["paths"]
    return {f"GET {path}" for path, ops in paths.items() if "get" in ops}


def test_every_get_operation_has_a_read_policy_entry(client: Any) -> None:
    operations = _operations(client)
    assert set(GET_READS) <= operations  # no entry outlives its operation
    assert {op for op in operations if _entry(op) is None} == set()
    assert _entry("GET /open311/v2/requests.{fmt}") == Read(PUBLIC)
    assert _entry("GET /api/v1/added-later") is None
    assert _entry("POST /api/v1/service-issues") is None  # a write reads nothing


def _entry(operation: str) -> Read | None:
    try:
        return read_of(operation)
    except KeyError:
        return None


def test_every_scoped_resource_names_a_basis_for_every_role() -> None:
    used = {read.resource for read in GET_READS.values()} - {PUBLIC, ASSESSMENT}
    assert used <= set(RESOURCES)
    for resource, by_role in RESOURCES.items():
        assert set(by_role) == set(ROLES), resource
        assert set(by_role.values()) <= set(BASES), resource
        assert basis("district_admin", resource) == basis("auditor", resource) == ALL


def test_a_tokens_scope_becomes_a_read_scope() -> None:
    def scope(role: str, scope: str, resource: str = "service_issue") -> Any:
        return scope_of(Principal("u1", role, scope), resource)

    assert scope("street_officer", "s1").unit_id == "s1"
    assert scope("company_manager", "c1").company_id == "c1"
    assert scope("company_manager", "*").everything and scope("auditor", "s1").everything
    resident = scope("resident", "*")
    assert resident.reporter_id == "u1" and not resident.everything
    nothing = scope("resident", "q1", "grid_worker")
    assert not (nothing.everything or nothing.unit_id or nothing.reporter_id)
    card = "GET /api/v1/assessment/trend/{kind}/{subject_id}"
    assert reads(card, "company_manager", "property_company") == "company"
    assert reads(card, "company_manager") == "none"
    assert reads("GET /api/v1/grid-loop/funnel", "resident") == ALL


def _public_figures(client: Any) -> list[str]:
    """Public GET operations under /api/v1 with no path parameters."""
    ops = [op for op, entry in GET_READS.items() if entry.resource == PUBLIC]
    return [op.split(" ", 1)[1] for op in ops if "/api/v1/" in op and "{" not in op]


def test_public_figures_read_the_same_for_every_role(
    client: Any, auth: Any, issues: dict, ids: dict
) -> None:
    paths = client.get("/openapi.json").json["paths"]
    roles_of = {
        path: ops["get"].get("description", "") for path, ops in paths.items() if "get" in ops
    }
    compared = 0
    for path in _public_figures(client):
        as_admin = client.get(path, headers=auth("district_admin"))
        for role, unit in (("resident", "compound2"), ("company_manager", "company_b")):
            if role not in roles_of[path]:
                continue
            other = client.get(path, headers=auth(role, ids[unit]))
            assert other.status_code == as_admin.status_code, path
            if as_admin.status_code == 200:
                assert other.json == as_admin.json, path
                compared += 1
    assert compared >= 10  # funnel, rates, org units, companies, coverage...
    funnel = client.get("/api/v1/grid-loop/funnel", headers=auth("resident", ids["compound2"]))
    assert sum(item["reported"] for item in funnel.json["items"]) == len(issues)


# -- grid workers -----------------------------------------------------------------------------


@pytest.fixture
def workers(system: Any, ids: dict) -> dict[str, str]:
    made = {}
    with at("2020-02-01T09:00:00"):
        for n, company in ((1, "company_a"), (2, "company_b")):
            made[f"worker{n}"] = str(
                system.app.handle(
                    RegisterGridWorker(
                        staff_code=f"W{n}",
                        name=f"网格员{n}",
                        employment="part_time",
                        company_id=ids[company],
                        grid_ids=[ids[f"grid{n}"]],
                    )
                ).id
            )
    system.catch_up()
    return made


@pytest.mark.parametrize(
    ("role", "unit", "seen"),
    [
        ("district_admin", None, {"worker1", "worker2"}),
        ("street_officer", "street", {"worker1", "worker2"}),
        ("community_officer", "community", {"worker1"}),
        ("grid_worker", "grid2", {"worker2"}),
        ("owners_committee", "compound1", {"worker1"}),
        ("company_manager", "company_b", {"worker2"}),
        ("resident", "compound1", set()),
    ],
)
def test_grid_workers_by_scope(
    client: Any, auth: Any, ids: dict, workers: dict, role: str, unit: str | None, seen: set
) -> None:
    headers = auth(role, ids[unit]) if unit else auth(role)
    expected = {workers[name] for name in seen}
    assert _listed(client, headers, f"{GRID}/workers") == (expected, len(expected))
    for name, worker in workers.items():
        status = client.get(f"{GRID}/workers/{worker}", headers=headers).status_code
        assert status == (200 if name in seen else 404), name


@pytest.mark.parametrize(
    ("role", "unit", "readable"),
    [
        ("auditor", None, {"company_a", "company_b"}),
        ("street_officer", "street", {"company_a", "company_b"}),
        ("company_manager", "company_a", {"company_a"}),
        ("owners_committee", "compound1", set()),
        ("resident", "compound1", set()),
    ],
)
def test_company_scorecards_by_scope(
    client: Any, auth: Any, ids: dict, role: str, unit: str | None, readable: set
) -> None:
    headers = auth(role, ids[unit]) if unit else auth(role)
    for company in ("company_a", "company_b"):
        card = client.get(f"{GRID}/companies/{ids[company]}/scorecard", headers=headers)
        assert card.status_code == (200 if company in readable else 404), company


# -- party orgs -------------------------------------------------------------------------------


def test_branch_life_report_by_scope(client: Any, auth: Any, payments: dict) -> None:
    def report(org: str, headers: dict) -> int:
        query = {"org_id": str(payments[org]), "from": "2020-01-01", "to": "2020-12-31"}
        answer = client.get("/api/v1/branch-life/report", query_string=query, headers=headers)
        return int(answer.status_code)

    officer = auth("street_officer", payments["S01"])
    assert (report("branch1", officer), report("branch2", officer)) == (200, 404)
    manager = auth("company_manager", "company-B2")
    assert (report("branch1", manager), report("branch2", manager)) == (404, 200)
    assert report("branch1", auth("resident", payments["S01"])) == 404


@pytest.mark.parametrize(
    ("role", "unit", "seen"),
    [
        ("auditor", None, {"branch1", "branch2"}),
        ("street_officer", "S01", {"branch1"}),
        ("company_manager", "company-B2", {"branch2"}),
        ("resident", "S01", set()),
    ],
)
def test_party_orgs_and_members_by_scope(
    client: Any, auth: Any, payments: dict, role: str, unit: str | None, seen: set
) -> None:
    scope = payments.get(unit, unit) if unit else "*"
    headers = auth(role, scope)
    expected = {str(payments[name]) for name in seen}
    assert _listed(client, headers, ORGS) == (expected, len(expected))
    for name in ("branch1", "branch2"):
        status = 200 if name in seen else 404
        assert client.get(f"{ORGS}/{payments[name]}", headers=headers).status_code == status
        members = client.get(
            f"{ORGS}/{payments[name]}/members",
            query_string={"as_of": "2020-12-31"},
            headers=headers,
        )
        assert members.status_code == status, members.json


# -- subsidy budgets, journal, streets --------------------------------------------------------


def test_a_street_officer_reads_its_streets_budgets_journal_and_summary(
    client: Any, auth: Any, payments: dict, system: Any
) -> None:
    with command_context(actor_id="admin", role="district_admin", scope="*"):
        budget = system.app.handle(
            AllocateSubsidyBudget(holder_id=payments["S01"], year=2020, amount_fen=100_000)
        ).id
    system.catch_up()
    officer = auth("street_officer", payments["S01"])
    budgets = client.get(f"{SUBSIDIES}/budgets", headers=officer).json
    assert [b["id"] for b in budgets["items"]] == [str(budget)] and budgets["total"] == 1
    assert client.get(f"{SUBSIDIES}/budgets/{budget}", headers=officer).status_code == 200
    district = client.get(f"{SUBSIDIES}/budgets", headers=auth("auditor")).json["items"]
    held_by_district = [b["id"] for b in district if b["holder_id"] == str(payments["district"])]
    assert held_by_district
    hidden = client.get(f"{SUBSIDIES}/budgets/{held_by_district[0]}", headers=officer)
    assert hidden.status_code == 404
    lines = client.get(f"{SUBSIDIES}/journal", headers=officer).json
    everyone = client.get(f"{SUBSIDIES}/journal", headers=auth("auditor")).json
    assert 0 < lines["total"] < everyone["total"]
    for line in lines["items"]:  # its branches' postings, and its own budget's
        assert line["street_id"] == str(payments["S01"]) or line["budget_id"] == str(budget)
    streets = client.get(f"{SUBSIDIES}/streets", headers=officer).json["items"]
    assert [s["street_id"] for s in streets] == [str(payments["S01"])]
    accounts = {
        a["account"] for a in client.get(f"{SUBSIDIES}/balances", headers=officer).json["items"]
    }
    assert f"payable:{payments['branch1']}" in accounts
    assert f"budget:{payments['S01']}" in accounts
    assert not any(
        str(payments["branch2"]) in a or str(payments["district"]) in a for a in accounts
    )
    trial = client.get(f"{SUBSIDIES}/trial-balance", headers=officer).json
    assert {a["account"] for a in trial["accounts"]} == accounts and trial["net_fen"] == 0
    mine = client.get(f"{SUBSIDIES}/reports/yearly", headers=officer).json["items"]
    alls = client.get(f"{SUBSIDIES}/reports/yearly", headers=auth("auditor")).json["items"]
    assert sum(r["entitlements"] for r in mine) < sum(r["entitlements"] for r in alls)


# -- assessment scorecards and trends ---------------------------------------------------------


def test_assessment_scorecards_by_scope(client: Any, auth: Any, published: dict) -> None:
    world = published["ids"]
    c1 = str(world["community"])
    card = f"{BASE}/periods/2020Q4/scorecards/community/{c1}"
    in_scope = auth("community_officer", c1)
    fresh = {"min_position": published["position"]}
    got = client.get(card, query_string=fresh, headers=in_scope)
    assert got.status_code == 200, got.json
    assert (
        client.get(f"{card}/complaint_rate", query_string=fresh, headers=in_scope).status_code
        == 200
    )
    assert client.get(f"{BASE}/trend/community/{c1}", headers=in_scope).status_code == 200
    others = [auth("company_manager", str(world["company_a"])), auth("resident", c1)]
    others += [auth("community_officer", str(world["community2"]))]
    for headers in others:
        assert client.get(card, headers=headers).status_code == 404
        assert client.get(f"{card}/complaint_rate", headers=headers).status_code == 404
        assert client.get(f"{BASE}/trend/community/{c1}", headers=headers).status_code == 404
    ranking = client.get(
        f"{BASE}/periods/2020Q4/rankings",
        query_string={"subject_kind": "community"},
        headers=auth("resident", c1),
    )
    assert ranking.status_code == 200 and len(ranking.json["items"]) == 2  # published: public


def test_a_company_reads_its_own_assessment_trend_only(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    trend = f"{BASE}/trend/property_company"
    manager = auth("company_manager", ids["company_a"])
    assert client.get(f"{trend}/{ids['company_a']}", headers=manager).status_code == 200
    assert client.get(f"{trend}/{ids['company_b']}", headers=manager).status_code == 404
    assert client.get(f"{trend}/{ids['company_a']}", headers=auth("resident")).status_code == 404
    officer = auth("community_officer", ids["community"])
    assert client.get(f"{trend}/{ids['company_b']}", headers=officer).status_code == 200
    unknown = client.get(f"{BASE}/trend/street/{ids['street']}", headers=auth("auditor"))
    assert unknown.status_code == 404


def test_unpublished_revisions_are_read_by_the_district_and_auditors_only(
    client: Any, auth: Any, published: dict
) -> None:
    admin = auth("district_admin")
    period = {"period": "2020-12", "scheme_id": published["scheme"]}
    assert client.post(f"{BASE}/periods", json=period, headers=admin).status_code == 201
    computed = client.post(f"{BASE}/periods/2020-12/compute", json={}, headers=admin)
    assert computed.status_code == 200, computed.json
    c1 = str(published["ids"]["community"])
    card = f"{BASE}/periods/2020-12/scorecards/community/{c1}"
    asked = [
        (f"{BASE}/periods/2020-12/rankings", {"subject_kind": "community", "draft": "true"}),
        (card, {"draft": "true"}),
        (card, {"revision": 1}),
    ]
    fresh = {"min_position": computed.json["position"]}
    for role, scope, status in (
        ("district_admin", "*", 200),
        ("auditor", "*", 200),
        ("street_officer", "*", 404),
        ("community_officer", c1, 404),
        ("resident", c1, 404),
    ):
        for url, query in asked:
            answer = client.get(url, query_string={**fresh, **query}, headers=auth(role, scope))
            assert answer.status_code == status, (role, url, answer.json)
    public = client.get(
        f"{BASE}/periods/2020Q4/rankings",
        query_string={"subject_kind": "community", "revision": 1},
        headers=auth("resident", c1),
    )
    assert public.status_code == 200  # revision 1 of 2020Q4 is published
