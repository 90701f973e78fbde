"""The HTTP benchmark's load loops count every request that did not succeed, whatever it
got back: a JSON error, an HTML error page or a dropped connection (before, a response
that was not JSON ended its client thread, and the requests it still had to send went
uncounted)."""

from __future__ import annotations

import http.client
import http.server
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bench.http import FAILED, closed_loop, paced, process, request
from infra.settings import Settings


class Answers(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the http.server hook)
        if self.path == "/drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, kind, body = {
            "/ok": (200, "application/json", b'{"ok": true}'),
            "/html": (500, "text/html", b"<h1>Internal Server Error</h1>"),
        }[self.path]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def caller(port: int) -> object:
    paths = ["/ok", "/html", "/ok", "/drop"]

    def call(conn: http.client.HTTPConnection, n: int, i: int) -> int:
        return request(port, "GET", paths[i % len(paths)], {}, conn=conn)[0]

    return call


def test_a_closed_loop_counts_html_pages_and_dropped_connections_as_errors(port: int) -> None:
    got = closed_loop(port, 3, 8, caller(port))  # type: ignore[arg-type]
    assert len(got["latency"]) == 3 * 4
    assert sorted(got["errors"]) == [FAILED] * 6 + [500] * 6


def test_a_paced_loop_counts_them_too(port: int) -> None:
    got = paced(port, 200, 0.1, 2, caller(port))  # type: ignore[arg-type]
    assert len(got["latency"]) + len(got["errors"]) == 20
    assert 500 in got["errors"] and FAILED in got["errors"]


def test_a_request_answered_with_html_returns_its_text(port: int) -> None:
    assert request(port, "GET", "/html", {}) == (500, "<h1>Internal Server Error</h1>")


def test_a_process_without_a_port_is_waited_for_until_its_log_says_ready(tmp_path: Any) -> None:
    """The worker's start-up is not timed with the load: `process` returns only once the
    child has logged its ready line."""
    marker = tmp_path / "started"
    child = (
        "import pathlib, time; time.sleep(0.5); "
        f"pathlib.Path({str(marker)!r}).touch(); print('up and ready', flush=True); "
        "time.sleep(30)"
    )
    with process([sys.executable, "-c", child], Settings(), None, ready=b"ready"):
        assert marker.exists()
