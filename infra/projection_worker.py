"""Keeps every projection caught up in a background thread (polling, woken early after
each local command). Processes that follow the log and issue commands (e.g. the subsidy
process) run first in each round, so the projections see what they issued."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, Select, TextClause, bindparam, select, text

from infra.projection_failures import Failure, clear_failure, record_failure
from infra.projection_runner import ProjectionFailed, ProjectionRunner, advance_together
from projections.positions import projection_positions

log = logging.getLogger(__name__)

QUIET_STRETCH = 2000  # events: up to this far behind, untouched projections move together


class ProjectionWorker:
    """Runs the processes, then every projection, once per round. A projection that fails
    stops at the failing event (see `ProjectionRunner.catch_up`), is recorded in
    `projection_failures` and retried with a doubling pause (up to `retry_max_seconds`)
    while the others keep going; once it gets past the event its record is deleted."""

    def __init__(
        self,
        runners: list[ProjectionRunner],
        poll_seconds: float = 0.25,
        processes: list[Any] | None = None,
        *,
        engine: Engine | None = None,
        retry_max_seconds: float = 60.0,
        jobs: list[Periodic] | None = None,
    ) -> None:
        self.runners = runners
        self.processes = processes or []  # objects with run_once() (log-following commands)
        self.poll_seconds = poll_seconds
        self.engine = engine  # where failures are recorded (None: only logged)
        self.retry_max_seconds = retry_max_seconds
        self.jobs = jobs or []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures: dict[str, Failure] = {}
        self._retry_at: dict[str, float] = {}
        # names that may still have a failure stored by an earlier worker
        self._unchecked = {r.projection.name for r in runners} | {_name(p) for p in self.processes}
        self.last_error: str | None = None
        self.on_failure: Callable[[str], None] | None = None  # metrics: a failed attempt
        # Runners keep per-instance state: one round at a time in this process.
        self._round = threading.Lock()

    def run_once(self) -> int:
        with self._round:
            return self._run_round()

    def _run_round(self) -> int:
        done = 0
        for process in self.processes:
            self._run(_name(process), process.run_once, _failed_event)
        head = self._head()
        due = [r for r in self.runners if head is None or not self._idle(r, head)]
        if head is not None:  # an idle round costs one query, not one per projection
            due = self._advance_untouched(due, head)
        for runner in due:
            catch_up = partial(runner.catch_up, head=head)
            done += self._run(runner.projection.name, catch_up, _failed_event) or 0
        for job in self.jobs:
            job.run_if_due(self._run)
        return done

    def _head(self) -> int | None:
        if not self.runners:
            return None
        try:
            return int(self.runners[0].app.recorder.max_notification_id() or 0)
        except Exception:  # reported by the runners' own attempts
            return None

    def _settled(self, runner: ProjectionRunner) -> bool:
        name = runner.projection.name
        known = name not in self._failures and name not in self._unchecked
        return known and runner.cached_position is not None

    def _idle(self, runner: ProjectionRunner, head: int) -> bool:
        return self._settled(runner) and (runner.cached_position or 0) >= head

    def _advance_untouched(self, due: list[ProjectionRunner], head: int) -> list[ProjectionRunner]:
        """Runners behind `head` with none of their topics in between are moved to it in
        one transaction, instead of one per projection (on SQLite each holds the write
        lock commands wait for); returns the runners still to catch up."""
        settled = [r for r in due if self._settled(r)]
        low = min((r.cached_position or 0 for r in settled), default=head)
        if not settled or head - low > QUIET_STRETCH:
            return due
        try:
            stretch = self.runners[0].app.recorder.select_topics(low, head)  # type: ignore[attr-defined]
            untouched = [r for r in settled if not r.concerned_by(stretch)]
            moved = advance_together(untouched, head) if untouched else []
        except Exception:  # noqa: BLE001 - each runner then catches up (and reports) alone
            log.exception("could not move untouched projections together")
            return due
        return [r for r in due if r not in moved]

    def _run(
        self,
        name: str,
        step: Callable[[], Any],
        describe: Callable[[Exception], tuple[int, str]],
    ) -> Any:
        if time.monotonic() < self._retry_at.get(name, 0.0):
            return None
        try:
            result = step()
        except Exception as exc:  # keep the others going; recorded for /readyz
            self._failed(name, *describe(exc))
            return None
        if name in self._failures or name in self._unchecked:
            self._resumed(name)
        return result

    def _failed(self, name: str, position: int, error: str) -> None:
        earlier = self._failures.get(name)
        attempts = earlier.attempts + 1 if earlier and earlier.position == position else 1
        failure = Failure(name, position, error, attempts, time.time())
        self._failures[name] = failure
        pause = min(self.poll_seconds * 2**attempts, self.retry_max_seconds)
        self._retry_at[name] = time.monotonic() + pause
        self.last_error = f"{name}: {error}"
        if self.on_failure is not None:
            self.on_failure(name)
        log.error(
            "projection stopped",
            extra={"event": "projection_failed", "projection": name, "position": position,
                   "error": error, "attempts": attempts, "retry_in_seconds": round(pause, 3)},
        )  # fmt: skip
        if self.engine is not None:
            try:
                record_failure(self.engine, failure)
            except Exception:  # the database itself is down: the log line is what we have
                log.exception("could not record the failure of %s", name)

    def _resumed(self, name: str) -> None:
        if self.engine is not None:
            try:
                clear_failure(self.engine, name)
            except Exception:
                log.exception("could not clear the failure of %s", name)
                return
        self._unchecked.discard(name)
        self._retry_at.pop(name, None)
        if self._failures.pop(name, None) is not None:
            log.info(
                "projection resumed", extra={"event": "projection_resumed", "projection": name}
            )

    @property
    def failures(self) -> dict[str, Failure]:
        return dict(self._failures)

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
        elif self._round.acquire(blocking=False):  # else a round is under way: wait for it
            try:
                self._run_round()
            finally:
                self._round.release()

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

    def run_forever(self) -> None:
        """The worker process's main loop (until `stop`)."""
        self._loop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.poll_seconds)
            self._wake.clear()


def _name(process: Any) -> str:
    return str(getattr(process, "name", type(process).__name__))


def _failed_event(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, ProjectionFailed):
        return exc.position, exc.error
    return 0, f"{type(exc).__name__}: {exc}"


class Periodic:
    """A job run by the worker every `seconds` (first run at once)."""

    def __init__(self, name: str, seconds: float, fn: Callable[[], Any]) -> None:
        self.name = name
        self.seconds = seconds
        self.fn = fn
        self._due = 0.0

    def run_if_due(self, run: Callable[..., Any]) -> None:
        now = time.monotonic()
        if now < self._due:
            return
        self._due = now + self.seconds
        run(self.name, self.fn, _failed_event)


class Freshness:
    """Read-your-writes: wait (bounded) until projections have reached a log position."""

    def __init__(
        self,
        engine: Engine,
        worker: ProjectionWorker | None = None,
        *,
        recorder: Any = None,
        events: tuple[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.worker = worker
        self.recorder = recorder  # asked whether the log changed, when `events` is None
        self.events = events  # (table, position column) when the views share the log's database
        self._changed: dict[int, TextClause] = {}

    def changed_beyond(self, conn: Connection, projection: str, topics: list[str]) -> bool:
        """Whether an event of `topics` lies after `projection`'s stored position: one
        statement on `conn` when the read models share the log's database; else the position
        read on `conn`, and the log asked through the recorder."""
        if self.events is None:
            position = self.positions_in(conn, [projection])[projection]
            return bool(self.recorder.any_after(position, topics))
        params = {"name": projection} | {f"topic_{i}": t for i, t in enumerate(topics)}
        return bool(conn.execute(self._changed_statement(len(topics)), params).scalar())

    def _changed_statement(self, count: int) -> TextClause:
        statement = self._changed.get(count)
        if statement is None:
            assert self.events is not None
            table, column = self.events
            marks = ", ".join(f":topic_{i}" for i in range(count))
            statement = self._changed[count] = text(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} > COALESCE("
                "(SELECT position FROM projection_positions WHERE name = :name), 0) "
                f"AND topic IN ({marks}))"
            )
        return statement

    def positions(self, names: list[str]) -> dict[str, int]:
        """On every read that names a position, and on each poll while waiting: one
        statement per number of names, bound by name (`read_positions`' IN list is
        expanded and compiled again on every call, about 3x the cost)."""
        with self.engine.connect() as conn:
            return self.positions_in(conn, names)

    @staticmethod
    def positions_in(conn: Connection, names: list[str]) -> dict[str, int]:
        """As `positions`, on a connection the caller holds (with the rows it reads)."""
        statement = _named_positions(len(names))
        rows = conn.execute(statement, {f"name_{i}": name for i, name in enumerate(names)})
        found = {row[0]: row[1] for row in rows}
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


_NAMED: dict[int, Select[Any]] = {}


def _named_positions(count: int) -> Select[Any]:
    statement = _NAMED.get(count)
    if statement is None:
        names = [bindparam(f"name_{i}") for i in range(count)]
        table = projection_positions
        statement = select(table.c.name, table.c.position).where(table.c.name.in_(names))
        _NAMED[count] = statement
    return statement
