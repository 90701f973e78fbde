"""Cross-appointments to the community party committee name the community party organisation,
and joint events are co-hosted by the community's own bodies in office that day (issue 17
point 1), over HTTP on both databases."""

from __future__ import annotations

from typing import Any

import pytest

AT = {"Occurred-At": "2020-08-01T10:00:00+08:00"}
BASE = "/api/v1/party-activities"


def _establish(client: Any, headers: dict, kind: str, parent: str, on: str = "2020-01-02") -> str:
    made = client.post(
        "/api/v1/org-bodies",
        json={"kind": kind, "parent_id": parent, "name": f"{kind}-x", "established_on": on},
        headers=headers,
    )
    assert made.status_code == 201, made.json
    return str(made.json["id"])


@pytest.fixture
def ids(client: Any, auth: Any, tree: dict) -> dict[str, str]:
    admin = {**auth("district_admin"), **AT}
    found = dict(tree)
    found["company"] = client.post(
        "/api/v1/property-companies",
        json={"credit_code": "91370105MA3C000001", "name": "康都物业", "street_id": tree["street"]},
        headers=admin,
    ).json["id"]
    found["party_org"] = _establish(client, admin, "community_party_org", tree["community"])
    found["residents"] = _establish(client, admin, "residents_committee", tree["community"])
    found["other_residents"] = _establish(
        client, admin, "residents_committee", tree["other_community"]
    )
    found["late_party_org"] = _establish(
        client, admin, "community_party_org", tree["other_community"], "2020-06-01"
    )
    return found


def _appoint(client: Any, auth: Any, ids: dict, community: str, on: str, **extra: Any) -> Any:
    body = {
        "person_ref": f"SJ-{on}",
        "name": "物业党支部书记",
        "role": "community_party_committee",
        "company_id": ids["company"],
        "community_id": ids[community],
        "starts_on": on,
        **extra,
    }
    return client.post(
        f"{BASE}/cross-appointments", json=body, headers={**auth("district_admin"), **AT}
    )


def test_an_appointment_to_the_party_committee_names_its_party_org(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    by_default = _appoint(client, auth, ids, "community", "2020-03-01")
    named = _appoint(
        client, auth, ids, "community", "2020-04-01", community_party_org_id=ids["party_org"]
    )
    assert by_default.status_code == 201 and named.status_code == 201, (by_default.json, named.json)
    periods = client.get(
        f"{BASE}/periods",
        query_string={
            "what": "cross_appointment",
            "as_of": "2020-05-01",
            "min_position": named.json["position"],
        },
        headers=auth("auditor"),
    ).json
    assert [(p["unit_id"], p["org_id"]) for p in periods["items"]] == [
        (ids["community"], ids["party_org"])
    ] * 2
    head = system.app.recorder.max_notification_id()
    for answer, field in (
        (_appoint(client, auth, ids, "other_community", "2020-05-01"), "community_id"),
        (
            _appoint(
                client,
                auth,
                ids,
                "other_community",
                "2020-07-01",
                community_party_org_id=ids["party_org"],
            ),
            "community_party_org_id",
        ),
        (
            _appoint(
                client,
                auth,
                ids,
                "community",
                "2020-05-02",
                community_party_org_id=ids["residents"],
            ),
            "community_party_org_id",
        ),
        (
            _appoint(
                client,
                auth,
                ids,
                "community",
                "2020-05-03",
                role="company_supervisor",
                community_party_org_id=ids["party_org"],
            ),
            "community_party_org_id",
        ),
    ):
        assert answer.status_code == 422 and field in answer.json["errors"], answer.json
    assert system.app.recorder.max_notification_id() == head


def _joint(client: Any, auth: Any, ids: dict, hosts: list[tuple[str, str]]) -> Any:
    return client.post(
        f"{BASE}/joint-events",
        json={
            "name": f"邻里节{len(hosts)}{hosts[0][1][:4]}",
            "kind": "culture",
            "held_on": "2020-05-01",
            "community_id": ids["community"],
            "co_hosts": [{"kind": kind, "id": ids[key]} for kind, key in hosts],
            "participants": 80,
        },
        headers={**auth("district_admin"), **AT},
    )


def test_joint_events_are_co_hosted_by_the_communitys_bodies(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    held = _joint(
        client,
        auth,
        ids,
        [("community_party_org", "party_org"), ("residents_committee", "residents")],
    )
    assert held.status_code == 201, held.json
    head = system.app.recorder.max_notification_id()
    for hosts in (
        [("residents_committee", "other_residents"), ("property_company", "company")],
        [("residents_committee", "party_org"), ("property_company", "company")],
        [("community_party_org", "residents"), ("property_company", "company")],
    ):
        refused = _joint(client, auth, ids, hosts)
        assert refused.status_code == 422 and "co_hosts" in refused.json["errors"], refused.json
    assert system.app.recorder.max_notification_id() == head
    events = client.get(
        f"{BASE}/events",
        query_string={"what": "joint_event", "year": 2020, "min_position": held.json["position"]},
        headers=auth("auditor"),
    ).json
    assert events["items"][0]["co_host_kinds"] == "community_party_org,residents_committee"
