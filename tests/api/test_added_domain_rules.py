"""Rules the domain keeps (issue 17 point 10), over HTTP on both databases: each refusal is
a 422 naming the field and its rule, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import register

AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}


def _refused(response: Any, system: Any, head: int, code: str, field: str) -> None:
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == code
    assert field in response.json["errors"]
    assert system.app.recorder.max_notification_id() == head


@pytest.fixture
def served(client: Any, auth: Any, tree: dict, system: Any) -> dict[str, Any]:
    """Two compounds; company A serves Q1 from 2020-01-01, company B serves nothing."""
    admin = {**auth("district_admin"), **AT}
    ids = dict(tree)
    for n in (1, 2):
        ids[f"compound{n}"] = register(
            client,
            admin,
            kind="compound",
            code=f"Q{n}",
            name=f"华黎{n}号小区",
            parent_id=tree["community"],
            compound_type="resettlement",
            households=300,
        ).json["id"]
    for key, code in (("company_a", "91370105MA3C000001"), ("company_b", "91370105MA3C000002")):
        ids[key] = client.post(
            "/api/v1/property-companies",
            json={"credit_code": code, "name": key, "street_id": tree["street"]},
            headers=admin,
        ).json["id"]
    signed = client.post(
        f"/api/v1/property-companies/{ids['company_a']}/contracts",
        json={"compound_id": ids["compound1"], "starts_on": "2020-01-01", "ends_on": "2020-12-31"},
        headers=admin,
    )
    assert signed.status_code == 201, signed.json
    return ids


def _report(client: Any, auth: Any, compound: str, when: str) -> str:
    answer = client.post(
        "/api/v1/service-issues",
        json={
            "channel": "grid_worker",
            "category": "heating",
            "compound_id": compound,
            "description": "暖气不热",
        },
        headers={**auth("district_admin"), "Occurred-At": when},
    )
    assert answer.status_code == 201, answer.json
    return str(answer.json["id"])


@pytest.mark.parametrize(
    "compound,company,when",
    [
        ("compound2", "company_a", "2020-03-01T10:00:00+08:00"),  # A does not serve Q2
        ("compound1", "company_b", "2020-03-01T10:00:00+08:00"),  # Q1 is A's
        ("compound1", "company_a", "2021-01-05T10:00:00+08:00"),  # A's contract has ended
    ],
)
def test_an_issue_is_accepted_only_for_the_company_serving_its_compound(
    client: Any, auth: Any, served: dict, system: Any, compound: str, company: str, when: str
) -> None:
    issue = _report(client, auth, served[compound], when)
    head = system.app.recorder.max_notification_id()
    refused = client.post(
        f"/api/v1/service-issues/{issue}/accept",
        json={"company_id": served[company]},
        headers={**auth("district_admin"), "Occurred-At": when},
    )
    _refused(refused, system, head, "company_does_not_serve_compound", "company_id")


def test_the_serving_company_and_a_department_are_accepted(
    client: Any, auth: Any, served: dict
) -> None:
    for compound, route in (
        ("compound1", {"company_id": served["company_a"]}),
        ("compound2", {"department": "社区物业工作指导委员会"}),
    ):
        issue = _report(client, auth, served[compound], AT["Occurred-At"])
        accepted = client.post(
            f"/api/v1/service-issues/{issue}/accept",
            json=route,
            headers={**auth("district_admin"), **AT},
        )
        assert accepted.status_code == 200, accepted.json


def _elect(client: Any, auth: Any, compound: str, starts: str, ends: str) -> Any:
    return client.post(
        "/api/v1/party-building/owners-committees",
        json={
            "compound_id": compound,
            "name": "华黎1号小区业主委员会",
            "term_starts": starts,
            "term_ends": ends,
            "members": [
                {"member_ref": f"YW{n}", "name": f"委员{n}", "party_member": n < 3}
                for n in range(5)
            ],
        },
        headers={**auth("district_admin"), **AT},
    )


@pytest.mark.parametrize(
    "starts,ends",
    [("2020-06-01", "2022-05-31"), ("2019-01-01", "2020-01-01"), ("2019-06-01", "2026-01-01")],
)
def test_overlapping_owners_committees_on_one_compound_are_refused(
    client: Any, auth: Any, served: dict, system: Any, starts: str, ends: str
) -> None:
    first = _elect(client, auth, served["compound1"], "2020-01-01", "2024-12-31")
    assert first.status_code == 201, first.json
    head = system.app.recorder.max_notification_id()
    _refused(
        _elect(client, auth, served["compound1"], starts, ends),
        system,
        head,
        "overlapping_owners_committee",
        "term_starts",
    )


def test_consecutive_terms_and_other_compounds_are_accepted(
    client: Any, auth: Any, served: dict
) -> None:
    for compound, starts, ends in (
        ("compound1", "2017-01-01", "2019-12-31"),
        ("compound1", "2020-01-01", "2024-12-31"),
        ("compound2", "2020-01-01", "2024-12-31"),
    ):
        elected = _elect(client, auth, served[compound], starts, ends)
        assert elected.status_code == 201, elected.json


def _found(client: Any, auth: Any, ids: dict, **over: Any) -> Any:
    body = {
        "code": "DZB001",
        "name": "物业党支部",
        "host_kind": "property_company",
        "company_ids": [ids["company_a"]],
        "method": "standalone",
        "kind": "branch",
        "founded_on": "2020-02-01",
        "street_id": ids["street"],
        **over,
    }
    return client.post("/api/v1/party-orgs", json=body, headers={**auth("district_admin"), **AT})


@pytest.mark.parametrize("members", [[], ["M1"], ["M1", "M2"]])
@pytest.mark.parametrize("kind", ["branch", "general_branch", "committee"])
def test_a_branch_is_founded_with_at_least_three_full_members(
    client: Any, auth: Any, served: dict, system: Any, kind: str, members: list[str]
) -> None:
    head = system.app.recorder.max_notification_id()
    refused = _found(client, auth, served, kind=kind, full_members=members)
    _refused(refused, system, head, "too_few_full_members", "full_members")


def test_a_branch_with_three_full_members_has_them_from_its_founding_day(
    client: Any, auth: Any, served: dict, system: Any
) -> None:
    founded = _found(client, auth, served, full_members=["M1", "M2", "M3"])
    assert founded.status_code == 201, founded.json
    members = client.get(
        f"/api/v1/party-orgs/{founded.json['id']}/members",
        query_string={"as_of": "2020-02-01", "min_position": founded.json["position"]},
        headers=auth("auditor"),
    ).json
    assert members["members"] == 3 and members["member_refs"] == ["M1", "M2", "M3"]


def test_fewer_than_three_form_a_party_group_attached_to_an_organisation(
    client: Any, auth: Any, served: dict, system: Any
) -> None:
    parent = _found(
        client,
        auth,
        served,
        code="DZB-HOST",
        company_ids=[served["company_b"]],
        full_members=["H1", "H2", "H3"],
    )
    assert parent.status_code == 201, parent.json
    head = system.app.recorder.max_notification_id()
    alone = _found(client, auth, served, kind="party_group", full_members=["M1", "M2"])
    assert alone.status_code == 422 and "kind" in alone.json["errors"]
    assert system.app.recorder.max_notification_id() == head
    empty = _found(
        client,
        auth,
        served,
        kind="party_group",
        method="affiliated",
        affiliated_to=parent.json["id"],
        full_members=[],
    )
    _refused(empty, system, head, "too_few_full_members", "full_members")
    group = _found(
        client,
        auth,
        served,
        kind="party_group",
        method="affiliated",
        affiliated_to=parent.json["id"],
        full_members=["M1", "M2"],
    )
    assert group.status_code == 201, group.json
