"""Commands of the bodies under communities and streets (R1): 社区党组织, 居委会,
街道物业管理办公室, 社区物业工作指导委员会."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class EstablishOrgBody(Command[CommandResult]):
    """Establish a body of `kind` under its community (or, for a street property office,
    its street) on `established_on`."""

    kind: str
    parent_id: UUID
    name: str
    established_on: date


@dataclass(frozen=True, kw_only=True)
class RenameOrgBody(Command[CommandResult]):
    body_id: UUID
    name: str
    on: date
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class DissolveOrgBody(Command[CommandResult]):
    body_id: UUID
    on: date
    reason: str
    expected_version: ExpectedVersion = None
