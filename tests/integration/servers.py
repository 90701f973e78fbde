"""Start `redprop serve` / `redprop worker` as real processes on a test's database."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
REDPROP = str(Path(sys.executable).parent / "redprop")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "REDPROP_DATABASE_URL": settings.database_url,
        "REDPROP_DATABASE_SCHEMA": settings.database_schema,
        "REDPROP_SECRET": settings.secret,
        **extra,
    }


def call(port: int, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = None if body is None else json.dumps(body)
        if data:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, json.loads(payload) if "json" in kind else payload.decode()


@contextmanager
def serving(
    settings: Settings, *args: str, log: IO[str] | None = None, **extra: str
) -> Iterator[tuple[int, Any]]:
    """`redprop serve` on a free port; yields (port, process) once /healthz answers. Its
    log lines go to `log` if given."""
    port = free_port()
    process = subprocess.Popen(
        [REDPROP, "serve", "--port", str(port), *args],
        env=env_for(settings, **extra),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if log is None else log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"serve did not start: {process.communicate()[1]!r}")
            time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


@contextmanager
def working(settings: Settings, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """`redprop worker` in its own process, stopped (SIGTERM) afterwards."""
    process = subprocess.Popen(
        [REDPROP, "worker"],
        env=env_for(settings, **extra),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
