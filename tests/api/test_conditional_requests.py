"""Conditional requests (RFC 9110 §13) over HTTP: If-Match, ETag, If-None-Match."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_assessment_api import scheme_body


def _rename(client: Any, auth: Any, unit: str, if_match: str, name: str = "华黎社区(新)") -> Any:
    headers = {**auth("district_admin"), "If-Match": if_match}
    return client.patch(f"/api/v1/org-units/{unit}", json={"name": name}, headers=headers)


def test_if_match_star_matches_any_existing_resource(client: Any, auth: Any, tree: dict) -> None:
    renamed = _rename(client, auth, tree["community"], "*")
    assert renamed.status_code == 200, renamed.json
    assert renamed.headers["ETag"] == '"2"'


def test_weak_if_match_never_matches(client: Any, auth: Any, tree: dict, system: Any) -> None:
    head = system.app.recorder.max_notification_id()
    refused = _rename(client, auth, tree["community"], 'W/"1"')  # 1 is the current version
    assert refused.status_code == 412
    assert refused.content_type == "application/problem+json"
    assert system.app.recorder.max_notification_id() == head


def test_if_match_list_matches_any_of_its_strong_tags(
    client: Any, auth: Any, tree: dict, system: Any
) -> None:
    head = system.app.recorder.max_notification_id()
    assert _rename(client, auth, tree["community"], '"3", "4"').status_code == 412
    assert _rename(client, auth, tree["community"], 'W/"1", "4"').status_code == 412
    assert system.app.recorder.max_notification_id() == head
    assert _rename(client, auth, tree["community"], '"3", "1"').status_code == 200


@pytest.mark.parametrize("value", ['"1",', '"1" "2"', '*, "1"', "1", '"a"'])
def test_malformed_if_match_is_422(client: Any, auth: Any, tree: dict, value: str) -> None:
    refused = _rename(client, auth, tree["community"], value)
    assert refused.status_code == 422
    assert "If-Match" in refused.json["errors"]


def test_if_none_match_with_the_current_tag_is_304(client: Any, auth: Any, tree: dict) -> None:
    reader = auth("auditor")
    url = f"/api/v1/org-units/{tree['community']}"
    first = client.get(url, headers=reader)
    assert first.headers["ETag"] == '"1"'
    for tag in ('"1"', 'W/"1"', '"7", "1"', "*"):
        cached = client.get(url, headers={**reader, "If-None-Match": tag})
        assert cached.status_code == 304, tag
        assert cached.data == b""
        assert cached.headers["ETag"] == '"1"'
    at = _rename(client, auth, tree["community"], '"1"').json["position"]
    fresh = {"min_position": at}
    changed = client.get(url, query_string=fresh, headers={**reader, "If-None-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    assert changed.json["name"] == "华黎社区(新)"


def test_a_period_read_carries_its_etag(client: Any, auth: Any, system: Any) -> None:
    admin = auth("district_admin")
    scheme = client.post("/api/v1/assessment/schemes", json=scheme_body(), headers=admin).json
    opened = client.post(
        "/api/v1/assessment/periods",
        json={"period": "2021-01", "scheme_id": scheme["id"]},
        headers=admin,
    ).json
    url = "/api/v1/assessment/periods/2021-01"
    read = client.get(url, query_string={"min_position": opened["position"]}, headers=admin)
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"{opened["version"]}"'
    cached = client.get(url, headers={**admin, "If-None-Match": read.headers["ETag"]})
    assert cached.status_code == 304


def test_a_scheme_read_carries_its_versions_and_the_tag_a_revision_checks(
    client: Any, auth: Any
) -> None:
    admin = auth("district_admin")
    defined = client.post("/api/v1/assessment/schemes", json=scheme_body(), headers=admin).json
    url = f"/api/v1/assessment/schemes/{defined['id']}"
    read = client.get(url, query_string={"min_position": defined["position"]}, headers=admin)
    assert read.status_code == 200 and read.headers["ETag"] == f'"{defined["version"]}"'
    assert [v["version"] for v in read.json["versions"]] == [defined["version"]]
    body = {**scheme_body(effective_from="2021-01-01"), "note": "第二版"}
    del body["code"], body["name"]
    revise = {**admin, "If-Match": read.headers["ETag"]}
    revised = client.post(f"{url}/versions", json=body, headers=revise)
    assert revised.status_code == 201, revised.json
    again = client.post(f"{url}/versions", json=body, headers=revise)
    assert again.status_code == 412
    fresh = {"min_position": revised.json["position"]}
    now = client.get(
        url, query_string=fresh, headers={**admin, "If-None-Match": read.headers["ETag"]}
    )
    assert now.status_code == 200 and now.headers["ETag"] == f'"{revised.json["version"]}"'
    assert [v["note"] for v in now.json["versions"]] == ["defined", "第二版"]
    assert (
        client.get(url, headers={**admin, "If-None-Match": now.headers["ETag"]}).status_code == 304
    )
    nowhere = "/api/v1/assessment/schemes/00000000-0000-0000-0000-000000000000"
    assert client.get(nowhere, headers=admin).status_code == 404
