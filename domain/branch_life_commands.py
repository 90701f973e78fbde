"""Commands of branch life (R6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.commands import CommandResult
from domain.handling import Command


@dataclass(frozen=True, kw_only=True)
class HoldBranchMeeting(Command[CommandResult]):
    org_id: UUID
    kind: str
    held_on: date
    platform: str
    title: str
    attendees: list[str]


@dataclass(frozen=True, kw_only=True)
class CancelBranchMeeting(Command[CommandResult]):
    meeting_id: UUID
    reason: str
