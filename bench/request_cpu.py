"""Issue 14: the CPU one request costs in-process, through Flask's test client (no
server, no client, no network), beside the bare Flask peer of the HTTP rows
(`bench/bare_flask.py`) answering the same request in the same process.

Two rows per database: GET one org unit (our read path: token and revocation check, the
read model's row, the ETag; the peer: one SELECT), and PATCH a unit's name (our command
path: scope check, command, chain link, idempotency record; the peer: load, rename and
`save()` a bare aggregate in its own database). Rounds alternate which side goes first;
each figure is the median over the rounds of CPU microseconds per request
(`time.process_time`), so lower is better and the ratio is how many times the peer's
CPU ours spends.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import replace
from statistics import median
from typing import Any
from unittest import mock
from uuid import UUID

from api.auth import mint_token
from bench.bare_flask import create as create_bare
from bench.command_path import register_districts
from bench.harness import Row, Sizes, for_backends, settings_env, temp_database
from bench.http import SECRET, bare_units
from infra.bootstrap import build_system

UNITS = 200


def cpu_per_call(calls: int, call: Callable[[int], None]) -> float:
    """CPU microseconds per `call(i)`, over `calls` calls."""
    start = time.process_time()
    for i in range(calls):
        call(i)
    return (time.process_time() - start) / calls * 1e6


def interleaved(
    rounds: int, calls: int, ours: Callable[[int], None], peer: Callable[[int], None]
) -> tuple[float, float]:
    mine: list[float] = []
    theirs: list[float] = []
    for r in range(rounds):
        pair = [(ours, mine), (peer, theirs)]
        for call, figures in pair if r % 2 == 0 else pair[::-1]:
            figures.append(cpu_per_call(calls, call))
    return median(mine), median(theirs)


def expect(status: int, response: Any) -> None:
    if response.status_code != status:
        raise AssertionError(f"{response.status_code}: {response.get_data(as_text=True)[:200]}")


def measure(backend: str, calls: int, rounds: int) -> list[Row]:
    with temp_database(backend, "cpu") as db, temp_database(backend, "cpubare") as bare_db:
        db = replace(db, secret=SECRET)
        system = build_system(db)
        web = build_system(db, projections_here=False)
        try:
            units = register_districts(system, UNITS)
            system.catch_up()
            floor_units = bare_units(bare_db, UNITS)
            with mock.patch.dict(
                os.environ,
                {
                    **settings_env(db),
                    "REDPROP_BENCH_BARE_URL": bare_db.database_url,
                    "REDPROP_BENCH_BARE_SCHEMA": bare_db.database_schema,
                },
            ):
                bare = create_bare().test_client()
            ours = web.wsgi().test_client()
            token = mint_token(SECRET, user_id="bench", role="district_admin", scope="*")
            auth = {"Authorization": f"Bearer {token}"}
            return _rows(backend, calls, rounds, (ours, units), (bare, floor_units), auth)
        finally:
            web.close()
            system.close()


def _rows(
    backend: str,
    calls: int,
    rounds: int,
    ours: tuple[Any, list[UUID]],
    bare: tuple[Any, list[UUID]],
    auth: dict[str, str],
) -> list[Row]:
    def reader(client: Any, units: list[UUID]) -> Callable[[int], None]:
        return lambda i: expect(
            200, client.get(f"/api/v1/org-units/{units[i % UNITS]}", headers=auth)
        )

    def renamer(client: Any, units: list[UUID], tag: str) -> Callable[[int], None]:
        count = itertools.count()

        def rename(i: int) -> None:
            n = next(count)
            headers = {**auth, "Idempotency-Key": f"{tag}-{n}"}
            url = f"/api/v1/org-units/{units[i % UNITS]}"
            expect(200, client.patch(url, json={"name": f"{tag}{n}"}, headers=headers))

        return rename

    read_ours, read_bare = reader(*ours), reader(bare[0], ours[1])  # both read our row
    for warm in (read_ours, read_bare, renamer(*ours, "w"), renamer(*bare, "w")):
        cpu_per_call(20, warm)
    get = interleaved(rounds, calls, read_ours, read_bare)
    patch = interleaved(rounds, calls, renamer(*ours, "m"), renamer(*bare, "m"))
    note = f"median of {rounds} alternating rounds x {calls} requests, CPU per request"
    return [
        Row(
            "request CPU in-process: GET one org unit",
            backend,
            "us",
            *get,
            "bare Flask, same row",
            issue="#14",
            notes=note,
        ),
        Row(
            "request CPU in-process: PATCH rename",
            backend,
            "us",
            *patch,
            "bare Flask + save()",
            issue="#14",
            notes=note,
        ),
    ]


def run(sizes: Sizes) -> list[Row]:
    calls = sizes.n("request_cpu_calls", 300)
    rounds = sizes.n("request_cpu_rounds", 5)
    return for_backends(sizes, lambda backend: measure(backend, calls, rounds))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("request_cpu", run)
