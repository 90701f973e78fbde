"""PostgreSQL reads take no transaction block: the read engine's checkouts and the
recorder's plain-row reads send their statement alone, without BEGIN and ROLLBACK, and
leave no session idle in a transaction while the caller holds the connection (issue 14)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


def test_a_read_engine_connection_reads_outside_a_transaction(system: Any) -> None:
    with system.read_engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        status = conn.connection.dbapi_connection.info.transaction_status
        assert status == TransactionStatus.IDLE


def test_the_recorders_plain_row_reads_open_no_transaction(
    system: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TransactionStatus] = []
    execute = psycopg.Cursor.execute

    def watching(curs: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(curs.connection.info.transaction_status)
        return execute(curs, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", watching)
    assert system.app.recorder.any_after(0, ["no.such.Topic"]) is False
    assert system.app.recorder.select_topics(0, 10) == []
    assert seen == [TransactionStatus.IDLE] * 2
