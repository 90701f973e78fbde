"""Whether the caller's org scope covers a unit: the one place routes ask it."""

from __future__ import annotations

from uuid import UUID

from api.auth import require_scope
from api.commands import services


def org_ancestry(unit_id: UUID, field: str | None = None) -> list[UUID]:
    """The unit and every unit above it (its street, the district)."""
    return services().app.org_ancestry(unit_id, field)


def require_org_scope(unit_id: UUID, field: str | None = None) -> None:
    """403 unless the caller's scope covers the unit or one above it; an unknown unit is a
    422 on `field`."""
    require_scope(org_ancestry(unit_id, field))
