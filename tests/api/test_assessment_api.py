"""The assessment ledger over HTTP: the publish flow, reads, drill-down, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_assessment_ledger import BANDS, SPECS, world

BASE = "/api/v1/assessment"


def scheme_body(**changes: Any) -> dict[str, Any]:
    body = {
        "code": "T1",
        "name": "测试办法",
        "subjects": ["community"],
        "indicators": [{**s, "subject_kind": "community"} for s in SPECS],
        "bands": BANDS,
        "effective_from": "2020-01-01",
    }
    body.update(changes)
    return body


@pytest.fixture
def admin(auth: Any) -> dict[str, str]:
    return auth("district_admin")


@pytest.fixture
def published(client: Any, system: Any, admin: dict) -> dict[str, Any]:
    return publish(client, system, admin)


def publish(client: Any, system: Any, admin: dict) -> dict[str, Any]:
    """The assessment world's 2020Q4 period, computed, reviewed and published over HTTP."""
    ids = world(system.app)
    scheme = client.post(f"{BASE}/schemes", json=scheme_body(), headers=admin)
    assert scheme.status_code == 201, scheme.json
    opened = client.post(
        f"{BASE}/periods", json={"period": "2020Q4", "scheme_id": scheme.json["id"]}, headers=admin
    )
    assert opened.status_code == 201, opened.json
    for action, body in (("compute", {}), ("review", {"reviewer": "审核"}), ("publish", {})):
        when = {"Occurred-At": "2021-01-08T09:00:00+08:00"}
        done = client.post(f"{BASE}/periods/2020Q4/{action}", json=body, headers={**admin, **when})
        assert done.status_code == 200, done.json
    return {"ids": ids, "scheme": scheme.json["id"], "position": done.json["position"]}


def test_publish_flow_rankings_scorecard_drilldown(client: Any, auth: Any, published: dict) -> None:
    reader = auth("auditor")
    at = {"min_position": published["position"]}
    ranking = client.get(
        f"{BASE}/periods/2020Q4/rankings",
        query_string={**at, "subject_kind": "community"},
        headers=reader,
    )
    assert ranking.status_code == 200, ranking.json
    assert ranking.json["revision"] == 1 and ranking.json["state"] == "published"
    assert [i["rank"] for i in ranking.json["items"]] == [1, 2]
    c1 = str(published["ids"]["community"])
    card = client.get(f"{BASE}/periods/2020Q4/scorecards/community/{c1}", headers=reader).json
    line = {ln["indicator"]: ln for ln in card["lines"]}["complaint_rate"]
    assert (line["numerator"], line["denominator"], line["value"]) == (3, 200, 1.5)
    drill = client.get(
        f"{BASE}/periods/2020Q4/scorecards/community/{c1}/complaint_rate", headers=reader
    ).json
    assert drill["total"] == len(line["positions"])
    topics = [item["topic"].rsplit(":", 1)[1] for item in drill["items"]]
    assert topics.count("ServiceIssue.Accepted") == 3 and "OrgUnit.Registered" in topics
    trend = client.get(f"{BASE}/trend/community/{c1}", headers=reader).json
    assert [t["key"] for t in trend["items"]] == ["2020Q4"]
    paged = {"items", "page", "per_page", "total"}
    assert paged <= set(trend) and paged <= set(ranking.json)
    as_of = client.get(
        f"{BASE}/periods/2020Q4/rankings",
        query_string={"subject_kind": "community", "as_of": "2020-12-01"},
        headers=reader,
    )
    assert as_of.status_code == 404
    # by business time it was published on 2021-01-08; it was recorded only today
    on_paper = {"subject_kind": "community", "as_of": "2021-01-10"}
    found = client.get(f"{BASE}/periods/2020Q4/rankings", query_string=on_paper, headers=reader)
    assert found.status_code == 200 and found.json["revision"] == 1
    recorded = client.get(
        f"{BASE}/periods/2020Q4/rankings",
        query_string={**on_paper, "by_record_time": "true"},
        headers=reader,
    )
    assert recorded.status_code == 404
    what_if = client.get(
        f"{BASE}/periods/2020Q4/what-if", query_string={"scheme_version": 1}, headers=reader
    )
    assert what_if.status_code == 200 and len(what_if.json["cards"]) == 2


def test_published_scorecard_cannot_be_recomputed(
    client: Any, system: Any, admin: dict, published: dict
) -> None:
    head = system.app.recorder.max_notification_id()
    again = client.post(f"{BASE}/periods/2020Q4/compute", json={}, headers=admin)
    assert again.status_code == 409
    assert again.content_type == "application/problem+json"
    assert again.json["code"] == "published_scorecard_immutable"
    assert system.app.recorder.max_notification_id() == head


def _bad_bands() -> list[dict]:
    return [{**BANDS[0]}, {**BANDS[1], "min": 55}, *BANDS[2:]]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"indicators": [{**s, "subject_kind": "community", "weight": 10} for s in SPECS]},
            "weights_do_not_sum_to_100",
        ),
        ({"bands": _bad_bands()}, "overlapping_grade_bands"),
        (
            {
                "indicators": [
                    {**SPECS[0], "subject_kind": "community", "code": "luck", "weight": 100}
                ]
            },
            "unknown_indicator",
        ),
    ],
)
def test_bad_schemes_are_refused(
    client: Any, system: Any, admin: dict, changes: dict, code: str
) -> None:
    head = system.app.recorder.max_notification_id()
    refused = client.post(f"{BASE}/schemes", json=scheme_body(**changes), headers=admin)
    assert refused.status_code == 422, refused.json
    assert refused.content_type == "application/problem+json"
    assert refused.json["code"] == code
    assert system.app.recorder.max_notification_id() == head


def test_the_weight_rule_refuses_a_scheme_unless_an_override_gives_a_reason(
    client: Any, system: Any, admin: dict
) -> None:
    light = [{**s, "subject_kind": "community"} for s in SPECS]
    light[1] = {**light[1], "weight": 10}  # complaints 10 < response 15
    light[2] = {**light[2], "weight": 30}
    head = system.app.recorder.max_notification_id()
    refused = client.post(f"{BASE}/schemes", json=scheme_body(indicators=light), headers=admin)
    assert refused.status_code == 422, refused.json
    assert refused.json["code"] == "satisfaction_and_complaints_must_weigh_most"
    assert system.app.recorder.max_notification_id() == head
    body = scheme_body(indicators=light, override_reason="试点：响应率优先")
    assert client.post(f"{BASE}/schemes", json=body, headers=admin).status_code == 201
    system.catch_up()
    (version,) = client.get(f"{BASE}/schemes", headers=admin).json["items"]
    assert version["override_reason"] == "试点：响应率优先"


def test_empty_period_and_roles(client: Any, system: Any, admin: dict, auth: Any) -> None:
    scheme = client.post(f"{BASE}/schemes", json=scheme_body(), headers=admin).json
    client.post(
        f"{BASE}/periods", json={"period": "2021-01", "scheme_id": scheme["id"]}, headers=admin
    )
    head = system.app.recorder.max_notification_id()
    empty = client.post(f"{BASE}/periods/2021-01/publish", json={}, headers=admin)
    assert empty.status_code == 422 and empty.json["code"] == "empty_period"
    denied = client.post(f"{BASE}/periods/2021-01/compute", json={}, headers=auth("auditor"))
    assert denied.status_code == 403
    missing = client.post(f"{BASE}/periods/2019Q1/review", json={"reviewer": "x"}, headers=admin)
    assert missing.status_code == 404
    bad_key = client.post(
        f"{BASE}/periods", json={"period": "2021Q9", "scheme_id": scheme["id"]}, headers=admin
    )
    assert bad_key.status_code == 422
    assert system.app.recorder.max_notification_id() == head
