"""Whether the caller's org scope covers a unit: the one place routes ask it, answered from
the org-ancestry closure read model (projections/org_closure.py).

The closure trails the log by the projection lag. A unit it does not know yet, or a unit it
places outside the caller's scope, is asked again once the closure has reached the head of
the log (bounded by the read wait; 409 if it does not get there): a unit registered or moved
a moment ago is found where the registry has it."""

from __future__ import annotations

from uuid import UUID

from api.auth import principal, require_scope
from api.commands import ensure_fresh, services
from domain.errors import NotFound, RuleViolation
from projections import org_closure


def org_ancestry(unit_id: UUID, field: str | None = None) -> list[UUID]:
    """The unit and every unit above it, nearest first. An unknown unit is a 422 on `field`
    (a 404 without one)."""
    chain = _read(unit_id) or _read(unit_id, at_head=True)
    if not chain:
        message = f"no OrgUnit with id {unit_id}"
        if field:
            raise RuleViolation(message, field=field)
        raise NotFound(message)
    return chain


def require_org_scope(unit_id: UUID, field: str | None = None) -> None:
    """403 unless the caller's scope covers the unit or one above it; an unknown unit is a
    422 on `field`."""
    chain = org_ancestry(unit_id, field)
    if not principal().covers(chain):
        chain = _read(unit_id, at_head=True) or chain
    require_scope(chain)


def _read(unit_id: UUID, *, at_head: bool = False) -> list[UUID]:
    svc = services()
    if at_head:
        head = svc.app.recorder.max_notification_id() or 0
        ensure_fresh(org_closure.OrgClosureProjection.name, min_position=head)
    with svc.read_engine.connect() as conn:
        return org_closure.ancestry(conn, unit_id)
