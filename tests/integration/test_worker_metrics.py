"""`redprop worker` answers its own Prometheus /metrics (REDPROP_WORKER_METRICS_PORT): the
log head, each projection's position, lag and failure, the relay's lag, and its own counts
(issue 14). A real worker process, scraped over HTTP."""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request
from typing import Any

import pytest

from api.auth import mint_token
from infra.bootstrap import System, build_system
from infra.metrics import serve_worker_metrics
from infra.settings import ConfigError, Settings
from projections.org_registry import OrgRegistryProjection
from tests.integration.servers import REDPROP, ROOT, env_for, free_port, working


def _scrape(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            return str(answer.read().decode())
    except OSError:
        return None


def _samples(body: str, name: str) -> dict[str, float]:
    """{label text: value} of one metric's lines."""
    found = {}
    for labels, value in re.findall(rf"^{name}(\{{[^}}]*\}})? (\S+)$", body, re.MULTILINE):
        found[labels] = float(value)
    return found


def _log_with_units(settings: Settings, count: int) -> int:
    """`count` org units registered, no projection run; the log head."""
    system = build_system(settings)
    try:
        client = system.wsgi().test_client()
        token = mint_token(settings.secret, user_id="admin", role="district_admin")
        for n in range(count):
            unit = {"kind": "district", "code": f"37010{n}", "name": f"区{n}"}
            created = client.post(
                "/api/v1/org-units", json=unit, headers={"Authorization": f"Bearer {token}"}
            )
            assert created.status_code == 201, created.json
        return int(system.app.recorder.max_notification_id() or 0)
    finally:
        system.close()


def test_the_worker_serves_lag_and_log_head(settings: Settings) -> None:
    head = _log_with_units(settings, 3)
    port = free_port()
    env = {"REDPROP_WORKER_METRICS_PORT": str(port), "REDPROP_KAFKA_BOOTSTRAP": "127.0.0.1:9"}
    with working(settings, REDPROP_PROJECTION_POLL_SECONDS="0.05", **env):
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            body = _scrape(port)
            lags = _samples(body or "", "redprop_projection_lag")
            if lags and not any(lags.values()):
                break
            time.sleep(0.2)
    assert body is not None, "the worker never answered /metrics"
    assert _samples(body, "redprop_log_head") == {"": head}
    assert _samples(body, "redprop_database_up") == {"": 1.0}
    positions = _samples(body, "redprop_projection_position")
    assert '{projection="org_closure"}' in positions
    assert set(positions.values()) == {head}
    assert set(_samples(body, "redprop_projection_lag").values()) == {0.0}
    assert set(_samples(body, "redprop_projection_failed").values()) == {0.0}
    assert _samples(body, "redprop_relay_lag") == {"": head}  # no relay has published yet
    assert _samples(body, "redprop_projection_failures_total") == {}  # none failed
    assert "process_start_time_seconds" in body  # the worker process's own registry too


def test_a_failing_projection_shows_on_the_worker_endpoint(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure gauges and the worker's own count of failed attempts."""
    head = _log_with_units(system.settings, 2)
    topic = next(t for t in OrgRegistryProjection().topics if t.endswith("Registered"))

    def broken(self: Any, event: Any, view: Any) -> None:
        raise ValueError("cannot hold this unit")

    monkeypatch.setitem(OrgRegistryProjection._handlers, topic, broken)
    label = '{projection="org_registry"}'
    before = _samples(_metrics_of(system), "redprop_projection_failures_total").get(label, 0)
    system.catch_up()
    system.worker._retry_at.clear()  # retry now rather than after the backoff
    system.catch_up()
    body = _metrics_of(system)
    assert _samples(body, "redprop_projection_failed")[label] == 1.0
    assert _samples(body, "redprop_projection_failed_attempts")[label] == 2.0
    assert _samples(body, "redprop_projection_failures_total")[label] == before + 2
    assert _samples(body, "redprop_projection_lag")[label] == head
    assert _samples(body, "redprop_projection_failed")['{projection="org_closure"}'] == 0.0


def _metrics_of(system: System) -> str:
    server, thread = serve_worker_metrics(0, "127.0.0.1", system.health)
    try:
        body = _scrape(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert body is not None
    return body


def test_a_port_in_use_is_one_line_and_exit_1(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [REDPROP, "worker"],
            env=env_for(settings, REDPROP_WORKER_METRICS_PORT=str(port)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"worker metrics: REDPROP_WORKER_METRICS_PORT: cannot listen on 127.0.0.1:{port}: "
        "Address already in use"
    )


@pytest.mark.parametrize("raw", ["70000", "-1", "http"])
def test_a_bad_port_is_one_line(raw: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"REDPROP_WORKER_METRICS_PORT": raw})
    assert refused.value.problems == [
        f"REDPROP_WORKER_METRICS_PORT: must be a port, 0 to 65535 (got {raw!r})"
    ]


def test_the_port_defaults_to_off() -> None:
    settings = Settings.from_env({"REDPROP_WORKER_METRICS_PORT": "9109"})
    assert (settings.worker_metrics_port, settings.worker_metrics_addr) == (9109, "127.0.0.1")
    assert Settings.from_env({}).worker_metrics_port == 0
