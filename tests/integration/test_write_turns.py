"""SQLite writers of every process take turns at the write lock through an flock() on
`<database>-writer.lock`: a command waits while another process holds the turn, goes on
the moment it is given back (or its holder dies), and answers 503, storing nothing, when
the turn does not come within the lock wait."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy.exc

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import System, build_system
from infra.settings import Settings
from infra.storage.write_turns import WriteTurns


@pytest.fixture
def backend() -> str:
    return "sqlite"  # PostgreSQL has no such lock


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()  # until told to let go (or killed)
"""


@contextmanager
def another_process_holding(settings: Settings) -> Iterator[subprocess.Popen[str]]:
    database = settings.database_url.removeprefix("sqlite:///")
    lock = f"{Path(database).resolve()}-writer.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def _unit(system: System) -> UUID:
    with command_context(actor_id="t"):
        return system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id


def _rename_in_thread(system: System, unit: UUID, done: list[Any]) -> threading.Thread:
    def rename() -> None:
        with command_context(actor_id="t"):
            done.append(system.app.handle(RenameOrgUnit(unit_id=unit, name="新区")))

    thread = threading.Thread(target=rename)
    thread.start()
    return thread


def test_a_command_waits_for_the_turn_and_goes_on_once_it_is_given_back(
    system: System, settings: Settings
) -> None:
    unit = _unit(system)
    with another_process_holding(settings) as holder:
        done: list[Any] = []
        thread = _rename_in_thread(system, unit, done)
        thread.join(timeout=0.5)
        assert thread.is_alive() and not done  # waiting for the other process
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        thread.join(timeout=10)
    assert not thread.is_alive() and done[0].version == 2


def test_a_holder_that_dies_gives_the_turn_back(system: System, settings: Settings) -> None:
    unit = _unit(system)
    with another_process_holding(settings) as holder:
        done: list[Any] = []
        thread = _rename_in_thread(system, unit, done)
        thread.join(timeout=0.3)
        assert thread.is_alive()
        holder.kill()  # SIGKILL: the kernel releases its flock
        thread.join(timeout=10)
    assert done and done[0].version == 2


def test_no_turn_within_the_wait_is_a_503_and_stores_nothing(settings: Settings, auth: Any) -> None:
    system = build_system(settings)
    try:
        unit = _unit(system)
        system.catch_up()
        system.app.recorder.datastore.pool.lock_timeout = 1  # type: ignore[attr-defined]
        head = system.app.recorder.max_notification_id()
        client = system.wsgi().test_client()
        with another_process_holding(settings):
            answer = client.patch(
                f"/api/v1/org-units/{unit}", json={"name": "新区"}, headers=auth("district_admin")
            )
        assert answer.status_code == 503, answer.json
        assert answer.mimetype == "application/problem+json"
        assert answer.headers["Retry-After"] == "1"
        assert system.app.recorder.max_notification_id() == head
    finally:
        system.close()


def test_threads_of_one_process_take_turns_before_the_file(tmp_path: Path) -> None:
    turns = WriteTurns(str(tmp_path / "ledger.db"))
    turns.take(1)
    taken: list[bool] = []
    other = threading.Thread(target=lambda: (turns.take(5), taken.append(True), turns.give_back()))
    other.start()
    other.join(timeout=0.3)
    assert other.is_alive() and not taken
    turns.give_back()
    other.join(timeout=5)
    assert taken == [True]


def test_a_database_that_cannot_answer_is_a_503_in_each_surfaces_shape(
    system: System, client: Any, auth: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlalchemy.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(system.read_engine, "connect", unavailable)
    api = client.get("/api/v1/org-units", headers=auth("district_admin"))
    assert (api.status_code, api.mimetype) == (503, "application/problem+json")
    assert api.headers["Retry-After"] == "1" and "nothing was stored" in api.json["detail"]
    open311 = client.get("/open311/v2/requests.json")
    assert open311.status_code == 503
    assert [set(e) for e in open311.json] == [{"code", "description"}]
