"""Found by the authorization matrix (issue 15): a grid worker reports and handles issues in
its own grid, and a company manager accepts an issue for its own company where that company
serves the compound. Every refusal stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_service_issues_api import URL, body
from tests.grid_helpers import small_district


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


def test_a_grid_worker_reports_and_handles_in_its_grid_only(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    worker = auth("grid_worker", scope=ids["grid1"])
    head = system.app.recorder.max_notification_id()
    elsewhere = auth("grid_worker", scope=ids["grid2"])
    assert client.post(URL, json=body(ids), headers=elsewhere).status_code == 403
    outside = body(ids, compound_id=str(ids["compound2"]))  # grid1 is not compound2's
    refused = client.post(URL, json=outside, headers=worker)
    assert refused.status_code == 422 and "grid_id" in str(refused.json), refused.json
    assert system.app.recorder.max_notification_id() == head
    reported = client.post(URL, json=body(ids), headers=worker)
    assert reported.status_code == 201, reported.json
    issue = f"{URL}/{reported.json['id']}"
    officer = auth("community_officer", scope=ids["community"])
    accepted = client.post(
        f"{issue}/accept", json={"company_id": str(ids["company_a"])}, headers=officer
    )
    assert accepted.status_code == 200, accepted.json
    head = system.app.recorder.max_notification_id()
    assert client.post(f"{issue}/start-handling", json={}, headers=elsewhere).status_code == 403
    assert system.app.recorder.max_notification_id() == head
    started = client.post(f"{issue}/start-handling", json={}, headers=worker)
    assert started.status_code == 200, started.json


def test_a_company_manager_accepts_only_for_its_company_where_it_serves(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    officer = auth("community_officer", scope=ids["community"])
    issue = f"{URL}/{client.post(URL, json=body(ids), headers=officer).json['id']}"
    manager_a = auth("company_manager", scope=ids["company_a"])
    manager_b = auth("company_manager", scope=ids["company_b"])
    head = system.app.recorder.max_notification_id()
    for headers, company in (
        (manager_a, "company_b"),  # routing to another company
        (manager_b, "company_b"),  # company_b does not serve compound1
        (manager_b, "company_a"),
    ):
        refused = client.post(
            f"{issue}/accept", json={"company_id": str(ids[company])}, headers=headers
        )
        assert refused.status_code == 403, refused.json
    department = client.post(f"{issue}/accept", json={"department": "燃气公司"}, headers=manager_a)
    assert department.status_code == 403, department.json
    assert system.app.recorder.max_notification_id() == head
    accepted = client.post(
        f"{issue}/accept", json={"company_id": str(ids["company_a"])}, headers=manager_a
    )
    assert accepted.status_code == 200, accepted.json
