"""Auditor's check of the subsidy ledger: recompute it from the log into a scratch SQLite
database and compare it, line by line, with the live projection."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, select

from domain.app import RedPropertyApp
from infra.projection_runner import ProjectionRunner
from infra.storage.database import make_engine
from projections.subsidy_ledger import SubsidyLedgerProjection


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    position: int
    lines: int
    difference: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"OK — {self.lines} ledger lines match the log at position {self.position}"
        return f"DIFFERENT at position {self.position}: {self.difference}"


def _rows(engine: Engine, table: Table) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        order = list(table.primary_key.columns)
        for row in conn.execute(select(table).order_by(*order)).mappings():
            yield dict(row)


def _first_difference(live: Engine, scratch: Engine, table: Table) -> tuple[int, str | None]:
    pk = [c.name for c in table.primary_key.columns]
    compared = 0
    live_rows, scratch_rows = _rows(live, table), _rows(scratch, table)
    while True:
        a, b = next(live_rows, None), next(scratch_rows, None)
        if a is None and b is None:
            return compared, None
        compared += 1
        if a is None or b is None:
            row = a if a is not None else b
            assert row is not None
            where = "only in the live ledger" if b is None else "missing from the live ledger"
            return compared, f"{table.name} {_key(row, pk)}: {where}"
        if _key(a, pk) != _key(b, pk):
            return compared, f"{table.name}: live has {_key(a, pk)}, the log gives {_key(b, pk)}"
        for column in a:
            if a[column] != b[column]:
                return compared, (
                    f"{table.name} {_key(a, pk)}: {column} is {a[column]!r} in the live ledger, "
                    f"{b[column]!r} from the log"
                )


def _key(row: dict[str, Any], pk: list[str]) -> str:
    return ", ".join(f"{c}={row[c]}" for c in pk)


def check_ledger(app: RedPropertyApp, live_engine: Engine, *, attempts: int = 5) -> CheckReport:
    """Bring the live ledger to the head, rebuild a copy from position 0 in a scratch
    SQLite file up to the same position, and compare every table row by row."""
    projection = SubsidyLedgerProjection()
    live = ProjectionRunner(app, live_engine, projection)
    with tempfile.TemporaryDirectory(prefix="ledger-check-") as tmp:
        scratch_engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}", immediate=True)
        try:
            scratch = ProjectionRunner(app, scratch_engine, projection)
            scratch.create_tables()
            for _ in range(attempts):
                live.catch_up()
                scratch.catch_up(until=live.position)
                live._state = None  # re-read: another writer may have moved it
                if scratch.position == live.position:
                    break
            position, lines = live.position, 0
            if scratch.position != position:
                return CheckReport(False, position, 0, "the log kept moving; try again")
            for table in projection.tables.values():
                compared, difference = _first_difference(live_engine, scratch_engine, table)
                lines += compared
                if difference:
                    return CheckReport(False, position, lines, difference)
            return CheckReport(True, position, lines)
        finally:
            scratch_engine.dispose()
