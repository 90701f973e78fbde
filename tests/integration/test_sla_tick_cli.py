"""`redprop sla tick` records missed deadlines once: a second run records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from infra.bootstrap import build_system
from infra.cli.main import main
from infra.settings import Settings
from tests.grid_helpers import at, report, small_district


def test_sla_tick_twice_records_once(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/tick.db"
    monkeypatch.setenv("REDPROP_DATABASE_URL", url)
    system = build_system(Settings(database_url=url))
    ids = small_district(system.app)
    with at("2020-03-01T10:00:00"):
        report(system.app, ids, 2, category="thrown_objects")  # 5-minute accept deadline
        report(system.app, ids, 1)  # heating: 2 hours
    system.close()
    runner = CliRunner()
    first = runner.invoke(main, ["sla", "tick", "--at", "2020-03-01T10:30:00"])
    assert first.exit_code == 0, first.output
    assert "1 newly missed" in first.output
    again = runner.invoke(main, ["sla", "tick", "--at", "2020-03-01T10:30:00"])
    assert "0 newly missed" in again.output
    later = runner.invoke(main, ["sla", "tick", "--at", "2020-03-01T13:00:00"])
    assert "2 overdue issues checked, 1 newly missed" in later.output
