"""Each answer of the grid-loop reads matches the schema documented for it in OpenAPI:
every field it carries is declared, with the declared type."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from api import grid_workers, issue_reports, open311
from tests.grid_helpers import small_district


def check(schema: Schema, answer: Any) -> None:
    assert answer.status_code in (200, 201), answer.get_data(as_text=True)
    assert schema.validate(answer.json) == {}


def test_grid_loop_reads_match_their_schemas(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    admin = auth("district_admin")
    issue = {
        "channel": "hotline",
        "category": "heating",
        "compound_id": str(ids["compound1"]),
        "description": "暖气不热",
    }
    made = client.post("/api/v1/service-issues", json=issue, headers=admin).json
    accepted = client.post(
        f"/api/v1/service-issues/{made['id']}/accept",
        json={"company_id": str(ids["company_a"])},
        headers=admin,
    ).json
    worker = client.post(
        "/api/v1/grid/workers",
        json={
            "staff_code": "GW1",
            "name": "网格员",
            "employment": "part_time",
            "company_id": str(ids["company_a"]),
            "grid_ids": [str(ids["grid1"])],
        },
        headers=admin,
    ).json
    line = {"worker_id": worker["id"], "dimension": "deployment", "score": 90}
    assessment = {
        "company_id": str(ids["company_a"]),
        "period": "2020-Q1",
        "assessor_org_id": str(ids["street"]),
        "lines": [line],
    }
    assessed = client.post("/api/v1/grid/assessments", json=assessment, headers=admin)
    assert assessed.status_code == 201, assessed.json
    fresh = {"min_position": max(accepted["position"], assessed.json["position"])}

    def get(url: str, **query: Any) -> Any:
        return client.get(url, query_string={**fresh, **query}, headers=admin)

    check(grid_workers.WorkerSchema(), get(f"/api/v1/grid/workers/{worker['id']}"))
    scorecard = get(f"/api/v1/grid/companies/{ids['company_a']}/scorecard")
    check(grid_workers.GridScorecardSchema(), scorecard)
    assert scorecard.json["workers"][0]["dimensions"]["deployment"]["mean"] == 90
    rates = get("/api/v1/grid-loop/rates", per="company")
    check(issue_reports.RatePage(), rates)
    accepted_per_company = {row["group_id"]: row["accepted"] for row in rates.json["items"]}
    assert accepted_per_company == {str(ids["company_a"]): 1, str(ids["company_b"]): 0}
    overdue = get("/api/v1/grid-loop/overdue", as_of="2030-01-02T00:00:00+08:00")
    check(issue_reports.OverduePage(), overdue)
    assert overdue.json["total"] == 1
    policy = client.get("/api/v1/grid-loop/sla-policy", headers=admin)
    check(issue_reports.SlaPolicySchema(), policy)
    assert policy.json["versions"][0]["version"] == 1


def test_open311_answers_match_their_schemas(client: Any, auth: Any, system: Any) -> None:
    ids = small_district(system.app)
    base = "/open311/v2"
    check(open311.ServiceSchema(many=True), client.get(f"{base}/services.json"))
    check(open311.ServiceDefinitionSchema(), client.get(f"{base}/services/heating.json"))
    form = {
        "service_code": "noise",
        "description": "夜间施工噪音",
        "attribute[compound_id]": str(ids["compound2"]),
        "account_id": "r-1",
    }
    made = client.post(f"{base}/requests.json", data=form, headers=auth("resident"))
    check(open311.CreatedSchema(many=True), made)
    request_id = made.json[0]["service_request_id"]
    system.catch_up()
    check(open311.RequestSchema(many=True), client.get(f"{base}/requests.json"))
    one = client.get(f"{base}/requests/{request_id}.json")
    check(open311.RequestSchema(many=True), one)
    assert one.json[0]["service_request_id"] == request_id
