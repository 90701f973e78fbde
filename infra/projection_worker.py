"""Keeps every projection caught up in a background thread (polling, woken early after
each local command). Processes that follow the log and issue commands (e.g. the subsidy
process) run first in each round, so the projections see what they issued."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine

from infra.projection_runner import ProjectionRunner
from projections.positions import read_positions

log = logging.getLogger(__name__)


class ProjectionWorker:
    def __init__(
        self,
        runners: list[ProjectionRunner],
        poll_seconds: float = 0.25,
        processes: list[Any] | None = None,
    ) -> None:
        self.runners = runners
        self.processes = processes or []  # objects with run_once() (log-following commands)
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def run_once(self) -> int:
        done = 0
        for process in self.processes:
            try:
                process.run_once()
            except Exception as exc:  # keep the projections going; report in /healthz
                self.last_error = f"{type(process).__name__}: {exc!r}"
                log.exception("process %s failed", type(process).__name__)
        for runner in self.runners:
            try:
                done += runner.catch_up()
            except Exception as exc:  # keep the others going; report in /healthz
                self.last_error = f"{runner.projection.name}: {exc!r}"
                log.exception("projection %s failed", runner.projection.name)
        return done

    def notify(self) -> None:
        # Already set: the thread has not woken since, and reads the log after it clears.
        if not self._wake.is_set():
            self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def poke(self) -> None:
        """Catch up now: wake the thread, or do it inline if no thread runs."""
        if self.running:
            self.notify()
        else:
            self.run_once()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="projections", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.poll_seconds)
            self._wake.clear()


class Freshness:
    """Read-your-writes: wait (bounded) until projections have reached a log position."""

    def __init__(self, engine: Engine, worker: ProjectionWorker | None = None) -> None:
        self.engine = engine
        self.worker = worker

    def positions(self, names: list[str]) -> dict[str, int]:
        with self.engine.connect() as conn:
            found = read_positions(conn, names)
        return {name: found.get(name, 0) for name in names}

    def wait(self, names: list[str], position: int, timeout: float) -> tuple[bool, int]:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            lowest = min(self.positions(names).values(), default=0)
            if lowest >= position:
                return True, lowest
            if time.monotonic() >= deadline:
                return False, lowest
            if self.worker is not None:
                self.worker.poke()
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
