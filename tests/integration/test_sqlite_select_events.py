"""The SQLite recorder's own `select_events` answers exactly as the library's does."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import build_system
from infra.settings import Settings
from infra.storage.recorders import ChainedSQLiteRecorder
from tests.conftest import SECRET

META = {"actor_id": "t", "role": "district_admin", "scope": "*", "channel": "test"}

QUERIES: list[dict[str, Any]] = [
    {},
    {"gt": 2},
    {"lte": 3},
    {"gt": 1, "lte": 4},
    {"desc": True},
    {"desc": True, "limit": 1},
    {"gt": 2, "desc": True, "limit": 2},
    {"limit": 0},
    {"gt": 99},
]


@pytest.mark.parametrize("query", QUERIES)
def test_ours_equals_the_library_s(tmp_path: Any, query: dict[str, Any]) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/ledger.db", secret=SECRET)
    system = build_system(settings)
    try:
        recorder = system.app.recorder
        assert isinstance(recorder, ChainedSQLiteRecorder)
        with command_context(**META):
            unit = system.app.handle(RegisterOrgUnit(kind="district", code="T1", name="甲")).id
            for n in range(4):
                system.app.handle(RenameOrgUnit(unit_id=unit, name=f"乙 {n}"))
        ours = recorder.select_events(unit, **query)
        theirs = SQLiteApplicationRecorder.select_events(recorder, unit, **query)
        assert ours == theirs
        assert [type(e.originator_id) for e in ours] == [type(e.originator_id) for e in theirs]
        assert recorder.select_events(unit.hex, **query) == theirs
    finally:
        system.close()
