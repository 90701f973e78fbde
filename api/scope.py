"""Whether the caller's org scope covers a unit: the one place routes ask it."""

from __future__ import annotations

from uuid import UUID

from api.auth import principal, require_scope
from api.commands import services
from domain.service_issues import ServiceIssue


def org_ancestry(unit_id: UUID, field: str | None = None) -> list[UUID]:
    """The unit and every unit above it (its street, the district)."""
    return services().app.org_ancestry(unit_id, field)


def require_org_scope(unit_id: UUID, field: str | None = None) -> None:
    """403 unless the caller's scope covers the unit or one above it; an unknown unit is a
    422 on `field`."""
    require_scope(org_ancestry(unit_id, field))


def issue_units(issue_id: UUID) -> list[UUID]:
    """The units a service issue belongs to: its compound, community and street, and the
    company it is routed to. A missing issue is a 404."""
    issue = services().app.load(ServiceIssue, issue_id)
    units = (issue.compound_id, issue.community_id, issue.street_id, issue.company_id)
    return [unit for unit in units if unit]


def require_issue_scope(issue_id: UUID) -> None:
    """403 unless the caller's scope covers one of the issue's units."""
    require_scope(issue_units(issue_id))


def covers_issue(issue_id: UUID) -> bool:
    """Whether the caller's scope covers one of the issue's units."""
    return principal().covers(issue_units(issue_id))
