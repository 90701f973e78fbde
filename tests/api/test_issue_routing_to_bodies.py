"""An issue is routed by id to its community's property-work guidance committee or its
street's property-management office (issue 17 point 1), not to a free-text department
naming them: the board shows the body and its name; a body of another unit, of another
kind or out of office is a 422 on body_id that stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import add_compound

AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}


def _establish(client: Any, headers: dict, kind: str, parent: str, name: str) -> str:
    made = client.post(
        "/api/v1/org-bodies",
        json={"kind": kind, "parent_id": parent, "name": name, "established_on": "2020-01-02"},
        headers=headers,
    )
    assert made.status_code == 201, made.json
    return str(made.json["id"])


@pytest.fixture
def routed(client: Any, auth: Any, tree: dict) -> dict[str, Any]:
    admin = {**auth("district_admin"), **AT}
    ids = dict(tree)
    ids["compound"] = add_compound(client, admin, tree["community"], households=300)
    for key, kind, parent, name in (
        ("committee", "property_guidance_committee", "community", "华黎社区物业工作指导委员会"),
        (
            "other_committee",
            "property_guidance_committee",
            "other_community",
            "明星社区物业工作指导委员会",
        ),
        ("office", "street_property_office", "street", "北坦街道物业管理办公室"),
        ("residents", "residents_committee", "community", "华黎社区居委会"),
    ):
        ids[key] = _establish(client, admin, kind, tree[parent], name)
    return ids


def _report(client: Any, auth: Any, compound: str) -> str:
    made = client.post(
        "/api/v1/service-issues",
        json={
            "channel": "hotline",
            "category": "heating",
            "compound_id": compound,
            "description": "暖气不热",
        },
        headers={**auth("district_admin"), **AT},
    )
    assert made.status_code == 201, made.json
    return str(made.json["id"])


def _accept(client: Any, auth: Any, issue: str, route: dict[str, Any], when: dict = AT) -> Any:
    return client.post(
        f"/api/v1/service-issues/{issue}/accept",
        json=route,
        headers={**auth("community_officer"), **when},
    )


@pytest.mark.parametrize(
    "key,name",
    [("committee", "华黎社区物业工作指导委员会"), ("office", "北坦街道物业管理办公室")],
)
def test_an_issue_is_routed_to_a_body_by_id(
    client: Any, auth: Any, routed: dict, key: str, name: str
) -> None:
    issue = _report(client, auth, routed["compound"])
    accepted = _accept(client, auth, issue, {"body_id": routed[key]})
    assert accepted.status_code == 200, accepted.json
    board = client.get(
        "/api/v1/service-issues",
        query_string={"body_id": routed[key], "min_position": accepted.json["position"]},
        headers=auth("district_admin"),
    ).json
    assert [(i["id"], i["body_id"], i["department"]) for i in board["items"]] == [
        (issue, routed[key], name)
    ]


@pytest.mark.parametrize(
    "key,when",
    [
        ("other_committee", AT),
        ("residents", AT),
        ("community", AT),  # an org unit is not a body
        ("committee", {"Occurred-At": "2020-01-01T10:00:00+08:00"}),  # before it was established
    ],
)
def test_a_body_that_cannot_take_the_issue_is_refused(
    client: Any, auth: Any, routed: dict, system: Any, key: str, when: dict
) -> None:
    issue = _report(client, auth, routed["compound"])
    head = system.app.recorder.max_notification_id()
    refused = _accept(client, auth, issue, {"body_id": routed[key]}, when)
    assert refused.status_code == 422, refused.json
    assert refused.content_type == "application/problem+json"
    assert "body_id" in refused.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_a_body_and_a_department_together_are_refused(
    client: Any, auth: Any, routed: dict, system: Any
) -> None:
    issue = _report(client, auth, routed["compound"])
    head = system.app.recorder.max_notification_id()
    both = _accept(client, auth, issue, {"body_id": routed["committee"], "department": "物业办"})
    assert both.status_code == 422 and "company_id" in both.json["errors"], both.json
    assert system.app.recorder.max_notification_id() == head
