"""Commands of the grid closed loop (R9/R15): report → accept/refer → handle → feedback →
close, the SLA policy that sets their deadlines, the deadline check, and the erasure of a
reporter's personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ExpectedVersion
from domain.commands import CommandResult
from domain.handling import Command

DEFAULT_POLICY = "default"


@dataclass(frozen=True, kw_only=True)
class DefineSlaPolicy(Command[CommandResult]):
    """Define the named policy, or record a new version of it; in force from
    `effective_from` (default: the business time of the command)."""

    rules: list[dict[str, Any]]
    name: str = DEFAULT_POLICY
    effective_from: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReportIssue(Command[CommandResult]):
    """Report an issue (采集上报) of an open compound, optionally of one of its grids.
    `source_ref` is an external ticket number (a second report with it is refused); the
    reporter's contact is sealed under the reporter's own key (`reporter_ref`)."""

    channel: str
    category: str
    compound_id: UUID
    description: str
    grid_id: UUID | None = None
    building: str | None = None
    priority: str = "normal"
    source_ref: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    reporter_contact: str | None = None
    reporter_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class OnIssue:
    """The fields of every step in the life of one reported issue: which issue, at the
    version the caller expects (If-Match)."""

    issue_id: UUID
    expected_version: ExpectedVersion = None


@dataclass(frozen=True, kw_only=True)
class AcceptIssue(OnIssue, Command[CommandResult]):
    """Accept (受理) and route: to the company serving the compound, to a body by id (the
    community's property-work guidance committee or the street's property-management
    office), or to another department named in free text."""

    company_id: UUID | None = None
    department: str | None = None
    body_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ReferIssueOut(OnIssue, Command[CommandResult]):
    """Refer out: not a property matter."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class LinkDuplicateIssue(OnIssue, Command[CommandResult]):
    """Link as a duplicate of an original."""

    original_id: UUID


@dataclass(frozen=True, kw_only=True)
class StartHandlingIssue(OnIssue, Command[CommandResult]):
    """Start handling (处置)."""


@dataclass(frozen=True, kw_only=True)
class MarkIssueHandled(OnIssue, Command[CommandResult]):
    """Mark handled with a resolution note."""

    resolution: str


@dataclass(frozen=True, kw_only=True)
class GiveIssueFeedback(OnIssue, Command[CommandResult]):
    """Resident feedback (反馈); dissatisfied reopens."""

    rating: str
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReopenIssue(OnIssue, Command[CommandResult]):
    """Reopen a handled issue."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class CloseIssue(OnIssue, Command[CommandResult]):
    """Close after assessment (考核办结)."""

    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordMissedDeadlines(Command[int]):
    """Check each issue's current deadline at `now` and record what is newly missed;
    returns how many issues missed one. A second run records nothing."""

    issue_ids: tuple[UUID, ...]
    now: datetime
    batch: int = 200


@dataclass(frozen=True, kw_only=True)
class EraseReporter(Command[bool]):
    """Forget the reporter's key: every sealed contact of theirs becomes unreadable.
    False when no personal data was kept for them."""

    reporter_ref: str
