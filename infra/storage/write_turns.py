"""Turns at SQLite's one write lock, for the writers of every process on one database file.

SQLite lets one transaction write at a time; a writer that finds the lock taken sleeps
in its busy handler, 1, 2, 5, 10 ... up to 100 ms between tries, and often wakes long
after the lock was let go (the tail of a command's latency when two web processes and
the worker write). Our writers (each process's group committer and projection writer)
instead take an flock() on `<database>-writer.lock` before they begin, asking for it every
0.2-2 ms (a blocking flock() could not give up after the lock wait), so the next writer
goes on within about 2 ms of the last COMMIT. SQLite's own lock and busy handler stay
underneath, for writers outside this scheme (the sqlite3 shell, a backup).

flock() is released by the kernel when its process dies, so a crashed writer never
holds the turn. Within a process a thread lock serialises the threads first (flock
belongs to the open file, which the threads share).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

from eventsourcing.persistence import OperationalError

_turns: dict[str, WriteTurns] = {}
_made = threading.Lock()


class TurnTimeout(OperationalError):
    """The turn did not come within the wait allowed (another writer holds it); the API
    answers 503, as for any database that cannot take the write now."""


class WriteTurns:
    def __init__(self, database: str) -> None:
        self.path = f"{database}-writer.lock"
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def take(self, timeout: float) -> None:
        """Wait for this process's turn, then the file's; TurnTimeout after `timeout` s."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise TurnTimeout(f"no write turn on {self.path} within {timeout:g} s")
        try:
            self._take_file(deadline)
        except BaseException:
            self._threads.release()
            raise

    def give_back(self) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _take_file(self, deadline: float) -> None:
        fd = self._file()
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise TurnTimeout(f"no write turn on {self.path}: another process holds it")
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.002)

    def _file(self) -> int:
        """The lock file, opened once per process (a forked child opens its own: an
        inherited descriptor would share its parent's lock)."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        return self._fd


def turns_for(database: str) -> WriteTurns:
    """The one WriteTurns of this process for a database file."""
    key = os.path.realpath(database)
    with _made:
        turns = _turns.get(key)
        if turns is None:
            turns = _turns[key] = WriteTurns(key)
        return turns


def database_file(db_name: str) -> str:
    """The file of an SQLite database name, which may be a `file:` URI."""
    if db_name.startswith("file:"):
        return db_name[len("file:") :].split("?", 1)[0]
    return db_name


class TurnTakingConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions hold a write turn: `begin_writing`
    takes it before BEGIN IMMEDIATE; commit() and rollback() give it back once SQLite's
    lock is released (SQLAlchemy's own commit event fires before the COMMIT)."""

    turns: WriteTurns | None = None
    holding = False

    def begin_writing(self, timeout: float) -> None:
        if self.turns is not None:
            self.turns.take(timeout)
            self.holding = True
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._give_back()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_back()

    def _give_back(self) -> None:
        if self.holding and self.turns is not None:
            self.holding = False
            self.turns.give_back()
