"""Commands for grid workers, collection points and the assessment of grid workers
(R9, R10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class RegisterGridWorker(Command[CommandResult]):
    """Register a grid worker (part-time company staff or full-time) on open grids."""

    staff_code: str
    name: str
    employment: str
    company_id: UUID | None = None
    grid_ids: list[UUID] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class AssignGridWorker(Command[CommandResult]):
    """Assign the worker to an open grid."""

    worker_id: UUID
    grid_id: UUID


@dataclass(frozen=True, kw_only=True)
class UnassignGridWorker(Command[CommandResult]):
    """Take the worker off a grid."""

    worker_id: UUID
    grid_id: UUID


@dataclass(frozen=True, kw_only=True)
class OpenCollectionPoint(Command[CommandResult]):
    """Open an issue collection point in a grid workstation."""

    grid_id: UUID
    name: str
    location: str | None = None


@dataclass(frozen=True, kw_only=True)
class CloseCollectionPoint(Command[CommandResult]):
    """Close a collection point, with the reason."""

    point_id: UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class AssessGridWorkers(Command[CommandResult]):
    """Score a company's grid workers for a period on the four R10 dimensions; `lines`
    are {worker_id, dimension, score}."""

    company_id: UUID
    period: str
    assessor_org_id: UUID
    lines: list[dict[str, Any]]
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class SendGridWorkerAssessment(Command[CommandResult]):
    """Send the result back to the company (for awards and performance pay)."""

    assessment_id: UUID
    note: str | None = None
