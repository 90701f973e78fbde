"""Generated requests against the WSGI app over the Tianqiao world (SQLite): every operation
of /openapi.json, as district_admin and as a resident, with schemathesis's conformance
checks, 0 failures; and no rejected (4xx) request moves the head of the event log.

Seeded (Hypothesis `derandomize`): a failure reproduces by running this file again; each
one is reported with its curl command. Open311 (`/open311/`) is included: its operations
document GeoReport v2's own error shape and statuses."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import mint_token
from infra.bootstrap import System, build_system
from infra.settings import Settings
from scenarios.tianqiao import load_tianqiao
from tests.conftest import SECRET

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Cases per operation, role and kind of case (positive, negative, ids of the world); raise it
# for a deeper run: REDPROP_SCHEMATHESIS_EXAMPLES=20 pytest tests/api/test_schemathesis.py
EXAMPLES = int(os.environ.get("REDPROP_SCHEMATHESIS_EXAMPLES", "4"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    db = tmp_path_factory.mktemp("schemathesis") / "ledger.db"
    system = build_system(
        Settings(database_url=f"sqlite:///{db}", secret=SECRET, read_wait_seconds=0.05)
    )
    load_tianqiao(system.app)
    system.catch_up()
    yield system
    system.close()


class Run:
    """Sends the generated cases as one caller, noting every failure and every 4xx that
    moved the log."""

    def __init__(self, world: System, headers: dict[str, str]) -> None:
        self.world = world
        self.headers = headers
        self.requests = 0
        self.failures: list[str] = []
        self.statuses: dict[int, int] = {}

    def head(self) -> int:
        return self.world.app.recorder.max_notification_id() or 0

    def send(self, case: schemathesis.Case) -> None:
        before = self.head()
        response = case.call(headers=self.headers)
        self.requests += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except (Failure, FailureGroup) as failed:
            found = failed.exceptions if isinstance(failed, FailureGroup) else (failed,)
            for failure in found:
                self.note(case, f"{response.status_code} {failure.title}: {failure.message}")
        after = self.head()
        if 400 <= response.status_code < 500 and after != before:
            self.note(case, f"{response.status_code} moved the log head {before} -> {after}")
        if after != before:
            self.world.catch_up()

    def note(self, case: schemathesis.Case, what: str) -> None:
        curl = case.as_curl_command(headers=self.headers)
        self.failures.append(f"{case.operation.label}: {what}\n    {curl}")

    def explore(self, operation: Any, known: dict[str, str]) -> None:
        names = [p.name for p in operation.path_parameters]
        fixed = {name: known[name] for name in names if name in known}
        strategies = [operation.as_strategy(mode) for mode in GenerationMode]
        if fixed:
            strategies.append(operation.as_strategy(path_parameters=fixed))

        @settings(
            max_examples=EXAMPLES * len(strategies),
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def each(case: schemathesis.Case) -> None:
            self.send(case)

        each()


def known_ids(client: Any, headers: dict[str, str], spec: dict[str, Any]) -> dict[str, str]:
    """A real id for each path parameter whose collection lists one (the world's first)."""
    known: dict[str, str] = {}
    for path in spec["paths"]:
        collection, _, rest = path.partition("/{")
        name = rest.split("}", 1)[0]
        if not rest or name in known or "get" not in spec["paths"].get(collection, {}):
            continue
        listed = client.get(collection, headers=headers).get_json(silent=True)
        items = listed.get("items") if isinstance(listed, dict) else None
        if items:
            value = items[0].get("key", items[0].get("id"))
            if value is not None:
                known[name] = str(value)
    return known


def bearer(role: str, scope: str) -> dict[str, str]:
    token = mint_token(SECRET, user_id=f"schemathesis-{role}", role=role, scope=scope)
    return {"Authorization": f"Bearer {token}"}


def a_compound(client: Any, headers: dict[str, str]) -> str:
    units = client.get("/api/v1/org-units", query_string={"kind": "compound"}, headers=headers)
    compound: str = units.json["items"][0]["id"]
    return compound


@pytest.mark.parametrize("role", ["district_admin", "resident"])
def test_generated_requests_conform_and_rejections_store_nothing(world: System, role: str) -> None:
    app = world.wsgi()
    client = app.test_client()
    admin = bearer("district_admin", "*")
    headers = admin if role == "district_admin" else bearer(role, a_compound(client, admin))
    known = known_ids(client, admin, client.get("/openapi.json").json)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    run = Run(world, headers)
    started = time.perf_counter()
    for result in schema.get_all_operations():
        run.explore(result.ok(), known)
    seconds = time.perf_counter() - started
    statuses = sorted(run.statuses.items())
    print(f"\n{role}: {run.requests} requests in {seconds:.0f} s, statuses {statuses}")
    assert run.failures == [], "\n".join(run.failures)
    assert run.requests >= 500
