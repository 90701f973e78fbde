"""Under `redprop serve`, gunicorn's own request limits sit above the API's
(api/request_limits.py): a request over the API's limits is answered by the API, as
problem+json naming what was over; only one far beyond them meets gunicorn's plain-text
refusal (issue 14). A real server on the loopback address."""

from __future__ import annotations

import socket

import pytest

from api.request_limits import MAX_HEADER_BYTES, MAX_QUERY_BYTES
from infra import gunicorn_conf
from infra.settings import Settings
from tests.integration.servers import serving


@pytest.fixture
def backend() -> str:
    return "sqlite"  # gunicorn's parsing of the request comes before any database


def _raw(port: int, head: bytes) -> tuple[int, bytes, bytes]:
    """(status, headers, body) of one HTTP/1.0 request sent as these bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + b"\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    headers, _, body = answer.partition(b"\r\n\r\n")
    return int(headers.split(b" ")[1]), headers, body


def test_gunicorn_limits_sit_above_the_apis() -> None:
    assert gunicorn_conf.limit_request_field_size >= 2 * MAX_HEADER_BYTES
    assert gunicorn_conf.limit_request_line >= 2 * MAX_QUERY_BYTES - 2


def test_oversize_headers_and_queries_are_the_apis_problems(settings: Settings) -> None:
    over_header = b"X-Big: " + b"a" * (MAX_HEADER_BYTES + 100)
    long_query = b"/api/v1/org-units?kind=" + b"x" * (MAX_QUERY_BYTES + 100)
    with serving(settings, "--workers", "1") as (port, _):
        header = _raw(port, b"GET /api/v1/org-units HTTP/1.0\r\n" + over_header)
        query = _raw(port, b"GET " + long_query + b" HTTP/1.0")
        huge = _raw(port, b"GET /api/v1/org-units HTTP/1.0\r\nX-Big: " + b"a" * 100_000)
        line = _raw(port, b"GET /api/v1/org-units?kind=" + b"x" * 10_000 + b" HTTP/1.0")
    assert header[0] == 431 and b"application/problem+json" in header[1]
    assert b"X-Big" in header[2] and str(MAX_HEADER_BYTES).encode() in header[2]
    assert query[0] == 414 and b"application/problem+json" in query[1]
    assert str(MAX_QUERY_BYTES).encode() in query[2]
    # beyond gunicorn's own limits it answers before the API sees the request: 4xx, never 500
    assert (huge[0], line[0]) == (431, 414)
