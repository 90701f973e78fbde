"""Several server processes starting together on a fresh database (gunicorn's workers) all
come up: creating the tables is serialised, not raced."""

from __future__ import annotations

import multiprocessing
from typing import Any

from infra.bootstrap import build_system
from infra.settings import Settings

STARTERS = 4


def _start(settings: Settings, barrier: Any, failures: Any) -> None:
    barrier.wait()
    try:
        build_system(settings).close()
    except Exception as exc:  # noqa: BLE001 - reported to the test
        failures.put(repr(exc))


def test_processes_starting_together_on_a_fresh_database_all_come_up(
    settings: Settings,
) -> None:
    context = multiprocessing.get_context("spawn")  # no fork of a threaded test process
    barrier, failures = context.Barrier(STARTERS), context.Queue()
    starters = [
        context.Process(target=_start, args=(settings, barrier, failures)) for _ in range(STARTERS)
    ]
    for process in starters:
        process.start()
    for process in starters:
        process.join(timeout=60)
    assert [p.exitcode for p in starters] == [0] * STARTERS
    assert failures.empty(), failures.get()
    system = build_system(settings)
    try:
        assert system.health()["ok"]
    finally:
        system.close()
