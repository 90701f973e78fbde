"""`Freshness.positions` (every read that names a position, every poll while a read waits)
answers what `read_positions` answers, with one statement bound by name (issue 14)."""

from __future__ import annotations

from typing import Any

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit
from projections.positions import read_positions
from tests.integration.test_write_path import META


def test_positions_by_name_match_the_stored_positions(system: Any) -> None:
    with command_context(**META):
        for n in range(3):
            system.app.handle(RegisterOrgUnit(kind="district", code=f"F{n}", name=f"区{n}"))
    system.catch_up()
    names = [runner.projection.name for runner in system.runners]
    with system.freshness.engine.connect() as conn:
        stored = read_positions(conn)
    assert any(stored.values())
    for chosen in (names[:1], names[:2], names, [names[0], "no_such_projection"]):
        assert system.freshness.positions(chosen) == {n: stored.get(n, 0) for n in chosen}
    assert system.freshness.positions(["no_such_projection"]) == {"no_such_projection": 0}
