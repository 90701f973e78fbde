"""The bodies under communities and streets over HTTP (issue 17 point 1): establish, read,
list as of a day, rename, dissolve; the rules answer 422 naming the field and store nothing;
roles and scope decide who may write."""

from __future__ import annotations

from typing import Any

import pytest

URL = "/api/v1/org-bodies"


def _establish(client: Any, headers: dict, **body: Any) -> Any:
    return client.post(URL, json=body, headers=headers)


def _body(kind: str, parent: str, name: str, on: str = "2020-01-02") -> dict[str, Any]:
    return {"kind": kind, "parent_id": parent, "name": name, "established_on": on}


def _list(client: Any, auth: Any, position: int, **query: Any) -> dict[str, Any]:
    answer = client.get(
        URL, headers=auth("resident"), query_string={"min_position": position, **query}
    )
    assert answer.status_code == 200, answer.json
    return answer.json  # type: ignore[no-any-return]


def test_establish_then_read_and_list_each_kind(client: Any, auth: Any, tree: dict) -> None:
    admin = auth("district_admin")
    made = {
        kind: _establish(client, admin, **_body(kind, tree[parent], name))
        for kind, parent, name in (
            ("community_party_org", "community", "华黎社区党总支"),
            ("residents_committee", "community", "华黎社区居委会"),
            ("property_guidance_committee", "community", "华黎社区物业工作指导委员会"),
            ("street_property_office", "street", "北坦街道物业管理办公室"),
        )
    }
    for answer in made.values():
        assert answer.status_code == 201, answer.json
        assert answer.headers["Location"].endswith(f"/api/v1/org-bodies/{answer.json['id']}")
    last = max(a.json["position"] for a in made.values())
    one = client.get(
        f"{URL}/{made['street_property_office'].json['id']}",
        headers=auth("auditor"),
        query_string={"min_position": last},
    )
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'
    assert one.json["kind_label"] == "街道物业管理办公室"
    assert (one.json["parent_id"], one.json["street_id"]) == (tree["street"], tree["street"])
    assert one.json["community_id"] is None and one.json["established_on"] == "2020-01-02"
    page = _list(client, auth, last, community_id=tree["community"])
    assert {b["kind"] for b in page["items"]} == {
        "community_party_org",
        "residents_committee",
        "property_guidance_committee",
    }
    assert all(b["street_id"] == tree["street"] for b in page["items"])
    assert _list(client, auth, last, street_id=tree["street"])["total"] == 4
    assert _list(client, auth, last, kind="residents_committee")["items"][0]["name"] == (
        "华黎社区居委会"
    )


@pytest.mark.parametrize(
    "kind,parent,code,field",
    [
        ("street_property_office", "community", "rule_violation", "parent_id"),
        ("residents_committee", "street", "rule_violation", "parent_id"),
        ("community_party_org", "district", "rule_violation", "parent_id"),
    ],
)
def test_a_body_needs_a_parent_of_its_kind(
    client: Any, auth: Any, tree: dict, system: Any, kind: str, parent: str, code: str, field: str
) -> None:
    head = system.app.recorder.max_notification_id()
    answer = _establish(client, auth("district_admin"), **_body(kind, tree[parent], "某机构"))
    assert answer.status_code == 422, answer.json
    assert answer.content_type == "application/problem+json"
    assert answer.json["code"] == code and field in answer.json["errors"]
    assert system.app.recorder.max_notification_id() == head


def test_bad_input_names_the_field(client: Any, auth: Any, tree: dict, system: Any) -> None:
    admin = auth("district_admin")
    head = system.app.recorder.max_notification_id()
    for body, field in (
        ({**_body("party_school", tree["community"], "x")}, "kind"),
        ({**_body("residents_committee", tree["community"], "  ")}, "name"),
        ({**_body("residents_committee", tree["community"], "x", "2020-13-01")}, "established_on"),
        ({**_body("residents_committee", tree["district"][:-4] + "abcd", "x")}, "parent_id"),
    ):
        answer = _establish(client, admin, **body)
        assert answer.status_code == 422 and field in answer.json["errors"], (body, answer.json)
    assert system.app.recorder.max_notification_id() == head
    missing = client.get(f"{URL}/{tree['community']}", headers=auth("resident"))
    assert missing.status_code == 404


def test_one_residents_committee_at_a_time_and_as_of_listing(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    admin = auth("district_admin")
    first = _establish(client, admin, **_body("residents_committee", tree["community"], "居委会甲"))
    head = system.app.recorder.max_notification_id()
    overlap = _establish(
        client, admin, **_body("residents_committee", tree["community"], "居委会乙", "2021-01-01")
    )
    assert overlap.status_code == 422 and overlap.json["code"] == "overlapping_org_body"
    assert "established_on" in overlap.json["errors"]
    assert system.app.recorder.max_notification_id() == head
    url = f"{URL}/{first.json['id']}"
    renamed = client.patch(
        url,
        json={"name": "华黎社区居民委员会", "on": "2020-06-01"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert renamed.status_code == 200, renamed.json
    stale = client.post(
        f"{url}/dissolve",
        json={"on": "2021-01-01", "reason": "换届"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert stale.status_code == 412, stale.json
    gone = client.post(
        f"{url}/dissolve", json={"on": "2021-01-01", "reason": "换届"}, headers=admin
    )
    assert gone.status_code == 200, gone.json
    second = _establish(
        client, admin, **_body("residents_committee", tree["community"], "居委会乙", "2021-01-01")
    )
    assert second.status_code == 201, second.json
    at = second.json["position"]

    def names_on(day: str) -> list[str]:
        items = _list(client, auth, at, kind="residents_committee", as_of=day)["items"]
        return [b["name"] for b in items]

    assert names_on("2019-12-31") == []
    assert names_on("2020-05-31") == ["居委会甲"]
    assert names_on("2020-06-01") == ["华黎社区居民委员会"]
    assert names_on("2021-01-01") == ["居委会乙"]
    assert [b["name"] for b in _list(client, auth, at, kind="residents_committee")["items"]] == [
        "居委会乙"
    ]
    everything = _list(client, auth, at, kind="residents_committee", include_dissolved=True)
    assert everything["total"] == 2


def test_roles_and_scope_decide_who_writes(client: Any, auth: Any, tree: dict, system: Any) -> None:
    body = _body("property_guidance_committee", tree["community"], "华黎社区物业工作指导委员会")
    head = system.app.recorder.max_notification_id()
    assert _establish(client, auth("community_officer"), **body).status_code == 403
    assert _establish(client, auth("resident"), **body).status_code == 403
    elsewhere = auth("street_officer", scope=tree["other_street"])
    assert _establish(client, elsewhere, **body).status_code == 403
    assert system.app.recorder.max_notification_id() == head
    mine = auth("street_officer", scope=tree["street"])
    made = _establish(client, mine, **body)
    assert made.status_code == 201, made.json
    url = f"{URL}/{made.json['id']}/dissolve"
    refused = client.post(url, json={"on": "2021-01-01", "reason": "撤销"}, headers=elsewhere)
    assert refused.status_code == 403
    assert (
        client.post(url, json={"on": "2021-01-01", "reason": "撤销"}, headers=mine).status_code
        == 200
    )


def test_a_unit_is_not_closed_under_a_body_in_office_and_a_body_is_no_org_unit(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    admin = auth("district_admin")
    body = _establish(client, admin, **_body("residents_committee", tree["community"], "居委会"))
    close = f"/api/v1/org-units/{tree['community']}/close"
    head = system.app.recorder.max_notification_id()
    kept = client.post(close, json={"reason": "撤并"}, headers=admin)
    assert kept.status_code == 409 and kept.json["code"] == "invalid_transition", kept.json
    assert "residents_committee" in kept.json["detail"]
    assert system.app.recorder.max_notification_id() == head
    as_unit = client.patch(
        f"/api/v1/org-units/{body.json['id']}", json={"name": "x"}, headers=admin
    )
    assert as_unit.status_code == 404
    gone = client.post(
        f"{URL}/{body.json['id']}/dissolve",
        json={"on": "2021-01-01", "reason": "撤并"},
        headers=admin,
    )
    assert gone.status_code == 200, gone.json
    assert client.post(close, json={"reason": "撤并"}, headers=admin).status_code == 200
