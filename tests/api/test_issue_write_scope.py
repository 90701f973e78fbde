"""Who may report an issue where, and who may give the resident's feedback on it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_service_issues_api import URL, body
from tests.grid_helpers import small_district

OPEN311 = "/open311/v2/requests.json"


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


def form(ids: dict, compound: str) -> dict:
    return {
        "service_code": "heating",
        "description": "暖气不热",
        "attribute[compound_id]": str(ids[compound]),
    }


def test_resident_reports_only_in_its_compound_or_grid(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    in_compound2 = auth("resident", scope=ids["compound2"])
    refused = client.post(URL, json=body(ids), headers=in_compound2)
    assert refused.status_code == 403 and "scope" in refused.json["detail"]
    refused = client.post(OPEN311, data=form(ids, "compound1"), headers=in_compound2)
    assert refused.status_code == 403
    assert system.app.recorder.max_notification_id() == head
    assert (
        client.post(
            URL, json=body(ids), headers=auth("resident", scope=ids["compound1"])
        ).status_code
        == 201
    )
    in_grid1 = auth("resident", scope=ids["grid1"])
    assert client.post(URL, json=body(ids), headers=in_grid1).status_code == 201
    elsewhere = body(ids, compound_id=str(ids["compound2"]), grid_id=str(ids["grid2"]))
    assert client.post(URL, json=elsewhere, headers=in_grid1).status_code == 403
    assert (
        client.post(OPEN311, data=form(ids, "compound2"), headers=in_compound2).status_code == 201
    )


def test_company_manager_reports_only_where_its_company_serves(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    manager_b = auth("company_manager", scope=ids["company_b"])
    refused = client.post(URL, json=body(ids), headers=manager_b)
    assert refused.status_code == 403 and "contract" in refused.json["detail"]
    assert client.post(OPEN311, data=form(ids, "compound1"), headers=manager_b).status_code == 403
    assert system.app.recorder.max_notification_id() == head
    manager_a = auth("company_manager", scope=ids["company_a"])
    assert client.post(URL, json=body(ids), headers=manager_a).status_code == 201
    assert client.post(OPEN311, data=form(ids, "compound2"), headers=manager_b).status_code == 201


def test_no_company_manager_gives_the_residents_feedback(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    officer = auth("community_officer", scope=ids["community"])
    issue = client.post(URL, json=body(ids), headers=officer).json["id"]
    handler = auth("company_manager", scope=ids["company_a"])
    client.post(
        f"{URL}/{issue}/accept", json={"company_id": str(ids["company_a"])}, headers=officer
    )
    client.post(f"{URL}/{issue}/start-handling", json={}, headers=handler)
    client.post(f"{URL}/{issue}/handled", json={"resolution": "已修复"}, headers=handler)
    head = system.app.recorder.max_notification_id()
    for manager in (handler, auth("company_manager", scope=ids["company_b"])):
        rated = client.post(
            f"{URL}/{issue}/feedback", json={"rating": "satisfied"}, headers=manager
        )
        assert rated.status_code == 403, rated.json
    assert system.app.recorder.max_notification_id() == head
    resident = auth("resident", scope=ids["compound1"])
    given = client.post(f"{URL}/{issue}/feedback", json={"rating": "satisfied"}, headers=resident)
    assert given.status_code == 200, given.json
