"""The subsidy ledger over HTTP: workflow, roles, reads, and every bad input refused with
problem+json and nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.metadata import command_context
from domain.subsidy_commands import AllocateSubsidyBudget, OpenSubsidyYear
from domain.subsidy_entitlement import SubsidyEntitlement
from domain.subsidy_policy import MAX_FEN, STARTUP, YEARLY
from tests.support.subsidies import found_branch, setup_district

URL = "/api/v1/subsidies"


@pytest.fixture
def world(system: Any) -> dict[str, Any]:
    app = system.app
    ids: dict[str, Any] = dict(setup_district(app, budget=800_000))
    ids["branch"] = found_branch(app, "B1", date(2020, 3, 1), ids["S01"])
    with command_context(actor_id="admin", role="district_admin"):
        app.handle(OpenSubsidyYear(2020))
    system.catch_up()
    ids["startup"] = SubsidyEntitlement.create_id(ids["branch"], STARTUP)
    ids["yearly"] = SubsidyEntitlement.create_id(ids["branch"], YEARLY, 2020)
    ids["company"] = "company-B1"
    return ids


def _refused(system: Any, response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    if code:
        assert response.json["code"] == code


def _apply(client: Any, auth: Any, world: dict, entitlement: Any, user: str = "manager") -> Any:
    return client.post(
        f"{URL}/entitlements/{entitlement}/submit",
        json={"note": "申请"},
        headers=auth("company_manager", world["company"], user),
    )


def test_workflow_over_http(client: Any, auth: Any, world: dict, system: Any) -> None:
    officer = auth("street_officer", world["S01"], "officer")
    assert _apply(client, auth, world, world["startup"]).status_code == 200
    assert (
        client.post(
            f"{URL}/entitlements/{world['startup']}/approve", json={}, headers=officer
        ).status_code
        == 200
    )
    paid = client.post(
        f"{URL}/entitlements/{world['startup']}/disburse",
        json={"payment_reference": "TQ-2020-001", "paid_on": "2020-05-01"},
        headers=officer,
    )
    assert paid.status_code == 200, paid.json
    reader = auth("auditor")
    q = {"min_position": paid.json["position"]}
    entitlement = client.get(
        f"{URL}/entitlements/{world['startup']}", query_string=q, headers=reader
    )
    assert (
        entitlement.json["status"] == "disbursed" and entitlement.json["status_label"] == "已拨付"
    )
    journal = client.get(
        f"{URL}/journal", query_string={**q, "branch_id": str(world["branch"])}, headers=reader
    )
    assert journal.json["total"] == 3 and journal.json["items"][-1]["event_hash"]
    trial = client.get(f"{URL}/trial-balance", query_string=q, headers=reader).json
    assert trial["net_fen"] == 0
    yearly = client.get(f"{URL}/reports/yearly", query_string=q, headers=reader).json["items"]
    assert {r["kind"]: r["paid_fen"] for r in yearly} == {"startup": 500_000, "yearly": 0}
    statement = client.get(
        f"{URL}/statements/{world['branch']}",
        query_string=q,
        headers=auth("company_manager", world["company"]),
    )
    assert statement.status_code == 200 and statement.json["totals"]["paid_fen"] == 500_000
    other = client.get(
        f"{URL}/statements/{world['branch']}", headers=auth("company_manager", "another-company")
    )
    _refused(system, other, 404)  # outside its read scope


BAD_BUDGETS = [(-100, "negative"), (0, "zero"), (12.5, "sub-fen"), (MAX_FEN + 1, "too large")]


@pytest.mark.parametrize(("amount", "_why"), BAD_BUDGETS)
def test_bad_amounts_are_refused(
    client: Any, auth: Any, world: dict, system: Any, amount: Any, _why: str
) -> None:
    head = system.app.recorder.max_notification_id()
    admin = auth("district_admin")
    body = {"holder_id": str(world["S01"]), "year": 2020, "amount_fen": amount}
    allocated = client.post(f"{URL}/budgets", json=body, headers=admin)
    _refused(system, allocated, 422)
    assert "amount_fen" in allocated.json["errors"], allocated.json
    budget = client.get(f"{URL}/budgets", headers=admin).json["items"][0]["id"]
    top_up = {"amount_fen": amount}
    topped = client.post(f"{URL}/budgets/{budget}/top-ups", json=top_up, headers=admin)
    _refused(system, topped, 422)
    assert "amount_fen" in topped.json["errors"], topped.json
    assert system.app.recorder.max_notification_id() == head


@pytest.mark.parametrize("fen", [1, 100_001, MAX_FEN - 1, MAX_FEN])
def test_fen_in_is_the_fen_stored_exactly(client: Any, auth: Any, world: dict, fen: int) -> None:
    admin = auth("district_admin")
    body = {"holder_id": str(world["S02"]), "year": 2020, "amount_fen": fen}
    created = client.post(f"{URL}/budgets", json=body, headers=admin)
    assert created.status_code == 201, created.json
    q = {"min_position": created.json["position"]}
    budget = client.get(f"{URL}/budgets/{created.json['id']}", query_string=q, headers=admin)
    assert (budget.json["allocated_fen"], budget.json["available_fen"]) == (fen, fen)


@pytest.mark.parametrize("amount", ["5", "1000.50", 5.0, True, None, [5]])
def test_money_is_a_json_integer_of_fen_never_text(
    client: Any, auth: Any, world: dict, system: Any, amount: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    body = {"holder_id": str(world["S01"]), "year": 2020, "amount_fen": amount}
    refused = client.post(f"{URL}/budgets", json=body, headers=auth("district_admin"))
    _refused(system, refused, 422)
    assert "amount_fen" in refused.json["errors"], refused.json
    assert system.app.recorder.max_notification_id() == head


def test_bad_workflow_steps_are_refused(client: Any, auth: Any, world: dict, system: Any) -> None:
    app, admin = system.app, auth("district_admin")
    officer = auth("street_officer", world["S01"], "officer")
    head = app.recorder.max_notification_id()
    unknown = client.post(
        f"{URL}/entitlements",
        json={"branch_id": str(world["S02"]), "kind": "startup"},
        headers=admin,
    )
    _refused(system, unknown, 422, "rule_violation")
    second_startup = client.post(
        f"{URL}/entitlements",
        json={"branch_id": str(world["branch"]), "kind": "startup"},
        headers=admin,
    )
    _refused(system, second_startup, 409, "already_exists")
    second_yearly = client.post(
        f"{URL}/entitlements",
        json={"branch_id": str(world["branch"]), "kind": "yearly", "year": 2020},
        headers=admin,
    )
    _refused(system, second_yearly, 409, "already_exists")
    unapproved = client.post(
        f"{URL}/entitlements/{world['yearly']}/disburse",
        json={"payment_reference": "X", "paid_on": "2020-05-01"},
        headers=officer,
    )
    _refused(system, unapproved, 409, "invalid_transition")
    assert app.recorder.max_notification_id() == head
    # maker-checker: the applicant may not approve, even holding an officer's token
    applied = _apply(client, auth, world, world["yearly"], user="same-person")
    head = app.recorder.max_notification_id()
    self_approved = client.post(
        f"{URL}/entitlements/{world['yearly']}/approve",
        json={},
        headers=auth("street_officer", world["S01"], "same-person"),
    )
    _refused(system, self_approved, 403, "not_permitted")
    out_of_scope = client.post(
        f"{URL}/entitlements/{world['yearly']}/approve",
        json={},
        headers=auth("street_officer", world["S02"], "officer-2"),
    )
    _refused(system, out_of_scope, 403)
    assert applied.status_code == 200 and app.recorder.max_notification_id() == head


def test_overdraw_and_double_reversal_are_refused(
    client: Any, auth: Any, world: dict, system: Any
) -> None:
    app, officer = system.app, auth("street_officer", world["S01"], "officer")
    for entitlement in (world["startup"], world["yearly"]):
        _apply(client, auth, world, entitlement)
        client.post(f"{URL}/entitlements/{entitlement}/approve", json={}, headers=officer)
    pay = {"payment_reference": "P", "paid_on": "2020-05-01"}
    first = client.post(
        f"{URL}/entitlements/{world['startup']}/disburse", json=pay, headers=officer
    )
    assert first.status_code == 200
    # the street's budget is 1 fen short of 3,000 yuan: naming it explicitly overdraws
    with command_context(actor_id="officer"):
        street_budget = app.handle(
            AllocateSubsidyBudget(holder_id=world["S01"], year=2020, amount_fen=299_999)
        ).id
    head = app.recorder.max_notification_id()
    overdraw = client.post(
        f"{URL}/entitlements/{world['yearly']}/disburse",
        json={**pay, "budget_id": str(street_budget)},
        headers=officer,
    )
    _refused(system, overdraw, 422, "rule_violation")
    assert app.recorder.max_notification_id() == head
    reverse = {"reason_code": "wrong_account", "reason": "错账户", "reversed_on": "2020-06-01"}
    url = f"{URL}/entitlements/{world['startup']}/reverse"
    assert client.post(url, json=reverse, headers=officer).status_code == 200
    head = app.recorder.max_notification_id()
    _refused(system, client.post(url, json=reverse, headers=officer), 409, "invalid_transition")
    assert app.recorder.max_notification_id() == head


def test_policy_years_and_budgets(client: Any, auth: Any, world: dict, system: Any) -> None:
    admin = auth("district_admin")
    body = {
        "effective_from": "2022-01-01",
        "start_date": "2019-01-01",
        "startup_fund_fen": 600_000,
        "yearly_subsidy_fen": 360_000,
        "pro_rating": "monthly",
    }
    _refused(system, client.put(f"{URL}/policy", json=body, headers=auth("street_officer")), 403)
    assert client.put(f"{URL}/policy", json=body, headers=admin).status_code == 200
    sub_fen = client.put(f"{URL}/policy", json={**body, "startup_fund_fen": 1.5}, headers=admin)
    _refused(system, sub_fen, 422)
    assert "startup_fund_fen" in sub_fen.json["errors"], sub_fen.json
    yuan = {**body, "startup_fund": 6000}
    del yuan["startup_fund_fen"]
    renamed = client.put(f"{URL}/policy", json=yuan, headers=admin)
    _refused(system, renamed, 422)
    assert "startup_fund_fen" in renamed.json["errors"]["startup_fund"][0], renamed.json
    assert client.post(f"{URL}/years", json={"year": 2022}, headers=admin).status_code == 200
    again = client.post(f"{URL}/years", json={"year": 2022}, headers=admin)
    _refused(system, again, 422, "rule_violation")
    policy = client.get(f"{URL}/policy", headers=auth("auditor")).json
    assert [s["startup_fund_fen"] for s in policy["settings"]] == [500_000, 600_000]
    assert [s["yearly_subsidy_fen"] for s in policy["settings"]] == [300_000, 360_000]
    assert policy["open_years"] == [2020, 2022]
    scoped = auth("street_officer", world["S01"])
    mine = {"holder_id": str(world["S01"]), "year": 2022, "amount_fen": 100_050}
    other = {**mine, "holder_id": str(world["S02"])}
    created = client.post(f"{URL}/budgets", json=mine, headers=scoped)
    assert created.status_code == 201
    _refused(system, client.post(f"{URL}/budgets", json=other, headers=scoped), 403)
    q = {"year": 2022, "min_position": created.json["position"]}
    budgets = client.get(f"{URL}/budgets", query_string=q, headers=admin).json
    assert [b["allocated_fen"] for b in budgets["items"]] == [100_050]
