"""The grid loop over HTTP: lifecycle, bad input, masking by role, figures, grid workers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grid_helpers import small_district

URL = "/api/v1/service-issues"


@pytest.fixture
def ids(system: Any) -> dict:
    return small_district(system.app)


def body(ids: dict, **overrides: Any) -> dict:
    data = {
        "channel": "hotline",
        "category": "gas_connection",
        "compound_id": str(ids["compound1"]),
        "grid_id": str(ids["grid1"]),
        "description": "天然气入户未开通",
        "reporter_contact": "13812341234",
    }
    data.update(overrides)
    return data


def test_lifecycle_over_http_and_masking_by_role(client: Any, auth: Any, ids: dict) -> None:
    officer = auth("community_officer", scope=ids["community"])
    made = client.post(URL, json=body(ids), headers=officer)
    assert made.status_code == 201, made.json
    issue = made.json["id"]
    company = auth("company_manager", scope=ids["company_a"])
    steps = [
        ("accept", officer, {"company_id": str(ids["company_a"])}),
        ("start-handling", company, {}),
        ("handled", company, {"resolution": "已协调燃气公司开通"}),
        ("feedback", auth("resident"), {"rating": "satisfied"}),
        ("close", officer, {"note": "考核通过"}),
    ]
    last = made.json
    for path, headers, payload in steps:
        last = client.post(f"{URL}/{issue}/{path}", json=payload, headers=headers).json
        assert "position" in last, (path, last)
    read = {"min_position": last["position"]}
    as_handler = client.get(f"{URL}/{issue}", query_string=read, headers=officer).json
    assert as_handler["state"] == "closed" and as_handler["reporter_contact"] == "13812341234"
    as_auditor = client.get(f"{URL}/{issue}", query_string=read, headers=auth("auditor")).json
    assert "reporter_contact" not in as_auditor
    assert as_auditor["reporter_contact_masked"] == "138****1234"
    other = auth("community_officer", scope=ids["community2"])
    assert client.get(f"{URL}/{issue}", headers=other).status_code == 404  # outside its scope
    committee = auth("owners_committee", scope=ids["compound1"])
    board = client.get(URL, query_string={**read, "state": "closed"}, headers=committee)
    assert board.json["total"] == 1
    assert "13812341234" not in board.get_data(as_text=True)
    funnel = client.get(
        "/api/v1/grid-loop/funnel", query_string={"by": "community"}, headers=auth("auditor")
    ).json
    assert funnel["items"][0]["resolved"] == 1 and funnel["items"][0]["area_id"] == str(
        ids["community"]
    )


def test_erasing_a_reporter_forgets_the_contact(client: Any, auth: Any, ids: dict) -> None:
    admin = auth("district_admin")
    made = client.post(URL, json=body(ids, reporter_ref="resident-9"), headers=admin).json
    read = {"min_position": made["position"]}
    url = "/api/v1/grid-loop/reporters/resident-9/contact"
    assert client.delete(url, headers=auth("auditor")).status_code == 403
    assert client.delete(url, headers=admin).status_code == 204
    assert client.delete(url, headers=admin).status_code == 404
    after = client.get(f"{URL}/{made['id']}", query_string=read, headers=admin).json
    assert after["reporter_contact"] is None
    assert after["reporter_contact_masked"] == "138****1234"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"category": "weather"}, "category"),
        ({"description": "x" * 2001}, "description"),
        ({"compound_id": "00000000-0000-0000-0000-000000000001"}, "compound_id"),
        ({"grid_id": "grid2"}, "grid_id"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(
    client: Any, auth: Any, ids: dict, system: Any, overrides: dict, field: str
) -> None:
    if overrides.get("grid_id") == "grid2":
        overrides = {"grid_id": str(ids["grid2"])}  # a grid of another compound
    head = system.app.recorder.max_notification_id()
    refused = client.post(URL, json=body(ids, **overrides), headers=auth("district_admin"))
    assert refused.status_code == 422, refused.json
    assert refused.content_type == "application/problem+json"
    assert field in refused.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_illegal_transition_is_409_and_stores_nothing(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    admin = auth("district_admin")
    issue = client.post(URL, json=body(ids), headers=admin).json["id"]
    head = system.app.recorder.max_notification_id()
    early = client.post(f"{URL}/{issue}/feedback", json={"rating": "satisfied"}, headers=admin)
    assert early.status_code == 409 and early.json["code"] == "invalid_transition"
    client.post(f"{URL}/{issue}/refer-out", json={"reason": "非物业事项"}, headers=admin)
    handling = client.post(f"{URL}/{issue}/start-handling", json={}, headers=admin)
    assert handling.status_code == 409 and "referred-out" in handling.json["detail"]
    assert system.app.recorder.max_notification_id() == head + 1


def test_out_of_scope_report_is_forbidden(client: Any, auth: Any, ids: dict) -> None:
    other = auth("community_officer", scope=ids["community2"])
    assert client.post(URL, json=body(ids), headers=other).status_code == 403


def test_grid_workers_assessment_and_scorecard(client: Any, auth: Any, ids: dict) -> None:
    admin = auth("district_admin")
    street = auth("street_officer", scope=ids["street"])
    worker = client.post(
        "/api/v1/grid/workers",
        json={
            "staff_code": "W1",
            "name": "张网格",
            "employment": "part_time",
            "company_id": str(ids["company_a"]),
            "grid_ids": [str(ids["grid1"])],
        },
        headers=admin,
    ).json
    point = client.post(
        "/api/v1/grid/collection-points",
        json={"grid_id": str(ids["grid1"]), "name": "1号网格工作室采集点"},
        headers=admin,
    )
    assert point.status_code == 201
    lines = [
        {"worker_id": worker["id"], "dimension": "deployment", "score": 90},
        {"worker_id": worker["id"], "dimension": "evaluation", "score": 80},
    ]
    assessment = client.post(
        "/api/v1/grid/assessments",
        json={
            "company_id": str(ids["company_a"]),
            "period": "2020-Q2",
            "assessor_org_id": str(ids["street"]),
            "lines": lines,
        },
        headers=street,
    ).json
    sent = client.post(
        f"/api/v1/grid/assessments/{assessment['id']}/send", json={}, headers=street
    ).json
    card = client.get(
        f"/api/v1/grid/companies/{ids['company_a']}/scorecard",
        query_string={"min_position": sent["position"], "period": "2020-Q2"},
        headers=auth("company_manager", scope=ids["company_a"]),
    ).json
    assert card["sent_to_company"] == 1
    (row,) = card["workers"]
    assert row["overall"] == 85.0 and row["dimensions"]["deployment"]["mean"] == 90.0
    workers = client.get(
        "/api/v1/grid/workers", query_string={"grid_id": str(ids["grid1"])}, headers=admin
    ).json
    assert workers["items"][0]["grid_ids"] == [str(ids["grid1"])]
    bad = client.post(
        "/api/v1/grid/assessments",
        json={
            "company_id": str(ids["company_b"]),
            "period": "2020-Q2",
            "assessor_org_id": str(ids["street"]),
            "lines": lines,
        },
        headers=street,
    )
    assert bad.status_code == 422 and "lines" in bad.json["errors"]
