"""Whether the caller's org scope covers a unit, and the read-model rows routes check
before a command: the one place routes ask either, never replaying an aggregate.

A read model trails the log by the projection lag. So `fresh_row` reads a row again once its
projection has reached the head of the log (bounded by the read wait; 409 if it does not get
there) when the row is missing, when an event that changes it lies beyond the projection's
position, or when the caller's scope does not cover it: a resource created or changed a
moment ago is judged by its current state. Org scope comes from the org-ancestry closure
(projections/org_closure.py), which only a unit's registration or a compound's move changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic
from flask import g
from sqlalchemy import Connection

from api.auth import principal, require_scope
from api.commands import ensure_fresh, services
from domain.errors import NotFound, RuleViolation
from domain.org_registry import OrgUnit
from projections import issue_board, org_closure

CLOSURE = org_closure.OrgClosureProjection.name
BOARD = issue_board.IssueBoardProjection.name
MOVED = get_topic(OrgUnit.Moved)  # type: ignore[attr-defined]

R = TypeVar("R")


def fresh_row(
    projection: str,
    read: Callable[[Connection], R | None],
    *,
    covered: Callable[[R], bool] | None = None,
    changed_by: Iterable[str] = (),
) -> R | None:
    """What `read` finds in the projection's tables (None: not there), read again at the
    head of the log if it is missing, if an event of a `changed_by` topic lies beyond the
    projection's position, or if `covered` says the caller's scope does not cover it."""
    topics = list(changed_by)
    freshness = services().freshness
    with services().read_engine.connect() as conn:  # the log first: the row is no older
        changed = freshness.changed_beyond(conn, projection, topics) if topics else False
        row = read(conn)
    if row is None or (covered is not None and not covered(row)) or changed:
        _wait_for_head(projection)
        row = _read_with(read)
    return row


def found(row: R | None, label: str, row_id: Any, field: str | None = None) -> R:
    """The row; a missing one is a 404, or a 422 on `field` when the input named it."""
    if row is not None:
        return row
    message = f"no {label} with id {row_id}"
    if field:
        raise RuleViolation(message, field=field)
    raise NotFound(message)


def org_ancestry(unit_id: UUID, field: str | None = None) -> list[UUID]:
    """The unit and every unit above it, nearest first. An unknown unit is a 422 on `field`
    (a 404 without one)."""
    return _place(unit_id, field)[1]


def org_unit_kind(unit_id: UUID) -> str:
    """The unit's kind (it never changes); an unknown unit, or a body, is a 404."""
    kind = _place(unit_id)[0]
    if not org_closure.is_unit(kind):
        raise NotFound(f"no OrgUnit with id {unit_id}")
    return kind


def _place(unit_id: UUID, field: str | None = None) -> tuple[str, list[UUID]]:
    """The unit's kind and ancestry, read once per request (a route often checks a unit,
    then the caller's scope over it)."""
    known: dict[UUID, tuple[str, list[UUID]]] = g.setdefault("org_places", {})
    place = known.get(unit_id)
    if place is None:
        read = fresh_row(CLOSURE, lambda conn: org_closure.place(conn, unit_id), changed_by=[MOVED])
        place = known[unit_id] = found(read, "OrgUnit", unit_id, field)
    return place


def require_org_scope(unit_id: UUID, field: str | None = None) -> None:
    """403 unless the caller's scope covers the unit or one above it; an unknown unit is a
    422 on `field`."""
    require_scope(org_ancestry(unit_id, field))


def _read_with(read: Callable[[Connection], R | None]) -> R | None:
    with services().read_engine.connect() as conn:
        return read(conn)


def _wait_for_head(projection: str) -> None:
    ensure_fresh(projection, min_position=services().app.recorder.max_notification_id() or 0)


def issue_units(row: Mapping[str, Any]) -> list[UUID]:
    """The units an issue board row belongs to: its grid, compound, community and street, and
    the company it is routed to."""
    units = (
        row["grid_id"],
        row["compound_id"],
        row["community_id"],
        row["street_id"],
        row["company_id"],
    )
    return [UUID(unit) for unit in units if unit]


def require_issue_scope(issue_id: UUID) -> None:
    """403 unless the caller's scope covers one of the issue's units, read from the issue
    board; a refusal, or an issue the board does not know yet, is read again once the board
    has reached the head of the log (an issue reported or accepted a moment ago counts)."""
    row = fresh_row(
        BOARD,
        lambda conn: issue_board.get_issue(conn, str(issue_id)),
        covered=lambda issue: principal().covers(issue_units(issue)),
    )
    require_scope(issue_units(found(row, "ServiceIssue", issue_id)))
