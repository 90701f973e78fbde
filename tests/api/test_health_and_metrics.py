"""/healthz, /readyz (lag and database), /metrics (routes by URL rule, commands, group
commit batches, projection state) and the JSON log line per request."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from infra.bootstrap import System, build_system
from infra.logs import JsonFormatter
from infra.settings import Settings

UNIT_RULE = "/api/v1/org-units/<uuid:unit_id>"


def sample(client: Any, name: str, **labels: str) -> float:
    body = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(body):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


@pytest.fixture
def strict_system(make_settings: Callable[..., Settings]) -> Iterator[System]:
    built = build_system(make_settings(ready_max_lag=1))
    yield built
    built.close()


def test_healthz_is_alive_without_touching_the_database(client: Any, system: System) -> None:
    system.read_engine.dispose()
    system.app.recorder.max_notification_id = None  # type: ignore[method-assign]
    assert client.get("/healthz").json == {"ok": True}


def test_readyz_is_503_naming_a_projection_beyond_the_allowed_lag(
    strict_system: System, auth: Any
) -> None:
    client = strict_system.wsgi().test_client()
    for n in range(3):
        body = {"kind": "district", "code": f"D{n}", "name": f"区{n}"}
        client.post("/api/v1/org-units", json=body, headers=auth("district_admin"))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert "org_registry lags 3 positions (limit 1)" in answer.json["problems"]
    strict_system.catch_up()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_does_not_answer(client: Any, system: System) -> None:
    def down() -> int:
        raise ConnectionRefusedError("no database here")

    system.app.recorder.max_notification_id = down  # type: ignore[method-assign]
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["problems"] == [
        "database unreachable: ConnectionRefusedError: no database here"
    ]


def test_metrics_count_requests_by_url_rule_and_commands_by_endpoint(
    client: Any, tree: dict, system: System, auth: Any
) -> None:
    admin = auth("district_admin")
    labels = {"method": "GET", "route": UNIT_RULE, "status": "200"}
    before = sample(client, "redprop_http_requests_total", **labels)
    renames = sample(client, "redprop_commands_total", command="org_registry.OrgUnitResource")
    for unit in ("street", "community"):
        assert client.get(f"/api/v1/org-units/{tree[unit]}", headers=admin).status_code == 200
    client.patch(f"/api/v1/org-units/{tree['street']}", json={"name": "改"}, headers=admin)

    assert sample(client, "redprop_http_requests_total", **labels) == before + 2
    assert sample(client, "redprop_http_request_duration_seconds_count", **labels) >= 2
    assert not any(  # the raw path never becomes a label
        tree["street"] in line for line in client.get("/metrics").get_data(as_text=True).split()
    )
    assert (
        sample(client, "redprop_commands_total", command="org_registry.OrgUnitResource")
        == renames + 1
    )
    head = system.app.recorder.max_notification_id()
    assert sample(client, "redprop_log_head") == head
    assert sample(client, "redprop_projection_lag", projection="org_registry") == 1
    assert sample(client, "redprop_projection_failed", projection="org_registry") == 0


def test_every_group_commit_transaction_is_a_histogram_sample(
    client: Any, tree: dict, system: System, auth: Any
) -> None:
    admin = auth("district_admin")
    committer = system.app.recorder.committer
    batches, commands = committer.batches, committer.commands
    before = sample(client, "redprop_group_commit_batch_size_count")
    total = sample(client, "redprop_group_commit_batch_size_sum")
    for name in ("一", "二", "三"):
        response = client.patch(
            f"/api/v1/org-units/{tree['street']}", json={"name": name}, headers=admin
        )
        assert response.status_code == 200

    assert committer.batches - batches >= 3  # one transaction per command, one after another
    written = committer.commands - commands
    assert sample(client, "redprop_group_commit_batch_size_count") == before + (
        committer.batches - batches
    )
    assert sample(client, "redprop_group_commit_batch_size_sum") == total + written


def test_one_json_log_line_per_request(client: Any, tree: dict, auth: Any) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("redprop.http")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        headers = {**auth("district_admin", user="officer-7"), "X-Correlation-Id": "corr-42"}
        client.get(f"/api/v1/org-units/{tree['street']}", headers=headers)
    finally:
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    logged = json.loads(line)
    assert logged["correlation_id"] == "corr-42"
    assert logged["actor"] == "officer-7"
    assert logged["route"] == UNIT_RULE
    assert logged["status"] == 200
    assert logged["duration_ms"] >= 0
    assert logged["pid"] == os.getpid()
    assert "\x1b[" not in line
