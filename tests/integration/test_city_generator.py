"""The city generator is deterministic and goes through the commands."""

from __future__ import annotations

from pathlib import Path

from infra.bootstrap import build_system
from infra.scenario.city import CityPlan, generate
from infra.settings import Settings

PLAN = CityPlan(
    streets=2,
    communities_per_street=2,
    compounds_per_community=2,
    registry_changes_per_day=30,
    days=3,
)


def _log(path: Path) -> list[tuple[int, str, str, int]]:
    system = build_system(Settings(database_url=f"sqlite:///{path}"))
    try:
        ctx = generate(system.app, PLAN)
        notes = system.app.recorder.select_notifications(1, 10_000)
        assert ctx.head == len(notes)
        system.catch_up()
        return [(n.id, n.topic, str(n.originator_id), n.originator_version) for n in notes]
    finally:
        system.close()


def test_same_seed_same_log(tmp_path: Path) -> None:
    first, second = _log(tmp_path / "a.db"), _log(tmp_path / "b.db")
    assert first == second
    topics = {t.rsplit(".", 1)[-1] for _, t, _, _ in first}
    assert {"Registered", "ChildAttached", "Renamed"} <= topics
