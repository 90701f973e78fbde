"""Issue 2 (a) on SQLite, the storage alone: what the chain link and the idempotency record
cost at commit, before any Python of ours.

Plain `sqlite3` on the recorder's own tables (created by our recorder, WAL as the library
opens them), one transaction per command: the event row alone (what the bare library
writes) beside the event row + its chain link + its idempotency record (what our recorder
writes). The ratio is the ceiling of the #2a ratio on SQLite: each extra table is one more
B-tree page, so one more WAL frame, per commit.
"""

from __future__ import annotations

import sqlite3
import uuid
from hashlib import sha256
from pathlib import Path

from bench.harness import Row, Sizes, side_by_side, temp_database
from infra.bootstrap import build_system
from infra.settings import Settings

STATE = b'{"n": 1, "meta": {}}' * 12  # about the size of a trivial event with metadata


def open_log(settings: Settings) -> tuple[sqlite3.Connection, str]:
    """A raw connection to the event store of a fresh system, and its events table."""
    system = build_system(settings)
    table = system.app.recorder.events_table_name
    system.close()
    conn = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn, table


def commit_events(conn: sqlite3.Connection, table: str, count: int, *, chained: bool) -> int:
    """`count` transactions of one event each; with `chained`, also its link and record."""
    digest = bytes(32)
    for _ in range(count):
        conn.execute("BEGIN")
        position = conn.execute(
            f"INSERT INTO {table} VALUES (?, 1, 'bench:Ticked', ?)", (uuid.uuid4().hex, STATE)
        ).lastrowid
        if chained:
            digest = sha256(digest + STATE).digest()
            conn.execute(f"INSERT INTO {table}_chain VALUES (?, ?, ?)", (position, 0, digest))
            conn.execute(
                f"INSERT INTO {table}_commands VALUES (?, '', '', 1, ?, '')",
                (uuid.uuid4().hex, position),
            )
        conn.execute("COMMIT")
    return count


def measure(commits: int, rounds: int) -> list[Row]:
    per_round = max(1, commits // rounds)
    with temp_database("sqlite", "plain") as plain_db, temp_database("sqlite", "chain") as ours_db:
        plain, plain_table = open_log(plain_db)
        chained, chained_table = open_log(ours_db)
        try:
            ours, floor = side_by_side(
                lambda r: commit_events(chained, chained_table, per_round, chained=True),
                lambda r: commit_events(plain, plain_table, per_round, chained=False),
                rounds,
            )
        finally:
            plain.close()
            chained.close()
    return [
        Row(
            "plain sqlite3: event + link + record vs event alone",
            "sqlite",
            "commits/s",
            ours,
            floor,
            "event row alone",
            issue="#2a",
            notes=f"median of {rounds} interleaved rounds x {per_round} commits; "
            f"{Path(__file__).name}",
        )
    ]


def run(sizes: Sizes) -> list[Row]:
    if "sqlite" not in sizes.backends:
        return []
    return measure(sizes.n("sqlite_commits", 6000), sizes.n("sqlite_commit_rounds", 12))


if __name__ == "__main__":
    from bench.__main__ import main_for

    main_for("sqlite_commit", run)
