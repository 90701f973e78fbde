"""`redprop serve` is gunicorn with N workers answering over HTTP; `redprop worker` runs the
projections and the scheduled SLA tick in its own process; a command through the web
process becomes readable once that worker has caught up."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from sqlalchemy import select

from api.auth import mint_token
from infra.bootstrap import build_system
from infra.settings import Settings
from projections.issue_board import issues
from tests.grid_helpers import at, report, small_district
from tests.integration.servers import call, children, serving, working


def _wait_for(check: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    return check()


def test_serve_runs_gunicorn_with_the_workers_asked_for(settings: Settings) -> None:
    with serving(settings, "--workers", "3", "--threads", "2") as (port, process):
        assert len(_wait_for(lambda: len(children(process.pid)) == 3 and [1])) == 1
        assert len(children(process.pid)) == 3

        assert call(port, "GET", "/healthz") == (200, {"ok": True})
        for _ in range(12):
            assert call(port, "GET", "/openapi.json")[0] == 200
        status, body = call(port, "GET", "/metrics")
    assert status == 200
    # every worker's count, summed (multiprocess mode): not one worker's share
    assert (
        'redprop_http_requests_total{method="GET",route="/openapi.json",status="200"} 12.0' in body
    )


def test_a_command_through_the_web_process_is_read_once_the_worker_caught_up(
    settings: Settings,
) -> None:
    token = mint_token(settings.secret, user_id="admin", role="district_admin", scope="*")
    auth = {"Authorization": f"Bearer {token}"}
    unit = {"kind": "district", "code": "370105", "name": "天桥区"}
    with serving(settings, "--workers", "2", REDPROP_READ_WAIT_SECONDS="0.3") as (port, _):
        status, created = call(port, "POST", "/api/v1/org-units", unit, **auth)
        assert status == 201, created
        path = f"/api/v1/org-units/{created['id']}?min_position={created['position']}"
        assert call(port, "GET", path, **auth)[0] == 409  # no projection runs in the web process
        with working(settings, REDPROP_PROJECTION_POLL_SECONDS="0.05"):
            status, body = _wait_for(lambda: (r := call(port, "GET", path, **auth))[0] == 200 and r)
        assert status == 200 and body["name"] == "天桥区"


def test_the_worker_escalates_an_overdue_issue_without_anyone_running_sla_tick(
    settings: Settings,
) -> None:
    system = build_system(settings)
    try:
        ids = small_district(system.app)
        with at("2020-03-01T10:00:00"):
            issue = report(system.app, ids, 2, category="thrown_objects")  # accept within 5 min

        def escalated() -> bool:
            with system.read_engine.connect() as conn:
                row = conn.execute(select(issues.c.escalated).where(issues.c.id == str(issue)))
                return bool(row.scalar())

        assert not escalated()
        with working(
            settings, REDPROP_SLA_TICK_SECONDS="0.2", REDPROP_PROJECTION_POLL_SECONDS="0.05"
        ):
            assert _wait_for(escalated)
    finally:
        system.close()


def test_connections_are_spread_over_the_web_processes(settings: Settings, tmp_path: Any) -> None:
    """A process holds at most twice its threads' connections (here 4), so of eight
    clients connected at once the process that accepted first cannot keep them all."""
    log = tmp_path / "serve.log"
    with (
        log.open("w") as lines,
        serving(settings, "--workers", "2", "--threads", "2", log=lines) as (port, _process),
    ):
        until_both_answer(port, log)  # a process still starting would leave all to the other
        start = len(log.read_text())
        clients = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(8)]
        time.sleep(0.5)  # each process accepts what it may; nothing is asked yet
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            client.close()
    assert len(serving_pids(log.read_text()[start:])) == 2


def serving_pids(text: str) -> set[int]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return {line["pid"] for line in lines if line.get("event") == "request"}


def until_both_answer(port: int, log: Any) -> None:
    deadline = time.monotonic() + 60
    while len(serving_pids(log.read_text())) < 2 and time.monotonic() < deadline:
        call(port, "GET", "/healthz")  # a new connection each time, closed after
        time.sleep(0.05)
