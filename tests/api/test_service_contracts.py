"""A company's service contracts over HTTP: the list (paged) and the one the signing's
Location names, closed by ending or terminating; each caller reads only its company's
contracts or those on compounds in its unit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import add_company, add_compound

AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}
V1 = "/api/v1"


@pytest.fixture
def world(client: Any, auth: Any, tree: dict) -> dict[str, Any]:
    admin = {**auth("district_admin"), **AT}
    ids = dict(tree)
    for n in (1, 2):
        ids[f"compound{n}"] = add_compound(client, admin, tree["community"], n)
    for n, name in ((1, "康都物业"), (2, "乙物业")):
        ids[f"company{n}"] = add_company(client, admin, tree["street"], n, name)
    return ids


def _sign(client: Any, headers: dict, company: str, compound: str, starts_on: str) -> Any:
    body = {"compound_id": compound, "starts_on": starts_on}
    signed = client.post(f"{V1}/property-companies/{company}/contracts", json=body, headers=headers)
    assert signed.status_code == 201, signed.json
    return signed


def test_signed_contracts_are_listed_and_read_at_their_location(
    client: Any, auth: Any, world: dict
) -> None:
    officer = {**auth("street_officer", scope=world["street"]), **AT}
    company = world["company1"]
    first = _sign(client, officer, company, world["compound1"], "2020-01-01")
    second = _sign(client, officer, company, world["compound2"], "2020-02-01")
    head = {"min_position": second.json["position"]}
    listed = client.get(
        f"{V1}/property-companies/{company}/contracts", query_string=head, headers=officer
    )
    assert listed.status_code == 200
    assert listed.json["total"] == 2 and listed.json["page"] == 1
    assert [c["compound_id"] for c in listed.json["items"]] == [
        world["compound1"],
        world["compound2"],
    ]
    alone = client.get(first.headers["Location"], query_string=head, headers=officer)
    assert alone.status_code == 200
    assert alone.json == listed.json["items"][0]
    assert first.headers["Location"].endswith(alone.json["id"])

    end = {"on": "2020-02-15", "reason": "业主大会解聘"}
    ended = client.post(f"{first.headers['Location']}/end", json=end, headers=officer)
    assert ended.status_code == 200, ended.json
    closed = client.get(
        first.headers["Location"],
        query_string={"min_position": ended.json["position"]},
        headers=officer,
    ).json
    assert (closed["closed_on"], closed["closed_how"]) == ("2020-02-15", "terminated")
    assert closed["reason"] == "业主大会解聘"
    paged = client.get(
        f"{V1}/property-companies/{company}/contracts",
        query_string={"per_page": 1, "page": 2},
        headers=officer,
    ).json
    assert paged["total"] == 2 and [c["id"] for c in paged["items"]] == [
        listed.json["items"][1]["id"]
    ]


def test_each_reader_sees_its_company_or_its_compounds_contracts(
    client: Any, auth: Any, world: dict, system: Any
) -> None:
    officer = {**auth("street_officer", scope=world["street"]), **AT}
    signed = _sign(client, officer, world["company1"], world["compound1"], "2020-01-01")
    _sign(client, officer, world["company2"], world["compound2"], "2020-01-01")
    system.catch_up()
    url = f"{V1}/property-companies/{world['company1']}/contracts"

    def seen(role: str, scope: str) -> tuple[int, int]:
        headers = auth(role, scope=scope)
        listed = client.get(url, headers=headers).json["total"]
        return listed, client.get(signed.headers["Location"], headers=headers).status_code

    assert seen("company_manager", world["company1"]) == (1, 200)
    assert seen("company_manager", world["company2"]) == (0, 404)
    assert seen("owners_committee", world["compound1"]) == (1, 200)
    assert seen("owners_committee", world["compound2"]) == (0, 404)
    assert seen("community_officer", world["community"]) == (1, 200)
    assert seen("auditor", "*") == (1, 200)
