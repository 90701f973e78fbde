"""Who reads which party activity periods: officers those in their unit (a model post by its
service window's unit), an owners' committee its compound's places, a company manager the
cross-appointments to its company, a resident none. Cross-appointments name people."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import add_company, add_compound, company_branch

AT = {"Occurred-At": "2020-08-01T10:00:00+08:00"}
BASE = "/api/v1/party-activities"


def _made(client: Any, path: str, body: dict, headers: dict) -> str:
    made = client.post(f"{BASE}/{path}", json=body, headers=headers)
    assert made.status_code == 201, made.json
    return str(made.json["id"])


@pytest.fixture
def periods(client: Any, auth: Any, tree: dict, system: Any) -> dict[str, str]:
    admin = {**auth("district_admin"), **AT}
    ids = dict(tree)
    ids["compound"] = add_compound(client, admin, tree["community"])
    ids["company"] = add_company(client, admin, tree["street"])
    ids["other_company"] = add_company(client, admin, tree["other_street"], 2, "乙物业")
    org = company_branch(ids["company"], tree["street"], community_id=tree["community"])
    made = client.post("/api/v1/party-orgs", json=org, headers=admin)
    assert made.status_code == 201, made.json
    window = {
        "kind": "service_window",
        "unit_id": tree["community"],
        "name": "红色服务窗口",
        "opened_on": "2020-04-01",
    }
    ids["window"] = _made(client, "places", window, admin)
    hall = {
        "kind": "deliberation_hall",
        "unit_id": ids["compound"],
        "name": "红色议事厅",
        "opened_on": "2020-04-01",
    }
    ids["hall"] = _made(client, "places", hall, admin)
    post = {
        "org_id": made.json["id"],
        "member_ref": "F1",
        "kind": "model_post",
        "window_id": ids["window"],
        "starts_on": "2020-05-01",
    }
    ids["post"] = _made(client, "member-posts", post, admin)
    for key, company in (("supervisor", "company"), ("other_supervisor", "other_company")):
        appointment = {
            "person_ref": key,
            "name": "张三",
            "role": "company_supervisor",
            "company_id": ids[company],
            "community_id": tree["community"],
            "starts_on": "2020-05-01",
        }
        ids[key] = _made(client, "cross-appointments", appointment, admin)
    system.catch_up()
    return ids


def _read(client: Any, headers: dict, what: str) -> set[str]:
    query = {"what": what, "as_of": "2020-06-01"}
    answer = client.get(f"{BASE}/periods", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["count"] == len(answer.json["items"])
    return {row["id"] for row in answer.json["items"]}


def test_officers_read_the_periods_of_their_unit_model_posts_by_their_window(
    client: Any, auth: Any, periods: dict
) -> None:
    for role, unit in (("street_officer", "street"), ("community_officer", "community")):
        inside = auth(role, scope=periods[unit])
        outside = auth(role, scope=periods[f"other_{unit}"])
        assert _read(client, inside, "member_post") == {periods["post"]}
        assert _read(client, outside, "member_post") == set()
        assert _read(client, inside, "place") == {periods["window"], periods["hall"]}
        assert _read(client, outside, "place") == set()
        both = {periods["supervisor"], periods["other_supervisor"]}
        assert _read(client, inside, "cross_appointment") == both
        assert _read(client, outside, "cross_appointment") == set()


def test_committees_managers_and_residents_read_only_what_concerns_them(
    client: Any, auth: Any, periods: dict
) -> None:
    committee = auth("owners_committee", scope=periods["compound"])
    assert _read(client, committee, "place") == {periods["hall"]}
    assert _read(client, committee, "cross_appointment") == set()
    manager = auth("company_manager", scope=periods["company"])
    assert _read(client, manager, "cross_appointment") == {periods["supervisor"]}
    assert _read(client, manager, "place") == set()
    resident = auth("resident", scope=periods["compound"])
    for what in ("cross_appointment", "member_post", "place"):
        assert _read(client, resident, what) == set()
    assert _read(client, auth("auditor"), "cross_appointment") == {
        periods["supervisor"],
        periods["other_supervisor"],
    }
