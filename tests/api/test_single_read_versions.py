"""A single read's ETag is its aggregate's version, moved by every event of that aggregate
(a contract, a party-org link, a member, a dispatch), and it is what If-Match accepts."""

from __future__ import annotations

from typing import Any

import pytest

from projections.service_contracts import contract_companies
from tests.api.conftest import add_company, add_compound, company_branch

AT = {"Occurred-At": "2020-03-01T10:00:00+08:00"}
V1 = "/api/v1"


def _tag(client: Any, url: str, headers: dict, head: int) -> str:
    read = client.get(url, query_string={"min_position": head}, headers=headers)
    assert read.status_code == 200, read.json
    return str(read.headers["ETag"])


@pytest.fixture
def ids(client: Any, auth: Any, tree: dict) -> dict[str, Any]:
    admin = {**auth("district_admin"), **AT}
    found = dict(tree)
    found["compound"] = add_compound(client, admin, tree["community"])
    found["company"] = add_company(client, admin, tree["street"])
    return found


def test_company_tag_moves_with_its_contracts_and_org_link_and_guards_the_rename(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    officer = {**auth("street_officer", scope=ids["street"]), **AT}
    url = f"{V1}/property-companies/{ids['company']}"
    head = system.app.recorder.max_notification_id
    registered = _tag(client, url, officer, head())
    contract = {"compound_id": ids["compound"], "starts_on": "2020-01-01"}
    assert client.post(f"{url}/contracts", json=contract, headers=officer).status_code == 201
    signed = _tag(client, url, officer, head())
    assert signed != registered
    org = company_branch(ids["company"], ids["street"])
    assert client.post(f"{V1}/party-orgs", json=org, headers=officer).status_code == 201
    linked = _tag(client, url, officer, head())
    assert linked not in (registered, signed)
    stale = client.patch(url, json={"name": "康都"}, headers={**officer, "If-Match": signed})
    assert stale.status_code == 412
    fresh = client.patch(url, json={"name": "康都"}, headers={**officer, "If-Match": linked})
    assert fresh.status_code == 200, fresh.json
    assert _tag(client, url, officer, head()) not in (registered, signed, linked)


def test_party_org_and_instructor_tags_move_with_members_and_posts(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    officer = {**auth("street_officer", scope=ids["street"]), **AT}
    head = system.app.recorder.max_notification_id
    org = company_branch(ids["company"], ids["street"], code="LHDZB1", name="联合党支部")
    org_url = (
        f"{V1}/party-orgs/" + client.post(f"{V1}/party-orgs", json=org, headers=officer).json["id"]
    )
    founded = _tag(client, org_url, officer, head())
    joined = {"change": "joined", "member_ref": "M1", "on": "2020-02-10"}
    assert client.post(f"{org_url}/membership", json=joined, headers=officer).status_code == 201
    assert _tag(client, org_url, officer, head()) == f'"{int(founded.strip(chr(34))) + 1}"'

    admin = {**auth("district_admin"), **AT}
    body = {"code": "ZDY1", "name": "指导员"}
    instructor = client.post(f"{V1}/party-building/instructors", json=body, headers=admin)
    url = f"{V1}/party-building/instructors/{instructor.json['id']}"
    assert _tag(client, url, admin, head()) == '"1"'
    post = {"target_kind": "property_company", "target_id": ids["company"], "on": "2020-02-15"}
    assert client.post(f"{url}/dispatch", json=post, headers=officer).status_code == 200
    assert _tag(client, url, admin, head()) == '"2"'


def test_contract_tag_is_its_company_version_and_guards_ending_it(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    officer = {**auth("street_officer", scope=ids["street"]), **AT}
    company_url = f"{V1}/property-companies/{ids['company']}"
    head = system.app.recorder.max_notification_id
    contract = {"compound_id": ids["compound"], "starts_on": "2020-01-01"}
    signed = client.post(f"{company_url}/contracts", json=contract, headers=officer)
    assert signed.status_code == 201, signed.json
    url = signed.headers["Location"]
    at_signing = _tag(client, url, officer, head())
    assert at_signing == signed.headers["ETag"] == _tag(client, company_url, officer, head())
    cached = client.get(url, headers={**officer, "If-None-Match": at_signing})
    assert cached.status_code == 304 and not cached.data

    renamed = client.patch(company_url, json={"name": "康都"}, headers=officer)
    assert renamed.status_code == 200, renamed.json
    after_rename = _tag(client, url, officer, head())
    assert after_rename == renamed.headers["ETag"] != at_signing
    end = {"on": "2020-02-15"}
    stale = client.post(f"{url}/end", json=end, headers={**officer, "If-Match": at_signing})
    assert stale.status_code == 412
    assert client.get(url, headers=officer).json["closed_on"] is None
    ended = client.post(f"{url}/end", json=end, headers={**officer, "If-Match": after_rename})
    assert ended.status_code == 200, ended.json
    assert _tag(client, url, officer, head()) == ended.headers["ETag"] != after_rename


def test_a_contract_whose_company_version_is_not_yet_projected_is_read_without_a_tag(
    client: Any, auth: Any, ids: dict, system: Any
) -> None:
    """As after an upgrade before `redprop rebuild service_contracts`."""
    officer = {**auth("street_officer", scope=ids["street"]), **AT}
    contract = {"compound_id": ids["compound"], "starts_on": "2020-01-01"}
    signed = client.post(
        f"{V1}/property-companies/{ids['company']}/contracts", json=contract, headers=officer
    )
    assert signed.status_code == 201, signed.json
    system.catch_up()
    with system.read_engine.begin() as conn:
        conn.execute(contract_companies.delete())
    read = client.get(signed.headers["Location"], headers=officer)
    assert read.status_code == 200 and read.json["version"] is None
    assert "ETag" not in read.headers
