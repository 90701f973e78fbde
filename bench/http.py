"""Issue 7 rows 2 and 5: the HTTP API under gunicorn (2 workers, `infra.wsgi:create()`).

A bounded load generator on 127.0.0.1 (threads with keep-alive http.client connections,
at most `http_requests` requests or `http_seconds` seconds): 80% reads (GET one org unit),
20% commands (PATCH rename, each with its own Idempotency-Key). Rows:
* HTTP commands/s in the mix beside the in-process command path (the same rename through
  the gateway, one thread, no HTTP), and reads/s;
* latency p50 beside p99 for reads and for commands;
* read-your-writes: a rename, then a GET with `min_position` = the command's position;
  the time from the command's response to the read that shows the new name, p50 beside p95.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from api.auth import mint_token
from bench.command_path import register_districts, run_renames
from bench.harness import Row, Sizes, for_backends, percentile, settings_env, temp_database
from infra.bootstrap import build_system
from infra.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(settings: Settings, workers: int = 2) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        **settings_env(settings),
        "REDPROP_SECRET": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    args = [str(gunicorn_bin), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*args, "--log-level", "warning", "infra.wsgi:create()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = request(port, "GET", "/healthz", {})
                if status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, Any]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = None if body is None else json.dumps(body)
    sent = {**headers, **({"Content-Type": "application/json"} if data else {})}
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    payload = response.read()
    if own:
        conn.close()
    return response.status, json.loads(payload) if payload else None


def load(
    port: int, units: list[UUID], token: str, requests: int, seconds: float, threads: int
) -> dict[str, Any]:
    """Bounded mixed load; returns counts, latencies (s) and wall time."""
    lock = threading.Lock()
    budget = {"left": requests}
    lat: dict[str, list[float]] = {"read": [], "command": []}
    errors: list[int] = []
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        auth = {"Authorization": f"Bearer {token}"}
        i = 0
        while time.monotonic() < stop_at:
            with lock:
                if budget["left"] <= 0:
                    break
                budget["left"] -= 1
            unit = rng.choice(units)
            kind = "command" if rng.random() < 0.2 else "read"
            start = time.perf_counter()
            if kind == "read":
                status, _ = request(port, "GET", f"/api/v1/org-units/{unit}", auth, conn=conn)
            else:
                i += 1
                headers = {**auth, "Idempotency-Key": f"http-{n}-{i}"}
                body = {"name": f"负载{n}-{i}"}
                status, _ = request(
                    port, "PATCH", f"/api/v1/org-units/{unit}", headers, body, conn=conn
                )
            elapsed = time.perf_counter() - start
            with lock:
                (lat[kind] if status < 300 else errors).append(elapsed if status < 300 else status)  # type: ignore[arg-type]
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"latency": lat, "errors": errors, "wall": time.perf_counter() - started}


def read_your_writes(port: int, units: list[UUID], token: str, samples: int) -> list[float]:
    auth = {"Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    waits = []
    for i in range(samples):
        unit = units[i % len(units)]
        name = f"读己之写{i}"
        status, result = request(
            port, "PATCH", f"/api/v1/org-units/{unit}", auth, {"name": name}, conn=conn
        )
        assert status == 200, (status, result)
        start = time.perf_counter()
        path = f"/api/v1/org-units/{unit}?min_position={result['position']}"
        status, row = request(port, "GET", path, auth, conn=conn)
        waits.append(time.perf_counter() - start)
        assert status == 200 and row["name"] == name, (status, row)
    conn.close()
    return waits


def measure(backend: str, sizes: Sizes) -> list[Row]:
    requests = sizes.n("http_requests", 3000)
    seconds = sizes.n("http_seconds", 60)
    threads = sizes.n("http_threads", 8)
    samples = sizes.n("ryw_samples", 200)
    with temp_database(backend, "http") as settings:
        system = build_system(settings)
        try:
            units = register_districts(system, 200)
            inproc = run_renames(system, units, 10, "warm")  # warm up
            start = time.perf_counter()
            inproc = run_renames(system, units, 500, "inproc")
            inproc_rate = inproc / (time.perf_counter() - start)
        finally:
            system.close()
        token = mint_token(SECRET, user_id="bench", role="district_admin", scope="*")
        with gunicorn(settings) as port:
            result = load(port, units, token, requests, seconds, threads)
            waits = read_your_writes(port, units, token, samples)
    reads, commands = result["latency"]["read"], result["latency"]["command"]
    wall = result["wall"]
    ms = 1000.0
    note = (
        f"{len(reads)} reads + {len(commands)} commands in {wall:.1f} s, {threads} client "
        f"threads, {len(result['errors'])} errors"
    )
    return [
        Row(
            "HTTP commands/s (80/20 mix) vs in-process",
            backend,
            "cmd/s",
            len(commands) / wall,
            inproc_rate,
            "in-process rename",
            issue="#7.2",
            notes=note,
        ),
        Row(
            "HTTP reads/s (80/20 mix)", backend, "req/s", len(reads) / wall, None, "", issue="#7.2"
        ),
        Row(
            "HTTP read latency p50 vs p99",
            backend,
            "ms",
            percentile(reads, 50) * ms,
            percentile(reads, 99) * ms,
            "p99",
            issue="#7.2",
        ),
        Row(
            "HTTP command latency p50 vs p99",
            backend,
            "ms",
            percentile(commands, 50) * ms,
            percentile(commands, 99) * ms,
            "p99",
            issue="#7.2",
        ),
        Row(
            "read-your-writes (command -> visible) p50 vs p95",
            backend,
            "ms",
            percentile(waits, 50) * ms,
            percentile(waits, 95) * ms,
            "p95",
            issue="#7.5",
            notes=f"{samples} renames, each read back with min_position",
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    return for_backends(sizes, lambda backend: measure(backend, sizes))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("http", run)
