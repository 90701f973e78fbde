"""Projection runtime: resume after a crash without double counting, rebuild beside, RYW."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import System, build_system
from infra.projection_runner import ProjectionFailed, ProjectionRunner
from infra.rebuild import rebuild
from projections.org_registry import OrgRegistryProjection, org_units
from projections.positions import read_positions


def _load(system: System, streets: int = 5, communities: int = 4) -> None:
    with command_context(actor_id="t"):
        district = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id
        for s in range(streets):
            street = system.app.handle(
                RegisterOrgUnit(kind="street", code=f"S{s}", name=f"街{s}", parent_id=district)
            ).id
            for c in range(communities):
                community = system.app.handle(
                    RegisterOrgUnit(
                        kind="community", code=f"S{s}C{c}", name=f"社区{s}{c}", parent_id=street
                    )
                ).id
                system.app.handle(RenameOrgUnit(unit_id=community, name=f"新社区{s}{c}"))


def _rows(system: System) -> list[dict[str, Any]]:
    with system.read_engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(org_units).order_by(org_units.c.id))]


class Crash(Exception):
    pass


def test_crash_mid_batch_resumes_without_double_counting(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(system)
    head = system.app.recorder.max_notification_id()
    projection = OrgRegistryProjection()
    runner = ProjectionRunner(system.app, system.write_engine, projection, page_size=7)
    calls = {"n": 0}
    original = OrgRegistryProjection.org_unit_renamed

    def flaky(self: Any, event: Any, view: Any) -> None:
        calls["n"] += 1
        if calls["n"] >= 9:
            raise Crash("the process died here")
        original(self, event, view)

    monkeypatch.setitem(
        OrgRegistryProjection._handlers,
        next(t for t in projection.topics if t.endswith("Renamed")),
        flaky,
    )
    with pytest.raises(ProjectionFailed) as failed:
        runner.catch_up()
    assert isinstance(failed.value.__cause__, Crash)
    stopped_at = runner.position
    assert 0 < stopped_at < head  # some batches committed, the failing one did not
    monkeypatch.undo()

    restarted = ProjectionRunner(system.app, system.write_engine, OrgRegistryProjection())
    restarted.catch_up()
    assert restarted.position == head
    resumed = _rows(system)

    rebuild(system.app, system.write_engine, OrgRegistryProjection())
    assert _rows(system) == resumed
    assert all(r["name"].startswith("新") for r in resumed if r["kind"] == "community")


def test_a_batch_of_several_pages_commits_as_one(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(system)
    head = system.app.recorder.max_notification_id()
    steps: list[int] = []
    runner = ProjectionRunner(
        system.app, system.write_engine, OrgRegistryProjection(), page_size=5, batch_size=15
    )
    runner.catch_up(until=1, progress=steps.append)
    assert steps == [15]  # three pages, one transaction
    before = _rows(system)

    original = OrgRegistryProjection.org_unit_renamed

    def failing(self: Any, event: Any, view: Any) -> None:
        raise Crash("the process died here")

    monkeypatch.setitem(OrgRegistryProjection._handlers, _renamed_topic(), failing)
    fresh = ProjectionRunner(
        system.app, system.write_engine, OrgRegistryProjection(), page_size=5, batch_size=15
    )
    with pytest.raises(ProjectionFailed) as failed:
        fresh.catch_up()
    # the failed batch left no trace; then one event per transaction up to the failing one
    assert failed.value.position > 15 and fresh.position == failed.value.position - 1
    assert _rows(system) != before  # the registrations before it are applied
    monkeypatch.setitem(OrgRegistryProjection._handlers, _renamed_topic(), original)
    fresh.catch_up()
    assert fresh.position == head
    assert all(r["name"].startswith("新") for r in _rows(system) if r["kind"] == "community")


def test_a_batch_ends_early_once_enough_rows_wait_to_be_written(system: System) -> None:
    head, steps = _batches(system, batch_rows=8)
    assert sum(steps) == head and len(steps) >= 3  # not one batch of up to 1000 events
    assert all(step % 5 == 0 for step in steps[:-1])  # closed after the page that filled it


def test_a_batch_ends_after_the_page_that_outlasted_its_time(system: System) -> None:
    head, steps = _batches(system, batch_seconds=0.0)
    assert sum(steps) == head
    assert all(step == 5 for step in steps[:-1])  # one page each, never none


def _batches(system: System, **bounds: Any) -> tuple[int, list[int]]:
    """The log head, and the positions each batch advanced: pages of 5, batches of up to
    1000 events unless `bounds` close them earlier."""
    _load(system)
    steps: list[int] = []
    runner = ProjectionRunner(
        system.app,
        system.write_engine,
        OrgRegistryProjection(),
        page_size=5,
        batch_size=1000,
        **bounds,
    )
    runner.catch_up(progress=steps.append)
    return system.app.recorder.max_notification_id(), steps


def _renamed_topic() -> str:
    return next(t for t in OrgRegistryProjection().topics if t.endswith("Renamed"))


def test_stopping_between_batches_then_resuming(system: System) -> None:
    _load(system)
    head = system.app.recorder.max_notification_id()
    first = ProjectionRunner(system.app, system.write_engine, OrgRegistryProjection(), page_size=5)
    first.catch_up(until=20)
    assert 20 <= first.position < head
    second = ProjectionRunner(system.app, system.write_engine, OrgRegistryProjection(), page_size=5)
    second.catch_up()
    assert second.position == head
    assert len(_rows(system)) == 1 + 5 + 20


def test_two_runners_on_one_projection_do_not_double_apply(system: System) -> None:
    _load(system)
    a = ProjectionRunner(system.app, system.write_engine, OrgRegistryProjection(), page_size=3)
    b = ProjectionRunner(system.app, system.write_engine, OrgRegistryProjection(), page_size=3)
    for _ in range(40):  # interleave the two writers batch by batch
        a.catch_up(until=a.position + 3)
        b.catch_up(until=b.position + 3)
    a.catch_up()
    b.catch_up()
    rows = _rows(system)
    assert len(rows) == 26
    rebuild(system.app, system.write_engine, OrgRegistryProjection())
    assert _rows(system) == rows


def test_rebuild_beside_switches_and_the_live_runner_carries_on(system: System) -> None:
    _load(system, streets=2, communities=2)
    system.catch_up()
    before = _rows(system)
    rebuild(system.app, system.write_engine, OrgRegistryProjection())
    assert _rows(system) == before
    with command_context(actor_id="t"):
        street = next(r["id"] for r in before if r["kind"] == "street")
        system.app.handle(RenameOrgUnit(unit_id=UUID(street), name="改名后"))
    system.catch_up()  # the live runner notices the switch (new generation) and reloads
    names = {r["id"]: r["name"] for r in _rows(system)}
    assert names[street] == "改名后"
    with system.read_engine.connect() as conn:
        assert read_positions(conn)["org_registry"] == system.app.recorder.max_notification_id()


def test_rebuild_whose_row_cache_overflows_reads_evicted_rows_back(system: System) -> None:
    """A rebuild trusts its cache as the whole table only until the cache first evicts."""
    _load(system, streets=3, communities=3)
    system.catch_up()
    live = _rows(system)
    rebuild(system.app, system.write_engine, OrgRegistryProjection(), page_size=4, cache_rows=3)
    assert _rows(system) == live
    assert {r["street_id"] for r in live if r["kind"] == "community"} == {
        r["id"] for r in live if r["kind"] == "street"
    }


def test_read_your_writes_across_processes_waits_for_the_worker(make_settings: Any) -> None:
    writer = build_system(make_settings())
    reader = build_system(make_settings(), start_worker=True)
    try:
        with command_context(actor_id="t"):
            result = writer.app.handle(RegisterOrgUnit(kind="district", code="D", name="区"))
        reached, at = reader.freshness.wait(["org_registry"], result.position, timeout=10)
        assert reached and at >= result.position
    finally:
        reader.close()
        writer.close()
