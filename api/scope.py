"""Whether the caller's org scope covers a unit: the one place routes ask it, answered from
the org-ancestry closure read model (projections/org_closure.py).

The closure trails the log by the projection lag, and only two kinds of event change it: a
unit's registration (a unit it does not know yet) and a compound's move. So the answer is
read again once the closure has reached the head of the log (bounded by the read wait; 409
if it does not get there) when the unit is unknown to it or a move lies beyond its
position: a unit registered or moved a moment ago is found where the registry has it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from api.auth import principal, require_scope
from api.commands import ensure_fresh, services
from domain.errors import NotFound, RuleViolation
from domain.org_registry import OrgUnit
from projections import issue_board, org_closure

CLOSURE = org_closure.OrgClosureProjection.name
BOARD = issue_board.IssueBoardProjection.name
MOVED = get_topic(OrgUnit.Moved)  # type: ignore[attr-defined]


def org_ancestry(unit_id: UUID, field: str | None = None) -> list[UUID]:
    """The unit and every unit above it, nearest first. An unknown unit is a 422 on `field`
    (a 404 without one)."""
    svc = services()
    position = svc.freshness.positions([CLOSURE])[CLOSURE]
    chain = _read(unit_id)
    if not chain or _move_beyond(position):
        _wait_for_head()
        chain = _read(unit_id)
    if not chain:
        message = f"no OrgUnit with id {unit_id}"
        if field:
            raise RuleViolation(message, field=field)
        raise NotFound(message)
    return chain


def org_unit_kind(unit_id: UUID) -> str:
    """The unit's kind (it never changes); an unknown unit is a 404."""
    kind = _kind(unit_id)
    if kind is None:
        _wait_for_head()
        kind = _kind(unit_id)
    if kind is None:
        raise NotFound(f"no OrgUnit with id {unit_id}")
    return kind


def require_org_scope(unit_id: UUID, field: str | None = None) -> None:
    """403 unless the caller's scope covers the unit or one above it; an unknown unit is a
    422 on `field`."""
    require_scope(org_ancestry(unit_id, field))


def _read(unit_id: UUID) -> list[UUID]:
    with services().read_engine.connect() as conn:
        return org_closure.ancestry(conn, unit_id)


def _kind(unit_id: UUID) -> str | None:
    with services().read_engine.connect() as conn:
        return org_closure.unit_kind(conn, unit_id)


def _wait_for_head(projection: str = CLOSURE) -> None:
    ensure_fresh(projection, min_position=services().app.recorder.max_notification_id() or 0)


def _move_beyond(position: int) -> bool:
    recorder = services().app.recorder
    return bool(recorder.select_notifications(position + 1, 1, topics=[MOVED]))


def issue_units(row: Mapping[str, Any]) -> list[UUID]:
    """The units an issue board row belongs to: its compound, community and street, and the
    company it is routed to."""
    units = (row["compound_id"], row["community_id"], row["street_id"], row["company_id"])
    return [UUID(unit) for unit in units if unit]


def require_issue_scope(issue_id: UUID) -> None:
    """403 unless the caller's scope covers one of the issue's units, read from the issue
    board; a refusal, or an issue the board does not know yet, is read again once the board
    has reached the head of the log (an issue reported or accepted a moment ago counts)."""
    row = _issue_row(issue_id)
    if row is None or not principal().covers(issue_units(row)):
        _wait_for_head(BOARD)
        row = _issue_row(issue_id)
    if row is None:
        raise NotFound(f"no ServiceIssue with id {issue_id}")
    require_scope(issue_units(row))


def _issue_row(issue_id: UUID) -> dict[str, Any] | None:
    with services().read_engine.connect() as conn:
        return issue_board.get_issue(conn, str(issue_id))
