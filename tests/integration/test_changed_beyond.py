"""Before a command, a route asks whether an event that changes a read model's row lies
beyond the projection's position (api/scope.py `fresh_row`). When the read models share the
log's database that is one statement on the read connection; when they live elsewhere, the
position is read there and the log asked through the recorder. Both answer alike."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.utils import get_topic

from domain.metadata import command_context
from domain.org_registry import OrgUnit
from domain.org_registry_commands import MoveCompound, RegisterOrgUnit
from infra.projection_worker import Freshness
from projections.org_closure import OrgClosureProjection

CLOSURE = OrgClosureProjection.name
MOVED = get_topic(OrgUnit.Moved)  # type: ignore[attr-defined]


def _tree(system: Any) -> tuple[Any, Any]:
    """A compound and a second community to move it to."""
    with command_context(actor_id="t"):
        handle = system.app.handle
        district = handle(RegisterOrgUnit(kind="district", code="D", name="区")).id
        street = handle(RegisterOrgUnit(kind="street", code="S", name="街", parent_id=district)).id
        first, second = (
            handle(RegisterOrgUnit(kind="community", code=c, name=c, parent_id=street)).id
            for c in ("C1", "C2")
        )
        compound = handle(
            RegisterOrgUnit(
                kind="compound", code="Q", name="小区", parent_id=first, compound_type="open"
            )
        ).id
    return compound, second


@pytest.fixture(params=["shared database", "recorder"])
def freshness(request: Any, system: Any) -> Freshness:
    if request.param == "recorder":
        return Freshness(system.read_engine, recorder=system.app.recorder, events=None)
    assert system.freshness.events is not None  # the tests' views share the log's database
    return system.freshness


def _changed(system: Any, freshness: Freshness, topics: list[str]) -> bool:
    with system.read_engine.connect() as conn:
        return freshness.changed_beyond(conn, CLOSURE, topics)


def test_a_move_beyond_the_closure_is_seen_until_the_closure_applies_it(
    system: Any, freshness: Freshness
) -> None:
    compound, second = _tree(system)
    system.catch_up()
    assert not _changed(system, freshness, [MOVED])

    with command_context(actor_id="t"):
        system.app.handle(MoveCompound(compound_id=compound, community_id=second))

    assert _changed(system, freshness, [MOVED])
    assert not _changed(system, freshness, ["no.such.Topic", "another.Topic"])
    system.catch_up()
    assert not _changed(system, freshness, [MOVED])


def test_a_projection_with_no_position_yet_counts_from_the_start(
    system: Any, freshness: Freshness
) -> None:
    _tree(system)
    registered = get_topic(OrgUnit.Registered)  # type: ignore[attr-defined]
    with system.read_engine.connect() as conn:
        assert freshness.changed_beyond(conn, "never_ran", [registered])
        assert not freshness.changed_beyond(conn, "never_ran", [MOVED])
