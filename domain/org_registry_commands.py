"""Commands of the org registry (R1)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class RegisterOrgUnit(Command[CommandResult]):
    kind: str
    code: str
    name: str
    parent_id: UUID | None = None
    compound_type: str | None = None
    households: int | None = None


@dataclass(frozen=True, kw_only=True)
class RenameOrgUnit(Command[CommandResult]):
    unit_id: UUID
    name: str
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class MoveCompound(Command[CommandResult]):
    """Move a compound (with its grids) to another community."""

    compound_id: UUID
    community_id: UUID
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class CloseOrgUnit(Command[CommandResult]):
    unit_id: UUID
    reason: str
    expected_version: ExpectedVersion = None
