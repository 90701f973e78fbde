"""A pooled PostgreSQL connection is pinged on checkout only after it sat idle: one the
server dropped meanwhile is replaced without the caller seeing it, one used just now goes
straight on (issue 14: the ping was one of a one-statement read's round trips)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from infra.storage import database
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def pinging_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[float], Engine]]:
    """pinging_after(seconds) -> a read engine that pings connections idle that long."""
    engines: list[Engine] = []

    def make(seconds: float) -> Engine:
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", seconds)
        engines.append(database.make_engine(PG_URL, reads_only=True))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        pid: int = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        return pid


def counted_pings(engine: Engine) -> list[Any]:
    pings: list[Any] = []
    ping = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return pings


def test_a_connection_dropped_while_idle_is_replaced_unseen(
    pinging_after: Callable[[float], Engine],
) -> None:
    engine = pinging_after(0.05)
    dropped = backend_pid(engine)
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (dropped,))
    time.sleep(0.2)
    assert backend_pid(engine) != dropped  # a fresh connection answered, no error


def test_a_connection_used_just_now_is_not_pinged(
    pinging_after: Callable[[float], Engine],
) -> None:
    engine = pinging_after(60)
    pings = counted_pings(engine)
    first = backend_pid(engine)
    assert backend_pid(engine) == first and pings == []


def test_a_connection_idle_past_the_limit_is_pinged_once(
    pinging_after: Callable[[float], Engine],
) -> None:
    engine = pinging_after(0.05)
    pings = counted_pings(engine)
    first = backend_pid(engine)
    time.sleep(0.1)
    assert backend_pid(engine) == first and len(pings) == 1
