"""A pooled PostgreSQL connection is pinged on checkout only after it sat idle: one the
server dropped meanwhile is replaced without the caller seeing it, one used just now goes
straight on (issue 14: the ping was one of a one-statement read's round trips)."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from infra.storage import database
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


def engine_pinging_after(seconds: float, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", seconds)
    return database.make_engine(PG_URL, reads_only=True)


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
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engine_pinging_after(0.05, monkeypatch)
    try:
        dropped = backend_pid(engine)
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (dropped,))
        time.sleep(0.2)
        assert backend_pid(engine) != dropped  # a fresh connection answered, no error
    finally:
        engine.dispose()


def test_a_connection_used_just_now_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_pinging_after(60, monkeypatch)
    try:
        pings = counted_pings(engine)
        first = backend_pid(engine)
        assert backend_pid(engine) == first and pings == []
    finally:
        engine.dispose()


def test_a_connection_idle_past_the_limit_is_pinged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_pinging_after(0.05, monkeypatch)
    try:
        pings = counted_pings(engine)
        first = backend_pid(engine)
        time.sleep(0.1)
        assert backend_pid(engine) == first and len(pings) == 1
    finally:
        engine.dispose()
