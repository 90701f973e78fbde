"""Party building over HTTP: companies, contracts, orgs, membership, instructors, coverage as of
a date; refusals are problem+json and store nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import register

AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}
REGISTERED = {"Occurred-At": "2020-01-15T10:00:00+08:00"}
CODE = "91370105MA3C000001"


def _refused(response: Any, status: int, system: Any, head: int) -> None:
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    assert system.app.recorder.max_notification_id() == head


@pytest.fixture
def party(client: Any, auth: Any, tree: dict, system: Any) -> dict[str, Any]:
    admin = {**auth("district_admin"), **REGISTERED}
    ids = dict(tree)
    ids["compound"] = register(
        client,
        admin,
        kind="compound",
        code="Q1",
        name="华黎1号小区",
        parent_id=tree["community"],
        compound_type="open",
    ).json["id"]
    ids["company"] = client.post(
        "/api/v1/property-companies",
        json={"credit_code": CODE, "name": "康都物业", "street_id": tree["street"]},
        headers=admin,
    ).json["id"]
    ids["other_company"] = client.post(
        "/api/v1/property-companies",
        json={"credit_code": "91370105MA3C000002", "name": "乙物业", "street_id": tree["street"]},
        headers=admin,
    ).json["id"]
    return ids


def test_duplicate_company_and_bad_code_are_refused(
    client: Any, auth: Any, party: dict, system: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    body = {"credit_code": CODE.lower(), "name": "重复", "street_id": party["street"]}
    _refused(
        client.post("/api/v1/property-companies", json=body, headers=auth("district_admin")),
        409,
        system,
        head,
    )
    body["credit_code"] = "123"
    _refused(
        client.post("/api/v1/property-companies", json=body, headers=auth("district_admin")),
        422,
        system,
        head,
    )


@pytest.mark.parametrize(
    "role,scope", [("auditor", "*"), ("company_manager", "*"), ("street_officer", "other_street")]
)
def test_only_officers_in_scope_record(
    client: Any, auth: Any, party: dict, system: Any, role: str, scope: str
) -> None:
    head = system.app.recorder.max_notification_id()
    body = {"credit_code": "91370105MA3C000009", "name": "丙", "street_id": party["street"]}
    headers = auth(role, scope=party.get(scope, scope))
    _refused(
        client.post("/api/v1/property-companies", json=body, headers=headers), 403, system, head
    )


def test_contracts_orgs_membership_and_coverage_as_of(
    client: Any, auth: Any, party: dict, system: Any
) -> None:
    officer = {**auth("street_officer", scope=party["street"]), **AT}
    url = f"/api/v1/property-companies/{party['company']}/contracts"
    signed = client.post(
        url, json={"compound_id": party["compound"], "starts_on": "2020-01-01"}, headers=officer
    )
    assert signed.status_code == 201 and "/contracts/" in signed.headers["Location"]
    head = system.app.recorder.max_notification_id()
    other = f"/api/v1/property-companies/{party['other_company']}/contracts"
    overlap = {"compound_id": party["compound"], "starts_on": "2020-02-01"}
    _refused(client.post(other, json=overlap, headers=officer), 422, system, head)
    backwards = {
        "compound_id": party["compound"],
        "starts_on": "2021-02-01",
        "ends_on": "2021-01-01",
    }
    _refused(client.post(other, json=backwards, headers=officer), 422, system, head)

    org_body = {
        "code": "DZB001",
        "name": "康都物业党支部",
        "host_kind": "property_company",
        "company_ids": [party["company"]],
        "method": "standalone",
        "kind": "branch",
        "founded_on": "2020-02-01",
        "street_id": party["street"],
        "full_members": ["F1", "F2", "F3"],
    }
    org = client.post("/api/v1/party-orgs", json=org_body, headers=officer)
    assert org.status_code == 201, org.json
    head = system.app.recorder.max_notification_id()
    again = {**org_body, "code": "DZB002"}
    _refused(client.post("/api/v1/party-orgs", json=again, headers=officer), 409, system, head)

    membership = f"/api/v1/party-orgs/{org.json['id']}/membership"
    for n, on in enumerate(["2020-02-01", "2020-02-10", "2020-02-20"]):
        done = client.post(
            membership, json={"change": "joined", "member_ref": f"M{n}", "on": on}, headers=officer
        )
        assert done.status_code == 201
    head = system.app.recorder.max_notification_id()
    future = {"change": "joined", "member_ref": "M9", "on": "2020-06-01"}
    _refused(client.post(membership, json=future, headers=officer), 422, system, head)
    _refused(
        client.post(
            membership,
            json={"change": "left", "member_ref": "M9", "on": "2020-02-25"},
            headers=officer,
        ),
        409,
        system,
        head,
    )

    instructor = client.post(
        "/api/v1/party-building/instructors",
        json={"code": "ZDY1", "name": "指导员"},
        headers={**auth("district_admin"), **AT},
    )
    dispatch_url = f"/api/v1/party-building/instructors/{instructor.json['id']}/dispatch"
    to_other = {
        "target_kind": "property_company",
        "target_id": party["other_company"],
        "on": "2020-02-15",
    }
    assert client.post(dispatch_url, json=to_other, headers=officer).status_code == 200
    head = system.app.recorder.max_notification_id()
    _refused(client.post(dispatch_url, json=to_other, headers=officer), 409, system, head)

    reader = auth("auditor")
    members = client.get(
        f"/api/v1/party-orgs/{org.json['id']}/members",
        query_string={"as_of": "2020-02-15", "min_position": head},
        headers=reader,
    ).json
    assert members["members"] == 5
    assert members["member_refs"] == ["F1", "F2", "F3", "M0", "M1"]

    def coverage(day: str) -> dict:
        return client.get(
            "/api/v1/party-building/coverage",
            query_string={"as_of": day, "min_position": head},
            headers=reader,
        ).json["district"]

    assert coverage("2020-01-31")["with_party_org"] == 0
    feb = coverage("2020-02-10")
    assert (
        feb["companies"] == 2
        and feb["with_party_org"] == 1
        and feb["organisational_coverage_pct"] == 50.0
    )
    assert feb["instructors_in_post"] == 0 and feb["work_coverage_pct"] == 50.0
    later = coverage("2020-02-29")
    assert later["work_coverage_pct"] == 100.0 and later["instructors_in_post"] == 1
    assert (
        client.get(
            "/api/v1/party-building/coverage", query_string={"as_of": "nope"}, headers=reader
        ).status_code
        == 422
    )


def test_branch_meetings_by_the_company_manager_and_the_report(
    client: Any, auth: Any, party: dict, system: Any
) -> None:
    admin = {**auth("district_admin"), **AT}
    org = client.post(
        "/api/v1/party-orgs",
        json={
            "code": "DZB001",
            "name": "康都物业党支部",
            "host_kind": "property_company",
            "company_ids": [party["company"]],
            "method": "standalone",
            "kind": "branch",
            "founded_on": "2020-01-20",
            "street_id": party["street"],
            "full_members": ["M1", "M2", "M3"],
        },
        headers=admin,
    ).json["id"]
    meeting = {
        "org_id": org,
        "kind": "party_lesson",
        "held_on": "2020-02-19",
        "platform": "secretary_live",
        "title": "书记讲党课",
        "attendees": ["M1", "M2", "M3"],
    }
    own = {**auth("company_manager", scope=party["company"]), **AT}
    other = {**auth("company_manager", scope=party["other_company"]), **AT}
    head = system.app.recorder.max_notification_id()
    _refused(
        client.post("/api/v1/branch-life/meetings", json=meeting, headers=other), 403, system, head
    )
    _refused(
        client.post(
            "/api/v1/branch-life/meetings", json={**meeting, "platform": "tv"}, headers=own
        ),
        422,
        system,
        head,
    )
    done = client.post("/api/v1/branch-life/meetings", json=meeting, headers=own)
    assert done.status_code == 201, done.json
    report = client.get(
        "/api/v1/branch-life/report",
        query_string={
            "org_id": org,
            "from": "2020-01-01",
            "to": "2020-03-31",
            "min_position": done.json["position"],
        },
        headers=auth("auditor"),
    ).json
    lesson = next(k for k in report["by_kind"] if k["kind"] == "party_lesson")
    assert lesson["held"] == 1 and lesson["met"] and report["study_coverage_pct"] == 100.0
    monthly = client.get(
        "/api/v1/branch-life/report",
        query_string={
            "org_id": org,
            "from": "2020-01-01",
            "to": "2020-03-31",
            "rule": "party_lesson:1:month",
        },
        headers=auth("auditor"),
    ).json
    assert [(k["kind"], k["periods"], k["met"]) for k in monthly["by_kind"]] == [
        ("party_lesson", 3, False)
    ]
    bad_rule = {"org_id": org, "from": "2020-01-01", "to": "2020-03-31", "rule": "picnic:1:month"}
    bad = client.get("/api/v1/branch-life/report", query_string=bad_rule, headers=auth("auditor"))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    backwards = {"org_id": org, "from": "2020-03-01", "to": "2020-01-01"}
    assert (
        client.get(
            "/api/v1/branch-life/report", query_string=backwards, headers=auth("auditor")
        ).status_code
        == 422
    )
