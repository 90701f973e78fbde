"""/readyz, the OpenAPI document, metadata on events, production refusal."""

from __future__ import annotations

from typing import Any

import pytest

from infra.settings import DEFAULT_SECRET, Settings


def test_readyz_reports_database_and_lag(client: Any, tree: dict, system: Any, auth: Any) -> None:
    client.patch(
        f"/api/v1/org-units/{tree['street']}", json={"name": "改"}, headers=auth("district_admin")
    )
    body = client.get("/readyz").json
    assert body["ok"] and body["database"] == "ok"
    assert body["log_head"] == system.app.recorder.max_notification_id()
    assert body["projection_lag"]["org_registry"] > 0
    system.catch_up()
    assert client.get("/readyz").json["projection_lag"]["org_registry"] == 0


def test_openapi_documents_schemas_security_and_roles(client: Any) -> None:
    spec = client.get("/openapi.json").json
    post = spec["paths"]["/api/v1/org-units"]["post"]
    assert post["security"] == [{"bearerAuth": []}]
    assert "Allowed roles: district_admin, street_officer, community_officer" in post["description"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("RegisterOrgUnit")
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    page = client.get("/docs")
    assert page.status_code == 200 and b"/docs-assets/swagger-ui-bundle.js" in page.data
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_events_carry_request_metadata(client: Any, auth: Any, tree: dict, system: Any) -> None:
    headers = {
        **auth("district_admin", user="wang.li"),
        "X-Correlation-Id": "corr-7",
        "Idempotency-Key": "idem-7",
        "Occurred-At": "2020-05-01T09:30:00+08:00",
    }
    created = client.post(
        "/api/v1/org-units",
        headers=headers,
        json={
            "kind": "compound",
            "code": "Q7",
            "name": "七号院",
            "parent_id": tree["community"],
            "compound_type": "commercial",
        },
    ).json
    notification = system.app.recorder.select_notifications(start=created["position"], limit=1)[0]
    meta = system.app.mapper.to_domain_event(notification).meta
    assert meta["actor_id"] == "wang.li" and meta["role"] == "district_admin"
    assert meta["correlation_id"] == "corr-7" and meta["idempotency_key"] == "idem-7"
    assert meta["occurred_at"] == "2020-05-01T09:30:00+08:00" and meta["channel"] == "api"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(SystemExit):
        Settings(environment="production", secret=DEFAULT_SECRET).check_production()
    Settings(environment="production", secret="a-real-secret").check_production()
