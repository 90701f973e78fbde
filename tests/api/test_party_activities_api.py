"""Activities over HTTP: places, joint events, cross-appointments; reads as of D and per year."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import register

AT = {"Occurred-At": "2020-08-01T10:00:00+08:00"}


def test_places_joint_events_and_appointments(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    officer = {**auth("community_officer", scope=tree["community"]), **AT}
    admin = {**auth("district_admin"), **AT}
    compound = register(
        client,
        admin,
        kind="compound",
        code="Q1",
        name="华黎1号小区",
        parent_id=tree["community"],
        compound_type="open",
    ).json["id"]
    company = client.post(
        "/api/v1/property-companies",
        json={"credit_code": "91370105MA3C000001", "name": "康都物业", "street_id": tree["street"]},
        headers=admin,
    ).json["id"]
    base = "/api/v1/party-activities"
    hall = client.post(
        f"{base}/places",
        json={
            "kind": "deliberation_hall",
            "unit_id": compound,
            "name": "红色议事厅",
            "opened_on": "2020-04-01",
        },
        headers=officer,
    )
    assert hall.status_code == 201, hall.json
    head = system.app.recorder.max_notification_id()
    wrong = {
        "kind": "service_window",
        "unit_id": compound,
        "name": "窗口",
        "opened_on": "2020-04-01",
    }
    refused = client.post(f"{base}/places", json=wrong, headers=officer)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    outside = {**auth("community_officer", scope=tree["other_community"]), **AT}
    assert (
        client.post(
            f"{base}/places",
            json={**wrong, "kind": "deliberation_hall", "name": "x"},
            headers=outside,
        ).status_code
        == 403
    )
    closed_early = client.post(
        f"{base}/place/{hall.json['id']}/end", json={"on": "2020-03-01"}, headers=officer
    )
    assert closed_early.status_code == 422
    assert system.app.recorder.max_notification_id() == head
    assert (
        client.post(
            f"{base}/place/{hall.json['id']}/end", json={"on": "2020-06-30"}, headers=officer
        ).status_code
        == 200
    )

    residents = client.post(
        "/api/v1/org-bodies",
        json={
            "kind": "residents_committee",
            "parent_id": tree["community"],
            "name": "华黎社区居委会",
            "established_on": "2020-01-02",
        },
        headers=admin,
    ).json["id"]
    one_host = {
        "name": "议事会",
        "kind": "deliberation",
        "held_on": "2020-05-01",
        "community_id": tree["community"],
        "co_hosts": [
            {"kind": "residents_committee", "id": residents},
            {"kind": "residents_committee", "id": residents},
        ],
        "participants": 10,
    }
    head = system.app.recorder.max_notification_id()
    assert client.post(f"{base}/joint-events", json=one_host, headers=officer).status_code == 422
    assert system.app.recorder.max_notification_id() == head
    one_host["co_hosts"][1] = {"kind": "property_company", "id": company}
    assert client.post(f"{base}/joint-events", json=one_host, headers=officer).status_code == 201
    appointed = client.post(
        f"{base}/cross-appointments",
        json={
            "person_ref": "LW1",
            "name": "两委委员",
            "role": "company_supervisor",
            "company_id": company,
            "community_id": tree["community"],
            "starts_on": "2020-05-01",
        },
        headers=officer,
    )
    assert appointed.status_code == 201
    reader = auth("auditor")
    pos = appointed.json["position"]
    places_may = client.get(
        f"{base}/periods",
        query_string={"what": "place", "as_of": "2020-05-01", "min_position": pos},
        headers=reader,
    ).json
    places_july = client.get(
        f"{base}/periods", query_string={"what": "place", "as_of": "2020-07-01"}, headers=reader
    ).json
    assert places_may["count"] == 1 and places_july["count"] == 0
    events = client.get(
        f"{base}/events", query_string={"what": "joint_event", "year": 2020}, headers=reader
    ).json
    assert (
        events["count"] == 1
        and events["items"][0]["co_host_kinds"] == "property_company,residents_committee"
    )
    assert (
        client.post(f"{base}/cross-appointments", json={}, headers=auth("auditor")).status_code
        == 403
    )
