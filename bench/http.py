"""Issue 14's HTTP rows: `redprop serve` (gunicorn) with `redprop worker` beside it, as
deployed. Every server is a real process on 127.0.0.1; the clients are threads of this
process with keep-alive connections. Server size: `--size http_workers=2 --size
http_threads=4` (the same for ours and the bare app).

* reads: GET one org unit, `http_clients` clients, against a bare Flask app under the same
  gunicorn settings returning the same row from the same database (bench/bare_flask.py),
  rounds interleaved;
* commands: `command_clients` (32) clients renaming org units (PATCH, each with its own
  Idempotency-Key), against the in-process single-thread command path (the same renames
  through the gateway, no HTTP, no worker running) just before and just after; errors
  and p99;
* the floor of that row: the same 32 clients renaming through the bare Flask app, whose
  PATCH loads a plain eventsourcing aggregate, renames it and `save()`s it (its own
  database), so the table shows what any rename service costs on this server;
* the 80/20 mix paced at `mix_rate` (300) requests/s: p99, timed from when each request
  was due (a server that falls behind is charged for the queue);
* read-your-writes: a rename, then a GET with `min_position`, until the worker applied it.

The worker is started before the rows that run beside it and waited for until it logs that
it has started, so its start-up (imports, building the system: seconds of CPU on this
machine) is not timed with them.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from api.auth import mint_token
from bench.bare_flask import BareUnit, bare_application
from bench.command_path import register_districts, run_renames
from bench.harness import (
    Row,
    Sizes,
    Target,
    for_backends,
    percentile,
    settings_env,
    temp_database,
    timed,
)
from infra.bootstrap import build_system
from infra.gunicorn_conf import CONNECTIONS_PER_THREAD
from infra.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-long-enough-for-hs256-keys"
BIN = Path(sys.executable).parent
SERVER = {"workers": 2, "threads": 4}  # the same for ours and the bare app (`--size`)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(
    args: list[str], settings: Settings, port: int | None, ready: bytes = b"", **extra: str
) -> Iterator[None]:
    """A server (waits until /healthz answers) or the worker (waits until its log holds
    `ready`, so its start-up is not timed with the load); stopped afterwards."""
    env = {**os.environ, **settings_env(settings), "REDPROP_SECRET": SECRET, **extra}
    env["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not _up(port, ready, log.fileno()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{args} did not start: {log.read()[-2000:]!r}")
                time.sleep(0.2)
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _up(port: int | None, ready: bytes, log: int) -> bool:
    if port is not None:
        try:
            return request(port, "GET", "/healthz", {})[0] == 200
        except OSError:
            return False
    return ready in os.pread(log, 1 << 20, 0)  # pread: the child's write offset stays put


def _size() -> list[str]:
    return ["--workers", str(SERVER["workers"]), "--threads", str(SERVER["threads"])]


def ours(settings: Settings, port: int) -> Any:
    size = _size()
    return process([str(BIN / "redprop"), "serve", "--port", str(port), *size], settings, port)


def bare(settings: Settings, port: int, units_db: Settings | None = None) -> Any:
    """The bare Flask peer; `units_db` holds its `BareUnit`s for the rename floor."""
    args = [str(BIN / "gunicorn"), "--config", "python:infra.gunicorn_conf"]
    connections = CONNECTIONS_PER_THREAD * SERVER["threads"]  # as `redprop serve` sets it
    size = [*_size(), "--worker-connections", str(connections)]
    bind = ["--bind", f"127.0.0.1:{port}"]
    multiproc = tempfile.mkdtemp(prefix="redprop-bench-")  # the conf's hooks need one
    return process(
        [*args, *size, *bind, "bench.bare_flask:create()"],
        settings,
        port,
        PROMETHEUS_MULTIPROC_DIR=multiproc,
        REDPROP_METRICS_DIR_OWNED="1",
        **(
            {}
            if units_db is None
            else {
                "REDPROP_BENCH_BARE_URL": units_db.database_url,
                "REDPROP_BENCH_BARE_SCHEMA": units_db.database_schema,
            }
        ),
    )


def bare_units(units_db: Settings, count: int) -> list[UUID]:
    """`count` BareUnits registered in the floor's own database."""
    app = bare_application(units_db)
    try:
        units = [BareUnit(name=f"单位{i}") for i in range(count)]
        app.save(*units)
        return [unit.id for unit in units]
    finally:
        app.close()


def worker(settings: Settings) -> Any:
    return process([str(BIN / "redprop"), "worker"], settings, None, ready=b"worker started")


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
    json_body = payload and "json" in response.getheader("Content-Type", "")
    return response.status, json.loads(payload) if json_body else payload.decode(errors="replace")


Call = Callable[[http.client.HTTPConnection, int, int], int]  # (conn, client, i) -> status


FAILED = 0  # the status recorded for a request that got no HTTP answer (or an unreadable one)


def closed_loop(port: int, clients: int, per_client: int, call: Call) -> dict[str, Any]:
    """`clients` threads each sending `per_client` requests back to back."""
    return _load(port, clients, lambda n: [(i, None) for i in range(per_client)], call)


def paced(port: int, rate: float, seconds: float, clients: int, call: Call) -> dict[str, Any]:
    """Requests due at `rate` per second in all, spread over `clients` threads; latency
    counts from when each was due."""
    begin = time.perf_counter() + 0.2
    total = int(rate * seconds)
    return _load(
        port, clients, lambda n: [(i, begin + i / rate) for i in range(n, total, clients)], call
    )


def _load(
    port: int,
    clients: int,
    plan: Callable[[int], list[tuple[int, float | None]]],
    call: Call,
) -> dict[str, Any]:
    """Each client thread sends the requests `plan(client)` lists, as (i, due time or None
    for at once); latency counts from when a request was due. A request that fails
    without an HTTP answer counts as an error (status FAILED), on a new connection."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for i, due in plan(n):
            if due is not None and (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            start = time.perf_counter() if due is None else due
            try:
                status = call(conn, n, i)
            except (OSError, http.client.HTTPException, ValueError):
                status = FAILED
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if FAILED < status < 300:
                mine.append(time.perf_counter() - start)
            else:
                bad.append(status)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    return _threads(clients, client) | {"latency": latencies, "errors": errors}


def _threads(count: int, target: Callable[[int], None]) -> dict[str, Any]:
    pool = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"wall": time.perf_counter() - started}


def reader(port: int, units: list[UUID], token: str) -> Call:
    auth = {"Authorization": f"Bearer {token}"}

    def read(conn: http.client.HTTPConnection, n: int, i: int) -> int:
        unit = units[(n * 7919 + i) % len(units)]
        return request(port, "GET", f"/api/v1/org-units/{unit}", auth, conn=conn)[0]

    return read


def renamer(port: int, units: list[UUID], token: str, tag: str) -> Call:
    auth = {"Authorization": f"Bearer {token}"}

    def rename(conn: http.client.HTTPConnection, n: int, i: int) -> int:
        unit = units[(n * 31 + i) % len(units)]
        headers = {**auth, "Idempotency-Key": f"{tag}-{n}-{i}"}
        body = {"name": f"{tag}{n}-{i}"}
        return request(port, "PATCH", f"/api/v1/org-units/{unit}", headers, body, conn=conn)[0]

    return rename


def mixed(port: int, units: list[UUID], token: str) -> Call:
    read, rename = reader(port, units, token), renamer(port, units, token, "mix")

    def call(conn: http.client.HTTPConnection, n: int, i: int) -> int:
        return (rename if random.Random(i).random() < 0.2 else read)(conn, n, i)

    return call


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
    clients = sizes.n("http_clients", 16)
    reads = sizes.n("http_reads", 2000)
    rounds = sizes.n("http_rounds", 3)
    command_clients = sizes.n("command_clients", 32)
    commands = sizes.n("http_commands", 1600)
    rate = sizes.n("mix_rate", 300)
    mix_seconds = sizes.n("mix_seconds", 10)
    samples = sizes.n("ryw_samples", 100)
    SERVER.update(workers=sizes.n("http_workers", 2), threads=sizes.n("http_threads", 4))
    ms = 1000.0
    with temp_database(backend, "http") as settings, temp_database(backend, "hb") as units_db:
        system = build_system(settings)
        try:
            units = register_districts(system, 200)
            floor_units = bare_units(units_db, len(units))
            system.catch_up()
            run_renames(system, units, 20, "warm")
            system.catch_up()
            token = mint_token(SECRET, user_id="bench", role="district_admin", scope="*")
            our_port, bare_port = free_port(), free_port()
            with ours(settings, our_port), bare(settings, bare_port):
                our_rates, bare_rates = [], []
                for r in range(rounds):  # interleaved, alternating which goes first
                    pair = [(our_port, our_rates), (bare_port, bare_rates)]
                    for port, rates in pair if r % 2 == 0 else pair[::-1]:
                        call = reader(port, units, token)
                        got = closed_loop(port, clients, reads // clients, call)
                        assert not got["errors"], got["errors"][:5]
                        rates.append(len(got["latency"]) / got["wall"])
            with ours(settings, our_port):
                # the in-process path (no worker) just before and just after the HTTP round
                inproc_seconds = timed(lambda: run_renames(system, units, commands // 4, "in1"))
                with worker(settings):
                    cmd = closed_loop(
                        our_port,
                        command_clients,
                        commands // command_clients,
                        renamer(our_port, units, token, "cmd"),
                    )
                    mix = paced(our_port, rate, mix_seconds, 16, mixed(our_port, units, token))
                    waits = read_your_writes(our_port, units, token, samples)
                with bare(settings, bare_port, units_db):
                    floor = closed_loop(
                        bare_port,
                        command_clients,
                        commands // command_clients,
                        renamer(bare_port, floor_units, token, "floor"),
                    )
                inproc_seconds += timed(lambda: run_renames(system, units, commands // 4, "in2"))
                inproc_rate = (commands // 2) / inproc_seconds
        finally:
            system.close()
    read_rate, bare_rate = sorted(our_rates)[len(our_rates) // 2], sorted(bare_rates)[rounds // 2]
    cmd_rate = len(cmd["latency"]) / cmd["wall"]
    served = f"gunicorn {SERVER['workers']} workers x {SERVER['threads']} threads"
    mix_note = (
        f"{len(mix['latency'])} answered, {len(mix['errors'])} errors, "
        f"p50 {percentile(mix['latency'], 50) * ms:.1f} ms, offered {rate}/s for {mix_seconds} s"
    )
    return [
        Row(
            "HTTP GET one org unit vs bare Flask",
            backend,
            "req/s",
            read_rate,
            bare_rate,
            "bare Flask, same gunicorn",
            target=Target("ratio", ">=", 0.5),
            issue="#14",
            notes=f"{served}, {clients} clients, median of {rounds} interleaved rounds",
        ),
        Row(
            f"HTTP renames, {command_clients} clients vs in-process",
            backend,
            "cmd/s",
            cmd_rate,
            inproc_rate,
            "in-process 1 thread",
            target=Target("ratio", ">=", 0.5),
            issue="#14",
            notes=f"{served} + redprop worker; {len(cmd['errors'])} errors",
        ),
        Row(
            f"HTTP renames, {command_clients} clients: errors",
            backend,
            "errors",
            len(cmd["errors"]),
            None,
            "",
            target=Target("value", "<=", 0),
            issue="#14",
            notes=", ".join(sorted({str(e) for e in cmd["errors"]})),
        ),
        Row(
            f"HTTP renames, {command_clients} clients: p99",
            backend,
            "ms",
            percentile(cmd["latency"], 99) * ms if cmd["latency"] else None,
            percentile(cmd["latency"], 50) * ms if cmd["latency"] else None,
            "p50",
            target=Target("value", "<=", 100),
            issue="#14",
        ),
        Row(
            f"HTTP renames, {command_clients} clients: bare Flask + save() floor",
            backend,
            "cmd/s",
            len(floor["latency"]) / floor["wall"],
            inproc_rate,
            "in-process 1 thread",
            issue="#14",
            notes=f"the least a rename can cost on this server: {_latencies(floor)}",
        ),
        Row(
            f"80/20 mix at {rate} req/s: p99",
            backend,
            "ms",
            percentile(mix["latency"], 99) * ms if mix["latency"] else None,
            None,
            "",
            target=Target("value", "<=", 50),
            issue="#14",
            notes=mix_note,
        ),
        Row(
            "read-your-writes (command -> visible) p50 vs p95",
            backend,
            "ms",
            percentile(waits, 50) * ms,
            percentile(waits, 95) * ms,
            "p95",
            issue="#7.5",
            notes=f"{samples} renames, each read back with min_position (worker polls "
            f"every {Settings().projection_poll_seconds:g} s)",
        ),
    ]


def _latencies(got: dict[str, Any]) -> str:
    if not got["latency"]:
        return f"{len(got['errors'])} errors, none answered"
    p50, p99 = (percentile(got["latency"], q) * 1000.0 for q in (50, 99))
    return f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {len(got['errors'])} errors"


def run(sizes: Sizes) -> list[Row]:
    return for_backends(sizes, lambda backend: measure(backend, sizes))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("http", run)
