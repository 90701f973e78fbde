"""The subsidy eligibility setting over HTTP: recorded by a district admin with an
effective date, shown with the policy; bad methods are 422 on the field, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.subsidies import setup_district

URL = "/api/v1/subsidies/policy"


def test_eligibility_is_set_and_shown(client: Any, auth: Any, system: Any) -> None:
    setup_district(system.app)
    admin = auth("district_admin")
    shown = client.get(URL, headers=auth("auditor")).json
    assert shown["eligibility"] == []
    assert shown["eligible_methods_before_any_setting"] == ["standalone", "joint"]
    body = {"effective_from": "2021-01-01", "methods": ["standalone", "joint", "affiliated"]}
    head = system.app.recorder.max_notification_id()
    refused = client.put(f"{URL}/eligibility", json=body, headers=auth("street_officer"))
    assert refused.status_code == 403 and system.app.recorder.max_notification_id() == head
    assert client.put(f"{URL}/eligibility", json=body, headers=admin).status_code == 200
    earlier = client.put(
        f"{URL}/eligibility", json={**body, "effective_from": "2020-06-01"}, headers=admin
    )
    assert earlier.status_code == 422 and "effective_from" in earlier.json["errors"]
    shown = client.get(URL, headers=auth("auditor")).json
    assert shown["eligibility"] == [body]


@pytest.mark.parametrize("methods", [[], ["cell"], "joint", ["joint", "joint"]])
def test_bad_methods_are_refused(client: Any, auth: Any, system: Any, methods: Any) -> None:
    setup_district(system.app)
    head = system.app.recorder.max_notification_id()
    refused = client.put(
        f"{URL}/eligibility",
        json={"effective_from": "2021-01-01", "methods": methods},
        headers=auth("district_admin"),
    )
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert "methods" in refused.json["errors"]
    assert system.app.recorder.max_notification_id() == head
