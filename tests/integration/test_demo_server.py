"""`redprop demo` serves the API under waitress in the process that runs the projections:
a command over HTTP is read back at its position, and a port already taken is one line."""

from __future__ import annotations

import socket
import threading

import click
import pytest

from api.auth import mint_token
from infra.bootstrap import System
from infra.cli.demo import _serve, demo_server
from tests.integration.servers import call, free_port


def test_the_demo_server_reads_its_own_writes_with_the_projections_beside_it(
    system: System,
) -> None:
    port = free_port()
    server = demo_server(system, "127.0.0.1", port)
    system.worker.start()
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    try:
        token = mint_token(
            system.settings.secret, user_id="admin", role="district_admin", scope="*"
        )
        auth = {"Authorization": f"Bearer {token}"}
        unit = {"kind": "district", "code": "370105", "name": "天桥区"}
        status, created = call(port, "POST", "/api/v1/org-units", unit, **auth)
        assert status == 201, created
        path = f"/api/v1/org-units/{created['id']}?min_position={created['position']}"
        status, body = call(port, "GET", path, **auth)
        assert status == 200 and body["name"] == "天桥区"
        assert call(port, "GET", "/healthz") == (200, {"ok": True})
    finally:
        server.close()
        serving.join(timeout=10)
    assert not serving.is_alive()


def test_a_taken_port_is_one_clear_line(system: System) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(click.ClickException, match=f"cannot listen on 127.0.0.1:{port}: "):
            _serve(system, "127.0.0.1", port)
