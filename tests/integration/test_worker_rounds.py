"""A worker round moves the projections an event does not concern to the head together,
in one transaction, and catches up only those it concerns; positions, rows and every
compare-and-set stay as when each caught up alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, delete, event, select, update

from domain.metadata import command_context
from domain.org_registry_commands import RegisterOrgUnit, RenameOrgUnit
from infra.bootstrap import System
from infra.rebuild import rebuild
from projections.org_closure import OrgClosureProjection, org_chains, org_closure
from projections.org_registry import OrgRegistryProjection, org_units
from projections.positions import projection_positions, read_positions


def _register(system: System) -> list[UUID]:
    with command_context(actor_id="t"):
        district = system.app.handle(RegisterOrgUnit(kind="district", code="D", name="区")).id
        return [
            system.app.handle(
                RegisterOrgUnit(kind="street", code=f"S{s}", name=f"街{s}", parent_id=district)
            ).id
            for s in range(3)
        ]


def _rename(system: System, unit: UUID, name: str) -> str:
    with command_context(actor_id="t"):
        system.app.handle(RenameOrgUnit(unit_id=unit, name=name))
    recorder = system.app.recorder
    return str(recorder.select_notifications(recorder.max_notification_id(), 1)[0].topic)


@contextmanager
def _commits(engine: Engine) -> Iterator[list[int]]:
    seen: list[int] = []

    def committed(_conn: Any) -> None:
        seen.append(1)

    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", committed)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)


def _positions(system: System) -> dict[str, int]:
    with system.read_engine.connect() as conn:
        positions = read_positions(conn)
    return {r.projection.name: positions.get(r.projection.name, 0) for r in system.runners}


def test_untouched_projections_reach_the_head_in_one_transaction(system: System) -> None:
    streets = _register(system)
    system.catch_up()
    with _commits(system.write_engine) as idle:
        system.catch_up()
    topic = _rename(system, streets[0], "新街0")
    head = system.app.recorder.max_notification_id()
    concerned = [r for r in system.runners if topic in r.projection.topics]
    assert 0 < len(concerned) < len(system.runners) - 1

    with _commits(system.write_engine) as commits:
        system.catch_up()

    assert len(commits) == len(idle) + len(concerned) + 1
    assert set(_positions(system).values()) == {head}
    assert [r.cached_position for r in system.runners] == [head] * len(system.runners)


def test_a_round_moves_the_untouched_in_one_statement_and_reads_the_head_once(
    system: System,
) -> None:
    streets = _register(system)
    system.catch_up()
    topic = _rename(system, streets[0], "新街0")
    concerned = [r for r in system.runners if topic in r.projection.topics]
    heads: list[int] = []
    recorder = system.app.recorder
    read_head = recorder.max_notification_id

    def counted_head() -> int | None:
        heads.append(1)
        return read_head()

    recorder.max_notification_id = counted_head  # type: ignore[method-assign]
    try:
        with _statements(system.write_engine) as statements:
            system.catch_up()
    finally:
        del recorder.max_notification_id
    moves = [s for s in statements if s.lstrip().upper().startswith("UPDATE PROJECTION_POSITIONS")]

    assert len(moves) == 2 * len(concerned) + 1  # each concerned: claim and move
    assert len(heads) == 1
    assert set(_positions(system).values()) == {recorder.max_notification_id()}


def test_a_position_another_writer_moved_is_reloaded_not_overwritten(system: System) -> None:
    """Another writer resets the closure (a new generation at position 0, its rows gone)
    after this worker last saw it; a rename does not concern the closure, but the round
    must not store the head over that reset: the closure is read again and rebuilt."""
    streets = _register(system)
    system.catch_up()
    closure = system.runner(OrgClosureProjection.name)
    before = _closure_rows(system)
    with system.write_engine.begin() as conn:  # the other writer
        conn.execute(delete(org_chains))
        conn.execute(delete(org_closure))
        conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name == closure.tracking_name)
            .values(position=0, generation=projection_positions.c.generation + 1)
        )
    topic = _rename(system, streets[1], "新街1")
    assert topic not in closure.projection.topics

    system.catch_up()  # finds the position moved: reloads it
    system.catch_up()  # and replays the closure from the reset

    assert _closure_rows(system) == before
    assert closure.position == system.app.recorder.max_notification_id()


def _closure_rows(system: System) -> list[Any]:
    with system.read_engine.connect() as conn:
        return list(conn.execute(select(org_chains).order_by(org_chains.c.unit_id)).all())


def test_rows_after_rounds_equal_a_rebuild(system: System) -> None:
    streets = _register(system)
    system.catch_up()
    for round_ in range(3):
        _rename(system, streets[round_], f"第{round_}街")
        system.catch_up()
    with system.read_engine.connect() as conn:
        live = conn.execute(select(org_units).order_by(org_units.c.id)).all()
    rebuild(system.app, system.write_engine, OrgRegistryProjection())
    with system.read_engine.connect() as conn:
        assert conn.execute(select(org_units).order_by(org_units.c.id)).all() == live
    assert {row.name for row in live} >= {"第0街", "第1街", "第2街"}


def _topic(system: System) -> str:
    recorder = system.app.recorder
    return str(recorder.select_notifications(recorder.max_notification_id(), 1)[0].topic)
