"""Writes refused outside the caller's scope (issue 15): district-wide assessment schemes and
periods are the district's alone; a grid worker on no grid is registered by the district
only; a grid-worker assessment is sent to its company only by an officer covering the org
that made it. Every refusal stores nothing."""

from __future__ import annotations

from typing import Any

from tests.api.test_assessment_api import BASE, scheme_body
from tests.grid_helpers import small_district
from tests.integration.test_assessment_ledger import world

WORKERS = "/api/v1/grid/workers"


def test_street_officers_neither_define_nor_run_assessment_periods(
    client: Any, auth: Any, system: Any
) -> None:
    ids = world(system.app)
    admin = auth("district_admin")
    scheme = client.post(f"{BASE}/schemes", json=scheme_body(), headers=admin).json["id"]
    opened = {"period": "2020Q4", "scheme_id": scheme}
    assert client.post(f"{BASE}/periods", json=opened, headers=admin).status_code == 201
    head = system.app.recorder.max_notification_id()
    revised = {"note": "新版", "effective_from": "2021-01-01", **scheme_body()}
    writes = [
        (f"{BASE}/schemes", scheme_body(code="T2")),
        (f"{BASE}/schemes/{scheme}/versions", revised),
        (f"{BASE}/periods", {"period": "2021Q1", "scheme_id": scheme}),
        (f"{BASE}/periods/2020Q4/compute", {}),
        (f"{BASE}/periods/2020Q4/review", {"reviewer": "审核"}),
        (f"{BASE}/periods/2020Q4/publish", {}),
        (f"{BASE}/periods/2020Q4/reassess", {"reason": "数据更正"}),
    ]
    for officer in (
        auth("street_officer", scope=ids["street"]),
        auth("street_officer"),
        auth("community_officer", scope=ids["community"]),
    ):
        for url, body in writes:
            refused = client.post(url, json=body, headers=officer)
            assert refused.status_code == 403, (url, refused.json)
        assert client.get(f"{BASE}/schemes", headers=officer).status_code == 200
        assert client.get(f"{BASE}/periods", headers=officer).status_code == 200
    assert system.app.recorder.max_notification_id() == head


def test_only_the_district_registers_a_grid_worker_on_no_grid(
    client: Any, auth: Any, system: Any
) -> None:
    ids = small_district(system.app)
    worker = {"staff_code": "GW1", "name": "网格员", "employment": "full_time"}
    head = system.app.recorder.max_notification_id()
    for officer in (
        auth("street_officer", scope=ids["street"]),
        auth("community_officer", scope=ids["community"]),
        auth("street_officer"),
    ):
        for body in (worker, {**worker, "grid_ids": []}):
            refused = client.post(WORKERS, json=body, headers=officer)
            assert refused.status_code == 422, refused.json
            assert "grid_ids" in str(refused.json), refused.json
    assert system.app.recorder.max_notification_id() == head
    there = auth("community_officer", scope=ids["community2"])
    gridded = {**worker, "grid_ids": [str(ids["grid1"])]}
    assert client.post(WORKERS, json=gridded, headers=there).status_code == 403
    officer = auth("community_officer", scope=ids["community"])
    assert client.post(WORKERS, json=gridded, headers=officer).status_code == 201
    admin = auth("district_admin")
    assert (
        client.post(WORKERS, json={**worker, "staff_code": "GW2"}, headers=admin).status_code == 201
    )


def test_an_assessment_is_sent_only_by_an_officer_covering_its_assessor(
    client: Any, auth: Any, system: Any
) -> None:
    ids = small_district(system.app)
    community = auth("community_officer", scope=ids["community"])
    worker = client.post(
        WORKERS,
        json={
            "staff_code": "W1",
            "name": "张网格",
            "employment": "part_time",
            "company_id": str(ids["company_a"]),
            "grid_ids": [str(ids["grid1"])],
        },
        headers=community,
    ).json
    assessment = client.post(
        "/api/v1/grid/assessments",
        json={
            "company_id": str(ids["company_a"]),
            "period": "2020-Q2",
            "assessor_org_id": str(ids["community"]),
            "lines": [{"worker_id": worker["id"], "dimension": "deployment", "score": 90}],
        },
        headers=community,
    )
    assert assessment.status_code == 201, assessment.json
    url = f"/api/v1/grid/assessments/{assessment.json['id']}/send"
    head = system.app.recorder.max_notification_id()
    other = auth("community_officer", scope=ids["community2"])
    refused = client.post(url, json={}, headers=other)
    assert refused.status_code == 403, refused.json
    assert system.app.recorder.max_notification_id() == head
    unknown = f"/api/v1/grid/assessments/{ids['grid2']}/send"
    assert client.post(unknown, json={}, headers=community).status_code == 404
    street = auth("street_officer", scope=ids["street"])
    sent = client.post(url, json={}, headers=street)
    assert sent.status_code == 200, sent.json
