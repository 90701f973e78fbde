"""Requests no parser should trust: lone surrogates, deep JSON, bytes that are not UTF-8,
oversize headers and query strings. Each is a 4xx problem+json that stores nothing."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.request_limits import (
    MAX_HEADER_BYTES,
    MAX_HEADERS_BYTES,
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_QUERY_BYTES,
)

URL = "/api/v1/org-units"


def nested(depth: int) -> bytes:
    """A body whose value `name` is nested `depth` levels deep, counting the outer object."""
    return b'{"kind": "street", "name": ' + b"[" * (depth - 1) + b"1" + b"]" * (depth - 1) + b"}"


@pytest.fixture
def send(client: Any, auth: Any, system: Any) -> Iterator[Any]:
    """POST raw JSON bytes as a district admin; afterwards, check that nothing was stored."""
    head = system.app.recorder.max_notification_id()

    def post(data: bytes, **headers: str) -> Any:
        headers = {**auth("district_admin"), "Content-Type": "application/json", **headers}
        response = client.post(URL, data=data, headers=headers)
        assert response.content_type == "application/problem+json", response.get_data()
        assert response.json["status"] == response.status_code
        return response

    yield post
    assert system.app.recorder.max_notification_id() == head


def test_lone_surrogate_in_a_text_field_is_422(send: Any) -> None:
    response = send(b'{"kind": "street", "code": "S9", "name": "\\ud800"}')
    assert response.status_code == 422
    assert "name" in response.json["errors"]


def test_lone_surrogate_as_a_field_name_is_422(send: Any) -> None:
    response = send(b'{"kind": "street", "code": "S9", "name": "x", "\\ud800": 1}')
    assert response.status_code == 422
    assert json.loads(response.get_data())["errors"]["\ud800"] == ["Unknown field."]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_json_nested_too_deep_is_400(send: Any, depth: int) -> None:
    response = send(nested(depth))
    assert response.status_code == 400
    assert f"{MAX_JSON_DEPTH} levels" in response.json["detail"]


def test_json_at_the_depth_limit_reaches_the_schema(send: Any) -> None:
    response = send(nested(MAX_JSON_DEPTH))
    assert response.status_code == 422  # parsed, then refused by the schema: name is text
    assert "name" in response.json["errors"]


def test_brackets_inside_strings_do_not_count(send: Any) -> None:
    response = send(b'{"kind": "street", "code": "S9", "name": "' + b"[{" * 40 + b'\\""}')
    assert response.status_code == 422
    assert "parent_id" in response.json["errors"]


@pytest.mark.parametrize("digits", [MAX_NUMBER_DIGITS + 1, 5000])
def test_a_number_with_too_many_digits_is_400(send: Any, digits: int) -> None:
    response = send(
        b'{"kind": "street", "code": "S9", "name": "x", "households": ' + b"9" * digits + b"}"
    )
    assert response.status_code == 400
    assert f"{MAX_NUMBER_DIGITS} digits" in response.json["detail"]


def test_a_long_number_within_the_limit_reaches_the_schema(send: Any) -> None:
    response = send(
        b'{"kind": "street", "code": "S9", "name": "x", "households": 1' + b"0" * 99 + b"}"
    )
    assert response.status_code == 422
    assert "households" in response.json["errors"]


def test_digits_inside_strings_do_not_count(send: Any) -> None:
    response = send(b'{"kind": "street", "code": "S9", "name": "' + b"9" * 100 + b'"}')
    assert response.status_code == 422
    assert "parent_id" in response.json["errors"]


def test_a_body_that_is_not_utf8_is_400(send: Any) -> None:
    response = send(b'{"kind": "street", "code": "S9", "name": "\xff\xfe"}')
    assert response.status_code == 400


def test_oversize_header_is_431(send: Any) -> None:
    response = send(b"{}", **{"X-Big": "a" * 100_000})
    assert response.status_code == 431
    assert "X-Big" in response.json["errors"]


def test_header_at_the_limit_is_read(client: Any, auth: Any) -> None:
    value = "a" * (MAX_HEADER_BYTES - len("X-Big: "))
    response = client.get(URL, headers={**auth("auditor"), "X-Big": value})
    assert response.status_code == 200
    response = client.get(URL, headers={**auth("auditor"), "X-Big": value + "a"})
    assert response.status_code == 431


def test_headers_too_large_together_are_431(send: Any) -> None:
    many = {f"X-H{i}": "a" * 4000 for i in range(MAX_HEADERS_BYTES // 4000 + 1)}
    response = send(b"{}", **many)
    assert response.status_code == 431


def test_control_character_in_a_header_is_400(send: Any) -> None:
    response = send(b"{}", **{"X-Channel": "app\x00"})
    assert response.status_code == 400
    assert "X-Channel" in response.json["errors"]


def test_oversize_query_string_is_414(client: Any, auth: Any) -> None:
    response = client.get(
        URL, query_string={"kind": "x" * MAX_QUERY_BYTES}, headers=auth("auditor")
    )
    assert response.status_code == 414
    assert response.content_type == "application/problem+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    """The API under gunicorn with its default request limits, on SQLite."""
    port = _free_port()
    env = {
        **os.environ,
        "REDPROP_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.db",
        "REDPROP_SECRET": "test-secret-of-at-least-32-bytes-for-hs256",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "tests.support.wsgi_app:create()",
        ],
        env=env,
        cwd=Path(__file__).parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while b"200 OK" not in _try(port, b"GET /healthz HTTP/1.0\r\n\r\n"):
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _try(port: int, request: bytes) -> bytes:
    try:
        return _raw(port, request)
    except OSError:
        return b""


def test_oversize_headers_under_gunicorn_are_4xx_never_500(gunicorn: int) -> None:
    big = _raw(
        gunicorn, b"GET /api/v1/org-units HTTP/1.0\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    )
    assert big.split(b"\r\n")[0].split()[1] == b"431"  # refused by gunicorn itself
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"a" * 4000) for i in range(9))
    answer = _raw(gunicorn, b"GET /api/v1/org-units HTTP/1.0\r\n" + many + b"\r\n")
    status, _, rest = answer.partition(b"\r\n")
    assert status.split()[1] == b"431"  # each header passes gunicorn; together they do not
    assert b"application/problem+json" in rest


def test_a_chunked_deep_body_is_400(client: Any, auth: Any) -> None:
    """No Content-Length (as gunicorn passes a chunked body): the body is checked all the same."""
    response = client.post(
        URL,
        input_stream=io.BytesIO(nested(100_000)),
        headers={
            **auth("district_admin"),
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_base={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert f"{MAX_JSON_DEPTH} levels" in response.json["detail"]
    assert response.content_type == "application/problem+json"
